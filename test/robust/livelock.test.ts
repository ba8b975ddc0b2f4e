// Regression: an endless exchange that never moves the clock must stop at the step budget.
// Each call chain has its budget, but timers re-armed for the current jiffy or two sockets that
// answer each other over a link with delay=0 make endless work out of short chains: the run must
// end (the CLI would hang, memory grow with every segment). On the release (ReleaseRun).
//
// Run: node --import tsx --test test/robust/livelock.test.ts

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReleaseRun } from '../../src/host/load';
import type { ReleaseRun, ReleaseStop } from '../../src/engine/release/run';
import { ROOT } from './common';

const SCENARIO = join(ROOT, 'test', 'robust', 'storm.tcpscenario');
/** two linked sockets with no wire delay that disagree about every sequence number */
const STORM = ['socket s0 TCP_CLOSING write_seq=4294967283 acked_seq=1651019685', 'socket s1 TCP_CLOSE_WAIT write_seq=1175549892 acked_seq=4294967285', 'link s0 s1 delay=0', '0 s1 close', '+1s wait', ''].join('\n');

function runTo(run: ReleaseRun, maxStops: number): { stop: ReleaseStop; stops: number } {
  let stop = run.stopInfo(run.stopIndex);
  let stops = 0;
  while (stop.kind !== 'end' && stop.kind !== 'error' && stops < maxStops) {
    stop = run.forward();
    stops++;
  }
  return { stop, stops };
}

test('two sockets answering each other over a link with delay=0 end: at the step budget, or when the exchange stops', async () => {
  const { run } = await loadReleaseRun({ scenarioPath: SCENARIO, scenarioText: STORM, stepBudget: 1000 });
  const { stop, stops } = runTo(run, 500_000);
  assert.ok(stop.kind === 'error' || stop.kind === 'end', `no end after ${stops} stops at jiffy ${run.jiffies} (${run.segs.length} segments)`);
  if (stop.kind === 'error') {
    assert.match(stop.message!, /step budget of 1000 statements/);
    // the stop is in the history like any other: back and forward again
    run.backward();
    assert.equal(run.forward().kind, 'error');
  }
});

test('a timer that re-arms itself at once (an edited net_timer) runs a jiffy later each time: the clock moves, the run ends', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-livelock-'));
  try {
    // net_timer (timer.c) re-arming the timer that just fired, for the next jiffy, whatever the reason:
    // timer_bh runs a timer once expires < jiffies, so it cannot run twice in one jiffy
    let c = readFileSync(join(ROOT, 'src', 'kernel', 'linux-1.2.13', 'net', 'inet', 'timer.c'), 'utf8');
    const at = c.indexOf('\tswitch (why)');
    assert.ok(at > 0, 'net_timer switches on why');
    c = c.slice(0, at) + '\tsk->timer.expires = 0;\n\tadd_timer(&sk->timer);\n\treturn;\n' + c.slice(at);
    writeFileSync(join(dir, 'timer.c'), c);
    const { run } = await loadReleaseRun({ scenarioPath: join(ROOT, 'examples', 'four-way.tcpscenario'), kernelPath: join(dir, 'timer.c'), stepBudget: 5000 });
    let timers = 0;
    let stop = run.stopInfo(run.stopIndex);
    let last = -1;
    let stops = 0;
    for (; stop.kind !== 'end' && stop.kind !== 'error' && stops < 500_000; stops++) {
      stop = run.forward();
      if (stop.kind === 'event' && stop.item?.kind === 'timer') {
        timers++;
        assert.ok(run.jiffies > last, `two timer runs at jiffy ${run.jiffies}`);
        last = run.jiffies;
      }
    }
    assert.equal(stop.kind, 'end', `${stop.message ?? ''} after ${stops} stops at jiffy ${run.jiffies}`);
    assert.ok(timers > 500, `the re-armed timer ran ${timers} times`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('many events at one instant are not an endless exchange: 30 sockets close at jiffy 0', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 30; i++) lines.push(`socket k${i} ESTABLISHED write_seq=${i * 10} acked_seq=5`);
  for (let i = 0; i < 30; i++) lines.push(`0 k${i} close`);
  const { run } = await loadReleaseRun({ scenarioPath: SCENARIO, scenarioText: lines.join('\n'), stepBudget: 1000 });
  const { stop } = runTo(run, 2_000_000);
  assert.equal(stop.kind, 'end', stop.message);
});
