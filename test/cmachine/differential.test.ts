// The mini differential: small C programs (integer conversions, pointers, unions, bitfields,
// struct copies, switch/goto, function pointers, static locals, strings, arrays of structs) built
// with gcc -m32 and run under qemu-i386, and run by the new compiler: the same output, line for line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRELUDE, PROGRAMS } from './programs';
import { call, compileC, printNatives } from './harness';

const haveGcc = spawnSync('gcc', ['--version']).status === 0 && spawnSync('qemu-i386', ['--version']).status === 0;

/** gcc's output for a program: built -m32 gnu89 without builtins, run under qemu-i386 */
export function gccRun(dir: string, name: string, src: string): string {
  const c = join(dir, `${name}.c`);
  const exe = join(dir, name);
  writeFileSync(c, src);
  const b = spawnSync('gcc', ['-m32', '-std=gnu89', '-O0', '-fno-builtin', '-w', '-o', exe, c], { encoding: 'utf8' });
  assert.equal(b.status, 0, `gcc ${name}: ${b.stderr}`);
  const r = spawnSync('qemu-i386', [exe], { encoding: 'latin1' });
  assert.equal(r.status, 0, `${name} under qemu-i386: ${r.stderr}`);
  return r.stdout;
}

test(`${Object.keys(PROGRAMS).length} small C programs print what gcc -m32's build prints`, { skip: !haveGcc && 'gcc -m32 and qemu-i386 are needed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tcd-cdiff-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const failures: string[] = [];
  for (const [name, body] of Object.entries(PROGRAMS)) {
    const src = PRELUDE + body + '\n';
    const want = gccRun(dir, name, src);
    let got: string;
    try {
      const out: string[] = [];
      const k = await compileC({ '/p.c': src }, { natives: printNatives(out) });
      call(k, 'main');
      got = out.join('');
    } catch (e) {
      got = `ERROR ${(e as Error).message}`;
    }
    if (got !== want) failures.push(`${name}:\n  gcc:  ${JSON.stringify(want)}\n  ours: ${JSON.stringify(got)}`);
  }
  assert.deepEqual(failures, [], failures.join('\n'));
});
