// Scenario fuzzing: tens of thousands of scenarios (the examples mutated by deleting, duplicating,
// swapping and corrupting tokens and lines, random bytes, huge numbers, sequence numbers at the
// 2^32 wrap, events out of order, thousands of sockets). Each one either runs or is refused with
// diagnostics that carry the scenario's path and a line:column inside the file; no exception
// escapes, no call chain runs past its step budget, no run past a stop and memory cap. Valid
// generated scenarios are run to the end with the close-path invariants checked at every stop.
//
// Run: node --import tsx --test test/robust/scenario-fuzz.test.ts   (FUZZ_SCALE, FUZZ_SEED)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseScenario } from '../../src/scenario/parse';
import { loadReleaseRun } from '../../src/host/load';
import { RunSetupError } from '../../src/engine/setup';
import type { ReleaseRun } from '../../src/engine/release/run';
import { ROOT, SEED, Tally, scaled } from './common';
import { diagnosticProblems, manySockets, mutatedScenarioArb, noiseScenarioArb, runChecked, validScenarioArb } from './scenarios';

const FILE = join(ROOT, 'test', 'robust', 'fuzzed.tcpscenario');
const BUDGET = 20_000;
/**
 * Stops a fuzzed run is stepped with the close-path invariants checked at each. A run ends at its
 * last event, but two linked sockets whose sequence numbers disagree answer each other's ACKs for
 * as long as the scenario lasts (an ACK storm, as the 1.2 kernel would): a generated scenario of a
 * quarter of an hour is then over a million stops. Past this many, the run goes on by the fast
 * path (ReleaseRun.runFast, no invariants checked) to its end.
 */
const MAX_STOPS = 150_000;
/**
 * Stops after which a run is abandoned: a failure, unless the scenario was built to be endless
 * (and says so with `endless`). Six of the 250 generated scenarios storm past MAX_STOPS; the
 * longest (clock times near the 2^32 wrap, 100 s of storm) ends after 5.2 million stops.
 */
const ABANDON_STOPS = 10_000_000;
/** the heap (history included) at any point of the suite */
const HEAP_CAP = 1536 * 1024 * 1024;

function checkDiagnostics(text: string, diags: RunSetupError['diagnostics']): string[] {
  return diags.flatMap((d) => diagnosticProblems(d, FILE, text).map((p) => `${d.range.start.line}:${d.range.start.column} ${JSON.stringify(d.message)}: ${p}`));
}

test('the parser: every mutated or random scenario gives a tree or well-placed diagnostics, never an exception', () => {
  const tally = new Tally('scenario parse');
  const property = (origin: string) => (input: { text: string } | string) => {
    const text = typeof input === 'string' ? input : input.text;
    const t0 = performance.now();
    const sc = parseScenario(text, FILE);
    const ms = performance.now() - t0;
    assert.ok(ms < 2000, `parsing took ${ms.toFixed(0)} ms`);
    const problems = checkDiagnostics(text, sc.diagnostics);
    assert.deepEqual(problems, [], `${origin}: bad diagnostics for ${JSON.stringify(text.slice(0, 300))}`);
    const errors = sc.diagnostics.filter((d) => d.severity === 'error').length;
    tally.add(errors ? `${origin}:diagnostics` : `${origin}:clean`);
  };
  fc.assert(fc.property(mutatedScenarioArb, property('mutated')), { seed: SEED, numRuns: scaled(20_000) });
  fc.assert(fc.property(noiseScenarioArb, property('noise')), { seed: SEED + 1, numRuns: scaled(5_000) });
  fc.assert(fc.property(validScenarioArb, property('generated')), { seed: SEED + 2, numRuns: scaled(2_000) });
  tally.print();
  assert.equal(tally.get('generated:diagnostics'), 0, 'the generator of valid scenarios made an invalid one');
});

/**
 * Loads and runs one scenario; returns the number of stops, asserting everything on the way. A run
 * that neither ends nor stops at a fault or the step budget within ABANDON_STOPS fails, unless
 * `endless` says why the scenario was built to run on (it then counts as `stop-cap(endless)`).
 */
async function loadAndRun(text: string, tally: Tally, origin: string, maxStops = MAX_STOPS, endless?: string): Promise<number> {
  let run: ReleaseRun;
  try {
    run = (await loadReleaseRun({ scenarioPath: FILE, scenarioText: text, stepBudget: BUDGET })).run;
  } catch (e) {
    assert.ok(e instanceof RunSetupError, `${origin}: an exception escaped loadReleaseRun: ${(e as Error)?.stack ?? e}\n--- scenario:\n${text}`);
    assert.equal(e.kernelErrors.length, 0, `${origin}: the shipped kernel was refused: ${e.message}`);
    assert.ok(e.diagnostics.length > 0, `${origin}: RunSetupError without diagnostics`);
    assert.deepEqual(checkDiagnostics(text, e.diagnostics), [], `${origin}: bad diagnostics\n--- scenario:\n${text}`);
    // the message lists each as file:line:col
    for (const d of e.diagnostics) assert.ok(e.message.includes(`${FILE}:${d.range.start.line}:${d.range.start.column}: `));
    tally.add(`${origin}:diagnostics`);
    return 0;
  }
  try {
    const t0 = performance.now();
    const r = runChecked(run, BUDGET, maxStops);
    const ms = performance.now() - t0;
    assert.deepEqual(r.violations, [], `${origin}: invariants broken\n--- scenario:\n${text}`);
    const heap = process.memoryUsage().heapUsed;
    assert.ok(heap < HEAP_CAP, `${origin}: heap ${(heap / 1048576).toFixed(0)} MB after ${r.stops} stops\n--- scenario:\n${text}`);
    assert.ok(ms < 60_000, `${origin}: ${r.stops} stops took ${ms.toFixed(0)} ms`);
    // a generated scenario closes and calls only through what the kernel can reach: a kfree_s of a
    // block freed already would be a close or call let through on a sock destroy_sock freed
    if (origin === 'generated' && r.outcome === 'error') assert.doesNotMatch(run.stopInfo(run.stopIndex).message ?? '', /not an allocated block/, `${origin}: a double free\n--- scenario:\n${text}`);
    const names = { end: r.failures ? 'ran(expectation failed)' : 'ran', budget: 'budget-stop', error: 'fault-stop' };
    if (r.outcome !== 'stop-cap') {
      tally.add(`${origin}:${names[r.outcome]}`);
      return r.stops;
    }
    if (endless) {
      tally.add(`${origin}:stop-cap(endless)`);
      return r.stops;
    }
    // past the checked stops: on to the end by the fast path, which must come
    const stops = r.stops + run.runFast(ABANDON_STOPS - r.stops);
    const end = run.stopInfo(run.stopIndex);
    assert.ok(end.kind === 'end' || end.kind === 'error', `${origin}: abandoned: no end after ${stops} stops (clock ${run.jiffies}, the last event at ${run.bound.events.at(-1)?.time})\n--- scenario:\n${text}`);
    const ran = end.kind === 'end' ? (r.failures || run.failures.length ? 'ran(expectation failed)' : 'ran') : /step budget/.test(end.message ?? '') ? 'budget-stop' : 'fault-stop';
    tally.add(`${origin}:${ran}(past ${maxStops} checked stops)`);
    return stops;
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    assert.fail(`${origin}: an exception escaped the run: ${(e as Error)?.stack ?? e}\n--- scenario:\n${text}`);
  }
}

test('the engine: mutated and generated scenarios run with the invariants holding at every stop, or are refused with diagnostics', async () => {
  const tally = new Tally('scenario run');
  const heap0 = process.memoryUsage().heapUsed;
  const mutated = fc.sample(mutatedScenarioArb, { seed: SEED + 3, numRuns: scaled(300) });
  for (const m of mutated) await loadAndRun(m.text, tally, 'mutated');
  const valid = fc.sample(validScenarioArb, { seed: SEED + 4, numRuns: scaled(250) });
  for (const text of valid) await loadAndRun(text, tally, 'generated');
  const grown = process.memoryUsage().heapUsed - heap0;
  tally.print();
  console.log(`[robust] heap growth over the runs: ${(grown / 1048576).toFixed(0)} MB (cap ${HEAP_CAP / 1048576} MB)`);
  assert.ok(tally.get('generated:ran') + tally.get('generated:ran(expectation failed)') > valid.length / 2, 'most generated scenarios should run to the end');
});

test('as many sockets as the machine holds run to the end, invariants holding; more are refused where declared', async () => {
  const tally = new Tally('many sockets');
  // src/kernel/machine/world.h's MACHINE_SOCKETS: 32 socks, an accept with no name taking one from the end
  const t0 = performance.now();
  await loadAndRun(manySockets(30), tally, '30-sockets', 400 * 30);
  console.log(`[robust] 30 sockets: ${(performance.now() - t0).toFixed(0)} ms`);
  await loadAndRun(manySockets(1000), tally, '1000-sockets');
  tally.print();
  assert.equal(tally.get('30-sockets:ran'), 1);
  assert.equal(tally.get('1000-sockets:diagnostics'), 1, 'a thousand sockets are more than the machine holds');
});

test('an ACK storm between two linked sockets runs until the machine\'s wire log is full, in bounded memory', async () => {
  // s0 and s1 disagree about every sequence number: s1's FIN starts an exchange in which each
  // answers the other's segment with an ACK; on the release it runs until the machine layer's wire
  // log (MACHINE_WIRE_SEGS segments, machine/net.c) is full: a fault stop that says so
  const text = ['socket s0 TCP_CLOSING write_seq=4294967283 acked_seq=1651019685', 'socket s1 TCP_CLOSE_WAIT write_seq=1175549892 acked_seq=4294967285', 'link s0 s1 delay=10ms', '0 s1 close', '+10s wait', ''].join('\n');
  const tally = new Tally('ack storm');
  const stops = await loadAndRun(text, tally, 'ack-storm', 2_000_000);
  tally.print();
  console.log(`[robust] ack storm: ${stops} stops`);
  assert.ok(stops > 50_000, `expected an ACK storm, got ${stops} stops`);
  assert.equal(tally.get('ack-storm:fault-stop'), 1);
  const { run } = await loadReleaseRun({ scenarioPath: FILE, scenarioText: text, stepBudget: BUDGET });
  run.runFast();
  assert.match(run.stopInfo(run.stopIndex).message ?? '', /machine fault: dev_queue_xmit: the wire log is full/);
});
