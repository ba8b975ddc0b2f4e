// The gcc side of the differential test, shared by test/differential.test.ts and the golden
// transcripts (test/debug/golden.test.ts): the inputs (kernel C and machine layer), the sock
// fields both sides report (read from the kernel source), the i386 build run under qemu-i386.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeCParser } from '../../src/host/node';
import { isInt } from '../../src/engine/ctypes';
import { parseScenario } from '../../src/scenario/parse';
import { formatDiagnostic, type Scenario } from '../../src/scenario/ast';
import type { Run } from '../../src/engine/run';
import { reportOf, type Report } from './interpreter';
import { scenarioCase, writtenSockFields, type Outcome, type PCase } from './protocol';

const here = __dirname;
const ROOT = join(__dirname, '..', '..');
/** the inputs: the kernel C (both sides) and the gcc side's machine layer */
export const INPUTS = {
  kernel: join(ROOT, 'src', 'kernel', 'tcp.c'),
  machine: join(here, 'machine.c'),
};

/** The fields both sides report, from the kernel source, and the header that tells the C driver. */
export async function fieldsOf(run: Run): Promise<{ report: Report; header: string; written: string[] }> {
  const sk = run.world.skType;
  const parse = await nodeCParser();
  const written = writtenSockFields(parse, [...run.prog.files.values()], new Set(sk.fields.map((f) => f.name)));
  const report = reportOf(sk, written);
  const x = (names: string[]) => names.map((n) => `X(${n})`).join(' ');
  const header =
    [
      `#define SOCK_INT_FIELDS ${x(report.ints)}`,
      `#define SOCK_SET_FIELDS ${x(sk.fields.filter((f) => isInt(f.type)).map((f) => f.name))}`,
      `#define SOCK_TIMERS ${x(report.timers)}`,
      `#define SOCK_QUEUES ${x(report.queues)}`,
      `#define SOCK_SKBS ${x(report.skbs)}`,
    ].join('\n') + '\n';
  return { report, header, written };
}

/** Builds driver.c for i386 and runs the protocol text under qemu-i386: one record per case. */
export function gccOutcomes(protocol: string, header: string): Outcome[] {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-diff-'));
  try {
    const bin = join(dir, 'driver');
    const fields = join(dir, 'fields.h');
    writeFileSync(fields, header);
    const b = spawnSync('sh', [join(here, 'build.sh'), bin, fields, INPUTS.machine, INPUTS.kernel], { encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`the i386 build of the differential driver failed (exit ${b.status}):\n${b.stderr}`);
    const r = spawnSync('qemu-i386', [bin], { input: protocol, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.error) throw new Error(`qemu-i386 could not run the differential driver: ${r.error.message} (Debian: apt-get install qemu-user)`);
    if (r.status !== 0) throw new Error(`the differential driver failed under qemu-i386 (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
    return r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Outcome);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The examples as written for the reduced port (examples/ teach the release): what the reduced port's gcc build can run. */
export const REDUCED_EXAMPLES = join(ROOT, 'test', 'fixtures', 'reduced-examples');

/** Every example of `dir` (default examples/), parsed, by name (`examples/FILE`). */
export function exampleScenarios(dir = join(ROOT, 'examples')): { name: string; sc: Scenario }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tcpscenario'))
    .sort()
    .map((f) => ({ name: `examples/${f}`, sc: parseScenario(readFileSync(join(dir, f), 'utf8'), join(dir, f)) }));
}

/** Every example of `dir` (default examples/) as a protocol case named examples/FILE. */
export function exampleCases(run: Run, dir?: string): PCase[] {
  return exampleScenarios(dir).map(({ name, sc }) => scenarioCase(name, sc, (n) => run.prog.constants.get(n)));
}

/** The multi-event scenarios of scenarios.txt (separated by `=== NAME` lines), parsed, by name (`scenarios.txt:LINE:NAME`). */
export function scenarioFileScenarios(): { name: string; sc: Scenario }[] {
  const file = join(here, 'scenarios.txt');
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: { name: string; sc: Scenario }[] = [];
  let name = '';
  let start = 0;
  const flush = (end: number) => {
    if (!name) return;
    // the scenario keeps its line numbers in the file (blank lines before it)
    const text = lines.map((l, i) => (i >= start && i < end ? l : '')).join('\n');
    const sc = parseScenario(text, file);
    const errors = sc.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new Error(errors.map(formatDiagnostic).join('\n'));
    out.push({ name: `scenarios.txt:${start}:${name}`, sc });
  };
  lines.forEach((l, i) => {
    const m = /^=== (\S+)/.exec(l);
    if (!m) return;
    flush(i);
    name = m[1];
    start = i + 1;
  });
  flush(lines.length);
  return out;
}

/** The multi-event cases of scenarios.txt. */
export function scenarioFileCases(run: Run): PCase[] {
  return scenarioFileScenarios().map(({ name, sc }) => scenarioCase(name, sc, (n) => run.prog.constants.get(n)));
}

