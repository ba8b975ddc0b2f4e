// The release's differential test on generated scenarios (generate.ts): 1000 of them, written
// in the scenario language, run by gcc's build and by the interpreter over the same protocol;
// every record must be the same. GENERATED=N runs N, SEED=S starts from another seed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { releaseImage } from '../../../src/host/load';
import { formatDiagnostic, type Scenario } from '../../../src/scenario/ast';
import { loadReleaseKernel } from '../../../src/host/node';
import { bindScenario } from '../../../src/engine/release/bind';
import { runRecord } from '../../../src/engine/release/record';
import { ReleaseRun } from '../../../src/engine/release/run';
import { parseScenario } from '../../../src/scenario/parse';
import { scenarioCase, serialise, type PCase } from './protocol';
import { buildRelease, checkToolchain, releaseFields } from './gcc';
import { generateScenario } from './generate';
import { interpreterRun } from './interpreter';

const COUNT = Number(process.env.GENERATED ?? 1000);
const SEED = Number(process.env.SEED ?? 1);

test(`${COUNT} generated scenarios end with the same record under gcc and under the interpreter`, async (t) => {
  checkToolchain();
  const constants = await releaseImage();
  const resolve = (n: string) => constants.constant(n);
  const cases: PCase[] = [];
  const texts = new Map<string, string>();
  const scenarios: Scenario[] = [];
  for (let i = 0; i < COUNT; i++) {
    const seed = SEED + i;
    const text = generateScenario(seed);
    const name = `generated-${seed}`;
    const sc = parseScenario(text, `${name}.tcpscenario`);
    const errors = sc.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map(formatDiagnostic), [], `seed ${seed} does not parse:\n${text}`);
    cases.push(scenarioCase(name, sc, resolve));
    texts.set(name, text);
    scenarios.push(sc);
  }
  const protocol = serialise(cases);
  const fields = await releaseFields();
  const build = buildRelease(fields.header);
  const g = spawnSync('qemu-i386', [build.bin], { input: protocol, encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.equal(g.status, 0, g.stderr);
  const ours = await interpreterRun(protocol);
  assert.equal(ours.status, 0, ours.stderr);
  const gl = g.stdout.trim().split('\n');
  const ol = ours.stdout.trim().split('\n');
  assert.equal(gl.length, COUNT);
  assert.equal(ol.length, COUNT);
  const differ: string[] = [];
  let segments = 0;
  let printk = 0;
  const states = new Set<number>();
  const errors: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const a = JSON.parse(gl[i]);
    if (gl[i] !== ol[i]) differ.push(`${a.case}:\n${texts.get(a.case)}gcc: ${gl[i].slice(0, 400)}\nint: ${ol[i].slice(0, 400)}`);
    segments += a.segments.length;
    printk += a.printk.length;
    for (const s of a.sockets) states.add(s.fields.state);
    if (a.error) errors.push(`${a.case}: ${a.error}`);
  }
  t.diagnostic(`${COUNT} cases, ${segments} segments, ${printk} printk lines, end states ${[...states].sort((x, y) => x - y).join(' ')}; interpreter ${ours.statements} statements, load ${ours.loadMs.toFixed(0)} ms, run ${ours.runMs.toFixed(0)} ms`);
  assert.deepEqual(differ.slice(0, 3), [], `${differ.length} of ${COUNT} differ; the first:\n${differ.slice(0, 3).join('\n')}`);
  // no case ends in a machine fault or a bad checksum (the records would agree and prove little)
  assert.deepEqual(errors.slice(0, 5), [], `${errors.length} records carry an error`);
  // the generator reaches the states the close path ends in, and the wire is busy
  assert.ok(states.size >= 5, `only end states ${[...states].join(' ')}`);
  assert.ok(segments > COUNT, `only ${segments} segments`);
  // the debugger's own run of each scenario on the release (src/engine/release/) ends as gcc's build does
  const image = await loadReleaseKernel();
  const product: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < COUNT; i++) {
    const { bound, diagnostics } = bindScenario(scenarios[i], image.kernel, image.constant);
    assert.deepEqual(diagnostics.map(formatDiagnostic), [], cases[i].name);
    const r = new ReleaseRun(image, bound, { history: false });
    r.runFast();
    const mine = JSON.stringify(runRecord(r, cases[i].name, fields.ints));
    if (mine !== gl[i]) product.push(`${cases[i].name}:\n${texts.get(cases[i].name)}gcc: ${gl[i].slice(0, 400)}\nours: ${mine.slice(0, 400)}`);
  }
  t.diagnostic(`the debugger's run on the release: ${COUNT} cases in ${(performance.now() - t0).toFixed(0)} ms`);
  assert.deepEqual(product.slice(0, 3), [], `${product.length} of ${COUNT} differ from gcc in the debugger's run; the first:\n${product.slice(0, 3).join('\n')}`);
});
