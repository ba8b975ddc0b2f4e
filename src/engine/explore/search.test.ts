// The explorer's search on the release: every schedule counted once, the shortest schedule of each
// outcome replays to it, and pruning saves runs without changing a count.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadReleaseKernel } from '../../host/node';
import { parseScenario } from '../../scenario/parse';
import { bindScenario, type BoundScenario } from '../release/bind';
import type { ReleaseImage } from '../release/image';
import { ReleaseRun } from '../release/run';
import { makePlan, ordered, runTasks } from './plan';
import { classify, mergeTallies, type Tallies } from './search';
import { replayText, type Bounds } from './schedule';

let image: ReleaseImage;
before(async () => {
  image = await loadReleaseKernel();
});

const FOUR_WAY = readFileSync(join(__dirname, '../../../examples/four-way.tcpscenario'), 'utf8');

function bind(text: string): BoundScenario {
  const sc = parseScenario(text, 'x.tcpscenario');
  assert.deepEqual(sc.diagnostics, []);
  const { bound, diagnostics } = bindScenario(sc, image.kernel, image.constant);
  assert.deepEqual(diagnostics, []);
  return bound;
}

const bounds = (b: Partial<Bounds>): Bounds => ({ drops: 0, duplicates: 0, reorders: 0, delays: [], delayed: 0, closeTimes: [0], until: 20_000, maxSchedules: 1e6, ...b });

function explore(bound: BoundScenario, b: Bounds, prune = true): { tallies: Tallies; runs: number; pruned: number; points: number } {
  const plan = makePlan(image, bound, b);
  const r = runTasks(image, plan.variants, b, plan.tasks, { prune });
  mergeTallies(plan.tallies, r.tallies);
  return { tallies: plan.tallies, runs: plan.stats.runs + r.stats.runs, pruned: r.stats.pruned, points: plan.points };
}

const total = (t: Tallies) => [...t.values()].reduce((n, x) => n + x.count, 0);

test('one drop: the schedule as written and one schedule per segment sent over the link', () => {
  const r = explore(bind(FOUR_WAY), bounds({ drops: 1 }));
  // the four-way close sends four segments over the link: each may be the one lost
  assert.equal(r.points, 4);
  assert.equal(total(r.tallies), 5);
  assert.equal(r.runs, 5);
});

test('every outcome\'s shortest schedule, written as a scenario file, replays to that outcome', () => {
  const bound = bind(FOUR_WAY);
  const b = bounds({ drops: 2, duplicates: 1 });
  const r = explore(bound, b);
  const outcomes = ordered(r.tallies);
  assert.ok(outcomes.length >= 2, `outcomes: ${outcomes.map((o) => o.cls.key).join(' | ')}`);
  assert.ok(outcomes.some((o) => o.cls.rst), 'a duplicated segment makes 1.2 answer with an RST somewhere');
  for (const o of outcomes) {
    const text = replayText(FOUR_WAY, o.shortest, bound, b.until, ['replay']);
    const run = new ReleaseRun(image, bind(text), { history: false });
    run.runFast();
    assert.equal(classify(run, run.stopInfo(run.stopIndex)).key, o.cls.key, text.split('\n').filter((l) => l.startsWith('fate')).join('; '));
  }
});

test('pruning counts the same schedules in the same outcomes with fewer runs', () => {
  const bound = bind(FOUR_WAY);
  // two of a kind: a state reached with one drop spent must not take the tally of one reached with none
  const b = bounds({ drops: 2, duplicates: 2 });
  const pruned = explore(bound, b, true);
  const full = explore(bound, b, false);
  const shape = (t: Tallies) => ordered(t).map((x) => `${x.cls.key} ${x.count} ${x.failed}`);
  assert.deepEqual(shape(pruned.tallies), shape(full.tallies));
  assert.equal(full.pruned, 0);
  assert.ok(pruned.pruned > 0, 'some state is reached twice at the same moment');
  assert.ok(pruned.runs < full.runs, `${pruned.runs} runs pruned, ${full.runs} without`);
});

test('close times: each combination of moves is a variant, and a move before time 0 is left out', () => {
  const bound = bind(FOUR_WAY);
  const plan = makePlan(image, bound, bounds({ closeTimes: [0, -50, 50] }));
  // the client closes at 0 (it cannot move earlier), the server at 1.02 s: 2 x 3 variants
  assert.equal(plan.variants.length, 6);
  assert.ok(plan.variants.every((v) => v.bound.events.every((e, i, all) => i === 0 || all[i - 1].time <= e.time)));
});
