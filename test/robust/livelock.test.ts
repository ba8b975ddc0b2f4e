// Regression: an endless exchange that never moves the clock must stop at the step budget.
// Each call chain has its budget, but timers re-armed for the current jiffy or two sockets that
// answer each other over a link with delay=0 make endless work out of short chains: before the
// fix the run never ended (the CLI hung, memory grew with every segment).
//
// Run: node --import tsx --test test/robust/livelock.test.ts

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRun } from '../../src/host/load';
import type { Run, Stop } from '../../src/engine/run';
import { ROOT } from './common';

const SCENARIO = join(ROOT, 'test', 'robust', 'storm.tcpscenario');
/** two linked sockets with no wire delay that disagree about every sequence number */
const STORM = ['socket s0 TCP_CLOSING write_seq=4294967283 acked_seq=1651019685', 'socket s1 TCP_CLOSE_WAIT write_seq=1175549892 acked_seq=4294967285', 'link s0 s1 delay=0', '0 s1 close', '+1s wait', ''].join('\n');

function runTo(run: Run, maxStops: number): { stop: Stop; stops: number } {
  let stop = run.stopInfo(run.stopIndex);
  let stops = 0;
  while (stop.kind !== 'end' && stop.kind !== 'error' && stops < maxStops) {
    stop = run.forward();
    stops++;
  }
  return { stop, stops };
}

test('two sockets answering each other over a link with delay=0 stop at the step budget, not never', async () => {
  const run = await loadRun({ scenarioPath: SCENARIO, scenarioText: STORM, stepBudget: 1000 });
  try {
    const { stop, stops } = runTo(run, 200_000);
    assert.equal(stop.kind, 'error', `no stop after ${stops} stops at jiffy ${run.world.jiffies} (${run.world.segments.length} segments)`);
    assert.match(stop.message!, /step budget of 1000 statements/);
    assert.match(stop.message!, /jiffy 0/);
    assert.equal(stop.errorLoc?.file, SCENARIO);
    assert.equal(stop.errorLoc?.line, 4, 'the scenario line that started the exchange');
    assert.equal(run.world.jiffies, 0);
    // the stop is in the history like any other: back and forward again
    run.backward();
    assert.equal(run.forward().kind, 'error');
  } finally {
    run.dispose();
  }
});

test('a timer that re-arms itself for the current jiffy (an edited net_timer) stops at the step budget', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-livelock-'));
  try {
    copyFileSync(join(ROOT, 'src', 'kernel', 'tcp.h'), join(dir, 'tcp.h'));
    // net_timer with TIME_DONE and TIME_CLOSE swapped: a live socket's TIME_DONE re-arms at once
    let c = readFileSync(join(ROOT, 'src', 'kernel', 'tcp.c'), 'utf8');
    c = c.replace('case TIME_DONE:', 'case @@:').replace('case TIME_CLOSE:', 'case TIME_DONE:').replace('case @@:', 'case TIME_CLOSE:');
    writeFileSync(join(dir, 'tcp.c'), c);
    const run = await loadRun({ scenarioPath: join(ROOT, 'examples', 'four-way.tcpscenario'), kernelPath: join(dir, 'tcp.c'), stepBudget: 5000 });
    try {
      const { stop, stops } = runTo(run, 500_000);
      assert.equal(stop.kind, 'error', `no stop after ${stops} stops at jiffy ${run.world.jiffies}`);
      assert.match(stop.message!, /step budget of 5000 statements/);
    } finally {
      run.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('many events at one instant are not an endless exchange: 3000 sockets close at jiffy 0', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) lines.push(`socket k${i} ESTABLISHED write_seq=${i * 10} acked_seq=5`);
  for (let i = 0; i < 3000; i++) lines.push(`0 k${i} close`);
  const run = await loadRun({ scenarioPath: SCENARIO, scenarioText: lines.join('\n'), stepBudget: 1000 });
  try {
    const { stop } = runTo(run, 2_000_000);
    assert.equal(stop.kind, 'end', stop.message);
  } finally {
    run.dispose();
  }
});
