// The preprocessor against gcc's (`gcc -E`) on the unmodified Linux 1.2.13 files the project runs:
// the same tokens, and each token at the same file and line as gcc's line markers say (for macro
// output, the line of the invocation). Then random macro programs, the same way.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { preprocess, type PPHost } from '../../src/engine/front/preprocess';
import { K, Lexer, Mode } from '../../src/engine/front/lex';
import { joinRawNewlineStrings } from '../differential/release/gcc';

const release = join(__dirname, '../../src/kernel/linux-1.2.13');
const machineInclude = join(__dirname, '../../src/kernel/machine/include');
const FILES = ['net/inet/tcp.c', 'net/inet/sock.c', 'net/inet/af_inet.c', 'net/inet/timer.c', 'net/inet/skbuff.c', 'kernel/sched.c', 'net/inet/ip.c'];
const DEFINES: Record<string, string> = { __KERNEL__: '1', __GNUC__: '2', __GNUC_MINOR__: '7', __i386__: '1', __linux__: '1', __OPTIMIZE__: '1' };
const gccDefines = Object.entries(DEFINES).map(([k, v]) => `-D${k}=${v}`);

function haveGcc(): boolean {
  return spawnSync('gcc', ['--version']).status === 0;
}

interface Placed {
  text: string;
  where: string;
}

/** tokens with adjacent string literals merged (gcc's joined strings are two literals where ours is one) */
function push(out: Placed[], text: string, where: string, isString: boolean): void {
  const last = out[out.length - 1];
  if (isString && last && last.text.startsWith('"') && last.text.endsWith('"')) last.text = last.text.slice(0, -1) + text.slice(1);
  else out.push({ text, where });
}

function gccTokens(output: string, root: string): Placed[] {
  const out: Placed[] = [];
  let file = '';
  let line = 0;
  for (const l of output.split('\n')) {
    const m = /^# (\d+) "([^"]*)"/.exec(l);
    if (m) {
      line = Number(m[1]);
      file = m[2].startsWith('/') ? relative(root, m[2]) : m[2];
      continue;
    }
    const lx = new Lexer(l, 0);
    for (let t = lx.next(Mode.Text); t.k !== K.End; t = lx.next(Mode.Text)) if (t.k !== K.Newline) push(out, t.text, `${file}:${line}`, t.k === K.String);
    line++;
  }
  return out;
}

function ourTokens(text: string, visible: (offset: number) => { file: string; line: number } | undefined, name: (f: string) => string): Placed[] {
  const out: Placed[] = [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lx = new Lexer(text, 0);
  for (let t = lx.next(Mode.Text); t.k !== K.End; t = lx.next(Mode.Text)) {
    if (t.k === K.Newline) continue;
    const v = visible(lineStarts[t.line - 1] + t.col - 1)!;
    push(out, t.text, `${name(v.file)}:${v.line}`, t.k === K.String);
  }
  return out;
}

function firstDifference(a: Placed[], b: Placed[]): string | undefined {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i]?.text !== b[i]?.text || a[i]?.where !== b[i]?.where) {
      const around = (x: Placed[]): string => x.slice(Math.max(0, i - 3), i + 4).map((p) => `${p.where} ${p.text}`).join('\n    ');
      return `token ${i} of ${a.length} (gcc ${b.length}):\n  ours:\n    ${around(a)}\n  gcc:\n    ${around(b)}`;
    }
  }
  return undefined;
}

test('the Linux 1.2.13 files: the same tokens as gcc -E, each at the same file and line', (t) => {
  assert.ok(haveGcc(), 'gcc is needed for this test (npm test installs it)');
  const work = mkdtempSync(join(tmpdir(), 'tcd-pp-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  // gcc reads a copy with the raw-newline strings joined; ours reads the release itself
  const copy = join(work, 'linux');
  cpSync(release, copy, { recursive: true });
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  for (const f of walk(copy)) if (/\.[ch]$/.test(f)) writeFileSync(f, joinRawNewlineStrings(readFileSync(f, 'latin1')), 'latin1');
  symlinkSync('asm-i386', join(copy, 'include/asm'));
  const machine = join(work, 'machine');
  cpSync(machineInclude, machine, { recursive: true });

  const aliasAsm = (p: string): string => p.replace(/\/include\/asm\//, '/include/asm-i386/');
  const host: PPHost = {
    exists: (p) => existsSync(aliasAsm(p)) && statSync(aliasAsm(p)).isFile(),
    read: (p) => ({ text: readFileSync(aliasAsm(p), 'latin1') }),
  };
  const name = (f: string): string => (f.startsWith(machineInclude) ? 'machine/' + relative(machineInclude, f) : relative(release, aliasAsm(f)));
  const gccName = (f: string): string => (f.startsWith('machine/') ? f : relative('linux', f).replace(/^include\/asm\//, 'include/asm-i386/'));

  let total = 0;
  for (const file of FILES) {
    const g = spawnSync('gcc', ['-m32', '-std=gnu89', '-undef', '-nostdinc', ...gccDefines, `-I${machine}`, '-Ilinux/include', '-Ilinux/net/inet', '-E', `linux/${file}`], { cwd: work, encoding: 'latin1', maxBuffer: 64 << 20 });
    assert.equal(g.status, 0, `gcc -E ${file}: ${g.stderr}`);
    const theirs = gccTokens(g.stdout, work).map((p) => ({ ...p, where: p.where.replace(/^([^:]*)/, (f) => gccName(f)) }));
    const r = preprocess(join(release, file), host, { includePaths: [machineInclude, join(release, 'include'), join(release, 'net/inet')], defines: DEFINES });
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), [], file);
    const ours = ourTokens(r.text, (o) => r.map.visible(o), name);
    const diff = firstDifference(ours, theirs);
    assert.equal(diff, undefined, `${file}: ${diff}`);
    total += ours.length;
  }
  t.diagnostic(`${FILES.length} files, ${total} tokens, identical to gcc -E in text and file:line`);
});

// ---- random macro programs ----

const NAMES = ['a', 'b', 'c', 'F', 'G', 'H'];

const tokenArb = (params: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NAMES, 'x', 'y') },
    { weight: params.length ? 3 : 0, arbitrary: fc.constantFrom(...(params.length ? params : ['x'])) },
    { weight: 2, arbitrary: fc.constantFrom('(', ')', ',', '+', '1', '2', ';') },
    { weight: params.length ? 1 : 0, arbitrary: fc.constantFrom(...(params.length ? params : ['x'])).map((p) => `#${p}`) },
    { weight: 1, arbitrary: fc.constantFrom('##') },
  );

const defineArb: fc.Arbitrary<string> = fc
  .record({
    name: fc.constantFrom(...NAMES),
    params: fc.option(fc.uniqueArray(fc.constantFrom('p', 'q', 'r'), { maxLength: 3 }), { nil: undefined }),
  })
  .chain(({ name, params }) =>
    fc.array(tokenArb(params ?? []), { maxLength: 7 }).map((body) => {
      // `##` at either end, or `#` not before a parameter, is a definition error for both: keep those out
      while (body[0] === '##') body.shift();
      while (body[body.length - 1] === '##') body.pop();
      const b = body.map((t) => (t.startsWith('#') && t !== '##' && !params ? 'x' : t)).join(' ');
      return `#define ${name}${params ? `(${params.join(',')})` : ''} ${b}`;
    }),
  );

const programArb = fc.record({
  defines: fc.array(defineArb, { minLength: 1, maxLength: 6 }),
  uses: fc.array(fc.array(fc.constantFrom(...NAMES, '(', ')', ',', '1', 'x'), { maxLength: 10 }), { minLength: 1, maxLength: 4 }),
});

test('random macro programs expand as gcc -E expands them (or both report an error)', { skip: !haveGcc() && 'gcc is needed' }, () => {
  let compared = 0;
  let bothFailed = 0;
  fc.assert(
    fc.property(programArb, ({ defines, uses }) => {
      // the last definition of a name wins for both; a redefinition only warns
      const src = `${defines.join('\n')}\n${uses.map((u) => u.join(' ')).join('\n')}\n`;
      const g = spawnSync('gcc', ['-undef', '-std=gnu89', '-E', '-P', '-x', 'c', '-'], { input: src, encoding: 'utf8' });
      const r = preprocess('/m.c', { exists: (p) => p === '/m.c', read: () => ({ text: src }) }, { includePaths: [] });
      const oursFailed = r.diagnostics.some((d) => d.severity === 'error');
      if (g.status !== 0) {
        assert.ok(oursFailed, `gcc failed but we did not:\n${src}\ngcc: ${g.stderr}`);
        bothFailed++;
        return;
      }
      assert.ok(!oursFailed, `we failed but gcc did not:\n${src}\n${r.diagnostics.map((d) => d.message).join('\n')}`);
      const a = gccTokens(g.stdout, '/').map((p) => p.text).join(' ');
      const b = ourTokens(r.text, (o) => r.map.visible(o), (f) => f).map((p) => p.text).join(' ');
      assert.equal(b, a, `program:\n${src}`);
      compared++;
    }),
    { numRuns: Number(process.env.FUZZ_SCALE ?? 1) * 200, seed: 20261201 },
  );
  assert.ok(compared > 60, `only ${compared} programs compared`);
  void bothFailed;
});
