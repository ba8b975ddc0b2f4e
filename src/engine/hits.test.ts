// Hit counts (how many times a stop's line has run so far) against a count made from scratch, on
// one branch of history and after a what-if has replaced the future: the index kept per run must
// not answer from the forgotten branch.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

test('a what-if at a fault stop keeps the fault: the new stop is still an error, with the same message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'whatif-fault-'));
  try {
    const kernel = join(dir, 'tcp.c');
    const shipped = readFileSync(join(__dirname, '..', 'kernel', 'tcp.c'), 'utf8');
    const edited = shipped.replace('{\n\tsk->fin_seq = th->seq + skb->len + th->syn + th->fin;', '{\n\tth = 0;\n\tsk->fin_seq = th->seq + skb->len + th->syn + th->fin;');
    assert.notEqual(edited, shipped, 'tcp_fin was edited');
    writeFileSync(kernel, edited);
    copyFileSync(join(__dirname, '..', 'kernel', 'tcp.h'), join(dir, 'tcp.h'));
    const run = await loadRun({ scenarioPath: PASSIVE, kernelPath: kernel });
    let s = run.stopInfo(run.stopIndex);
    while (s.kind !== 'error' && s.kind !== 'end') s = run.forward();
    assert.equal(s.kind, 'error');
    assert.match(s.message ?? '', /'th' is NULL/);
    const sk = run.world.sockets.get('server')!.sk;
    const after = run.write(sk.f, sk.type.byName.get('rto')!.index, 600);
    assert.equal(after.index, s.index + 1, 'the what-if is a new stop at the same place');
    assert.equal(after.kind, 'error');
    assert.equal(after.message, s.message);
    run.backward();
    assert.equal(run.stopInfo(run.stopIndex).message, s.message, 'the stop before the what-if keeps it too');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
