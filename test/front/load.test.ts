// The front end's loading pipeline (src/engine/front/load.ts through src/host/node.ts): the seven
// release files preprocessed and parsed with no diagnostic, positions of the preprocessed text
// mapped back to the lines of the real files, trees that reuse earlier ones equal to fresh parses,
// syntax errors at their original file:line:col, and every kind of huge or endless input stopped
// with a message naming where.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node, Tree } from 'web-tree-sitter';
import { formatDiagnostic, loadFront, type FrontFile } from '../../src/engine/front/load';
import { KERNEL_DEFINES, kernelOptions, RELEASE_FILES } from '../../src/engine/front/kernel';
import { PPSession, preprocess, type PPHost } from '../../src/engine/front/preprocess';
import { KernelReader, loadReleaseFront, machineIncludeDir, nodeCParser, releaseRoot } from '../../src/host/node';

const release = releaseRoot();
const tcpC = join(release, 'net/inet/tcp.c');

let loaded: Promise<FrontFile[]> | undefined;
const releaseFront = (): Promise<FrontFile[]> => (loaded ??= loadReleaseFront());

/** the 1-based line of the real file where `re` first matches at or after line `from` */
function lineOf(text: string, re: RegExp, from = 1): number {
  const lines = text.split('\n');
  for (let i = from - 1; i < lines.length; i++) if (re.test(lines[i])) return i + 1;
  throw new Error(`${re} not found`);
}

function functionNamed(tree: Tree, name: string): Node {
  for (const n of tree.rootNode.namedChildren) {
    if (n?.type !== 'function_definition') continue;
    let d = n.childForFieldName('declarator');
    while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
    if (d?.childForFieldName('declarator')?.text === name) return n;
  }
  throw new Error(`no definition of ${name}`);
}

function descendants(n: Node, type: string): Node[] {
  return n.descendantsOfType(type).filter((x): x is Node => x !== null);
}

test('the release: the seven files preprocess and parse with zero diagnostics', async () => {
  const files = await releaseFront();
  assert.deepEqual(
    files.map((f) => f.path),
    RELEASE_FILES.map((f) => join(release, f)),
  );
  for (const f of files) {
    assert.deepEqual(f.diagnostics.map(formatDiagnostic), [], f.path);
    assert.equal(f.tree.rootNode.hasError, false, f.path);
    assert.ok(f.text.length > 50_000, `${f.path}: its headers are in the text`);
  }
  // asm/types.h's __signed__ (the one construct tree-sitter's grammar lacks) is gone: gcc's keyword, predefined as `signed`
  const tcp = files[0];
  assert.ok(tcp.pp.included.some((p) => p.endsWith('include/asm-i386/types.h')), 'asm/ is read as asm-i386/');
  assert.doesNotMatch(tcp.text, /__signed__/);
  assert.match(tcp.text, /typedef signed char __s8 ;/);
});

test("the seed's four pieces in tcp.c's preprocessed text map back to their lines in the real file", async () => {
  const tcp = (await releaseFront())[0];
  const real = readFileSync(tcpC, 'latin1');
  const at = (offset: number) => tcp.map.visible(offset)!;
  for (const name of ['tcp_close_state', 'tcp_fin', 'tcp_close']) {
    const fn = functionNamed(tcp.tree, name);
    const want = lineOf(real, new RegExp(`^static \\w+ ${name}\\(.*\\)\\s*$`));
    assert.deepEqual({ file: at(fn.startIndex).file, line: at(fn.startIndex).line }, { file: tcpC, line: want }, name);
    // and its closing brace: the first line after the head that is a lone '}'
    const end = lineOf(real, /^\}\s*$/, want);
    assert.equal(at(fn.endIndex - 1).line, end, `${name}'s last line`);
  }
  // the TCP_LAST_ACK block of tcp_ack
  const ack = functionNamed(tcp.tree, 'tcp_ack');
  const ackLine = lineOf(real, /^extern __inline__ int tcp_ack\(/);
  const blocks = descendants(ack, 'if_statement').filter((n) => /^\(\s*sk\s*->\s*state\s*==\s*TCP_LAST_ACK\s*\)$/.test(n.childForFieldName('condition')?.text ?? ''));
  assert.equal(blocks.length, 1, 'one `if (sk->state == TCP_LAST_ACK)` in tcp_ack');
  assert.equal(at(blocks[0].startIndex).line, lineOf(real, /^\tif \(sk->state == TCP_LAST_ACK\)\s*$/, ackLine));
  // code written through macros: tcp_fin's reset_msl_timer(sk, TIME_CLOSE, TCP_TIMEWAIT_LEN) is
  // reset_timer(sk, 2, (60*HZ)) at its line in tcp.c, the (60*HZ) written at the #define in tcp.h
  const fin = functionNamed(tcp.tree, 'tcp_fin');
  const finLine = lineOf(real, /^static int tcp_fin\(/);
  const call = descendants(fin, 'call_expression').find((n) => n.childForFieldName('function')?.text === 'reset_timer');
  assert.ok(call, 'reset_msl_timer expands to reset_timer');
  const arg = call.childForFieldName('arguments')!.namedChildren[2]!;
  assert.equal(arg.text, '( 60 * 100 )', 'TCP_TIMEWAIT_LEN expanded (HZ is 100)');
  const o = tcp.map.origin(arg.startIndex)!;
  assert.deepEqual(o.site && { file: o.site.file, line: o.site.line }, { file: tcpC, line: lineOf(real, /reset_msl_timer\(sk, TIME_CLOSE, TCP_TIMEWAIT_LEN\);/, finLine) });
  const tcpH = join(release, 'net/inet/tcp.h');
  assert.deepEqual({ file: o.file, line: o.line }, { file: tcpH, line: lineOf(readFileSync(tcpH, 'latin1'), /^#define TCP_TIMEWAIT_LEN /) });
});

/** both trees, node for node: the same types at the same offsets and rows and columns */
function sameTree(a: Tree, b: Tree, what: string): number {
  const ca = a.walk();
  const cb = b.walk();
  let nodes = 0;
  try {
    for (;;) {
      const x = ca.currentNode;
      const y = cb.currentNode;
      nodes++;
      if (x.type !== y.type || x.startIndex !== y.startIndex || x.endIndex !== y.endIndex || x.startPosition.row !== y.startPosition.row || x.startPosition.column !== y.startPosition.column || x.endPosition.row !== y.endPosition.row) {
        const at = (n: Node) => `${n.type} ${n.startIndex}-${n.endIndex} (${n.startPosition.row}:${n.startPosition.column}-${n.endPosition.row}:${n.endPosition.column})`;
        assert.fail(`${what}: node ${nodes} differs: ${at(x)} vs fresh ${at(y)}`);
      }
      const down = ca.gotoFirstChild();
      assert.equal(cb.gotoFirstChild(), down, what);
      if (down) continue;
      for (;;) {
        const next = ca.gotoNextSibling();
        assert.equal(cb.gotoNextSibling(), next, what);
        if (next) break;
        const up = ca.gotoParent();
        assert.equal(cb.gotoParent(), up, what);
        if (!up) return nodes;
      }
    }
  } finally {
    ca.delete();
    cb.delete();
  }
}

test('one session for the seven files gives each what it gets alone: the same text, source map, includes and macros', async () => {
  const release = releaseRoot();
  const machine = machineIncludeDir();
  const host = new KernelReader([release, machine]).ppHost();
  const options = kernelOptions(release, machine);
  const session = new PPSession(host, options);
  for (const f of RELEASE_FILES) {
    const path = join(release, f);
    const shared = preprocess(path, host, options, session);
    const alone = preprocess(path, host, options);
    assert.equal(shared.text, alone.text, f);
    for (let i = 0; i < shared.text.length; i += 3) {
      const a = shared.map.origin(i);
      const b = alone.map.origin(i);
      if (a?.file !== b?.file || a?.line !== b?.line || a?.col !== b?.col || a?.site?.file !== b?.site?.file || a?.site?.line !== b?.site?.line || a?.site?.col !== b?.site?.col) assert.fail(`${f}: offset ${i}: ${JSON.stringify(a)} vs alone ${JSON.stringify(b)}`);
    }
    assert.deepEqual(shared.included, alone.included, f);
    assert.deepEqual([...shared.macros.keys()].sort(), [...alone.macros.keys()].sort(), f);
    assert.deepEqual(shared.diagnostics, alone.diagnostics, f);
  }
  assert.ok(session.replays > 100, `${session.replays} headers played back`);
});

test('a tree parsed by reusing an earlier file\'s tree is the tree a fresh parse gives, node for node', async () => {
  const reused = await releaseFront();
  const fresh = await loadReleaseFront({ options: { reuseTrees: false }, separateSessions: true });
  assert.ok(reused.slice(1).every((f) => f.reused > f.text.length / 3), `each file after the first reuses most of its text: ${reused.map((f) => `${f.reused}/${f.text.length}`).join(', ')}`);
  assert.ok(fresh.every((f) => f.reused === 0));
  for (let i = 0; i < reused.length; i++) {
    assert.equal(reused[i].text, fresh[i].text);
    const n = sameTree(reused[i].tree, fresh[i].tree, reused[i].path);
    assert.ok(n > 10_000, `${reused[i].path}: ${n} nodes`);
  }
});

// ---- syntax errors, at the place they were written ----

function memoryHost(files: Record<string, string>): PPHost {
  return { exists: (p) => p in files, read: (p) => (p in files ? { text: files[p] } : { error: `${p}: no such file` }) };
}

async function loadMemory(files: Record<string, string>, main = '/k/main.c', options = {}): Promise<FrontFile> {
  const [f] = loadFront([main], memoryHost(files), await nodeCParser(), { includePaths: ['/k/include'], ...options });
  return f;
}

test("without the __signed__ predefine, asm/types.h's first __signed__ is a syntax error at its own file:line:col", async () => {
  const { __signed__, ...gccOnly } = KERNEL_DEFINES;
  assert.equal(__signed__, 'signed');
  const [tcp] = await loadReleaseFront({ files: ['net/inet/tcp.c'], options: { defines: gccOnly } });
  const types = join(release, 'include/asm-i386/types.h');
  const first = tcp.diagnostics[0];
  assert.ok(first, 'a syntax error');
  const real = readFileSync(types, 'latin1').split('\n');
  assert.equal(first.file, types, formatDiagnostic(first));
  assert.match(real[first.line - 1], /__signed__/, `the line named is one with __signed__: ${formatDiagnostic(first)}`);
  assert.equal(first.line, lineOf(real.join('\n'), /__signed__/));
  assert.ok(tcp.diagnostics.every((d) => d.file === types && /__signed__/.test(real[d.line - 1])), tcp.diagnostics.map(formatDiagnostic).join('\n'));
});

test('a syntax error is reported at its file:line:col, through includes and macros; a MISSING node too', async () => {
  const bad = await loadMemory({
    '/k/main.c': '#include "h.h"\nint ok;\nint f(void) { return BAD; }\n',
    '/k/h.h': '/* a header */\n#define BAD ) (\nint fine;\n   int @ x;\n',
  });
  const ds = bad.diagnostics.map(formatDiagnostic);
  assert.ok(ds.some((d) => d.startsWith('/k/h.h:4:')), ds.join('\n'));
  assert.ok(ds.some((d) => d.startsWith('/k/main.c:3:') && /in a macro's expansion; the macro's text is at \/k\/h\.h:2:/.test(d)), ds.join('\n'));
  const missing = await loadMemory({ '/k/main.c': 'int a = 1\nint b;\n' });
  assert.deepEqual(missing.diagnostics.map(formatDiagnostic), ["/k/main.c:1:10: error: syntax error: ';' expected"]);
});

test('syntax errors are capped per file: the first N, then how many more', async () => {
  const f = await loadMemory({ '/k/main.c': Array.from({ length: 40 }, (_, i) => `int v${i} = @;`).join('\n') + '\n' }, '/k/main.c', { maxSyntaxErrors: 5 });
  assert.equal(f.diagnostics.length, 6);
  assert.match(f.diagnostics[5].message, /^and 35 more syntax errors$/);
});

// ---- huge and endless inputs ----

test('an include cycle stops at the depth limit, at the #include that closes it', async () => {
  const f = await loadMemory({ '/k/main.c': 'int a;\n#include "a.h"\n', '/k/a.h': 'int b;\n  #include "b.h"\n', '/k/b.h': '#include "a.h"\n' }, '/k/main.c', { maxIncludeDepth: 30 });
  const errors = f.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, 1, errors.map(formatDiagnostic).join('\n'));
  assert.match(errors[0].message, /#include nested over 30 levels deep/);
  assert.ok(['/k/a.h:2:4', '/k/b.h:1:2'].includes(`${errors[0].file}:${errors[0].line}:${errors[0].col}`), formatDiagnostic(errors[0]));
});

test('headers that include each other over and over (no cycle, 2^40 inclusions) stop at the include budget', async () => {
  const files: Record<string, string> = { '/k/main.c': '#include "h0.h"\n', '/k/h40.h': 'int x;\n' };
  for (let i = 0; i < 40; i++) files[`/k/h${i}.h`] = `#include "h${i + 1}.h"\n#include "h${i + 1}.h"\n`;
  const t = Date.now();
  const f = await loadMemory(files, '/k/main.c', { maxIncludes: 5000 });
  const e = f.diagnostics.find((d) => d.severity === 'error')!;
  assert.match(formatDiagnostic(e), /^\/k\/h\d+\.h:[12]:2: error: over 5,000 #includes in one file's preprocessing/);
  assert.ok(Date.now() - t < 60_000);
});

test('a macro explosion stops at the token budget, at the invocation', async () => {
  let src = '#define x0 a\n';
  for (let i = 1; i <= 40; i++) src += `#define x${i} x${i - 1} x${i - 1}\n`;
  const f = await loadMemory({ '/k/main.c': `${src}int v;\n  int w = x40;\n` }, '/k/main.c', { maxTokens: 100_000 });
  const e = f.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(e.map(formatDiagnostic), ["/k/main.c:43:11: error: macro expansion produced over 100,000 tokens (the invocation here; the last macro expanded was 'x1')"]);
});

test('a header of many tokens included over and over stops at the token budget, at a token of it', async () => {
  const files = { '/k/main.c': Array.from({ length: 200 }, () => '#include "big.h"').join('\n') + '\n', '/k/big.h': 'int a, b, c, d, e, f, g, h;\n'.repeat(50) };
  const f = await loadMemory(files, '/k/main.c', { maxTokens: 100_000 });
  const e = f.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(e.length, 1);
  assert.match(formatDiagnostic(e[0]), /^\/k\/big\.h:\d+:\d+: error: the files read give over 100,000 tokens/);
});

test('through the kernel reader: a huge header, an endless one (a FIFO, a link to /dev/zero) and a file outside the tree are refused at the #include', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tcd-front-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'k'));
  writeFileSync(join(dir, 'k', 'main.c'), 'int a;\n#include "huge.h"\n #include "fifo.h"\n#include "../outside.h"\n#include "zero.h"\nint b;\n');
  writeFileSync(join(dir, 'k', 'huge.h'), Buffer.alloc(5 * 1024 * 1024, 0x20));
  assert.equal(spawnSync('mkfifo', [join(dir, 'k', 'fifo.h')]).status, 0, 'mkfifo');
  symlinkSync('/dev/zero', join(dir, 'k', 'zero.h'));
  writeFileSync(join(dir, 'outside.h'), 'int secret_text;\n');
  const reader = new KernelReader([join(dir, 'k')]);
  const main = join(dir, 'k', 'main.c');
  const [f] = loadFront([main], reader.ppHost(), await nodeCParser(), { includePaths: [] });
  const ds = f.diagnostics.map(formatDiagnostic);
  assert.equal(ds.length, 4, ds.join('\n'));
  assert.match(ds[0], new RegExp(`^${main}:2:2: error: .*huge\\.h: the include file is 5(\\.0)? MiB, over the 4 MiB limit`));
  assert.match(ds[1], new RegExp(`^${main}:3:3: error: .*fifo\\.h: the include file is a FIFO \\(named pipe\\), not a regular file`));
  assert.match(ds[2], new RegExp(`^${main}:4:2: error: .*outside\\.h: it is outside the kernel tree`));
  assert.match(ds[3], new RegExp(`^${main}:5:2: error: .*zero\\.h: it is outside the kernel tree`), 'a symlink to /dev/zero is where it points');
  assert.ok(!ds.join('\n').includes('secret_text'));
  assert.match(f.text, /int a ;\nint b ;/);
  // a huge main file: named at its line 1
  writeFileSync(join(dir, 'k', 'big.c'), Buffer.alloc(5 * 1024 * 1024, 0x20));
  const [g] = loadFront([join(dir, 'k', 'big.c')], reader.ppHost(), await nodeCParser(), { includePaths: [] });
  assert.deepEqual(
    g.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}`),
    [`${join(dir, 'k', 'big.c')}:1:1`],
  );
  assert.match(g.diagnostics[0].message, /the kernel source is 5(\.0)? MiB, over the 4 MiB limit/);
});
