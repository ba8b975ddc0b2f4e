// The Why? chain read as lines (the Variables view's quick pick): depth first in the order a
// reader follows it, each link's origin in words, the stop to step back to where there is one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WhyLinkSnapshot } from './protocol';
import { whyLines, whyOriginText } from './whyLines';

const at = { file: 'linux-1.2.13/net/inet/tcp.c', column: 3 };
// the shape of passive-close's answer for sk->state = LAST_ACK, trimmed to four links
const chain: WhyLinkSnapshot = {
  expr: 'sk->state',
  value: '9',
  stop: 40,
  origin: { kind: 'statement', stop: 31, fn: 'tcp_set_state', ...at, line: 287, during: 'the close() of server (scenario line 11)' },
  reads: [
    {
      expr: 'state',
      value: '9',
      stop: 31,
      origin: { kind: 'argument', stop: 29, fn: 'tcp_close_state', ...at, line: 3420, callee: 'tcp_set_state', index: 1 },
      reads: [
        { expr: 'sk->state', value: '8', stop: 28, control: 'switch at tcp_close_state:3395', origin: { kind: 'event', stop: 12, line: 9, what: 'the FIN segment (scenario line 9)' }, reads: [], cut: 'explained elsewhere' },
      ],
    },
    { expr: 'jiffies', value: '0', stop: 31, origin: { kind: 'initial', what: 'its value at the start of the run' }, reads: [] },
  ],
};

test('whyLines walks the chain depth first, each line one link deeper than its parent', () => {
  const lines = whyLines(chain);
  assert.deepEqual(
    lines.map((l) => [l.depth, l.label]),
    [
      [0, 'sk->state = 9'],
      [1, 'state = 9'],
      [2, 'test sk->state = 8'],
      [1, 'jiffies = 0'],
    ],
  );
});

test('each line steps back to the stop its origin made the value, none for a value from the setup; a cut is kept', () => {
  const lines = whyLines(chain);
  assert.deepEqual(lines.map((l) => l.stop), [31, 29, 12, undefined]);
  assert.equal(lines[2].cut, 'explained elsewhere');
  assert.equal(lines[0].cut, undefined);
});

test('origins read as words: the writer and the scenario moment, the caller and the argument, the event, the setup', () => {
  const lines = whyLines(chain);
  assert.equal(lines[0].origin, 'written by tcp_set_state:287 during the close() of server (scenario line 11)');
  assert.equal(lines[1].origin, 'passed to tcp_set_state() as argument 2 by tcp_close_state:3420');
  assert.equal(lines[2].origin, 'the FIN segment (scenario line 9)');
  assert.equal(lines[3].origin, 'its value at the start of the run');
  assert.equal(whyOriginText({ kind: 'statement', stop: 1, fn: 'tcp_fin', ...at, line: 10 }), 'written by tcp_fin:10');
});

test('a returned value says so', () => {
  const r: WhyLinkSnapshot = { expr: 'tcp_close_state(sk, 0)', value: '1', stop: 3, returned: true, origin: { kind: 'statement', stop: 2, fn: 'tcp_close_state', ...at, line: 5 }, reads: [] };
  assert.equal(whyLines(r)[0].label, 'tcp_close_state(sk, 0) = 1 (returned)');
});
