// The product's run on the release (src/engine/release/: the scenario bound once, the agenda in
// TypeScript over the machine layer's C, stops in the release's C only) ends every case exactly as
// gcc's build of the same C ends it: the same record, field for field, segment for segment.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { loadReleaseKernel } from '../../../src/host/node';
import { bindScenario } from '../../../src/engine/release/bind';
import type { ReleaseImage } from '../../../src/engine/release/image';
import { runRecord } from '../../../src/engine/release/record';
import { ReleaseRun } from '../../../src/engine/release/run';
import { serialise, type PCase } from './protocol';
import { differences, releaseCases, releaseScenarios } from './cases';
import { buildRelease, checkToolchain, releaseFields } from './gcc';


let cases: PCase[];
let gcc: Record<string, unknown>[];
let image: ReleaseImage;
let ints: string[];

before(async () => {
  checkToolchain();
  image = await loadReleaseKernel();
  cases = releaseCases((n) => image.constant(n));
  const f = await releaseFields();
  ints = f.ints;
  const build = buildRelease(f.header);
  const g = spawnSync('qemu-i386', [build.bin], { input: serialise(cases), encoding: 'utf8', maxBuffer: 1 << 28 });
  build.dispose();
  assert.equal(g.status, 0, g.stderr);
  gcc = g.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
});

test('every case, run as the debugger runs it on the release, ends with gcc\'s record', (t) => {
  const scenarios = releaseScenarios();
  assert.equal(scenarios.length, cases.length);
  const differ: string[] = [];
  let stops = 0;
  const t0 = performance.now();
  for (let i = 0; i < scenarios.length; i++) {
    const { name, sc } = scenarios[i];
    assert.equal(name, cases[i].name);
    const { bound, diagnostics } = bindScenario(sc, image.kernel, image.constant);
    assert.deepEqual(diagnostics, [], name);
    const run = new ReleaseRun(image, bound);
    run.runFast();
    stops += run.stopCount;
    const mine = runRecord(run, name, ints);
    const d = differences(gcc[i], JSON.parse(JSON.stringify(mine)), 'ours');
    if (d.length) differ.push(`${name}:\n  ${d.join('\n  ')}`);
  }
  t.diagnostic(`load ${image.loadMs.toFixed(0)} ms; ${scenarios.length} cases, ${stops} stops in ${(performance.now() - t0).toFixed(0)} ms`);
  assert.deepEqual(differ, []);
});
