// Tests for what hovers say: which glossary entries and messages a word under the cursor gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeAt, DESCRIBE_MESSAGES, escapeMarkdown, type HoverModel } from './describe';

const DOC = [
  'socket server TCP_ESTABLISHED write_seq=5000 shutdown=SHUTDOWN_MASK|1   # a comment',
  'link server client delay=10ms',
  '0      server < FR. seq=1000',
  '+20ms  server close',
  '+0     expect server state=8 timer=TIME_CLOSE timer.expires=6204 retransmit_timer=none',
  '+0     server call tcp_close_state dead=1',
  '+0     expect ghost state=CLOSE_WAIT',
  '+0     server listen 80 backlog=2',
  '+0     client connect server',
  '+0     client shutdown wr',
].join('\n');

function hover(line: number, word: string, nth = 0): HoverModel | undefined {
  const src = DOC.split('\n')[line];
  let at = -1;
  for (let i = 0; i <= nth; i++) at = src.indexOf(word, at + 1);
  assert.ok(at >= 0, `${word} on line ${line}`);
  return describeAt(DOC, line, at);
}
const names = (m: HoverModel | undefined) => m?.sections.map((s) => (s.kind === 'entry' ? `${s.entry.kind}:${s.entry.name}` : s.message.text)) ?? [];

test('states, as a declaration, a value, or a number', () => {
  assert.deepEqual(names(hover(0, 'TCP_ESTABLISHED')), ['state:TCP_ESTABLISHED']);
  assert.deepEqual(names(hover(6, 'CLOSE_WAIT')), ['state:TCP_CLOSE_WAIT']);
  assert.deepEqual(names(hover(4, '8')), [DESCRIBE_MESSAGES.stateNumber, 'state:TCP_CLOSE_WAIT']);
  const m = hover(0, 'TCP_ESTABLISHED')!;
  assert.deepEqual([m.line, m.start, m.end], [0, 14, 29]);
});

test('fields, timer reasons, constants and numbers', () => {
  assert.deepEqual(names(hover(0, 'write_seq')), ['field:write_seq']);
  assert.deepEqual(names(hover(0, 'SHUTDOWN_MASK')), ['constant:SHUTDOWN_MASK']);
  assert.deepEqual(names(hover(0, '5000')), [DESCRIBE_MESSAGES.number]);
  assert.deepEqual(names(hover(4, 'timer', 0)), ['field:timer']);
  assert.deepEqual(names(hover(4, 'TIME_CLOSE')), ['timer:TIME_CLOSE']);
  assert.deepEqual(names(hover(4, 'timer.expires')), ['field:timer.expires']);
  assert.deepEqual(names(hover(4, 'none')), ['constant:none']);
  assert.deepEqual(names(hover(2, 'seq')), ['segmentField:seq']);
});

test('flags, one entry per letter', () => {
  assert.deepEqual(names(hover(2, 'FR.')), ['flag:F', 'flag:R', 'flag:.']);
  assert.deepEqual(names(hover(2, '<')), ['keyword:<']);
});

test('times: jiffies, the scenario clock, and the unit', () => {
  const m = hover(3, '+20ms')!;
  assert.deepEqual(names(m), [DESCRIBE_MESSAGES.relative, DESCRIBE_MESSAGES.clock, 'unit:ms']);
  assert.deepEqual(m.sections[0].kind === 'message' && m.sections[0].message.args, ['+20ms', '2']);
  assert.deepEqual(names(hover(1, '10ms')), [DESCRIBE_MESSAGES.absolute, 'unit:ms']);
});

test('sockets, keywords, functions and call arguments', () => {
  const s = hover(3, 'server')!;
  assert.deepEqual(names(s), [DESCRIBE_MESSAGES.socket, 'state:TCP_ESTABLISHED']);
  assert.deepEqual(s.sections[0].kind === 'message' && s.sections[0].message.args, ['server', '1', 'TCP_ESTABLISHED']);
  assert.deepEqual(names(hover(6, 'ghost')), [DESCRIBE_MESSAGES.undeclared]);
  assert.deepEqual(names(hover(3, 'close')), ['keyword:close']);
  assert.deepEqual(names(hover(5, 'tcp_close_state')), ['function:tcp_close_state']);
  assert.deepEqual(names(hover(5, 'dead')), [DESCRIBE_MESSAGES.argument]);
  assert.deepEqual(names(hover(1, 'delay')), ['option:delay']);
});

test("the socket layer's calls: each keyword, listen's backlog, connect's peer, shutdown's direction", () => {
  assert.deepEqual(names(hover(7, 'listen')), ['keyword:listen']);
  assert.deepEqual(names(hover(7, 'backlog')), ['option:backlog']);
  assert.deepEqual(names(hover(8, 'connect')), ['keyword:connect']);
  assert.deepEqual(names(hover(8, 'server')), [DESCRIBE_MESSAGES.socket, 'state:TCP_ESTABLISHED']);
  assert.deepEqual(names(hover(9, 'shutdown')), ['keyword:shutdown']);
  assert.deepEqual(names(hover(9, 'wr')), ['keyword:shutdown'], 'the direction explains shutdown');
});

test('a time word that does not parse explains nothing (the diagnostics say what is wrong with it)', () => {
  for (const bad of ['+5parsecs', '12', '1.5.5s']) {
    const text = `socket a TCP_ESTABLISHED\n${bad} a close\n`;
    assert.deepEqual(describeAt(text, 1, 1)?.sections ?? [], [], bad);
  }
  assert.ok(describeAt('socket a TCP_ESTABLISHED\n+50ms a close\n', 1, 1)?.sections.length, 'a good one does');
});

test('nothing on blanks and comments', () => {
  assert.equal(describeAt(DOC, 0, DOC.split('\n')[0].indexOf('comment')), undefined);
  assert.equal(describeAt(DOC, 2, 3), undefined);
  assert.equal(describeAt(DOC, 99, 0), undefined);
});

test('Markdown characters in texts are escaped for the hover', () => {
  assert.equal(escapeMarkdown('3*60*HZ, a|b, <x>'), '3\\*60\\*HZ, a\\|b, \\<x\\>');
  assert.equal(escapeMarkdown('write_seq'), 'write\\_seq');
  assert.equal(escapeMarkdown('plain text.'), 'plain text.');
});
