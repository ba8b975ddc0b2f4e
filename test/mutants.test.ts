// The mutation check (scripts/mutants.mjs, issue 18) is not run by npm test (it takes many minutes), so
// its `--check` mode is: every mutant's text still found once, every covering test file present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const check = (dir: string, ...args: string[]) => spawnSync(process.execPath, [join(dir, 'scripts', 'mutants.mjs'), '--check', ...args], { encoding: 'utf8' });

test('mutants --check: every mutant of the table and the generated set can still be applied, and its tests exist', () => {
  const r = check(root);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /every text found once and every covering test present/);
});

test('mutants --check fails, naming it, when a covering test file moved or a mutated line changed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mutants-check-'));
  try {
    for (const d of ['src', 'test', 'scripts']) cpSync(join(root, d), join(dir, d), { recursive: true });
    rmSync(join(dir, 'test', 'debug', 'history.test.ts'));
    const gone = check(dir, '--table');
    assert.equal(gone.status, 1);
    assert.match(gone.stdout, /the covering test test\/debug\/history\.test\.ts does not exist/);
    cpSync(join(root, 'test', 'debug', 'history.test.ts'), join(dir, 'test', 'debug', 'history.test.ts'));
    rmSync(join(dir, 'src', 'engine', 'inspect.ts'));
    cpSync(join(root, 'src', 'engine', 'history.ts'), join(dir, 'src', 'engine', 'inspect.ts'));
    const stale = check(dir, '--table');
    assert.equal(stale.status, 1);
    assert.match(stale.stdout, /timer "time left" off by one: its text is found 0 times in src\/engine\/inspect\.ts/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
