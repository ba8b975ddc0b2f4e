// The packetdrill importer: the nine real close and shutdown scripts (../shared/packetdrill/, read
// where they are) translate into scenarios the scenario parser accepts, with what is not translated
// reported at its line; hand-written scripts show each translation rule and each bad input's message.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { parseScenario } from '../parse';
import { formatDiagnostic } from '../ast';
import { parsePkt } from './parse';
import { importPkt } from './translate';
import { PKT_ROOT, pktScripts } from './scripts.testkit';

const events = (text: string) =>
  text
    .split('\n')
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('socket '))
    .map((l) => l.replace(/\s*#.*$/, '').replace(/\s+/g, ' '));

test('the nine packetdrill scripts are where the tests read them', () => {
  assert.ok(existsSync(PKT_ROOT), PKT_ROOT);
  assert.equal(pktScripts().length, 9);
});

test('each of the nine scripts translates into a scenario the scenario parser accepts', () => {
  for (const { name, path } of pktScripts()) {
    const r = importPkt(readFileSync(path, 'utf8'), path);
    assert.deepEqual(r.errors.map(formatDiagnostic), [], name);
    const sc = parseScenario(r.text, `${path}.tcpscenario`);
    assert.deepEqual(sc.diagnostics.map(formatDiagnostic), [], `${name}:\n${r.text}`);
    // every event line maps back to a line of the script that is not a comment
    const script = readFileSync(path, 'utf8').split('\n');
    for (const e of sc.events) {
      const pkt = r.lineMap[e.line];
      assert.ok(pkt > 0 && !/^\s*(\/\/|$)/.test(script[pkt - 1]), `${name}: scenario line ${e.line} -> script line ${pkt}`);
    }
    // the shell line at the top is reported, once, at its line
    const shell = r.notes.filter((d) => d.message.includes('shell command'));
    assert.equal(shell.length, 1, name);
    assert.match(script[shell[0].range.start.line - 1], /`\.\.\/common\/defaults\.sh`/);
  }
});

test('a passive open: the listener, the SYN with its mss, the SYN-ACK expected from 1.2 numbered from tcp_init_seq at that jiffy', () => {
  const text = [
    '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3',
    '+0 bind(3, ..., ...) = 0',
    '+0 listen(3, 1) = 0',
    '+.02 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>',
    '+0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>',
    '+0 < . 1:1(0) ack 1 win 257',
    '+0 accept(3, ..., ...) = 4',
    '+.01 < P. 1:101(100) ack 1 win 257',
    '+0 > . 1:1(0) ack 101',
    '+0 close(4) = 0',
  ].join('\n');
  const r = importPkt(text, 'a.pkt');
  assert.deepEqual(r.errors, []);
  // the child's initial sequence number: tcp_init_seq() at 20 ms, 10000 x 2 jiffies
  assert.deepEqual(events(r.text), [
    '0 server listen 8080 backlog=1',
    '0.02s server < S seq=0 win=32792 mss=1000',
    '0.02s server > S. seq=20000 ack=1 mss=1460',
    '0.02s server < . seq=1 ack=20001 win=32896',
    '0.02s server accept conn',
    '0.03s conn < P. seq=1 ack=20001 win=32896 len=100',
    '0.03s conn > . seq=20001 ack=101',
    '0.03s conn close',
  ]);
  assert.ok(r.text.includes('socket server CLOSED   # 1: 0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3'));
  const msgs = r.notes.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.message}`);
  // sackOK and wscale once each (at their first place), the scaled window once
  assert.equal(msgs.filter((m) => m.includes('the option sackOK')).length, 1);
  assert.ok(msgs.some((m) => m.startsWith('4:37 not translated: the option sackOK')), msgs.join('\n'));
  assert.ok(msgs.some((m) => m.startsWith('4:56 not translated: the option wscale')), msgs.join('\n'));
  assert.equal(msgs.filter((m) => m.includes('unscaled: win=32896')).length, 1);
  assert.ok(msgs.some((m) => m.startsWith('5:') && m.includes('not compared: the options sackOK, wscale')));
  // each `>` line is known with the numbers it counts from, for saying how 1.2 differs
  const x = [...r.expectations.values()];
  assert.deepEqual(
    x.map((e) => [e.pktLine, e.socket, e.localIsn, e.remoteIsn]),
    [
      [5, 'server', 20000, 0],
      [9, 'conn', 20000, 0],
    ],
  );
  assert.deepEqual(
    [...r.results.values()].map((e) => [e.pktLine, e.call, e.value]),
    [
      [3, 'listen', 0],
      [7, 'accept', 4],
      [10, 'close', 0],
    ],
  );
});

test('an active open: connect numbers the client from its jiffy; shutdown, write, read; errors and blocking calls are kept for checking', () => {
  const text = [
    '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3',
    '+.01...0.011 connect(3, ..., ...) = 0',
    '+0 > S 0:0(0) <...>',
    '+0 < S. 0:0(0) ack 1 win 5840 <mss 1000>',
    '+0 > . 1:1(0) ack 1',
    '+0 shutdown(3, SHUT_WR) = 0',
    '+0 write(3, ..., 10) = -1 EPIPE (Broken pipe)',
    '+0 read(3, ..., 100) = 0',
  ].join('\n');
  const r = importPkt(text, 'b.pkt');
  assert.deepEqual(r.errors, []);
  // the connect is at 10 ms; its return at 11 ms is what the next `+0` counts from (rounded to 1 jiffy)
  assert.deepEqual(events(r.text), ['0.01s client connect', '0.01s client > S seq=10000', '0.01s client < S. seq=0 ack=10001 win=5840 mss=1000', '0.01s client > . seq=10001 ack=1', '0.01s client shutdown wr', '0.01s client write 10', '0.01s client read 100']);
  const res = [...r.results.values()];
  assert.deepEqual(
    res.map((e) => [e.call, e.value, e.errno ?? '', e.blocking]),
    [
      ['connect', 0, '', true],
      ['shutdown', 0, '', false],
      ['write', -1, 'EPIPE', false],
      ['read', 0, '', false],
    ],
  );
  assert.ok(r.notes.some((d) => d.message.startsWith('times are rounded to whole jiffies')));
});

test('a window and a time that goes back; an unknown descriptor; a segment with no connection: each at its place', () => {
  const w = importPkt(['0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3', '+0 connect(3, ..., ...) = 0', '+.01~+.015 > S 0:0(0)'].join('\n'), 'w.pkt');
  assert.deepEqual(w.errors, []);
  assert.deepEqual(events(w.text), ['0 client connect', '0.02s client > S seq=0']);
  assert.ok(w.notes.some((d) => d.range.start.line === 3 && d.message.startsWith('a window (+.01~+.015): checked at its end')));
  const bad = (lines: string[], want: RegExp, at: string) => {
    const r = importPkt(lines.join('\n'), 'bad.pkt');
    assert.equal(r.text, '');
    const e = r.errors.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.message}`);
    assert.ok(
      e.some((m) => m.startsWith(at) && want.test(m)),
      e.join('\n'),
    );
  };
  bad(['1 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3', '0.5 close(3) = 0'], /the time goes back/, '2:1');
  bad(['0 close(7) = 0'], /'7' is not a socket the script opened/, '1:9');
  bad(['0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3', '+0 < . 1:1(0) ack 1 win 100'], /a segment before any socket listens/, '2:6');
  bad(['0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3', '+0 listen(3, 1) = 0', '+0 < . 1:1(0) ack 1 win 100'], /has not had a SYN/, '3:6');
  bad(['0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3', '+0 connect(3, ..., ...) = 0', '+0 write(3, ..., 99999999) = 1'], /the byte count must be a number from 1 to 65536/, '3:18');
  bad(['0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3', '+0 shutdown(3, SHUT_SIDEWAYS) = 0'], /SHUT_RD, SHUT_WR or SHUT_RDWR, not 'SHUT_SIDEWAYS'/, '2:16');
});

test('the parser: malformed lines are errors at their line and column, and the lines after them are still read', () => {
  const text = ['0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3', '+0 > S 0:5(0)', '+0 close(3 = 0', '+0 bogus(1) == 2', '+0 < S 1:1(0) win', '%{ assert 1', '/* never closed'].join('\n');
  const s = parsePkt(text, 'p.pkt');
  const e = s.diagnostics.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.message}`);
  assert.deepEqual(e, [
    "6:1 a Python block opened with '%{' is never closed with '}%'",
    '2:8 0:5(0): the length is end - start (5)',
    "3:9 the arguments of close( are not closed with ')'",
    "4:14 expected the result of bogus (a whole number), found '='",
    '5:18 expected the value of win (a whole number), found the end of the line',
  ]);
  assert.equal(s.statements.length, 1);
});

test('the parser: a file over 1 MiB is refused whole, with one message at 1:1', () => {
  const s = parsePkt('0 close(3) = 0\n'.repeat(80_000), 'big.pkt');
  assert.equal(s.statements.length, 0);
  assert.match(formatDiagnostic(s.diagnostics[0]), /^big\.pkt:1:1: error: the script is 1200000 bytes: more than 1048576 \(1 MiB\) is not read$/);
});
