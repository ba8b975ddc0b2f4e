// fast-check generated C expressions over every integer type (char to unsigned long long, with
// casts, shifts, division, comparisons, ?: and compound assignment), all in one program built with
// gcc -m32 under qemu-i386 and run by the new compiler: each value printed must be the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { call, compileC, gccRun, printNatives } from './harness';
import { checkToolchain } from '../differential/release/gcc';


const VARS: [string, string, string][] = [
  ['int', 'a', '-123456789'],
  ['unsigned', 'b', '3000000000U'],
  ['char', 'c', '-100'],
  ['unsigned char', 'd', '200'],
  ['short', 'e', '-30000'],
  ['unsigned short', 'f', '65000'],
  ['long', 'g', '2147483647'],
  ['unsigned long', 'h', '1'],
  ['long long', 'i', '-5000000000LL'],
  ['unsigned long long', 'j', '18000000000000000000ULL'],
  ['signed char', 'k', '127'],
];
const TYPES = VARS.map((v) => v[0]);

const leaf = fc.oneof(
  fc.constantFrom(...VARS.map((v) => v[1])),
  fc.constantFrom('0', '1', '-1', '7', '255', '0x7fffffff', '0x80000000', '4294967295U', '65536', '-2147483647', '100000L', '3LL', '0xffffffffffULL'),
);

const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '&', '|', '^', '<', '>', '<=', '>=', '==', '!=', '&&', '||'), tie('e')).map(([x, op, y]) => `(${x} ${op} ${y})`),
    // shift counts kept below the narrowest promoted width; a signed left operand made non-negative (else UB)
    fc.tuple(tie('e'), fc.constantFrom('<<', '>>'), tie('e')).map(([x, op, y]) => `((${x}) ${op} ((${y}) & 15))`),
    // division by a non-zero divisor that is never -1 (INT_MIN / -1 traps on both)
    fc.tuple(tie('e'), fc.constantFrom('/', '%'), tie('e')).map(([x, op, y]) => `((${x}) ${op} (((${y}) & 7) + 1))`),
    fc.tuple(fc.constantFrom('-', '~', '!'), tie('e')).map(([op, x]) => `(${op} ${x})`),
    fc.tuple(fc.constantFrom(...TYPES), tie('e')).map(([t, x]) => `((${t})${x})`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, x, y]) => `(${c} ? ${x} : ${y})`),
  ),
})).e;

const compound = fc.tuple(fc.constantFrom(...VARS.map((v) => v[1])), fc.constantFrom('+=', '-=', '*=', '&=', '|=', '^=', '=', '<<=', '>>='), expr).map(([v, op, x]) => (op.startsWith('<<') || op.startsWith('>>') ? `${v} ${op} ((${x}) & 7)` : `${v} ${op} ${x}`));

function program(exprs: string[], assigns: string[]): string {
  const decls = VARS.map(([t, n, v]) => `${t} ${n} = ${v};`).join('\n');
  const reset = VARS.map(([, n, v]) => `${n} = ${v};`).join(' ');
  const body = exprs.map((e, n) => `  printf("%d %llu\\n", ${n}, (unsigned long long)(${e}));`).join('\n');
  const dump = VARS.map(([, n]) => `(unsigned long long)${n}`).join(', ');
  const fmt = VARS.map(() => '%llu').join(' ');
  const asg = assigns.map((a, n) => `  ${reset} ${a}; printf("A${n} ${fmt}\\n", ${dump});`).join('\n');
  return `int printf(const char *, ...);\n${decls}\nint main(void) {\n${body}\n${asg}\n  return 0;\n}\n`;
}

test('generated integer expressions of every type compute what gcc -m32 computes', async (t) => {
  // no skipping: without the 32-bit toolchain the test fails, naming what to install
  checkToolchain();
  const dir = mkdtempSync(join(tmpdir(), 'tcd-cexpr-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const runs = Number(process.env.FUZZ_SCALE ?? 1) * 2;
  for (let r = 0; r < runs; r++) {
    const exprs = fc.sample(expr, { numRuns: 300, seed: 20261202 + r });
    const assigns = fc.sample(compound, { numRuns: 60, seed: 7 + r });
    const src = program(exprs, assigns);
    const want = gccRun(dir, `e${r}`, src).split('\n');
    const out: string[] = [];
    const k = await compileC({ '/e.c': src }, { natives: printNatives(out) });
    call(k, 'main', [], undefined, 1e7);
    const got = out.join('').split('\n');
    assert.equal(want.length, exprs.length + assigns.length + 1, 'gcc printed every value');
    assert.equal(got.length, want.length, 'so did the interpreter');
    const bad: string[] = [];
    for (let i = 0; i < want.length; i++) {
      if (want[i] === got[i]) continue;
      const n = /^A?(\d+)/.exec(want[i])?.[1];
      const what = want[i].startsWith('A') ? assigns[Number(n)] : exprs[Number(n)];
      bad.push(`${what}\n    gcc:  ${want[i]}\n    ours: ${got[i]}`);
      if (bad.length > 5) break;
    }
    assert.deepEqual(bad, [], bad.join('\n'));
  }
});
