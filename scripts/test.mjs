// Runs the tests with Node's own test runner (TypeScript through tsx).
//   node scripts/test.mjs              the full suite: typecheck (both tsconfigs) and lint first,
//                                      then every *.test.ts under src/ and test/ (what `npm test` runs)
//   node scripts/test.mjs --unit       the fast inner loop (`npm run test:unit`): no build, typecheck
//                                      or lint, not the suites listed in SLOW below, and every file in
//                                      one process
//   node scripts/test.mjs FILE...      just those files
// Other arguments starting with -- are passed to `node --test` (e.g. --test-name-pattern).
// The full suite first makes sure the Debian packages the tests need are there (scripts/setup.mjs:
// installs them as root, otherwise prints the command to run and stops).
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureTestPackages, SetupRefused } from './setup.mjs';

const root = new URL('..', import.meta.url).pathname;

/** Left out of `--unit`, each for what makes it slow; `npm test` runs them all. */
const SLOW = [
  ['test/panel/', 'a real Chromium and the built media/dist/panel.js'],
  ['test/robust/', 'fuzzing and abuse suites (thousands of generated inputs)'],
  ['test/differential.test.ts', 'compiles and runs the kernel C with gcc (and qemu-i386)'],
  ['test/differential/release/', 'compiles the unmodified 1.2.13 release with gcc -m32 and runs it under qemu-i386'],
  ['test/debug/', 'whole DAP sessions over sockets and the bundled adapter over stdio, golden transcripts'],
  ['test/notes/session.test.ts', 'DAP sessions'],
  ['test/cli.test.ts', 'spawns the bundled dist/cli.js many times'],
  ['test/packetdrill.test.ts', 'spawns the bundled dist/cli.js on the nine packetdrill scripts'],
  ['test/pcap.test.ts', 'spawns the bundled dist/cli.js and tshark'],
  ['test/coverage.test.ts', 'runs every example to the end'],
  ['test/examples.test.ts', 'runs every example to the end'],
  ['test/layers.test.ts', 'starts ESLint'],
  ['test/front/gcc-preprocess.test.ts', 'runs gcc -E on the release files and on random macro programs'],
  ['test/cmachine/differential.test.ts', 'builds and runs 65 C programs with gcc -m32 under qemu-i386'],
  ['test/cmachine/expressions.test.ts', 'builds generated expression programs with gcc -m32, runs them under qemu-i386'],
  ['test/cmachine/layout-gcc.test.ts', 'builds a layout probe of every release type with gcc -m32, runs it under qemu-i386'],
  ['test/cmachine/release.test.ts', 'preprocesses, parses and compiles the seven release files several times'],
];

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const args = process.argv.slice(2);
const unit = args.includes('--unit');
const only = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--') && a !== '--unit');
const all = [...find(join(root, 'src')), ...find(join(root, 'test'))].sort();
const files = only.length ? only : unit ? all.filter((f) => !SLOW.some(([p]) => (p.endsWith('/') ? f.startsWith(p) : f === p))) : all;

function run(what, cmd, cmdArgs) {
  console.log(`> ${what}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${what} failed (exit ${r.status ?? r.signal}): fix it before the tests run`);
    process.exit(r.status || 1);
  }
}

if (!unit) {
  try {
    await ensureTestPackages();
  } catch (e) {
    process.stderr.write(`${e instanceof SetupRefused ? e.message : `npm test: setup failed: ${e.message}`}\n`);
    process.exit(1);
  }
}

if (!only.length && !unit) {
  const bin = (name) => join(root, 'node_modules', '.bin', name);
  run('typecheck: tsc --noEmit -p . (extension, adapter, CLI, tests, scripts)', bin('tsc'), ['--noEmit', '-p', '.']);
  run("typecheck: tsc --noEmit -p media (the panel's browser side)", bin('tsc'), ['--noEmit', '-p', 'media']);
  run('lint: eslint . (typescript-eslint and the layer rule of eslint.config.mjs)', bin('eslint'), ['.']);
}

const reporter = process.stdout.isTTY ? [] : ['--test-reporter=spec'];
// --unit: all files in one process (scripts/test-in-one.mjs), three times less CPU than a process each
const runner = unit ? [join(root, 'scripts', 'test-in-one.mjs')] : ['--test'];
const r = spawnSync(process.execPath, ['--import', 'tsx', ...reporter, ...flags, ...runner, ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
