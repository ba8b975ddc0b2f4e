// What the tests that run the bundled command line share: its path, a build when it is missing,
// and a run of it that returns the exit status and both outputs.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

/** Builds dist/ when dist/cli.js is not there (a `before` hook). */
export function buildCli(): void {
  if (!existsSync(CLI)) spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
}

/** `node dist/cli.js ARGS…`, waited for (at most `timeout` ms). */
export function runCli(args: string[], timeout = 120_000): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
