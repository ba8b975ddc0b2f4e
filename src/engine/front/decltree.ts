// A unit's declarations as plain data: the tree-sitter tree of a preprocessed unit with every
// top-level function's body left out (its braces kept), in typed arrays that a store can keep.
// Declaring a unit walks some 450 nodes per KB of headers; through web-tree-sitter each step is a
// call into its wasm and a Node object made, two thirds of the time declaring took. From these
// arrays a walk is plain JavaScript, and a launch whose units are in the cache does not parse
// them at all: a function's body is parsed on its own (`includedRanges`) when it is first called.
//
// A function compiled once is kept too: its definition's whole tree (`definitionTreeOf`, offsets
// relative to its start), under the definition's text, so that the next launch compiles it
// walking these arrays, neither parsing it nor walking web-tree-sitter's nodes.
//
// The tree is a pure function of the text and the grammar: the store's key is the text's hash
// (with the grammar's version and this format's), so an entry is never stale.

import type { Node as TSNode, Tree, TreeCursor } from 'web-tree-sitter';
import { textHash, type CacheStore } from './cache';

/** The part of tree-sitter's Node the declaring code reads (a Node is one; so is a DeclNode). */
export interface CNode {
  readonly id: number;
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly isNamed: boolean;
  readonly isMissing: boolean;
  readonly hasError: boolean;
  readonly children: (CNode | null)[];
  readonly namedChildren: (CNode | null)[];
  readonly firstChild: CNode | null;
  readonly lastChild: CNode | null;
  readonly nextNamedSibling: CNode | null;
  child(i: number): CNode | null;
  childForFieldName(name: string): CNode | null;
  childrenForFieldName(name: string): (CNode | null)[];
}

const NAMED = 1;
const MISSING = 2;
const ERROR = 4;
/** a function body whose statements are left out */
const ELIDED = 8;

/** Bump when the arrays' meaning changes (the store's key holds it). */
export const DECL_TREE_VERSION = 1;

/** A unit's declaration tree: per node its type, field, extent, flags and links (-1: none). */
export interface DeclTree {
  readonly strings: string[];
  readonly type: Int32Array;
  readonly field: Int32Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly flags: Int32Array;
  readonly parent: Int32Array;
  readonly first: Int32Array;
  readonly next: Int32Array;
}

const COLUMNS = ['type', 'field', 'start', 'end', 'flags', 'parent', 'first', 'next'] as const;

/** The declaration tree of `tree` (a whole unit's parse): every node but those inside a top-level function's body. */
export function declTreeOf(tree: Tree): DeclTree {
  return treeFromCursor(tree.walk(), true, 0);
}

/**
 * A function definition's whole tree (its body's statements included), its offsets relative to
 * the definition's start: a function compiled from it walks plain arrays, and the tree is the same
 * wherever the definition's text sits in its unit (`rebased` puts it back at an offset).
 */
export function definitionTreeOf(def: TSNode): DeclTree {
  return treeFromCursor(def.walk(), false, def.startIndex);
}

/** `t` with every offset moved by `by` (a definition's tree put at its offset in the unit). */
export function rebased(t: DeclTree, by: number): DeclTree {
  const start = t.start.map((x) => x + by);
  const end = t.end.map((x) => x + by);
  return { ...t, start, end };
}

/** The tree under a cursor's node: `elide`, top-level function bodies left out; offsets less `base`. */
function treeFromCursor(c: TreeCursor, elide: boolean, base: number): DeclTree {
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const str = (s: string): number => {
    let i = ids.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      ids.set(s, i);
    }
    return i;
  };
  let cap = 1 << 14;
  let cols = COLUMNS.map(() => new Int32Array(cap));
  let n = 0;
  // the node each depth's last child is (to link the next sibling), and the path of node indexes
  const last: number[] = [];
  const path: number[] = [];
  let topFunction = -1;
  try {
    for (;;) {
      if (n === cap) {
        cap *= 2;
        cols = cols.map((a) => {
          const b = new Int32Array(cap);
          b.set(a);
          return b;
        });
      }
      const [type, field, start, end, flags, parent, first, next] = cols;
      const i = n++;
      const t = c.nodeType;
      const depth = path.length;
      type[i] = str(t);
      const f = c.currentFieldName;
      field[i] = f ? str(f) : -1;
      start[i] = c.startIndex - base;
      end[i] = c.endIndex - base;
      flags[i] = (c.nodeIsNamed ? NAMED : 0) | (c.nodeIsMissing ? MISSING : 0) | (t === 'ERROR' ? ERROR : 0);
      const p = depth ? path[depth - 1] : -1;
      parent[i] = p;
      first[i] = -1;
      next[i] = -1;
      if (depth) {
        const prev = last[depth];
        if (prev === -1) first[p] = i;
        else next[prev] = i;
        last[depth] = i;
      }
      if (depth === 1) topFunction = t === 'function_definition' ? i : -1;
      const elided = elide && depth === 2 && topFunction >= 0 && f === 'body';
      if (elided) flags[i] |= ELIDED;
      if (!elided && c.gotoFirstChild()) {
        path.push(i);
        last[depth + 1] = -1;
        continue;
      }
      // up until a next sibling
      let moved = false;
      while (!moved) {
        if (c.gotoNextSibling()) moved = true;
        else if (path.length && c.gotoParent()) path.pop();
        else break;
      }
      if (!moved) break;
    }
  } finally {
    c.delete();
  }
  const [type, field, start, end, flags, parent, first, next] = cols.map((a) => a.slice(0, n));
  // an error anywhere below a node marks it (as tree-sitter's hasError does)
  for (let i = n - 1; i > 0; i--) if (flags[i] & (ERROR | MISSING)) flags[parent[i]] |= ERROR;
  return { strings, type, field, start, end, flags, parent, first, next };
}

/** The tree as bytes for a store. */
export function encodeDeclTree(t: DeclTree): Uint8Array {
  const head = new TextEncoder().encode(JSON.stringify({ v: DECL_TREE_VERSION, n: t.type.length, strings: t.strings }));
  const pad = (4 - ((4 + head.length) % 4)) % 4;
  const body = 4 + head.length + pad;
  const out = new Uint8Array(body + COLUMNS.length * t.type.length * 4);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  COLUMNS.forEach((k, j) => out.set(new Uint8Array(t[k].buffer, t[k].byteOffset, t[k].byteLength), body + j * t.type.length * 4));
  return out;
}

/** The tree from a store's bytes, or undefined when they are not one (a damaged entry is a miss). */
export function decodeDeclTree(bytes: Uint8Array): DeclTree | undefined {
  try {
    if (bytes.length < 4) return undefined;
    const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
    const head = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + len))) as { v: number; n: number; strings: string[] };
    if (head.v !== DECL_TREE_VERSION || !Array.isArray(head.strings) || !Number.isInteger(head.n) || head.n <= 0) return undefined;
    const body = 4 + len + ((4 - ((4 + len) % 4)) % 4);
    if (bytes.length !== body + COLUMNS.length * head.n * 4) return undefined;
    // a copy: aligned, and not a view into the store's buffer
    const all = new Int32Array(bytes.slice(body).buffer);
    const col = (j: number) => all.subarray(j * head.n, (j + 1) * head.n);
    const t: DeclTree = { strings: head.strings, type: col(0), field: col(1), start: col(2), end: col(3), flags: col(4), parent: col(5), first: col(6), next: col(7) };
    for (let i = 0; i < head.n; i++) {
      // every index in range, and every link forward (a walk cannot loop)
      if (t.type[i] < 0 || t.type[i] >= head.strings.length || t.field[i] < -1 || t.field[i] >= head.strings.length) return undefined;
      if (t.parent[i] < -1 || t.parent[i] >= i || t.first[i] < -1 || t.first[i] >= head.n || t.next[i] < -1 || t.next[i] >= head.n) return undefined;
      if ((t.first[i] >= 0 && t.first[i] <= i) || (t.next[i] >= 0 && t.next[i] <= i)) return undefined;
      if (t.start[i] < 0 || t.end[i] < t.start[i] || typeof head.strings[t.type[i]] !== 'string') return undefined;
    }
    return t;
  } catch {
    return undefined;
  }
}

/** Node `i` of a declaration tree over `text` (the unit's preprocessed text), as a CNode. */
export class DeclNode implements CNode {
  constructor(
    private readonly view: DeclView,
    readonly index: number,
  ) {}
  get id(): number {
    return this.view.idBase + this.index;
  }
  get type(): string {
    return this.view.t.strings[this.view.t.type[this.index]];
  }
  get text(): string {
    return this.view.text.slice(this.startIndex, this.endIndex);
  }
  get startIndex(): number {
    return this.view.t.start[this.index];
  }
  get endIndex(): number {
    return this.view.t.end[this.index];
  }
  get isNamed(): boolean {
    return (this.view.t.flags[this.index] & NAMED) !== 0;
  }
  get isMissing(): boolean {
    return (this.view.t.flags[this.index] & MISSING) !== 0;
  }
  get hasError(): boolean {
    return (this.view.t.flags[this.index] & (ERROR | MISSING)) !== 0;
  }
  /** a top-level function's body whose statements this tree leaves out */
  get elided(): boolean {
    return (this.view.t.flags[this.index] & ELIDED) !== 0;
  }
  get parent(): DeclNode | null {
    const p = this.view.t.parent[this.index];
    return p < 0 ? null : this.view.node(p);
  }
  get children(): DeclNode[] {
    const out: DeclNode[] = [];
    for (let c = this.view.t.first[this.index]; c >= 0; c = this.view.t.next[c]) out.push(this.view.node(c));
    return out;
  }
  get namedChildren(): DeclNode[] {
    const out: DeclNode[] = [];
    const flags = this.view.t.flags;
    for (let c = this.view.t.first[this.index]; c >= 0; c = this.view.t.next[c]) if (flags[c] & NAMED) out.push(this.view.node(c));
    return out;
  }
  get firstChild(): DeclNode | null {
    const c = this.view.t.first[this.index];
    return c < 0 ? null : this.view.node(c);
  }
  get lastChild(): DeclNode | null {
    let l = -1;
    for (let c = this.view.t.first[this.index]; c >= 0; c = this.view.t.next[c]) l = c;
    return l < 0 ? null : this.view.node(l);
  }
  get nextNamedSibling(): DeclNode | null {
    const flags = this.view.t.flags;
    for (let c = this.view.t.next[this.index]; c >= 0; c = this.view.t.next[c]) if (flags[c] & NAMED) return this.view.node(c);
    return null;
  }
  child(i: number): DeclNode | null {
    let c = this.view.t.first[this.index];
    for (let k = 0; c >= 0 && k < i; k++) c = this.view.t.next[c];
    return c < 0 ? null : this.view.node(c);
  }
  childForFieldName(name: string): DeclNode | null {
    const f = this.view.fieldId(name);
    if (f < 0) return null;
    const field = this.view.t.field;
    for (let c = this.view.t.first[this.index]; c >= 0; c = this.view.t.next[c]) if (field[c] === f) return this.view.node(c);
    return null;
  }
  /** The first node (in tree order) more than `max` levels below this one. */
  deeperThan(max: number): DeclNode | undefined {
    const { parent, next } = this.view.t;
    // this node's subtree is the nodes after it up to its next sibling's (or an ancestor's)
    let endAt = -1;
    for (let a = this.index; a >= 0 && endAt < 0; a = parent[a]) endAt = next[a];
    const n = endAt < 0 ? parent.length : endAt;
    const depth = new Int32Array(n - this.index);
    for (let i = this.index + 1; i < n; i++) {
      const d = depth[parent[i] - this.index] + 1;
      if (d > max) return this.view.node(i);
      depth[i - this.index] = d;
    }
    return undefined;
  }
  childrenForFieldName(name: string): DeclNode[] {
    const f = this.view.fieldId(name);
    const out: DeclNode[] = [];
    if (f < 0) return out;
    const field = this.view.t.field;
    for (let c = this.view.t.first[this.index]; c >= 0; c = this.view.t.next[c]) if (field[c] === f) out.push(this.view.node(c));
    return out;
  }
}

let nextIdBase = 1 << 30;

/** A declaration tree read over its unit's text: its nodes, made once each. */
export class DeclView {
  private readonly nodes: (DeclNode | undefined)[];
  private readonly fields = new Map<string, number>();
  /** ids apart from tree-sitter's own and from every other view's */
  readonly idBase: number;
  constructor(
    readonly t: DeclTree,
    readonly text: string,
  ) {
    this.nodes = new Array(t.type.length);
    this.idBase = nextIdBase;
    nextIdBase += t.type.length;
    t.strings.forEach((s, i) => this.fields.set(s, i));
  }
  get root(): DeclNode {
    return this.node(0);
  }
  node(i: number): DeclNode {
    return (this.nodes[i] ??= new DeclNode(this, i));
  }
  fieldId(name: string): number {
    return this.fields.get(name) ?? -1;
  }
}

/** Whether `n` is a node of a declaration tree (not tree-sitter's own). */
export function isDeclNode(n: CNode): n is DeclNode {
  return n instanceof DeclNode;
}

/** Where declaration trees are kept between launches, by unit text; and function definitions' whole trees, by the definition's text. */
export interface DeclCache {
  get(text: string): DeclTree | undefined;
  put(text: string, tree: DeclTree): void;
  /** a definition's tree (`definitionTreeOf`), its offsets relative to its start */
  getDefinition?(text: string): DeclTree | undefined;
  putDefinition?(text: string, tree: DeclTree): void;
}

/** A DeclCache in a store (the preprocessor cache's): each tree under its text's hash; `hits`/`misses` count the gets. */
export function storeDeclCache(store: CacheStore, hash: (text: string) => string = textHash): DeclCache & { hits: number; misses: number; definitionHits: number; definitionMisses: number } {
  const key = (kind: string, text: string) => `${kind}${DECL_TREE_VERSION}-${hash(text)}-${text.length}`;
  /** the tree under `kind` for `text` when the store has one that `fits` it (counted in `c[count]`) */
  const get = (kind: string, text: string, fits: (t: DeclTree) => boolean, count: 'hits' | 'definitionHits'): DeclTree | undefined => {
    const bytes = store.get(key(kind, text));
    const t = bytes && decodeDeclTree(bytes);
    const ok = !!t && fits(t);
    if (count === 'hits') c[ok ? 'hits' : 'misses']++;
    else c[ok ? 'definitionHits' : 'definitionMisses']++;
    return ok ? t : undefined;
  };
  const c = {
    hits: 0,
    misses: 0,
    definitionHits: 0,
    definitionMisses: 0,
    // the tree spans the text it was made from, or it is not this text's
    get: (text: string) => get('decl', text, (t) => t.end[0] <= text.length, 'hits'),
    put: (text: string, tree: DeclTree) => store.set(key('decl', text), encodeDeclTree(tree)),
    // the definition's tree, spanning exactly its text
    getDefinition: (text: string) => get('def', text, (t) => t.start[0] === 0 && t.end[0] === text.length && t.strings[t.type[0]] === 'function_definition', 'definitionHits'),
    putDefinition: (text: string, tree: DeclTree) => store.set(key('def', text), encodeDeclTree(tree)),
  };
  return c;
}

export type { TSNode };
