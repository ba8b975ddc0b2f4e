// The release's differential test, interpreter against gcc: the unmodified 1.2.13 files, the
// machine layer and the driver, built by gcc -m32 (run under qemu-i386) and compiled by the
// project's own compiler (run on its byte memory), read the same protocol and must print the
// same records: every sock field, both timers, every segment (time, flags, seq, ack, len, window),
// the queues and printk's output, on every example, every case of scenarios.txt and the oracle's
// own cases (./cases.ts: a FIN lost forever, data in flight, a zero window…).

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { releaseImage } from '../../../src/host/load';
import { serialise, type PCase } from './protocol';
import { differences, releaseCases } from './cases';
import { buildRelease, checkToolchain, releaseFields } from './gcc';
import { interpreterRun, type InterpreterRun } from './interpreter';


let cases: PCase[];
let gcc: string[];
let ours: InterpreterRun;

before(async () => {
  checkToolchain();
  const image = await releaseImage();
  cases = releaseCases((n) => image.constant(n));
  const protocol = serialise(cases);
  const build = buildRelease((await releaseFields()).header);
  const g = spawnSync('qemu-i386', [build.bin], { input: protocol, encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(g.status, 0, g.stderr);
  gcc = g.stdout.trim().split('\n');
  ours = await interpreterRun(protocol);
});

test('the interpreter runs the release, the machine layer and the driver to the end, as gcc does', (t) => {
  assert.equal(ours.status, 0, ours.stderr);
  assert.equal(ours.stderr, '');
  const lines = ours.stdout.trim().split('\n');
  assert.equal(lines.length, cases.length);
  assert.equal(gcc.length, cases.length);
  t.diagnostic(`interpreter: load ${ours.loadMs.toFixed(0)} ms, run ${ours.runMs.toFixed(0)} ms, ${ours.statements} statements for ${cases.length} cases`);
});

test('every case ends with the same record on both sides', () => {
  const lines = ours.stdout.trim().split('\n');
  const differ: string[] = [];
  for (let i = 0; i < cases.length; i++) {
    const g = JSON.parse(gcc[i]);
    const o = JSON.parse(lines[i] ?? '{}');
    assert.equal(o.case, g.case);
    const d = differences(g, o, 'interpreter');
    if (d.length) differ.push(`${g.case}:\n    ${d.join('\n    ')}`);
  }
  assert.deepEqual(differ, [], `records that differ:\n${differ.join('\n')}`);
  // agreeing on a machine fault or a bad checksum would prove little: no record carries one
  assert.deepEqual(
    gcc.map((l) => JSON.parse(l)).filter((g) => g.error).map((g) => `${g.case}: ${g.error}`),
    [],
  );
  // printk's lines (machine/printk.c, a variadic C function reading its arguments through stdarg) are among what agrees
  assert.ok(gcc.some((l) => /"printk":\[\{/.test(l) && /%|[0-9]/.test(l)));
});
