// Hit counts (how many times a stop's line has run so far) against a count made from scratch, on
// one branch of history and after a what-if has replaced the future: the index kept per run must
// not answer from the forgotten branch.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadRun } from '../host/load';
import { ensureStops, hitAt } from './hits';
import type { Run } from './run';

const PASSIVE = join(__dirname, '..', '..', 'examples', 'passive-close.tcpscenario');

/** hitAt's answer, counted from stop 0 with no index: the stops up to n of the same kind on n's line. */
function counted(run: Run, n: number): number {
  const key = (k: number) => `${run.H.stopAt(k).code >= 0}\0${run.lineOf(k).file}\0${run.lineOf(k).line}`;
  let c = 0;
  for (let k = 0; k <= n; k++) if (key(k) === key(n)) c++;
  return c;
}

test('hit counts equal a count from scratch, before and after a what-if that changes the path', async () => {
  const run = await loadRun({ scenarioPath: PASSIVE });
  ensureStops(run, 1_000_000);
  const end = run.stopCount - 1;
  for (let n = 0; n <= end; n++) assert.equal(hitAt(run, n), counted(run, n), `stop ${n}`);
  assert.ok([...Array(end + 1).keys()].some((n) => hitAt(run, n) > 1), 'some line runs more than once');
  // a what-if early on: the server is already in CLOSE, so the FIN and close() take other lines
  run.goto(1);
  const sk = run.world.sockets.get('server')!.sk;
  run.write(sk.f, sk.type.byName.get('state')!.index, 7);
  ensureStops(run, 1_000_000);
  assert.notEqual(run.stopCount, end + 1, 'the what-if changed the run (its length)');
  for (let n = 0; n < run.stopCount; n++) assert.equal(hitAt(run, n), counted(run, n), `stop ${n} on the new branch`);
});
