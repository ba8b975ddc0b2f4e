// Tests for completion candidates computed from the text before the cursor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completionsAt } from './candidates';
import { declaredSockets, firstEventLine, roleAt, targetAt } from './lineContext';

const SOCKETS = ['server', 'client'];
const labels = (prefix: string) => completionsAt(prefix, SOCKETS).items.map((c) => c.label);
const inserts = (prefix: string) => completionsAt(prefix, SOCKETS).items.map((c) => c.insertText ?? c.label);

test('at the start of a line: the declarations', () => {
  assert.deepEqual(labels(''), ['socket', 'link']);
  assert.deepEqual(labels('li'), ['socket', 'link']);
  assert.deepEqual(completionsAt('li', SOCKETS).from, 0);
  assert.deepEqual(labels('+20'), [], 'a time being typed');
});

test('socket declarations: states after the name, then fields and options as name=', () => {
  assert.deepEqual(labels('socket '), [], 'the new name is free');
  assert.ok(labels('socket x ').includes('TCP_CLOSE_WAIT'));
  assert.equal(labels('socket x ').length, 11);
  assert.equal(completionsAt('socket x TCP_E', SOCKETS).from, 9);
  const fields = inserts('socket x ESTABLISHED write_seq=1 ');
  for (const f of ['write_seq=', 'fin_seq=', 'shutdown=', 'timer.expires=', 'listener=', 'partial=']) assert.ok(fields.includes(f), f);
  assert.ok(!fields.includes('timer='), 'a declaration cannot set a timer');
  assert.deepEqual(labels('socket x E listener='), SOCKETS);
  assert.ok(labels('socket x E state=').includes('TCP_LISTEN'));
});

test('links: two different sockets, then delay= with its units', () => {
  assert.deepEqual(labels('link '), SOCKETS);
  assert.deepEqual(labels('link client '), ['server']);
  assert.deepEqual(inserts('link client server '), ['delay=']);
  assert.deepEqual(labels('link a b delay=10'), ['10ms', '10s', '10m', '10j']);
  assert.equal(completionsAt('link a b delay=10', SOCKETS).from, 'link a b delay='.length);
});

test('after a time: sockets and the keywords that start an event', () => {
  assert.deepEqual(labels('0 '), ['server', 'client', 'expect', 'drop', 'set', 'wait']);
  assert.deepEqual(labels('+20ms  se'), ['server', 'client', 'expect', 'drop', 'set', 'wait']);
  assert.equal(completionsAt('+20ms  se', SOCKETS).from, 7);
  assert.deepEqual(labels('0 server '), ['<', '>', 'close', 'call', 'wait', 'listen', 'connect', 'accept', 'shutdown', 'write', 'read']);
  assert.deepEqual(labels('0 expect '), SOCKETS);
  assert.deepEqual(labels('0 drop client '), ['>']);
  assert.deepEqual(labels('0 wait '), []);
});

test("the socket layer's calls: connect and accept name a socket, shutdown a direction, listen takes backlog=", () => {
  assert.deepEqual(labels('0 client connect '), ['server']);
  assert.deepEqual(labels('0 server accept '), ['client']);
  assert.deepEqual(labels('0 client shutdown '), ['rd', 'wr', 'rdwr']);
  assert.deepEqual(inserts('0 server listen 80 '), ['backlog=']);
  assert.deepEqual(labels('0 server listen '), [], 'the port is a number: nothing to offer');
  assert.deepEqual(labels('0 client write '), []);
});

test('flags after < and >, with or without a space, then segment fields', () => {
  for (const p of ['0 server <', '0 server < ', '0 server >', '0 drop client > ']) assert.ok(labels(p).includes('F.'), p);
  assert.equal(completionsAt('0 server <', SOCKETS).from, 10);
  assert.equal(completionsAt('0 server <F', SOCKETS).from, 10);
  assert.deepEqual(inserts('0 server < F. '), ['seq=', 'ack=', 'len=', 'win=', 'mss=']);
  assert.ok(completionsAt('0 server < F. ', SOCKETS).items.every((c) => c.retrigger));
});

test('expect and set: sk fields, and the values a field takes', () => {
  const expect = inserts('0 expect server ');
  assert.ok(expect.includes('timer=') && expect.includes('retransmit_timer=') && expect.includes('state='));
  assert.ok(!inserts('0 set server ').includes('timer='), 'set cannot assign a timer');
  assert.ok(inserts('0 set server ').includes('rto='));
  assert.deepEqual(labels('0 expect server timer='), ['TIME_WRITE', 'TIME_CLOSE', 'TIME_KEEPOPEN', 'TIME_DESTROY', 'TIME_DONE', 'TIME_PROBE0', 'none']);
  assert.ok(labels('0 expect server state=TCP_').includes('TCP_TIME_WAIT'));
  assert.equal(completionsAt('0 expect server state=TCP_', SOCKETS).from, '0 expect server state='.length);
  const or = completionsAt('0 expect server shutdown=RCV_SHUTDOWN|SE', SOCKETS);
  assert.equal(or.from, '0 expect server shutdown=RCV_SHUTDOWN|'.length, 'a|b completes the part after the last |');
  assert.ok(or.items.some((c) => c.label === 'SEND_SHUTDOWN'));
  assert.deepEqual(labels('0 expect server write_seq='), []);
});

test('call: kernel functions, then flags or the function\'s integer arguments', () => {
  const fns = labels('0 server call ');
  assert.ok(fns.includes('tcp_fin') && fns.includes('tcp_close_state'));
  assert.ok(!fns.includes('net_timer'), 'timer handlers cannot be called from a scenario');
  const after = inserts('0 server call tcp_close_state ');
  assert.ok(after.includes('F.') && after.includes('dead=') && after.includes('seq='));
  assert.ok(inserts('0 server call tcp_fin F. ').includes('seq='));
  assert.deepEqual(inserts('0 server close '), ['timeout=']);
});

test('nothing inside a comment', () => {
  assert.deepEqual(labels('0 server # '), []);
  assert.deepEqual(labels('# socket '), []);
});

test('roles of the words of a line', () => {
  const w = '0 server call tcp_fin F. seq=1'.split(' ');
  assert.deepEqual(
    w.map((_, i) => roleAt(w, i).kind),
    ['time', 'eventHead', 'keyword', 'function', 'flagsOrAssignment', 'assignment'],
  );
  assert.deepEqual(roleAt(['socket', 'a', 'ESTABLISHED'], 2), { kind: 'state' });
  assert.deepEqual(roleAt(['socket', 'a', 'write_seq=1'], 2), { kind: 'assignment', context: 'declaration' });
  assert.deepEqual(roleAt(['hello', 'x'], 1), { kind: 'unknown' });
});

test('the target under the cursor: a whole word, one side of name=value, one part of a|b', () => {
  const line = '+0 expect s shutdown=RCV_SHUTDOWN|SEND_SHUTDOWN';
  const at = (s: string, k = 0) => targetAt(line, line.indexOf(s) + k);
  assert.equal(at('expect')?.text, 'expect');
  assert.deepEqual([at('shutdown')?.side, at('shutdown')?.text], ['name', 'shutdown']);
  assert.deepEqual([at('RCV')?.side, at('RCV')?.text, at('RCV')?.start], ['value', 'RCV_SHUTDOWN', line.indexOf('RCV')]);
  assert.equal(at('SEND', 3)?.text, 'SEND_SHUTDOWN');
  assert.equal(targetAt(line, 2), undefined, 'a blank');
  assert.equal(targetAt('0 s close # comment', 12), undefined, 'a comment');
});

test('declared sockets and the first event line', () => {
  const text = '# c\nsocket a TCP_LISTEN\nsocket b write_seq=1\nlink a b\n\n+0 a close\n0 b close\n';
  assert.deepEqual(declaredSockets(text), [
    { name: 'a', line: 1, state: 'TCP_LISTEN' },
    { name: 'b', line: 2, state: undefined },
  ]);
  assert.equal(firstEventLine(text), 5);
  assert.equal(firstEventLine('socket a ESTABLISHED\n'), undefined);
});
