// Tests for the scenario language parser: the syntax tree it builds and the diagnostics it reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDiagnostic, type Scenario, type Value } from './ast.js';
import { FLAG_LETTERS, KEYWORDS, parseScenario, parseTime } from './parse.js';
import { formatJiffies, parseDuration } from './time.js';
import { lexLine } from './lexer.js';
import { editDistance, suggest } from './suggest.js';

const EXAMPLE = `socket server TCP_ESTABLISHED write_seq=5000 acked_seq=1000   # a socket, its state, any sk fields
socket client TCP_ESTABLISHED write_seq=1000 acked_seq=5000
socket child SYN_RECV listener=server                          # options that are not sk fields
link client server delay=10ms           # optional: each is the other's peer over a simulated wire

0      server < F. seq=1000 ack=5000    # inbound segment from the scripted peer
+20ms  server close                     # the application calls close()
+0     server > F. seq=5000 ack=1001    # expectation: the socket sends this segment now
+50ms  server < . seq=1001 ack=5001 len=0
+0     expect server state=TCP_CLOSE shutdown=3
+0     drop client > F.                 # on a link: lose the next matching segment
+0     server call tcp_fin FR. seq=1000 # hand a segment straight to a kernel function
+0     server call tcp_close_state dead=1
+0     set server rto=300               # change fields (what-if)
+3m    wait                             # only let time pass
`;

/** The diagnostics as `line:column: severity: message` (file name left out). */
function diags(s: Scenario): string[] {
  return s.diagnostics.map((d) => formatDiagnostic(d).slice(d.file.length + 1));
}

function errorsOf(text: string): string[] {
  return diags(parseScenario(text, 't.tcpscenario'));
}

/** Plain data of a value, without ranges. */
function plain(v: Value): unknown {
  if (v.kind === 'number') return v.value;
  if (v.kind === 'name') return v.name;
  return { or: v.parts.map(plain) };
}

const DECLS = 'socket server TCP_ESTABLISHED\nsocket client TCP_ESTABLISHED\nlink client server\n';

test('the example parses to the expected declarations and events', () => {
  const s = parseScenario(EXAMPLE, 'ex.tcpscenario');
  assert.deepEqual(s.diagnostics, []);
  assert.equal(s.file, 'ex.tcpscenario');

  assert.deepEqual(
    s.sockets.map((d) => [d.name, plain(d.state), d.fields.map((f) => [f.name, plain(f.value)])]),
    [
      ['server', 'TCP_ESTABLISHED', [['write_seq', 5000], ['acked_seq', 1000]]],
      ['client', 'TCP_ESTABLISHED', [['write_seq', 1000], ['acked_seq', 5000]]],
      ['child', 'SYN_RECV', [['listener', 'server']]],
    ],
  );
  assert.deepEqual(s.sockets[0].nameRange, { start: { line: 1, column: 8 }, end: { line: 1, column: 14 } });
  assert.deepEqual(s.sockets[0].fields[0].range, { start: { line: 1, column: 31 }, end: { line: 1, column: 45 } });
  assert.deepEqual(s.sockets[0].fields[0].nameRange, { start: { line: 1, column: 31 }, end: { line: 1, column: 40 } });
  assert.deepEqual(s.sockets[0].fields[0].value.range, { start: { line: 1, column: 41 }, end: { line: 1, column: 45 } });

  assert.equal(s.links.length, 1);
  const l = s.links[0];
  assert.deepEqual([l.a, l.b, l.delay], ['client', 'server', 1]);
  assert.deepEqual(l.aRange, { start: { line: 4, column: 6 }, end: { line: 4, column: 12 } });
  assert.deepEqual(l.bRange, { start: { line: 4, column: 13 }, end: { line: 4, column: 19 } });

  assert.deepEqual(
    s.events.map((e) => [e.line, e.time, e.socket, e.action.kind]),
    [
      [6, 0, 'server', 'receive'],
      [7, 2, 'server', 'close'],
      [8, 2, 'server', 'send'],
      [9, 7, 'server', 'receive'],
      [10, 7, 'server', 'expect'],
      [11, 7, 'client', 'drop'],
      [12, 7, 'server', 'call'],
      [13, 7, 'server', 'call'],
      [14, 7, 'server', 'set'],
      [15, 7 + 3 * 60 * 100, '', 'wait'],
    ],
  );

  const [rcv, close, send, ack, expect, drop, callFin, callState, set, wait] = s.events;
  assert.equal(rcv.action.kind, 'receive');
  if (rcv.action.kind === 'receive') {
    const seg = rcv.action.segment;
    assert.deepEqual(
      { syn: seg.flags.syn, fin: seg.flags.fin, rst: seg.flags.rst, psh: seg.flags.psh, ack: seg.flags.ack, text: seg.flags.text },
      { syn: false, fin: true, rst: false, psh: false, ack: true, text: 'F.' },
    );
    assert.deepEqual(seg.fields.map((f) => [f.name, plain(f.value)]), [['seq', 1000], ['ack', 5000]]);
    assert.deepEqual(seg.flags.range, { start: { line: 6, column: 17 }, end: { line: 6, column: 19 } });
    assert.deepEqual(seg.range, { start: { line: 6, column: 17 }, end: { line: 6, column: 37 } });
  }
  assert.deepEqual(rcv.socketRange, { start: { line: 6, column: 8 }, end: { line: 6, column: 14 } });
  assert.deepEqual(rcv.range, { start: { line: 6, column: 1 }, end: { line: 6, column: 37 } });
  assert.deepEqual(close.action, { kind: 'close', timeout: 0 });
  assert.ok(send.action.kind === 'send' && send.action.segment.flags.fin && send.action.segment.flags.ack);
  assert.ok(ack.action.kind === 'receive');
  if (ack.action.kind === 'receive') {
    assert.equal(ack.action.segment.flags.text, '.');
    assert.deepEqual(ack.action.segment.fields.map((f) => [f.name, plain(f.value)]), [['seq', 1001], ['ack', 5001], ['len', 0]]);
  }
  assert.ok(expect.action.kind === 'expect');
  if (expect.action.kind === 'expect') {
    assert.deepEqual(expect.action.fields.map((f) => [f.name, plain(f.value)]), [['state', 'TCP_CLOSE'], ['shutdown', 3]]);
  }
  assert.ok(drop.action.kind === 'drop' && drop.action.segment.flags.text === 'F.' && drop.action.segment.fields.length === 0);
  assert.ok(callFin.action.kind === 'call');
  if (callFin.action.kind === 'call') {
    assert.equal(callFin.action.function, 'tcp_fin');
    assert.deepEqual(callFin.action.functionRange, { start: { line: 12, column: 20 }, end: { line: 12, column: 27 } });
    assert.equal(callFin.action.segment?.flags.text, 'FR.');
    assert.ok(callFin.action.segment?.flags.fin && callFin.action.segment.flags.rst && callFin.action.segment.flags.ack);
    assert.deepEqual(callFin.action.segment?.fields.map((f) => [f.name, plain(f.value)]), [['seq', 1000]]);
    assert.deepEqual(callFin.action.args, []);
  }
  assert.ok(callState.action.kind === 'call');
  if (callState.action.kind === 'call') {
    assert.equal(callState.action.function, 'tcp_close_state');
    assert.equal(callState.action.segment, undefined);
    assert.deepEqual(callState.action.args.map((f) => [f.name, plain(f.value)]), [['dead', 1]]);
  }
  assert.ok(set.action.kind === 'set');
  if (set.action.kind === 'set') assert.deepEqual(set.action.fields.map((f) => [f.name, plain(f.value)]), [['rto', 300]]);
  assert.deepEqual(wait.action, { kind: 'wait' });
  assert.equal(wait.socket, '');
});

test('every time unit converts to jiffies at HZ=100', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['0ms', 0],
    ['10ms', 1],
    ['250ms', 25],
    ['1s', 100],
    ['1.5s', 150],
    ['0.01s', 1],
    ['30j', 30],
    ['2m', 12000],
    ['0.5m', 3000],
    ['1.50s', 150],
  ];
  for (const [text, jiffies] of cases) assert.deepEqual(parseTime(text), { ok: true, relative: false, jiffies }, text);
  assert.deepEqual(parseTime('+0'), { ok: true, relative: true, jiffies: 0 });
  assert.deepEqual(parseTime('+20ms'), { ok: true, relative: true, jiffies: 2 });
  assert.deepEqual(parseDuration('10ms'), { ok: true, relative: false, jiffies: 1 });
  assert.equal(parseDuration('+10ms').ok, false);

  const bad = (t: string) => {
    const r = parseTime(t);
    assert.equal(r.ok, false, t);
    return r.ok ? '' : r.message;
  };
  assert.equal(bad('5ms'), '5ms is not a whole number of jiffies (1 jiffy = 10 ms)');
  assert.equal(bad('0.001s'), '0.001s is not a whole number of jiffies (1 jiffy = 10 ms)');
  assert.equal(bad('0.5j'), '0.5j is not a whole number of jiffies (1 jiffy = 10 ms)');
  assert.match(bad('5'), /^5 needs a unit: 5ms, 5s, 5m or 5j/);
  assert.match(bad('2h'), /unknown time unit 'h' in 2h/);
  assert.match(bad('+'), /expected a time after '\+'/);
  assert.match(bad('1x5s'), /'1x5s' is not a time/);
  assert.match(bad('99999999999999999999999s'), /beyond the 32-bit jiffies clock/);
  assert.deepEqual(parseTime('4294967295j'), { ok: true, relative: false, jiffies: 4294967295 });
  assert.match(bad('4294967296j'), /beyond the 32-bit jiffies clock/);

  assert.deepEqual([0, 1, 150, 100, 12000, 7].map(formatJiffies), ['0', '10ms', '1500ms', '1s', '2m', '70ms']);
});

test('relative and absolute times advance the clock', () => {
  const s = parseScenario(
    'socket a TCP_CLOSE\n1s wait\n+20ms a wait\n+0 wait\n2s wait\n+1.5s wait\n+30j wait\n5m wait\n',
    'f',
  );
  assert.deepEqual(s.diagnostics, []);
  assert.deepEqual(s.events.map((e) => e.time), [100, 102, 102, 200, 350, 380, 30000]);
  assert.deepEqual(s.events.map((e) => e.socket), ['', 'a', '', '', '', '', '']);
  // the first event may be relative: to time 0
  assert.deepEqual(parseScenario('+20ms wait', 'f').events.map((e) => e.time), [2]);
});

test('flags: each letter and combination', () => {
  const s = parseScenario(
    DECLS + ['S', 'S.', 'F', 'F.', 'R', 'R.', 'P.', 'FP.', '.', 'SFRP.'].map((f) => `+0 server < ${f}`).join('\n'),
    'f',
  );
  assert.deepEqual(s.diagnostics, []);
  const flags = s.events.map((e) => (e.action.kind === 'receive' ? e.action.segment.flags : undefined));
  assert.deepEqual(
    flags.map((f) => f && [f.syn, f.fin, f.rst, f.psh, f.ack].map(Number).join('')),
    ['10000', '10001', '01000', '01001', '00100', '00101', '00011', '01011', '00001', '11111'],
  );
  assert.equal(FLAG_LETTERS, 'SFRP.');
});

test('bad flag characters are reported at their column', () => {
  assert.deepEqual(errorsOf(DECLS + '0 server < FX. seq=1'), [
    "4:13: error: 'X' is not a flag: flags are S (SYN), F (FIN), R (RST), P (PSH) and '.' (ACK)",
  ]);
  assert.deepEqual(errorsOf(DECLS + '0 server > FF'), ["4:13: error: flag 'F' (FIN) is given twice"]);
  assert.deepEqual(errorsOf(DECLS + '0 server > A'), [
    "4:12: error: 'A' is not a flag: flags are S (SYN), F (FIN), R (RST), P (PSH) and '.' (ACK) (ACK is written '.')",
  ]);
  assert.deepEqual(errorsOf(DECLS + '0 server > f.'), [
    "4:12: error: 'f' is not a flag: flags are S (SYN), F (FIN), R (RST), P (PSH) and '.' (ACK) (flags are upper case: F)",
  ]);
  assert.deepEqual(errorsOf(DECLS + '0 server > seq=1'), [
    "4:12: error: expected flags such as F., S. or R before the fields, found 'seq=1'",
  ]);
  assert.deepEqual(errorsOf(DECLS + '0 server >'), ["4:11: error: expected flags such as F., S or R. after '>'"]);
});

test('or-ed values, hex numbers, dotted names, negative numbers', () => {
  const s = parseScenario(
    DECLS + '0 expect server shutdown=RCV_SHUTDOWN|SEND_SHUTDOWN timer.expires=0x1F state=TCP_CLOSE|2 err=-32',
    'f',
  );
  assert.deepEqual(s.diagnostics, []);
  const a = s.events[0].action;
  assert.ok(a.kind === 'expect');
  if (a.kind !== 'expect') return;
  assert.deepEqual(
    a.fields.map((f) => [f.name, plain(f.value)]),
    [
      ['shutdown', { or: ['RCV_SHUTDOWN', 'SEND_SHUTDOWN'] }],
      ['timer.expires', 31],
      ['state', { or: ['TCP_CLOSE', 2] }],
      ['err', -32],
    ],
  );
  const or = a.fields[0].value;
  assert.ok(or.kind === 'or');
  if (or.kind === 'or') {
    assert.deepEqual(or.range, { start: { line: 4, column: 26 }, end: { line: 4, column: 52 } });
    assert.deepEqual(or.parts[1].range, { start: { line: 4, column: 39 }, end: { line: 4, column: 52 } });
  }
});

test('value syntax errors', () => {
  assert.deepEqual(errorsOf(DECLS + '0 expect server shutdown=A||B'), [
    "4:28: error: expected a number or name before '|' in 'A||B'",
  ]);
  assert.deepEqual(errorsOf(DECLS + '0 expect server shutdown=A|'), [
    "4:27: error: expected a number or name after '|' in 'A|'",
  ]);
  assert.deepEqual(errorsOf(DECLS + '0 set server rto='), ["4:14: error: expected a value after 'rto='"]);
  assert.deepEqual(errorsOf(DECLS + '0 set server =5'), ["4:14: error: expected a field name before '=' in '=5'"]);
  assert.deepEqual(errorsOf(DECLS + '0 set server rto=12ab'), [
    "4:18: error: expected a number (decimal or 0x hex) or a name such as TCP_CLOSE, found '12ab'",
  ]);
  assert.deepEqual(errorsOf(DECLS + '0 set server rto=300 stray'), ["4:22: error: expected field=value, found 'stray'"]);
  assert.deepEqual(errorsOf(DECLS + '0 set server rto=1 rto=2'), ["4:20: error: 'rto' is given twice in this statement"]);
  assert.deepEqual(errorsOf(DECLS + '0 set server rto=4294967296'), [
    '4:18: error: the number does not fit in 32 bits (-2147483648..4294967295)',
  ]);
  assert.deepEqual(errorsOf(DECLS + '0 set server'), ["4:13: error: 'set' needs at least one field=value, e.g. set server state=TCP_CLOSE"]);
  assert.deepEqual(errorsOf(DECLS + '0 expect server'), [
    "4:16: error: 'expect' needs at least one field=value, e.g. expect server state=TCP_CLOSE",
  ]);
});

test('comments, blank lines, CRLF, tabs, BOM', () => {
  const text = '\uFEFF# a scenario\r\n\r\nsocket\tserver\tTCP_ESTABLISHED # the server\r\n   # only a comment\r\n0\tserver\tclose timeout=1#no space\r\n+10ms server <F. seq=1#c\r\n';
  const s = parseScenario(text, 'f');
  assert.deepEqual(s.diagnostics, []);
  assert.equal(s.sockets.length, 1);
  assert.deepEqual(s.sockets[0].nameRange, { start: { line: 3, column: 8 }, end: { line: 3, column: 14 } });
  assert.deepEqual(s.events.map((e) => [e.line, e.time, e.action.kind]), [
    [5, 0, 'close'],
    [6, 1, 'receive'],
  ]);
  assert.deepEqual(s.events[0].action, { kind: 'close', timeout: 1 });
  const a = s.events[1].action;
  assert.ok(a.kind === 'receive' && a.segment.flags.text === 'F.' && a.segment.fields[0].name === 'seq');
  assert.deepEqual(
    lexLine('a\tb<c # d', 1).map((t) => [t.text, t.start, t.end]),
    [['a', 1, 2], ['b', 3, 4], ['<', 4, 5], ['c', 5, 6]],
  );
});

test('several errors in one file are all reported, in order, with exact positions', () => {
  const text = [
    'socket server TCP_ESTABLISHED', // 1
    'socket client TCP_ESTABLISHED', // 2
    'foo bar', // 3
    '0 server < FX.', // 4
    '5 server close', // 5
    '+0 client frob', // 6
    '+0 server close', // 7
    '+0 server > F. seq=1 bogus=2', // 8
  ].join('\n');
  assert.deepEqual(errorsOf(text), [
    "3:1: error: expected a time such as 0, +20ms, 1.5s or 30j at the start of an event, found 'foo'",
    "4:13: error: 'X' is not a flag: flags are S (SYN), F (FIN), R (RST), P (PSH) and '.' (ACK)",
    '5:1: error: 5 needs a unit: 5ms, 5s, 5m or 5j (jiffies); only 0 may be written without one',
    "6:11: error: expected an action (< > close call wait listen connect accept shutdown write read), found 'frob'",
    "8:22: error: unknown segment field 'bogus': the fields are seq, ack, len, win and mss",
  ]);
  const s = parseScenario(text, 'dir/x.tcpscenario');
  assert.equal(s.diagnostics[0].file, 'dir/x.tcpscenario');
  assert.deepEqual(s.diagnostics[0].range, { start: { line: 3, column: 1 }, end: { line: 3, column: 4 } });
  assert.deepEqual(s.diagnostics[1].range, { start: { line: 4, column: 13 }, end: { line: 4, column: 14 } });
  // only the good line made an event
  assert.deepEqual(s.events.map((e) => e.line), [7]);
});

test('a line that fails is reported and left out; every other line stays in the tree for the checks', () => {
  const s = parseScenario(
    ['socket server TCP_BOGUS write_seq=5000', 'socket broken TCP_ESTABLISHED write_seq=', 'socket client ESTABLISHED', 'link client server', '0 server < Q', '+0 server close', '+0 broken close', '+0 expect client state=TCP_ALSO_BOGUS', ''].join('\n'),
    'mixed.tcpscenario',
  );
  assert.deepEqual(diags(s), ["2:31: error: expected a value after 'write_seq='", '5:12: error: ' + s.diagnostics[1].message]);
  assert.deepEqual(s.diagnostics.map((d) => d.range.start.line), [2, 5]);
  // the good lines, with the names the kernel will check (TCP_BOGUS is no syntax error)
  assert.deepEqual(s.sockets.map((d) => d.name), ['server', 'client']);
  assert.deepEqual(s.sockets[0].state, { kind: 'name', name: 'TCP_BOGUS', range: s.sockets[0].state.range });
  assert.deepEqual(s.links.map((l) => [l.a, l.b]), [['client', 'server']]);
  // the failed declaration's name is still known: its events are no 'unknown socket' error
  assert.deepEqual(s.events.map((e) => [e.line, e.socket, e.action.kind]), [
    [6, 'server', 'close'],
    [7, 'broken', 'close'],
    [8, 'client', 'expect'],
  ]);
});

test('events out of time order', () => {
  const s = parseScenario('socket a TCP_CLOSE\n1s wait\n500ms a wait\n+0 wait\n2s wait', 'f');
  assert.deepEqual(diags(s), [
    '3:1: error: events must be in time order: 500ms (50j) is earlier than the previous event (100j)',
  ]);
  assert.deepEqual(s.events.map((e) => [e.line, e.time]), [[2, 100], [4, 100], [5, 200]]);
  assert.match(errorsOf('4294967295j wait\n+10ms wait')[0], /^2:1: error: '\+10ms' puts the event beyond the 32-bit jiffies clock/);
});

test('unknown sockets, with a suggestion when one is close', () => {
  const s = parseScenario(DECLS + '0 sever close\n+0 expect clinet state=1\n+0 zzz close\n+0 drop nobody > F.', 'f');
  assert.deepEqual(diags(s), [
    "4:3: error: unknown socket 'sever' (did you mean 'server'?)",
    "5:11: error: unknown socket 'clinet' (did you mean 'client'?)",
    "6:4: error: unknown socket 'zzz': the sockets are server, client",
    "7:9: error: unknown socket 'nobody': the sockets are server, client",
  ]);
  assert.deepEqual(s.diagnostics[0].range, { start: { line: 4, column: 3 }, end: { line: 4, column: 8 } });
  assert.equal(s.events.length, 0);
  assert.deepEqual(errorsOf('0 x close'), ["1:3: error: unknown socket 'x': no socket is declared (socket NAME STATE ...)"]);
  assert.deepEqual(errorsOf('socket a TCP_CLOSE listener=c\nsocket b TCP_LISTEN listener=b\n0 wait'), [
    "1:29: error: unknown socket 'c': the sockets are a, b",
    '2:30: error: a socket cannot be its own listener',
  ]);
  assert.equal(suggest('sever', ['server', 'client']), 'server');
  assert.equal(suggest('abcdef', ['server']), undefined);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('declarations: after events, duplicates, keywords, links', () => {
  assert.deepEqual(errorsOf('socket a TCP_CLOSE\n0 wait\nsocket b TCP_CLOSE\nlink a b\n+0 b wait'), [
    '3:1: error: declarations must come before the first event (line 2)',
    '4:1: error: declarations must come before the first event (line 2)',
  ]);
  assert.deepEqual(errorsOf('socket a TCP_CLOSE\nsocket a TCP_LISTEN\n0 wait'), [
    "2:8: error: socket 'a' is already declared on line 1",
  ]);
  assert.deepEqual(errorsOf('socket close TCP_CLOSE\n0 wait'), ["1:8: error: 'close' is a keyword and cannot name a socket"]);
  assert.deepEqual(errorsOf('socket 9x TCP_CLOSE\n0 wait'), [
    "1:8: error: expected a socket name (letters, digits and '_', not starting with a digit), found '9x'",
  ]);
  assert.deepEqual(errorsOf('socket a\n0 wait'), ["1:9: error: expected the socket's state after 'a', e.g. TCP_ESTABLISHED (or CLOSED for a socket from nothing)"]);
  assert.deepEqual(errorsOf('socket a x=1\n0 wait'), [
    "1:10: error: expected the socket's state (e.g. TCP_ESTABLISHED) before its fields, found 'x=1'",
  ]);
  assert.deepEqual(
    errorsOf('socket a TCP_CLOSE\nsocket b TCP_CLOSE\nsocket c TCP_CLOSE\nlink a a\nlink a b\nlink b c delay=5ms\nlink c b\nlink a x delay=1s\n0 wait'),
    [
      '4:8: error: a link joins two different sockets',
      "6:6: error: socket 'b' is already in the link on line 5; a socket may be in one link",
      '6:16: error: 5ms is not a whole number of jiffies (1 jiffy = 10 ms)',
      "7:8: error: socket 'b' is already in the link on line 5; a socket may be in one link",
      "8:8: error: unknown socket 'x': the sockets are a, b, c",
    ],
  );
  assert.deepEqual(errorsOf('socket a TCP_CLOSE\nsocket b TCP_CLOSE\nlink a b speed=1\n0 wait'), [
    "3:10: error: expected delay=TIME (e.g. delay=10ms), the only option of a link, found 'speed=1'",
  ]);
  const s = parseScenario('socket a 7 partial=2\nsocket b TCP_LISTEN\nlink a b delay=1.5s\n0 wait', 'f');
  assert.deepEqual(s.diagnostics, []);
  assert.deepEqual(plain(s.sockets[0].state), 7);
  assert.equal(s.links[0].delay, 150);
  assert.deepEqual(errorsOf('sockt a TCP_CLOSE'), ["1:1: error: unknown statement 'sockt' (did you mean 'socket'?)"]);
  assert.deepEqual(KEYWORDS, ['socket', 'link', 'fate', 'expect', 'drop', 'set', 'wait', 'close', 'call']);
});

test('non-whole jiffies and bare numbers in events', () => {
  assert.deepEqual(errorsOf('socket a TCP_CLOSE\n5ms a close\n+15ms wait\n7 wait'), [
    '2:1: error: 5ms is not a whole number of jiffies (1 jiffy = 10 ms)',
    '3:1: error: +15ms is not a whole number of jiffies (1 jiffy = 10 ms)',
    '4:1: error: 7 needs a unit: 7ms, 7s, 7m or 7j (jiffies); only 0 may be written without one',
  ]);
});

test('segment fields: sequence numbers are unsigned 32-bit', () => {
  const ok = parseScenario(DECLS + '0 server < S seq=4294967295 ack=0 win=65535 len=0x10', 'f');
  assert.deepEqual(ok.diagnostics, []);
  const a = ok.events[0].action;
  assert.ok(a.kind === 'receive');
  if (a.kind === 'receive') {
    assert.deepEqual(a.segment.fields.map((f) => [f.name, plain(f.value)]), [['seq', 4294967295], ['ack', 0], ['win', 65535], ['len', 16]]);
  }
  assert.deepEqual(errorsOf(DECLS + '0 server < S seq=4294967296'), [
    '4:18: error: seq=4294967296 is out of range: sequence numbers are unsigned 32-bit (0..4294967295)',
  ]);
  assert.deepEqual(errorsOf(DECLS + '0 server < S. ack=0x100000000'), [
    '4:19: error: ack=4294967296 is out of range: sequence numbers are unsigned 32-bit (0..4294967295)',
  ]);
  assert.deepEqual(errorsOf(DECLS + '0 server < S. seq=-1 win=70000 ack=X'), [
    '4:19: error: seq=-1 is out of range: sequence numbers are unsigned 32-bit (0..4294967295)',
    '4:26: error: win=70000 is out of range: the window is 16 bits in the TCP header (0..65535)',
    '4:36: error: ack= takes a number (decimal or 0x hex)',
  ]);
  assert.match(errorsOf(DECLS + '0 server < S seq=' + '9'.repeat(5000))[0], /^4:18: error: seq=… is out of range/);
});

test('segment fields: mss= is the MSS option, 1..65535, on <, > and drop', () => {
  const ok = parseScenario(DECLS + '0 server < S seq=0 win=32792 mss=1000\n0 server > S. mss=0x218\n0 drop server > S. mss=65535', 'f');
  assert.deepEqual(ok.diagnostics, []);
  assert.deepEqual(
    ok.events.map((e) => ('segment' in e.action && e.action.segment ? e.action.segment.fields.filter((f) => f.name === 'mss').map((f) => plain(f.value)) : [])),
    [[1000], [536], [65535]],
  );
  assert.deepEqual(errorsOf(DECLS + '0 server < S mss=0\n0 server > S. mss=65536\n0 server < S mss=x'), [
    '4:18: error: mss=0 is out of range: the MSS option carries a 16-bit maximum segment size (1..65535)',
    '5:19: error: mss=65536 is out of range: the MSS option carries a 16-bit maximum segment size (1..65535)',
    '6:18: error: mss= takes a number (decimal or 0x hex)',
  ]);
});

test('every action kind, and their errors', () => {
  const s = parseScenario(
    DECLS +
      '0 server close timeout=1\n+0 server wait\n+0 server call tcp_ack . ack=5 len=0 flag=1\n+0 drop client > R. seq=3',
    'f',
  );
  assert.deepEqual(s.diagnostics, []);
  assert.deepEqual(s.events.map((e) => e.action.kind), ['close', 'wait', 'call', 'drop']);
  assert.deepEqual(s.events[0].action, { kind: 'close', timeout: 1 });
  const call = s.events[2].action;
  assert.ok(call.kind === 'call');
  if (call.kind === 'call') {
    assert.deepEqual(call.segment?.fields.map((f) => f.name), ['ack', 'len']);
    assert.deepEqual(call.args.map((f) => [f.name, plain(f.value)]), [['flag', 1]]);
  }
  assert.deepEqual(
    errorsOf(
      DECLS +
        [
          '0 server close now', // 4
          '+0 server close delay=1', // 5
          '+0 server call', // 6
          '+0 server call 9x', // 7
          '+0 drop server < F.', // 8
          '+0 drop server', // 9
          '+0 server wait more', // 10
          '+0 wait more', // 11
          '+0 server expect state=1', // 12
          '+0 close', // 13
          '+0', // 14
          '+0 server', // 15
          'socket x TCP_CLOSE', // 16
          '+0 server < F. window=1', // 17
          '+0 expect wait=1', // 18
          '+0 set close x=1', // 19
        ].join('\n'),
    ),
    [
      "4:16: error: expected field=value, found 'now'",
      "5:17: error: close takes only timeout=N, found 'delay'",
      "6:15: error: expected a kernel function after 'call', e.g. call tcp_fin F. seq=1000",
      "7:16: error: expected a kernel function name after 'call', found '9x'",
      "8:16: error: drop loses a segment the socket sends: write 'drop server > FLAGS'",
      "9:15: error: expected '>' after 'server': drop server > FLAGS",
      "10:16: error: unexpected 'more' after 'wait'",
      "11:9: error: unexpected 'more' after 'wait'",
      "12:11: error: 'expect' comes before the socket: write 'expect server ...'",
      "13:4: error: 'close' needs a socket: write 'SOCK close'",
      '14:3: error: expected an event after the time: SOCK <, SOCK >, SOCK close, SOCK call, expect, drop, set or wait',
      "15:10: error: expected an action after the socket name 'server' (< > close call wait listen connect accept shutdown write read)",
      '16:1: error: declarations must come before the first event (line 4)',
      "17:16: error: unknown segment field 'window': the fields are seq, ack, len, win and mss",
      "18:11: error: expected a socket name after 'expect', found 'wait=1'",
      "19:8: error: expected a socket name, found the keyword 'close'",
    ],
  );
  assert.deepEqual(errorsOf('socket a TCP_CLOSE\nsocket b TCP_CLOSE\n0 drop a > F.'), [
    "3:8: error: drop works on a link, and 'a' is in none (link a OTHER)",
  ]);
});

test('empty file and no events give a warning', () => {
  const warning = '1:1: warning: the scenario has no events: nothing will happen (events look like: 0 server close)';
  assert.deepEqual(errorsOf(''), [warning]);
  assert.deepEqual(errorsOf('# nothing\n\n   \n'), [warning]);
  assert.deepEqual(errorsOf('socket a TCP_CLOSE\n'), [warning]);
  const s = parseScenario('', 'f');
  assert.equal(s.diagnostics[0].severity, 'warning');
});

test('never throws on random input, and every diagnostic has a sane range', () => {
  let seed = 12345;
  const rand = (n: number) => {
    // Math.imul: the product in doubles would lose its low bits, and the input its randomness
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return (seed >>> 8) % n;
  };
  const pieces = [
    'socket', 'link', 'expect', 'drop', 'set', 'wait', 'close', 'call', 'server', 'client', 'sever', 'TCP_CLOSE',
    '<', '>', 'F.', 'S', 'R.', 'FX', 'seq=', 'ack=1', 'len=0', 'win=', '=', '|', '0', '+0', '+20ms', '1.5s', '30j',
    '5ms', '2m', '99999999999999999999999', '0x', '0xFFFFFFFFF', '#', ' ', '\t', '\n', '\r\n', '\r', 'delay=10ms',
    'timeout=1', 'a|b', '.', 'x.y=3', '-', '\u0000', '\uFEFF', '\uD800', 'é', '"',
  ];
  for (let i = 0; i < 3000; i++) {
    let text = '';
    const n = rand(40);
    for (let j = 0; j < n; j++) {
      if (rand(4) === 0) text += String.fromCharCode(rand(0x10000));
      else text += pieces[rand(pieces.length)] + (rand(2) ? ' ' : '');
    }
    const s = parseScenario(text, 'r');
    assert.ok(Array.isArray(s.events));
    const lines = text.split(/\r\n|\r|\n/).length;
    for (const d of s.diagnostics) {
      assert.ok(!d.message.startsWith('internal error'), d.message + ' in ' + JSON.stringify(text));
      assert.ok(d.range.start.line >= 1 && d.range.start.line <= lines, JSON.stringify(d));
      assert.ok(d.range.start.column >= 1 && d.range.end.column > d.range.start.column || d.severity === 'warning', JSON.stringify(d));
    }
  }
  // huge lines and numbers
  const long = 'x'.repeat(100_000);
  const s1 = parseScenario(`socket ${long} TCP_CLOSE\n0 ${long}y close\n${'9'.repeat(100_000)}ms wait`, 'r');
  assert.equal(s1.events.length, 0);
  assert.ok(s1.diagnostics.every((d) => d.message.length < 400));
  // each of these lines is over the lexer's line cap: one error per line, the line not read
  assert.deepEqual(s1.diagnostics.map((d) => d.range.start.line), [1, 2, 3]);
  assert.ok(s1.diagnostics.every((d) => /a scenario line may have at most 16384/.test(d.message)));
  assert.match(parseScenario(`${'9'.repeat(4000)}ms wait`, 'r').diagnostics[0].message, /beyond the 32-bit jiffies clock/);
  const s2 = parseScenario('0 wait ' + '# '.repeat(50_000) + '\n' + 'F'.repeat(100_000), 'r');
  assert.equal(s2.events.length, 1);
  assert.equal(s2.diagnostics.length, 1);
});

// ---- the socket layer: a scenario from nothing ----

const FROM_NOTHING = 'socket server CLOSED\nsocket client CLOSED\nsocket conn CLOSED\n';

test('socket NAME CLOSED is a socket from nothing; listen, connect, accept, shutdown, write and read parse to their actions', () => {
  const s = parseScenario(
    FROM_NOTHING +
      [
        '0 server listen 80',
        '0 server listen 8080 backlog=2',
        '0 client connect server',
        '0 client connect',
        '+10ms server accept conn',
        '+0 server accept',
        '+1s client shutdown wr',
        '+0 client shutdown rd',
        '+0 conn shutdown rdwr',
        '+0 conn write 300',
        '+0 client read 1000',
      ].join('\n'),
    'f',
  );
  assert.deepEqual(s.diagnostics, []);
  assert.deepEqual(
    s.sockets.map((d) => [d.name, d.plain, plain(d.state), d.fields.length]),
    [
      ['server', true, 'TCP_CLOSE', 0],
      ['client', true, 'TCP_CLOSE', 0],
      ['conn', true, 'TCP_CLOSE', 0],
    ],
  );
  const actions = s.events.map((e) => {
    const { peerRange: _p, childRange: _c, ...rest } = e.action as Record<string, unknown>;
    return [e.time, e.socket, rest];
  });
  assert.deepEqual(actions, [
    [0, 'server', { kind: 'listen', port: 80, backlog: 5 }],
    [0, 'server', { kind: 'listen', port: 8080, backlog: 2 }],
    [0, 'client', { kind: 'connect', peer: 'server' }],
    [0, 'client', { kind: 'connect' }],
    [1, 'server', { kind: 'accept', child: 'conn' }],
    [1, 'server', { kind: 'accept' }],
    [101, 'client', { kind: 'shutdown', how: 'wr' }],
    [101, 'client', { kind: 'shutdown', how: 'rd' }],
    [101, 'conn', { kind: 'shutdown', how: 'rdwr' }],
    [101, 'conn', { kind: 'write', bytes: 300 }],
    [101, 'client', { kind: 'read', bytes: 1000 }],
  ]);
  // an ordinary declaration is not from nothing
  assert.equal(parseScenario('socket a TCP_CLOSE\n0 wait', 'f').sockets[0].plain, undefined);
});

test('the socket layer statements report bad forms at their line and column', () => {
  assert.deepEqual(errorsOf('socket a CLOSED write_seq=5\n0 wait'), [
    "1:17: error: a socket from nothing (CLOSED) takes no fields: set them with 'set' after it is connected, found 'write_seq=5'",
  ]);
  assert.deepEqual(errorsOf(FROM_NOTHING + '0 server listen\n0 server listen port=80\n0 server listen 0\n0 server listen 70000\n0 server listen http'), [
    "4:16: error: expected the port after 'listen', e.g. listen 80",
    "5:17: error: expected the port after 'listen', e.g. listen 80, found 'port=80'",
    "6:17: error: the port is a number from 1 to 65535, found '0'",
    "7:17: error: the port is a number from 1 to 65535, found '70000'",
    "8:17: error: the port is a number from 1 to 65535, found 'http'",
  ]);
  assert.deepEqual(errorsOf(FROM_NOTHING + '0 server listen 80 queue=3\n0 server listen 80 backlog=x'), [
    "4:20: error: listen takes only backlog=N, found 'queue'",
    '5:28: error: backlog= takes a non-negative number',
  ]);
  assert.deepEqual(errorsOf(FROM_NOTHING + '0 client connect nobody\n0 client connect client\n0 client connect server now\n0 client connect 10.0.0.1'), [
    "4:18: error: unknown socket 'nobody': the sockets are server, client, conn",
    '5:18: error: a socket connects to another socket (or, with no name, to the scripted peer)',
    "6:25: error: unexpected 'now' after 'connect server'",
    "7:18: error: expected a socket name (letters, digits and '_', not starting with a digit), found '10.0.0.1'",
  ]);
  assert.deepEqual(errorsOf('socket server CLOSED\nsocket old TCP_ESTABLISHED\n0 server accept old\n0 server accept ghost'), [
    "3:17: error: accept makes 'old' from nothing: declare it 'socket old CLOSED'",
    "4:17: error: unknown socket 'ghost': the sockets are server, old",
  ]);
  assert.deepEqual(errorsOf(FROM_NOTHING + '0 client shutdown\n0 client shutdown both\n0 client shutdown wr rd'), [
    "4:18: error: expected the direction after 'shutdown': rd, wr, rdwr",
    "5:19: error: shutdown takes rd, wr, rdwr, found 'both'",
    "6:22: error: unexpected 'rd' after 'shutdown wr'",
  ]);
  assert.deepEqual(errorsOf(FROM_NOTHING + '0 client write\n0 client write 0\n0 client read 70000\n0 client read 5 more'), [
    "4:15: error: expected the number of bytes to write after 'write', e.g. write 100",
    "5:16: error: write takes a number of bytes from 1 to 65536, found '0'",
    "6:15: error: read takes a number of bytes from 1 to 65536, found '70000'",
    "7:17: error: unexpected 'more' after 'read 5'",
  ]);
  assert.deepEqual(errorsOf(FROM_NOTHING + '0 client listne 80'), [
    "4:10: error: expected an action (< > close call wait listen connect accept shutdown write read), found 'listne' (did you mean 'listen'?)",
  ]);
});
