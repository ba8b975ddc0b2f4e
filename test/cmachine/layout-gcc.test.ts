// The i386 layout against gcc's: every struct, union and typedef of the seven preprocessed release
// files (their size and alignment, each field's offset, each bitfield's bits found by setting it in
// a zeroed object and dumping the bytes) and every enum constant, printed by a program gcc -m32
// builds from the same declarations and runs under qemu-i386, compared with the new compiler's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node as TSNode } from 'web-tree-sitter';
import { alignOf, sizeOf, type CT, type RecT } from '../../src/engine/cmachine/types';
import type { UnitState } from '../../src/engine/cmachine/kernel';
import { loadRelease } from './release';
import { checkToolchain } from '../differential/release/gcc';


/** The unit's file-level type declarations, as text gcc compiles (struct, union, enum, typedef). */
function typeDeclarations(st: UnitState): string {
  const text = st.unit.text;
  const out: string[] = [];
  const isTypeSpec = (n: TSNode | null): boolean => !!n && /^(struct|union|enum)_specifier$/.test(n.type) && !!n.childForFieldName('body');
  for (const c of st.tree!.rootNode.namedChildren) {
    if (!c) continue;
    if (c.type === 'type_definition' || isTypeSpec(c)) out.push(text.slice(c.startIndex, c.endIndex).replace(/;?$/, ';'));
    else if (c.type === 'declaration' || c.type === 'function_definition') {
      const t = c.childForFieldName('type');
      if (isTypeSpec(t)) out.push(text.slice(t!.startIndex, t!.endIndex) + ';');
    }
  }
  return out.join('\n');
}

interface Probe {
  /** the C expression naming the type */
  c: string;
  t: CT;
}

/** gcc's lines and ours for one unit */
function probes(st: UnitState): { program: string; ours: string[] } {
  const lines: string[] = [];
  const ours: string[] = [];
  const seen = new Set<RecT>();
  const types: Probe[] = [];
  for (const [tag, r] of st.scope.tags) if (r !== 'enum' && r.complete) types.push({ c: `${r.union ? 'union' : 'struct'} ${tag}`, t: r });
  for (const [name, s] of st.scope.ord) if (s.k === 'typedef' && s.t.k !== 'func' && sizeOf(s.t) !== undefined && !(s.t.k === 'array' && s.t.n === 0)) types.push({ c: name, t: s.t });
  const p = (fmt: string, ...args: string[]): void => void lines.push(`  printf("${fmt}\\n"${args.map((a) => ', ' + a).join('')});`);
  for (const { c, t } of types) {
    const id = c.replace(/\s+/g, '_');
    p(`T ${id} %u %u`, `(unsigned)sizeof(${c})`, `(unsigned)__alignof__(${c})`);
    ours.push(`T ${id} ${sizeOf(t)} ${alignOf(t)}`);
    if (t.k !== 'record' || seen.has(t)) continue;
    seen.add(t);
    for (const f of t.fields) {
      if (!f.name) continue;
      if (f.bits === undefined) {
        p(`F ${id}.${f.name} %u`, `(unsigned)(unsigned long)&((${c} *)0)->${f.name}`);
        ours.push(`F ${id}.${f.name} ${f.offset}`);
        continue;
      }
      // set the bitfield in a zeroed object and dump the bytes
      const size = t.size;
      lines.push(`  { ${c} x; unsigned char *b = (unsigned char *)&x; int i; for (i = 0; i < ${size}; i++) b[i] = 0; x.${f.name} = -1; printf("B ${id}.${f.name}"); for (i = 0; i < ${size}; i++) printf(" %02x", b[i]); printf("\\n"); }`);
      const bytes = new Array(size).fill(0);
      for (let bit = f.offset * 8 + f.bitOffset!; bit < f.offset * 8 + f.bitOffset! + f.bits; bit++) bytes[bit >> 3] |= 1 << (bit & 7);
      ours.push(`B ${id}.${f.name} ${bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')}`);
    }
  }
  for (const [name, s] of st.scope.ord) {
    if (s.k !== 'const') continue;
    p(`E ${name} %d`, `(int)${name}`);
    ours.push(`E ${name} ${s.value}`);
  }
  const program = `${typeDeclarations(st)}\nint printf(const char *, ...);\nint main(void) {\n${lines.join('\n')}\n  return 0;\n}\n`;
  return { program, ours };
}

test('every struct, union, typedef and enum constant of the release: the layout gcc -m32 gives', async (t) => {
  // no skipping: without the 32-bit toolchain the test fails, naming what to install
  checkToolchain();
  const k = await loadRelease();
  const dir = mkdtempSync(join(tmpdir(), 'tcd-layout-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let compared = 0;
  let records = 0;
  let bitfields = 0;
  for (const st of k.units) {
    const name = st.unit.path.replace(/.*linux-1\.2\.13\//, '').replace(/\W/g, '_');
    const { program, ours } = probes(st);
    const src = join(dir, `${name}.c`);
    const exe = join(dir, name);
    writeFileSync(src, program);
    const b = spawnSync('gcc', ['-m32', '-std=gnu89', '-nostdinc', '-fno-builtin', '-w', '-o', exe, src], { encoding: 'utf8' });
    assert.equal(b.status, 0, `gcc ${name}: ${b.stderr.slice(0, 2000)}`);
    const r = spawnSync('qemu-i386', [exe], { encoding: 'latin1', maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, r.stderr);
    const theirs = r.stdout.trim().split('\n');
    assert.equal(theirs.length, ours.length);
    const diffs = ours.filter((l, i) => l !== theirs[i]).map((l) => `${st.unit.path}: ours ${l} / gcc ${theirs[ours.indexOf(l)]}`);
    assert.deepEqual(diffs, []);
    compared += ours.length;
    records += ours.filter((l) => l.startsWith('T ')).length;
    bitfields += ours.filter((l) => l.startsWith('B ')).length;
  }
  t.diagnostic(`${compared} numbers compared (${records} types, ${bitfields} bitfields) over ${k.units.length} files`);
  assert.ok(records > 500 && bitfields > 50, `only ${records} types and ${bitfields} bitfields probed`);
});
