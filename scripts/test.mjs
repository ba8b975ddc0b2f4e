// Runs every *.test.ts under src/ and test/ with Node's own test runner (TypeScript through tsx).
// Extra arguments are passed to `node --test` (e.g. --test-name-pattern). First makes sure the
// Debian packages the tests need are there (scripts/setup.mjs: installs them as root, otherwise
// prints the command to run and stops).
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureTestPackages, SetupRefused } from './setup.mjs';

try {
  await ensureTestPackages();
} catch (e) {
  process.stderr.write(`${e instanceof SetupRefused ? e.message : `npm test: setup failed: ${e.message}`}\n`);
  process.exit(1);
}

const root = new URL('..', import.meta.url).pathname;
function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const files = only.length ? only : [...find(join(root, 'src')), ...find(join(root, 'test'))].sort();
const reporter = process.stdout.isTTY ? [] : ['--test-reporter=spec'];
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...reporter, ...flags, ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
