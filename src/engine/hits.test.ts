// Hit counts (how many times a stop's line has run so far) against a count made from scratch, on
// one branch of history and after a what-if has replaced the future: the index kept per run must
// not answer from the forgotten branch. On the release (ReleaseRun).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReleaseRun } from '../host/load';
import { ensureStops, hitAt } from './hits';
import type { ReleaseRun } from './release/run';

const PASSIVE = join(__dirname, '..', '..', 'examples', 'passive-close.tcpscenario');
const RELEASE_TCP = join(__dirname, '..', 'kernel', 'linux-1.2.13', 'net', 'inet', 'tcp.c');

/** hitAt's answer, counted from stop 0 with no index: the stops up to n of the same kind on n's line. */
function counted(run: ReleaseRun, n: number): number {
  const key = (k: number) => `${run.H.stopAt(k).code >= 0}\0${run.lineOf(k).file}\0${run.lineOf(k).line}`;
  let c = 0;
  for (let k = 0; k <= n; k++) if (key(k) === key(n)) c++;
  return c;
}

/** A what-if at the current stop: the server sock's `name` set to `v`. */
function whatIf(run: ReleaseRun, name: string, v: number) {
  const sk = run.socks.find((s) => s.name === 'server')!.sk;
  return run.whatIf(() => run.setField(sk, run.sock.byName.get(name)!, v));
}

test('hit counts equal a count from scratch, before and after a what-if that changes the path', async () => {
  const { run } = await loadReleaseRun({ scenarioPath: PASSIVE });
  ensureStops(run, 1_000_000);
  const end = run.stopCount - 1;
  for (let n = 0; n <= end; n++) assert.equal(hitAt(run, n), counted(run, n), `stop ${n}`);
  assert.ok([...Array(end + 1).keys()].some((n) => hitAt(run, n) > 1), 'some line runs more than once');
  // a what-if early on: the server is already in CLOSE, so the FIN and close() take other lines
  run.goto(1);
  whatIf(run, 'state', 7);
  ensureStops(run, 1_000_000);
  assert.notEqual(run.stopCount, end + 2, 'the what-if changed the run (its length)');
  for (let n = 0; n < run.stopCount; n++) assert.equal(hitAt(run, n), counted(run, n), `stop ${n} on the new branch`);
});

test('a what-if at a fault stop keeps the fault: the new stop is still an error, with the same message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'whatif-fault-'));
  try {
    const kernel = join(dir, 'tcp.c');
    const shipped = readFileSync(RELEASE_TCP, 'utf8');
    const edited = shipped.replace('{\n\tsk->fin_seq = th->seq + skb->len + th->syn + th->fin;', '{\n\tth = 0;\n\tsk->fin_seq = th->seq + skb->len + th->syn + th->fin;');
    assert.notEqual(edited, shipped, 'tcp_fin was edited');
    writeFileSync(kernel, edited);
    const { run } = await loadReleaseRun({ scenarioPath: PASSIVE, kernelPath: kernel });
    let s = run.stopInfo(run.stopIndex);
    while (s.kind !== 'error' && s.kind !== 'end') s = run.forward();
    assert.equal(s.kind, 'error');
    assert.match(s.message ?? '', /NULL pointer dereference/);
    const after = whatIf(run, 'rto', 600);
    assert.equal(after.index, s.index + 1, 'the what-if is a new stop at the same place');
    assert.equal(after.kind, 'error');
    assert.equal(after.message, s.message);
    run.backward();
    assert.equal(run.stopInfo(run.stopIndex).message, s.message, 'the stop before the what-if keeps it too');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
