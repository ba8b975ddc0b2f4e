// The mini differential: small C programs (integer conversions, pointers, unions, bitfields,
// struct copies, switch/goto, function pointers, static locals, strings, arrays of structs) built
// with gcc -m32 and run under qemu-i386, and run by the new compiler: the same output, line for line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRELUDE, PROGRAMS } from './programs';
import { call, compileC, gccRun, printNatives } from './harness';
import { checkToolchain } from '../differential/release/gcc';


test(`${Object.keys(PROGRAMS).length} small C programs print what gcc -m32's build prints`, async (t) => {
  // no skipping: without the 32-bit toolchain the test fails, naming what to install
  checkToolchain();
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
