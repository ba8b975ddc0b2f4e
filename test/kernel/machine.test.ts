// The machine layer (src/kernel/machine/): every piece is listed in src/kernel/MACHINE.md, and it
// is plain portable C the interpreter can run as gcc does: no assembly, no libc header, and no
// file of the release edited or copied in (a machine file reaches the release only by #include).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const KERNEL = join(__dirname, '../../src/kernel');
const MACHINE = join(KERNEL, 'machine');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

const machineFiles = files(MACHINE).filter((f) => /\.[ch]$/.test(f));

test('MACHINE.md names every file of the machine layer', () => {
  const doc = readFileSync(join(KERNEL, 'MACHINE.md'), 'utf8');
  assert.ok(machineFiles.length >= 12, `machine files: ${machineFiles.length}`);
  const missing = machineFiles.map((f) => `machine/${relative(MACHINE, f)}`).filter((name) => !doc.includes(`\`${name}\``));
  assert.deepEqual(missing, [], 'files of src/kernel/machine/ that MACHINE.md does not list');
});

test('the machine layer is C without assembly or libc', () => {
  const bad: string[] = [];
  for (const f of machineFiles) {
    // comments out: they may name what the release's assembly did
    const code = readFileSync(f, 'latin1').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const where = relative(KERNEL, f);
    if (/\b(__asm__|asm|__asm)\s*(__volatile__\s*)?\(/.test(code)) bad.push(`${where}: inline assembly`);
    for (const m of code.matchAll(/#\s*include\s*<([^>]+)>/g))
      if (!/^(linux|asm)\//.test(m[1]) && m[1] !== 'stdarg.h') bad.push(`${where}: #include <${m[1]}> is not the kernel's`);
  }
  assert.deepEqual(bad, []);
});
