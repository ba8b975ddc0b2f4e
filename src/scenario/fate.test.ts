// The `fate` declaration: what happens to one segment on a link, or how far a socket's close() moves.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDiagnostic } from './ast';
import { parseScenario } from './parse';

const HEAD = ['socket a TCP_ESTABLISHED write_seq=1', 'socket b TCP_ESTABLISHED write_seq=9', 'link a b delay=10ms'];
const parse = (...lines: string[]) => parseScenario([...HEAD, ...lines].join('\n'), 'f.tcpscenario');
const errors = (...lines: string[]) => parse(...lines).diagnostics.map(formatDiagnostic);

test('each form of fate is read', () => {
  const sc = parse('fate a 1 drop', 'fate a 2 duplicate', 'fate b 1 reorder', 'fate b 3 delay=50ms', 'fate a close +1s', 'fate b close -20ms', '0 a close', '1s b close');
  assert.deepEqual(sc.diagnostics, []);
  assert.deepEqual(
    sc.fates.map((f) => [f.socket, f.n, f.fate, f.delay, f.line]),
    [
      ['a', 1, 'drop', 0, 4],
      ['a', 2, 'duplicate', 0, 5],
      ['b', 1, 'reorder', 0, 6],
      ['b', 3, 'delay', 5, 7],
      ['a', 0, 'close', 100, 8],
      ['b', 0, 'close', -2, 9],
    ],
  );
});

test('a bad fate says what is wrong at its line and column', () => {
  assert.deepEqual(errors('fate'), ["f.tcpscenario:4:5: error: expected a socket name after 'fate': fate SOCK N drop|duplicate|reorder|delay=TIME, or fate SOCK close +TIME|-TIME"]);
  assert.deepEqual(errors('fate c 1 drop'), ["f.tcpscenario:4:6: error: unknown socket 'c': the sockets are a, b"]);
  assert.deepEqual(errors('fate a 0 drop'), ["f.tcpscenario:4:8: error: expected which segment a sends on its link (a number from 1) or 'close', found '0'"]);
  assert.deepEqual(errors('fate a 1 dorp'), ["f.tcpscenario:4:10: error: expected drop, duplicate, reorder or delay=TIME, found 'dorp' (did you mean 'drop'?)"]);
  assert.deepEqual(errors('fate a 1 delay=0'), ['f.tcpscenario:4:10: error: delay= takes a time after 0, e.g. delay=50ms']);
  assert.deepEqual(errors('fate a 1 drop now'), ["f.tcpscenario:4:15: error: unexpected 'now' after 'drop'"]);
  assert.deepEqual(errors('fate a close 10ms'), ["f.tcpscenario:4:14: error: expected a signed time such as +10ms or -10ms after 'close', found '10ms'"]);
  assert.deepEqual(errors('fate a 1 drop', 'fate a 1 duplicate'), ['f.tcpscenario:5:1: error: segment 1 of \'a\' already has a fate on line 4']);
  assert.deepEqual(errors('0 a close', 'fate a 1 drop'), ['f.tcpscenario:5:1: error: declarations must come before the first event (line 4)']);
});

test('a segment fate needs a socket on a link', () => {
  const sc = parseScenario(['socket s TCP_ESTABLISHED', 'fate s 1 drop', '0 s close'].join('\n'), 'g.tcpscenario');
  assert.deepEqual(sc.diagnostics.map(formatDiagnostic), ["g.tcpscenario:2:6: error: a segment's fate is on a link, and 's' is in none (link s OTHER)"]);
});
