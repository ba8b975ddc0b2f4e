// Declaration trees (decltree.ts): the arrays hold tree-sitter's own tree, node for node, but for
// the statements of top-level function bodies; they survive a store byte for byte, and damaged
// bytes are a miss, never a wrong tree. A kernel declared from them behaves as one declared from
// tree-sitter's nodes: the release image loaded twice through a store (the second time every unit
// from its declaration tree, every body parsed on its own when first compiled) ends passive-close
// with the same record, and compiles every function to the same instructions at the same lines.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Node as TreeNode } from 'web-tree-sitter';
import { DeclView, declTreeOf, decodeDeclTree, definitionTreeOf, encodeDeclTree, rebased, storeDeclCache, type CNode } from './decltree';
import { tooDeep } from './nesting';
import type { CacheStore } from './cache';
import { loadReleaseKernel, nodeCParser } from '../../host/node';
import { bindScenario } from '../release/bind';
import { ReleaseRun } from '../release/run';
import { parseScenario } from '../../scenario/parse';
import type { CFunction } from '../code';

function memoryStore(): CacheStore & { entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  return { entries, get: (k) => entries.get(k), set: (k, v) => void entries.set(k, v) };
}

const SOURCE = `
typedef unsigned long u32;
struct sock { int state; u32 fin_seq; struct sock *next; unsigned flag : 3; };
enum { A = 1, B = A << 2 };
static int table[] = { 1, 2, [5] = B };
extern int printk(const char *fmt, ...);
static inline int twice(int x) { return x + x; }
int tcp_close_state(struct sock *sk, int dead) { int ns = twice(sk->state); if (dead) { ns = 7; } return ns; }
char *name = "tcp";
int broken( { ;
`;

/** every node of a declaration subtree agrees with tree-sitter's node of the same place */
function same(d: CNode, t: TreeNode, inBody: boolean): void {
  const at = `${t.type} at ${t.startIndex}`;
  assert.equal(d.type, t.type, at);
  assert.equal(d.startIndex, t.startIndex, at);
  assert.equal(d.endIndex, t.endIndex, at);
  assert.equal(d.text, t.text, at);
  assert.equal(d.isNamed, t.isNamed, at);
  assert.equal(d.isMissing, t.isMissing, at);
  assert.equal(d.hasError, t.hasError, at);
  if (inBody) {
    assert.deepEqual(d.children, [], `${at}: a body's statements are left out`);
    return;
  }
  assert.equal(d.children.length, t.children.length, at);
  assert.equal(d.namedChildren.length, t.namedChildren.length, at);
  // (below an ERROR node tree-sitter's childForFieldName and childrenForFieldName disagree; the
  // kernel refuses an ERROR node before it reads a field of it)
  for (const f of t.type === 'ERROR' ? [] : ['declarator', 'type', 'body', 'value', 'parameters', 'name']) {
    assert.deepEqual(d.childrenForFieldName(f).map((c) => c?.startIndex), t.childrenForFieldName(f).map((c) => c?.startIndex), `${at} field ${f}`);
    assert.equal(d.childForFieldName(f)?.startIndex, t.childForFieldName(f)?.startIndex, `${at} field ${f}`);
  }
  assert.equal(d.firstChild?.startIndex, t.firstChild?.startIndex, at);
  assert.equal(d.lastChild?.endIndex, t.lastChild?.endIndex, at);
  assert.equal(d.nextNamedSibling?.startIndex, t.nextNamedSibling?.startIndex, at);
  assert.equal(d.child(1)?.startIndex, t.child(1)?.startIndex, at);
  const top = t.parent?.type === 'translation_unit' && t.type === 'function_definition';
  const body = t.childForFieldName('body');
  t.children.forEach((c, i) => same(d.children[i]!, c!, top && !!body && c!.id === body.id));
}

test("a declaration tree is tree-sitter's tree but for the statements of top-level function bodies", async () => {
  const parse = await nodeCParser();
  const tree = parse(SOURCE);
  const view = new DeclView(declTreeOf(tree), SOURCE);
  same(view.root, tree.rootNode, false);
  const fn = view.root.namedChildren.find((c) => c.type === 'function_definition' && c.text.includes('tcp_close_state'))!;
  assert.equal(fn.childForFieldName('body')!.elided, true);
  assert.equal(fn.childForFieldName('body')!.text.startsWith('{ int ns'), true);
  assert.equal(view.root.hasError, true, 'the broken definition marks the root, as tree-sitter does');
  // ids are unique and apart from each other view's
  const other = new DeclView(declTreeOf(tree), SOURCE);
  assert.notEqual(view.root.id, other.root.id);
  assert.equal(view.node(3), view.node(3));
});

test('a declaration tree survives a store byte for byte; damaged bytes are a miss', async () => {
  const parse = await nodeCParser();
  const t = declTreeOf(parse(SOURCE));
  const bytes = encodeDeclTree(t);
  const back = decodeDeclTree(bytes)!;
  assert.deepEqual(back, t);
  assert.equal(decodeDeclTree(bytes.subarray(0, bytes.length - 4)), undefined);
  assert.equal(decodeDeclTree(new Uint8Array(0)), undefined);
  fc.assert(
    fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (at, x) => {
      const b = bytes.slice();
      b[at] ^= x;
      const d = decodeDeclTree(b);
      // either refused, or still a tree whose links only go forward (it cannot loop or index out)
      if (d) {
        for (let i = 0; i < d.type.length; i++) {
          assert.ok(d.type[i] >= 0 && d.type[i] < d.strings.length);
          assert.ok(d.field[i] >= -1 && d.field[i] < d.strings.length);
          assert.ok(d.parent[i] >= -1 && d.parent[i] < i);
          assert.ok(d.first[i] === -1 || d.first[i] > i);
          assert.ok(d.next[i] === -1 || d.next[i] > i);
        }
      }
    }),
    { numRuns: 300 },
  );
  const store = memoryStore();
  const cache = storeDeclCache(store);
  cache.put(SOURCE, t);
  assert.deepEqual(cache.get(SOURCE), t);
  assert.equal(cache.get(SOURCE + ' '), undefined, 'another text is a miss');
  assert.deepEqual([cache.hits, cache.misses], [1, 1]);
});

const PASSIVE = join(__dirname, '..', '..', '..', 'examples', 'passive-close.tcpscenario');

function endOf(img: Awaited<ReturnType<typeof loadReleaseKernel>>): string {
  const text = readFileSync(PASSIVE, 'utf8');
  const { bound } = bindScenario(parseScenario(text, PASSIVE), img.kernel, img.constant);
  const run = new ReleaseRun(img, bound);
  const lines: string[] = [];
  for (let i = 0; i < 100000; i++) {
    const s = run.forward();
    if (s.kind === 'statement') lines.push(`${s.fn?.name}:${s.loc?.line}`);
    if (s.kind === 'end' || s.kind === 'error') {
      lines.push(s.kind);
      break;
    }
  }
  return JSON.stringify({ lines, segments: run.segs, failures: run.failures, fault: run.fault, jiffies: run.jiffies });
}

test('the release declared from its cached declaration trees runs and compiles as the release parsed whole', async () => {
  const store = memoryStore();
  const first = await loadReleaseKernel({ cache: { store } });
  assert.equal(first.decl!.hits, 0);
  first.kernel.storeDeclTrees();
  const second = await loadReleaseKernel({ cache: { store } });
  assert.deepEqual([second.decl!.hits, second.decl!.misses], [first.decl!.misses, 0], 'every unit is declared from the store');
  const plain = await loadReleaseKernel({});
  assert.equal(endOf(second), endOf(plain));
  assert.ok((second.kernel.timing.definitionsParsed ?? 0) > 10, 'the bodies the run reached were parsed on their own');
  // every function: the same instructions at the same places
  assert.deepEqual(second.kernel.compileAll().map((e) => e.message), plain.kernel.compileAll().map((e) => e.message));
  const shape = (fns: readonly CFunction[]) => fns.map((f) => `${f.name} ${f.file}:${f.firstLine}-${f.lastLine} ${f.code.map((i) => `${i.op}@${i.loc.line}:${i.loc.column}`).join(' ')}`);
  assert.deepEqual(shape(second.kernel.functions as CFunction[]), shape(plain.kernel.functions as CFunction[]));
});

test('a function compiled once is compiled next launch from its cached whole tree, and runs and compiles as the release parsed whole', async () => {
  const store = memoryStore();
  const first = await loadReleaseKernel({ cache: { store } });
  first.kernel.storeDeclTrees();
  const plain = await loadReleaseKernel({});
  const expected = endOf(plain);
  // declared from the store, each body the run reaches parsed on its own, then stored as a whole tree
  const second = await loadReleaseKernel({ cache: { store } });
  assert.equal(endOf(second), expected);
  const parsed = second.kernel.timing.definitionsParsed ?? 0;
  assert.ok(parsed > 10);
  assert.equal(second.kernel.timing.definitionsCached ?? 0, 0);
  second.kernel.storeDeclTrees();
  const defs = [...store.entries.keys()].filter((k) => k.startsWith('def'));
  assert.equal(defs.length, parsed, 'one whole tree per definition parsed');
  // one entry damaged: that definition is parsed again, the others come from the store
  const bad = defs[0];
  store.entries.set(bad, store.entries.get(bad)!.slice(0, 40));
  const third = await loadReleaseKernel({ cache: { store } });
  assert.equal(endOf(third), expected);
  assert.deepEqual([third.kernel.timing.definitionsCached, third.kernel.timing.definitionsParsed], [parsed - 1, 1]);
  // every function, those from whole trees among them: the same instructions at the same places
  assert.deepEqual(third.kernel.compileAll().map((e) => e.message), plain.kernel.compileAll().map((e) => e.message));
  const shape = (fns: readonly CFunction[]) => fns.map((f) => `${f.name} ${f.file}:${f.firstLine}-${f.lastLine} ${f.code.map((i) => `${i.op}@${i.loc.line}:${i.loc.column}-${i.loc.endLine}:${i.loc.endColumn}`).join(' ')}`);
  assert.deepEqual(shape(third.kernel.functions as CFunction[]), shape(plain.kernel.functions as CFunction[]));
});

test('a definition\'s whole tree is the tree of its text wherever it sits, and nesting past the limit is found in it as in tree-sitter\'s', async () => {
  const parse = await nodeCParser();
  const fn = 'int f(int x) { return ((((x)))) + 1; }';
  const tree = parse(`int a;\n${fn}\n`);
  const def = tree.rootNode.namedChildren.find((c) => c?.type === 'function_definition')! as TreeNode;
  const t = definitionTreeOf(def);
  assert.deepEqual([t.start[0], t.end[0]], [0, fn.length]);
  const alone = definitionTreeOf(parse(fn).rootNode.namedChildren[0]! as TreeNode);
  assert.deepEqual(t, alone, 'the same text, the same tree, at another offset');
  const view = new DeclView(rebased(t, def.startIndex), `int a;\n${fn}\n`);
  assert.equal(view.root.text, fn);
  for (const max of [0, 3, 6, 9, 12, 20]) {
    const want = tooDeep(def, max);
    const got = tooDeep(view.root, max);
    assert.deepEqual(got && [got.type, got.startIndex], want && [want.type, want.startIndex], `max ${max}`);
  }
  tree.delete();
});
