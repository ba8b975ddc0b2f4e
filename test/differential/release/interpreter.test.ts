// The release's differential test, interpreter against gcc: the unmodified 1.2.13 files, the
// machine layer and the driver, built by gcc -m32 (run under qemu-i386) and compiled by the
// project's own compiler (run on its byte memory), read the same protocol and must print the
// same records: every sock field, both timers, every segment (time, flags, seq, ack, len, window),
// the queues and printk's output, on every example and every case of scenarios.txt.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadRun } from '../../../src/host/load';
import { INPUTS as REDUCED, exampleCases, scenarioFileCases } from '../gcc';
import { serialise, type PCase } from '../protocol';
import { buildRelease, checkToolchain, releaseFields } from './gcc';
import { interpreterRun, type InterpreterRun } from './interpreter';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Cases whose records differ today, each with its cause; the test fails when one of them starts
 * to agree (so the list only shrinks) or when any other case differs.
 */
const KNOWN: Record<string, string> = {
  'examples/retransmitted-fin.tcpscenario': 'printk text: variadic C functions (machine/printk.c reads its arguments through stdarg) get no cdecl argument layout yet',
  'scenarios.txt:142:debug-printk': 'printk text: variadic C functions get no cdecl argument layout yet',
};

let cases: PCase[];
let gcc: string[];
let ours: InterpreterRun;

before(async () => {
  checkToolchain();
  const run = await loadRun({ scenarioPath: join(ROOT, 'examples', 'passive-close.tcpscenario'), kernelPath: REDUCED.kernel });
  cases = [...exampleCases(run), ...scenarioFileCases(run)];
  const protocol = serialise(cases);
  const build = buildRelease((await releaseFields()).header);
  const g = spawnSync('qemu-i386', [build.bin], { input: protocol, encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(g.status, 0, g.stderr);
  gcc = g.stdout.trim().split('\n');
  ours = await interpreterRun(protocol);
});

/** The paths at which two JSON values differ (at most `max`). */
function differences(a: unknown, b: unknown, path = '', out: string[] = [], max = 8): string[] {
  if (out.length >= max) return out;
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path || '.'}: gcc ${JSON.stringify(a)}, interpreter ${JSON.stringify(b)}`);
    return out;
  }
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out, max);
  return out;
}

test('the interpreter runs the release, the machine layer and the driver to the end, as gcc does', (t) => {
  assert.equal(ours.status, 0, ours.stderr);
  assert.equal(ours.stderr, '');
  const lines = ours.stdout.trim().split('\n');
  assert.equal(lines.length, cases.length);
  assert.equal(gcc.length, cases.length);
  t.diagnostic(`interpreter: load ${ours.loadMs.toFixed(0)} ms, run ${ours.runMs.toFixed(0)} ms, ${ours.statements} statements for ${cases.length} cases`);
});

test('every case ends with the same record on both sides (the KNOWN list names each one that does not, with its cause)', () => {
  const lines = ours.stdout.trim().split('\n');
  const unexpected: string[] = [];
  const healed: string[] = [];
  let same = 0;
  for (let i = 0; i < cases.length; i++) {
    const g = JSON.parse(gcc[i]);
    const o = JSON.parse(lines[i] ?? '{}');
    assert.equal(o.case, g.case);
    const d = differences(g, o);
    if (!d.length) same++;
    if (d.length && !(g.case in KNOWN)) unexpected.push(`${g.case}:\n    ${d.join('\n    ')}`);
    if (!d.length && g.case in KNOWN) healed.push(g.case);
  }
  assert.deepEqual(unexpected, [], `records that differ:\n${unexpected.join('\n')}`);
  // agreeing on a machine fault or a bad checksum would prove little: no record carries one
  assert.deepEqual(
    gcc.map((l) => JSON.parse(l)).filter((g) => g.error).map((g) => `${g.case}: ${g.error}`),
    [],
  );
  assert.deepEqual(healed, [], `now identical, take them off KNOWN: ${healed.join(', ')}`);
  assert.ok(same >= cases.length - Object.keys(KNOWN).length);
});

test('the known differences are confined to printk text: sock fields, timers and segments agree there too', () => {
  const lines = ours.stdout.trim().split('\n');
  for (let i = 0; i < cases.length; i++) {
    const g = JSON.parse(gcc[i]);
    if (!(g.case in KNOWN)) continue;
    const o = JSON.parse(lines[i]);
    assert.deepEqual(differences({ ...g, printk: undefined }, { ...o, printk: undefined }), [], g.case);
    assert.equal(o.printk.length, g.printk.length, `${g.case}: the same number of printk lines`);
  }
});
