// The compiler for the real kernel C, on byte memory: whole translation units (the preprocessed
// release files and the machine layer's C) are declared, linked and laid out in Memory as gcc lays
// them out for i386, and function bodies compile (lazily, on first call) to the machine's
// instructions (code.ts), with expressions as closures that load and store through Memory.
//
// What cannot run (inline assembly, an unknown builtin, a function defined nowhere) is refused
// when it is reached, at its file:line:col, never at load: the release's headers are full of
// inline assembly nothing on the close path calls.

import type { Node as TreeNode, Range, Tree } from 'web-tree-sitter';
import { DeclView, declTreeOf, definitionTreeOf, isDeclNode, rebased, type CNode as TSNode, type DeclCache } from '../front/decltree';
import { CError, formatLoc, uniformInstr, type CFunction, type Frame, type Instr, type Loc, type NativeFunction, type VarInfo } from '../code';
import type { History } from '../history';
import type { SourceMap } from '../front/sourcemap';
import { editsBetween } from '../front/reuse';
import { MAX_NESTING, tooDeep } from '../front/nesting';
import { Memory, type BlockKind, type MemoryOptions } from '../memory/memory';
import type { AsmNativeDef, NativeDef } from './native';
import { RUN, type RunState } from './runstate';
import { History as HistoryClass } from '../history';
import type { Machine } from '../machine';
import { CFault, asFault, decodeString, parseIntLiteral } from './support';
export { CFault };
import { FnCompiler, type X } from './body';
import {
  CHAR,
  DOUBLE,
  FLOAT,
  INT,
  LDOUBLE,
  LLONG,
  LONG,
  SCHAR,
  SHORT,
  UCHAR,
  UINT,
  ULLONG,
  ULONG,
  USHORT,
  VOID,
  layOut,
  ptrTo,
  sizeOf,
  alignOf,
  typeName,
  type CT,
  type FieldDecl,
  type FnT,
  type RecT,
} from './types';

/**
 * Parses C text; given an earlier tree edited to match the text (`old`), it may reuse what the
 * edits left alone; given `ranges`, only those parts of the text are parsed (the nodes keep the
 * text's offsets).
 */
export type CParse = (text: string, old?: Tree, ranges?: Range[]) => Tree;


/** One translation unit: preprocessed text and its source map (none: the text is the source). */
export interface Unit {
  /** the .c file's path as locations name it */
  path: string;
  text: string;
  map?: SourceMap;
  /** the machine layer's C: its external functions replace the release's of the same name */
  machine?: boolean;
  /** each source file's text by path (the preprocessor's `texts`): finds the macro an asm was written through */
  texts?: ReadonlyMap<string, string>;
}

export interface KernelOptions {
  units: Unit[];
  parse: CParse;
  /** a History for a first run made at load (`run0`, and `mem`/`H`/`sp` for a single-run caller); runs are made with newRun */
  history?: History;
  /** each run's memory options */
  memory?: MemoryOptions;
  /** natives by name: they replace a C function of the same name (listed in `replaced`) */
  natives?: Record<string, NativeDef>;
  /** natives for inline assembly written through the macro of that name (`cli`, `save_flags`) */
  asm?: Record<string, AsmNativeDef>;
  /** bytes of the C stack (default 256 KiB) */
  stackSize?: number;
  /** bytes kept for string literals and static locals of functions compiled lazily (default: measured) */
  reserve?: number;
  /** compile every function body at load (default: on first call or first address use) */
  eager?: boolean;
  /** functions defined in these files run without stopping (the machine layer's, under the release's) */
  hidden?: (file: string) => boolean;
  /** false: each unit parsed from scratch; by default each reuses the previous unit's tree where their texts agree (the headers they share) */
  reuseTrees?: boolean;
  /**
   * declaration trees kept between launches: a unit whose tree is there is declared from it and
   * not parsed (each function's body is parsed alone when first compiled); the others are parsed,
   * and `storeDeclTrees` puts theirs
   */
  declCache?: DeclCache;
}


export interface GlobalEntry {
  name: string;
  type: CT;
  addr: number;
  defined: boolean;
  static: boolean;
  loc: Loc;
  unit: UnitState;
  init?: TSNode;
}

export interface FnEntry {
  name: string;
  type: FnT;
  static: boolean;
  loc: Loc;
  defs: { node: TSNode; unit: UnitState; inline: boolean }[];
  chosen?: { node: TSNode; unit: UnitState; inline: boolean };
  ref?: CFunction | NativeFunction;
  addr: number;
}

export type Sym =
  | { k: 'global'; g: GlobalEntry }
  | { k: 'local'; v: LocalVar }
  | { k: 'fn'; f: FnEntry }
  | { k: 'const'; value: number }
  | { k: 'typedef'; t: CT };

export interface LocalVar {
  name: string;
  type: CT;
  /** a frame slot, or -1 when the variable lives in the frame's memory at `off` from its base */
  slot: number;
  off: number;
}

export class Scope {
  readonly ord = new Map<string, Sym>();
  readonly tags = new Map<string, RecT | 'enum'>();
  constructor(readonly parent?: Scope) {}
  lookup(name: string): Sym | undefined {
    return this.ord.get(name) ?? this.parent?.lookup(name);
  }
  tag(name: string): RecT | 'enum' | undefined {
    return this.tags.get(name) ?? this.parent?.tag(name);
  }
}

export interface UnitState {
  unit: Unit;
  /** the whole unit's parse (none when it was declared from a cached declaration tree) */
  tree?: Tree;
  /** the text parsed (the unit's, __signed__ respelled) */
  text: string;
  scope: Scope;
  /** line starts of the text, for locations without a source map */
  lines?: number[];
  /** line starts of `text`, for parsing a part of it (made when first needed) */
  textLines?: number[];
}

/** The index of the line holding `offset`, given the lines' starts (0-based). */
function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/** A function whose body is (partly) inline assembly, or another construct refused when reached. */
export interface Refusal {
  fn: string;
  loc: Loc;
  what: string;
}

const BUILTIN_PURE = new Set(['__builtin_constant_p']);

/** The compiled kernel: memory with its globals, functions by name, and what was replaced or refused. */
export class Kernel {
  /** the load image: every block handed out at load, globals initialized, string literals (never run in) */
  readonly image: Memory;
  private readonly imageRun: RunState;
  /** the blocks of the image in order: a run hands out the same ones and gets the same addresses */
  private readonly plan: { size: number; align: number; kind: BlockKind; label: string; start: number }[] = [];
  /** runs made from this compile (bytes written lazily into the image are written into them too) */
  private readonly runs: WeakRef<CRun>[] = [];
  /** the run made at load when `history` is given */
  run0: CRun | undefined;
  /** every C function made (in `index` order) */
  readonly functions: CFunction[] = [];
  /** external functions and natives by name */
  readonly fnByName = new Map<string, CFunction | NativeFunction>();
  /** external globals by name; statics as `file:name` */
  readonly globals = new Map<string, GlobalEntry>();
  /** tags of structs and unions seen (first definition by tag) */
  readonly records = new Map<string, RecT>();
  /** enum constants (first value by name) */
  readonly constants = new Map<string, number>();
  /** release functions a native or a machine-layer C function replaced */
  readonly replaced: string[] = [];
  /** externs declared and never defined, given zeroed storage (the machine layer may define them) */
  readonly undefinedGlobals: string[] = [];
  /** constructs found refused in the bodies compiled so far (asm...) */
  readonly refusals: Refusal[] = [];
  stackBase = 0;
  stackTop = 0;
  /** milliseconds spent per phase at load */
  readonly timing: Record<string, number> = {};

  readonly units: UnitState[] = [];
  readonly externFns = new Map<string, FnEntry>();
  readonly allFns: FnEntry[] = [];
  private readonly externGlobals = new Map<string, GlobalEntry>();
  private readonly allGlobals: GlobalEntry[] = [];
  private fnBase = 0;
  private readonly fnAt: (CFunction | NativeFunction | undefined)[] = [];
  private reserveAt = 0;
  private reserveEnd = 0;
  private readonly strings = new Map<string, number>();
  readonly natives: Record<string, NativeDef>;
  readonly asm: Record<string, AsmNativeDef>;
  private nativeRefs = new Map<string, NativeFunction>();

  constructor(readonly opts: KernelOptions) {
    // the image's memory and its run state share one History (unrecorded), so sealing it makes both read-only
    const H = new HistoryClass({ record: false });
    this.image = new Memory(H, { limit: opts.memory?.limit });
    this.imageRun = { mem: this.image, H, sp: [0], stackBase: 0 };
    this.natives = opts.natives ?? {};
    this.asm = opts.asm ?? {};
  }

  // ---- load -----------------------------------------------------------------------------------

  load(): this {
    let t = performance.now();
    const lap = (name: string): void => {
      const n = performance.now();
      this.timing[name] = (this.timing[name] ?? 0) + n - t;
      t = n;
    };
    const errors: CError[] = [];
    let strBytes = 0;
    let prev: { text: string; tree: Tree } | undefined;
    const cache = this.opts.declCache;
    for (const u of this.opts.units) {
      // gcc treats __signed__ as signed; the same length keeps every offset of the source map
      const text = u.text.replace(/\b__signed__\b/g, 'signed    ');
      const decl = cache?.get(text);
      let root: TSNode;
      let tree: Tree | undefined;
      if (decl) root = new DeclView(decl, text).root;
      else {
        tree = this.parseUnit(text, prev);
        prev = { text, tree };
        root = tree.rootNode;
        if (cache) this.undeclared.push({ text, tree });
      }
      lap('parse');
      const st: UnitState = { unit: u, tree, text, scope: new Scope() };
      if (!u.map) {
        st.lines = [0];
        for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) st.lines.push(i + 1);
      }
      this.units.push(st);
      for (const m of text.matchAll(/"(?:[^"\\]|\\.)*"/gs)) strBytes += m[0].length;
      for (const c of root.namedChildren) {
        if (!c) continue;
        try {
          this.topLevel(c, st);
        } catch (e) {
          if (e instanceof CError) errors.push(e);
          else throw e;
        }
      }
      lap('declare');
    }
    if (errors.length) throw new LoadError(errors);
    this.link(errors);
    if (errors.length) throw new LoadError(errors);
    const reserve = this.opts.reserve ?? strBytes + (64 << 10);
    this.reserveAt = this.imageAlloc(reserve, 8, 'string', 'string literals and static locals');
    this.reserveEnd = this.reserveAt + reserve;
    const stack = this.opts.stackSize ?? 256 << 10;
    this.stackBase = this.imageAlloc(stack, 16, 'stack', 'the C stack');
    this.stackTop = this.stackBase + stack;
    for (const g of this.allGlobals) {
      try {
        this.initGlobal(g);
      } catch (e) {
        if (e instanceof CError) errors.push(e);
        else throw e;
      }
    }
    lap('globals');
    if (errors.length) throw new LoadError(errors);
    if (this.opts.eager) this.compileAll();
    lap('bodies');
    if (this.opts.history) this.run0 = this.newRun(this.opts.history);
    return this;
  }

  /** units parsed at load whose declaration trees are not in the cache yet */
  private undeclared: { text: string; tree: Tree }[] = [];

  /**
   * Puts the declaration tree of every unit this load parsed into the cache (`declCache`), so
   * the next launch declares them without parsing. Apart from `load`: a host does it when idle.
   */
  storeDeclTrees(): void {
    const cache = this.opts.declCache;
    for (const u of this.undeclared.splice(0)) cache?.put(u.text, declTreeOf(u.tree));
    for (const d of this.unstoredDefinitions.splice(0)) cache?.putDefinition?.(d.text, definitionTreeOf(d.def));
  }

  /** definitions compiled from tree-sitter's own nodes whose whole trees are not in the cache yet */
  private unstoredDefinitions: { text: string; def: TreeNode }[] = [];

  /**
   * The function definition `node` with its body: itself when its unit was parsed whole; from a
   * cached declaration tree (its body left out), the definition's whole tree from the cache (by
   * its text: then compiling it walks plain arrays, not web-tree-sitter's nodes), else the
   * definition parsed alone, its offsets the unit's (and its tree stored with the unit trees).
   */
  private definitionNode(node: TSNode, st: UnitState): TSNode {
    const cache = this.opts.declCache;
    const start = node.startIndex;
    const end = node.endIndex;
    const text = st.text;
    // a node not of a declaration tree is tree-sitter's own
    if (!isDeclNode(node)) {
      if (cache?.putDefinition) this.unstoredDefinitions.push({ text: text.slice(start, end), def: node as TreeNode });
      return node;
    }
    const t0 = performance.now();
    const own = text.slice(start, end);
    const cached = cache?.getDefinition?.(own);
    if (cached) {
      this.timing.definitionsCached = (this.timing.definitionsCached ?? 0) + 1;
      this.timing.definitions = (this.timing.definitions ?? 0) + performance.now() - t0;
      return new DeclView(rebased(cached, start), text).root;
    }
    const starts = (st.textLines ??= lineStarts(text));
    const at = (i: number) => {
      const row = lineAt(starts, i);
      return { row, column: i - starts[row] };
    };
    const tree = this.opts.parse(text, undefined, [{ startIndex: start, endIndex: end, startPosition: at(start), endPosition: at(end) }]);
    const def = tree.rootNode.namedChildren.find((c): c is TreeNode => !!c && c.type === 'function_definition' && c.startIndex === start && c.endIndex === end);
    if (!def) throw this.err(node, st, `internal: the definition of this function does not parse on its own`);
    this.timing.definitions = (this.timing.definitions ?? 0) + performance.now() - t0;
    this.timing.definitionsParsed = (this.timing.definitionsParsed ?? 0) + 1;
    if (cache?.putDefinition) this.unstoredDefinitions.push({ text: own, def });
    return def;
  }

  /**
   * A unit's tree: with `prev` (the unit parsed before), a copy of its tree edited to this text
   * (src/engine/front/reuse.ts) is reparsed, so the headers both include are not parsed again;
   * tree-sitter gives the tree a fresh parse gives. Reuse pays when most of the text is kept.
   */
  private parseUnit(text: string, prev: { text: string; tree: Tree } | undefined): Tree {
    if (prev && this.opts.reuseTrees !== false) {
      const { edits, kept } = editsBetween(prev.text, text);
      if (kept > text.length / 4) {
        const old = prev.tree.copy();
        try {
          for (const e of edits) old.edit(e);
          return this.opts.parse(text, old);
        } finally {
          old.delete();
        }
      }
    }
    return this.opts.parse(text);
  }

  private imageAlloc(size: number, align: number, kind: BlockKind, label: string): number {
    const start = this.image.alloc(size, align, kind, label);
    this.plan.push({ size, align, kind, label, start });
    return start;
  }

  /**
   * A run of this compile: its own Memory on `H` holding the load image (the same blocks at the
   * same addresses, the initial bytes copied in before any stop), and its stack pointer.
   */
  newRun(H: History, opts: MemoryOptions = this.opts.memory ?? {}): CRun {
    const mem = new Memory(H, opts);
    // one allocation of the image's extent (not doublings), then only its non-zero pages copied
    mem.reserveBytes(this.image.top);
    for (const b of this.plan) {
      const a = mem.alloc(b.size, b.align, b.kind, b.label);
      if (a !== b.start) throw new Error(`internal: block ${b.label} at 0x${a.toString(16)}, the image has it at 0x${b.start.toString(16)}`);
    }
    mem.copyNonZero(this.image.bytes, this.image.top);
    const run = new CRun(this, mem, H, this.stackBase);
    H.set(run.sp, 0, this.stackTop);
    this.runs.push(new WeakRef(run));
    return run;
  }

  /** Every memory holding the image: the image's and each live run's (for bytes placed lazily). */
  private *imageMemories(): Generator<Memory> {
    yield this.image;
    for (let i = 0; i < this.runs.length; i++) {
      const r = this.runs[i].deref();
      if (r) yield r.mem;
      else this.runs.splice(i--, 1);
    }
  }

  /** Starts `fn(args)` as a call chain of `machine` in `run` (the run goes first, as every call passes it). */
  enter(machine: Machine, fn: CFunction, args: any[], run: RunState = this.requireRun0()): void {
    machine.enter(fn, [run, ...args]);
  }

  private requireRun0(): CRun {
    if (!this.run0) throw new Error('no run: load with a history, or make one with newRun');
    return this.run0;
  }

  /** the first run's memory, history and stack pointer (a single-run caller's convenience) */
  get mem(): Memory {
    return this.requireRun0().mem;
  }
  get H(): History {
    return this.requireRun0().H;
  }
  get sp(): number[] {
    return this.requireRun0().sp;
  }

  /** Compiles every function body now; returns the compile errors (a body with one is refused when called). */
  compileAll(): CError[] {
    const errs: CError[] = [];
    for (const f of this.functions) {
      try {
        void f.code;
      } catch (e) {
        if (e instanceof CError) errs.push(e);
        else throw e;
      }
    }
    return errs;
  }

  // ---- locations ------------------------------------------------------------------------------

  /** The location a user reads for a node: through the source map, the macro invocation's line. */
  loc(node: TSNode, st: UnitState): Loc {
    const start = this.place(node.startIndex, st);
    const end = this.place(Math.max(node.startIndex, node.endIndex - 1), st);
    const sameLine = end.file === start.file && end.line >= start.line;
    return {
      file: start.file,
      line: start.line,
      column: start.col,
      endLine: sameLine ? end.line : start.line,
      endColumn: sameLine ? (end.line === start.line ? Math.max(end.col + 1, start.col + 1) : end.col + 1) : start.col + 1,
    };
  }

  private place(offset: number, st: UnitState): { file: string; line: number; col: number } {
    const m = st.unit.map;
    if (m) {
      const v = m.visible(offset);
      if (v) return v;
      return { file: st.unit.path, line: 1, col: 1 };
    }
    const ls = st.lines!;
    const lo = lineAt(ls, offset);
    return { file: st.unit.path, line: lo + 1, col: offset - ls[lo] + 1 };
  }

  /** The original position (where the text was written, a macro body's own line) of a node. */
  origin(node: TSNode, st: UnitState): { file: string; line: number; col: number; site?: { file: string; line: number; col: number } } | undefined {
    return st.unit.map?.origin(node.startIndex);
  }

  err(node: TSNode, st: UnitState, msg: string): CError {
    return new CError(this.loc(node, st), msg);
  }

  // ---- types from syntax ----------------------------------------------------------------------

  /** The type named by a declaration's specifiers (`type` field plus qualifiers and storage). */
  baseType(node: TSNode, scope: Scope, st: UnitState): CT {
    const t = node.childForFieldName('type');
    if (!t) {
      // `unsigned x;` parsed with no type field, or K&R implicit int
      return INT;
    }
    return this.typeSpec(t, scope, st);
  }

  typeSpec(t: TSNode, scope: Scope, st: UnitState): CT {
    switch (t.type) {
      case 'primitive_type': {
        // tree-sitter calls size_t, uint32_t... primitive types: in C they are typedefs
        const s = scope.lookup(t.text);
        if (s?.k === 'typedef') return s.t;
        return this.primitive(t.text, t, st);
      }
      case 'sized_type_specifier': {
        const words = t.text.split(/\s+/).filter((w) => w);
        return this.sized(words, t, st);
      }
      case 'type_identifier': {
        const s = scope.lookup(t.text);
        if (s?.k === 'typedef') return s.t;
        throw this.err(t, st, `unknown type name '${t.text}'`);
      }
      case 'struct_specifier':
      case 'union_specifier':
        return this.record(t, scope, st, t.type === 'union_specifier');
      case 'enum_specifier':
        return this.enumSpec(t, scope, st);
      case 'macro_type_specifier':
        throw this.err(t, st, `a macro used as a type`);
      default:
        throw this.err(t, st, `unsupported type '${t.text}' (${t.type})`);
    }
  }

  private primitive(text: string, node: TSNode, st: UnitState): CT {
    switch (text) {
      case 'int':
        return INT;
      case 'char':
        return CHAR;
      case 'void':
        return VOID;
      case 'float':
        return FLOAT;
      case 'double':
        return DOUBLE;
      case 'short':
        return SHORT;
      case 'long':
        return LONG;
      case 'unsigned':
        return UINT;
      case 'signed':
        return INT;
      case '_Bool':
        return UCHAR;
      default:
        throw this.err(node, st, `unsupported type '${text}'`);
    }
  }

  private sized(words: string[], node: TSNode, st: UnitState): CT {
    let longs = 0;
    let short = false;
    let unsigned = false;
    let signed = false;
    let base = '';
    for (const w of words) {
      if (w === 'long') longs++;
      else if (w === 'short') short = true;
      else if (w === 'unsigned') unsigned = true;
      else if (w === 'signed') signed = true;
      else if (w === 'int' || w === 'char' || w === 'double' || w === 'float') base = w;
      else if (w === 'const' || w === 'volatile' || w === '__const' || w === '__volatile__') continue;
      else throw this.err(node, st, `unsupported type '${words.join(' ')}'`);
    }
    if (base === 'double') return longs ? LDOUBLE : DOUBLE;
    if (base === 'float') return FLOAT;
    if (base === 'char') return unsigned ? UCHAR : signed ? SCHAR : CHAR;
    if (short) return unsigned ? USHORT : SHORT;
    if (longs >= 2) return unsigned ? ULLONG : LLONG;
    if (longs === 1) return unsigned ? ULONG : LONG;
    return unsigned ? UINT : INT;
  }

  private record(t: TSNode, scope: Scope, st: UnitState, union: boolean): RecT {
    const nameNode = t.childForFieldName('name');
    const body = t.childForFieldName('body');
    const tag = nameNode?.text ?? '';
    let r: RecT | undefined;
    if (tag) {
      if (body) {
        // a definition: a new type in this scope (unless this scope already has it incomplete)
        const here = scope.tags.get(tag);
        if (here && here !== 'enum' && !here.complete) r = here;
      } else {
        const found = scope.tag(tag);
        if (found && found !== 'enum') return found;
      }
    }
    if (!r) {
      r = { k: 'record', tag: tag || '<anonymous>', union, fields: [], byName: new Map(), size: 0, align: 1, complete: false };
      if (tag) scope.tags.set(tag, r);
    }
    if (body) {
      const decls: FieldDecl[] = [];
      for (const fd of body.namedChildren) {
        if (!fd || fd.type !== 'field_declaration') continue;
        const base = this.baseType(fd, scope, st);
        const declarators = fd.childrenForFieldName('declarator').filter((d): d is TSNode => !!d);
        const bitClauses = fd.namedChildren.filter((c): c is TSNode => !!c && c.type === 'bitfield_clause');
        if (!declarators.length) {
          if (bitClauses.length) decls.push({ name: '', type: base, bits: this.constInt(bitClauses[0].namedChildren[0]!, scope, st) });
          else decls.push({ name: '', type: base }); // an anonymous struct or union member
          continue;
        }
        // bitfield clauses follow their declarators in order
        let bi = 0;
        for (const d of declarators) {
          const { name, type } = this.declarator(base, d, scope, st);
          let bits: number | undefined;
          const next = d.nextNamedSibling;
          if (next && next.type === 'bitfield_clause') {
            bits = this.constInt(next.namedChildren[0]!, scope, st);
            bi++;
          }
          decls.push({ name, type, bits });
        }
        void bi;
      }
      const packed = t.namedChildren.some((c) => c?.type === 'attribute_specifier' && /\b(__)?packed(__)?\b/.test(c.text));
      try {
        layOut(r, decls, packed);
      } catch (e) {
        throw this.err(t, st, (e as Error).message);
      }
      if (tag && !this.records.has(tag)) this.records.set(tag, r);
    }
    return r;
  }

  /** gcc's type for an enum: unsigned int when no enumerator is negative, else int */
  private readonly enumTypes = new Map<string, CT>();

  private enumSpec(t: TSNode, scope: Scope, st: UnitState): CT {
    const name = t.childForFieldName('name');
    if (name) scope.tags.set(name.text, 'enum');
    const body = t.childForFieldName('body');
    if (!body) return (name && this.enumTypes.get(name.text)) || UINT;
    let next = 0;
    let negative = false;
    for (const e of body.namedChildren) {
      if (!e || e.type !== 'enumerator') continue;
      const v = e.childForFieldName('value');
      if (v) next = this.constInt(v, scope, st);
      const n = e.childForFieldName('name')!.text;
      scope.ord.set(n, { k: 'const', value: next });
      if (!this.constants.has(n)) this.constants.set(n, next);
      if (next < 0) negative = true;
      next = (next + 1) | 0;
    }
    const type = negative ? INT : UINT;
    if (name && !this.enumTypes.has(name.text)) this.enumTypes.set(name.text, type);
    return type;
  }

  /** A declarator applied to a base type: the declared name (or '') and its type. */
  declarator(base: CT, d: TSNode | null, scope: Scope, st: UnitState): { name: string; type: CT; fnDecl?: TSNode; nameNode?: TSNode } {
    let type = base;
    let fnDecl: TSNode | undefined;
    for (let n: TSNode | null = d; n; ) {
      switch (n.type) {
        case 'identifier':
        case 'field_identifier':
        case 'type_identifier':
        case 'primitive_type':
          return { name: n.text, type, fnDecl, nameNode: n };
        case 'pointer_declarator':
        case 'abstract_pointer_declarator':
          type = ptrTo(type);
          n = n.childForFieldName('declarator');
          break;
        case 'array_declarator':
        case 'abstract_array_declarator': {
          const size = n.childForFieldName('size');
          type = { k: 'array', of: type, n: size ? this.constInt(size, scope, st) : undefined };
          n = n.childForFieldName('declarator');
          break;
        }
        case 'function_declarator':
        case 'abstract_function_declarator':
          type = this.fnType(type, n.childForFieldName('parameters'), scope, st);
          fnDecl = n;
          n = n.childForFieldName('declarator');
          break;
        case 'parenthesized_declarator':
        case 'abstract_parenthesized_declarator':
          n = n.namedChildren.find((c) => c && c.type !== 'attribute_specifier' && c.type !== 'type_qualifier') ?? null;
          break;
        case 'init_declarator':
          n = n.childForFieldName('declarator');
          break;
        case 'attributed_declarator':
          n = n.namedChildren[0];
          break;
        default:
          throw this.err(n, st, `unsupported declarator '${n.text}' (${n.type})`);
      }
    }
    return { name: '', type, fnDecl };
  }

  fnType(ret: CT, params: TSNode | null, scope: Scope, st: UnitState): FnT {
    const ps: CT[] = [];
    let variadic = false;
    let proto = false;
    if (params) {
      for (const p of params.namedChildren) {
        if (!p) continue;
        if (p.type === 'variadic_parameter') {
          variadic = true;
          continue;
        }
        if (p.type !== 'parameter_declaration') continue;
        proto = true;
        const { type } = this.declarator(this.baseType(p, scope, st), p.childForFieldName('declarator'), scope, st);
        if (type.k === 'void') continue;
        ps.push(adjustParam(type));
      }
    }
    return { k: 'func', ret, params: ps, variadic, proto: proto || variadic };
  }

  /** The parameters of a function definition's declarator, named, in order. */
  paramNames(fnDecl: TSNode, scope: Scope, st: UnitState): { name: string; type: CT; node: TSNode }[] {
    const out: { name: string; type: CT; node: TSNode }[] = [];
    const params = fnDecl.childForFieldName('parameters');
    for (const p of params?.namedChildren ?? []) {
      if (!p || p.type !== 'parameter_declaration') continue;
      const { name, type } = this.declarator(this.baseType(p, scope, st), p.childForFieldName('declarator'), scope, st);
      if (type.k === 'void' && !name) continue;
      out.push({ name, type: adjustParam(type), node: p });
    }
    return out;
  }

  typeDescriptor(node: TSNode, scope: Scope, st: UnitState): CT {
    return this.declarator(this.baseType(node, scope, st), node.childForFieldName('declarator'), scope, st).type;
  }

  /** An integer constant expression's value (array sizes, bitfield widths, enum values, case labels). */
  constInt(node: TSNode, scope: Scope, st: UnitState): number {
    const x = new FnCompiler(this, st, null, scope).expr(node);
    if (x.cv === undefined) throw this.err(node, st, `'${node.text}' is not an integer constant`);
    return Number(x.cv);
  }

  // ---- declarations ---------------------------------------------------------------------------

  private storage(node: TSNode): Set<string> {
    const s = new Set<string>();
    for (const c of node.children) if (c && c.type === 'storage_class_specifier') s.add(c.text);
    return s;
  }

  private topLevel(node: TSNode, st: UnitState): void {
    const scope = st.scope;
    switch (node.type) {
      case 'type_definition': {
        const base = this.baseType(node, scope, st);
        for (const d of node.childrenForFieldName('declarator')) {
          if (!d) continue;
          const { name, type } = this.declarator(base, d, scope, st);
          scope.ord.set(name, { k: 'typedef', t: type });
        }
        return;
      }
      case 'struct_specifier':
      case 'union_specifier':
      case 'enum_specifier':
        this.typeSpec(node, scope, st);
        return;
      case 'declaration':
        this.declaration(node, st);
        return;
      case 'function_definition':
        this.functionDefinition(node, st);
        return;
      case 'comment':
        return;
      case 'expression_statement':
        if (node.namedChildren[0]?.type === 'gnu_asm_expression') return; // a top-level asm (symbol aliases): nothing to run
        throw this.err(node, st, `unexpected statement at file level`);
      case 'ERROR':
        throw this.err(node, st, `syntax error: '${node.text.slice(0, 60)}'`);
      default:
        throw this.err(node, st, `unsupported declaration (${node.type})`);
    }
  }

  private declaration(node: TSNode, st: UnitState): void {
    const scope = st.scope;
    const storage = this.storage(node);
    const base = this.baseType(node, scope, st);
    for (const d of node.childrenForFieldName('declarator')) {
      if (!d) continue;
      const { name, type, nameNode } = this.declarator(base, d, scope, st);
      if (!name) continue;
      const at = nameNode ?? d;
      if (type.k === 'func') {
        this.declareFn(name, type, storage.has('static'), at, st);
        continue;
      }
      const init = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
      this.declareGlobal(name, type, storage, at, st, init);
    }
  }

  private declareGlobal(name: string, type: CT, storage: Set<string>, at: TSNode, st: UnitState, init: TSNode | null): void {
    const scope = st.scope;
    const isStatic = storage.has('static');
    const isExtern = storage.has('extern') && !init;
    const prev = scope.ord.get(name);
    let g: GlobalEntry | undefined = prev?.k === 'global' ? prev.g : undefined;
    if (!g && !isStatic) g = this.externGlobals.get(name);
    if (!g) {
      g = { name, type, addr: 0, defined: false, static: isStatic, loc: this.loc(at, st), unit: st };
      if (isStatic) this.globals.set(`${st.unit.path}:${name}`, g);
      else {
        this.externGlobals.set(name, g);
        this.globals.set(name, g);
      }
      this.allGlobals.push(g);
    }
    scope.ord.set(name, { k: 'global', g });
    // complete an incomplete array type from a later declaration or the initializer
    if (g.type.k === 'array' && g.type.n === undefined && type.k === 'array' && type.n !== undefined) g.type = type;
    if (type.k === 'array' && type.n === undefined && init) {
      const n = this.initCount(type, init);
      g.type = { k: 'array', of: type.of, n };
    }
    if (!isExtern) {
      if (init) {
        if (g.init) throw this.err(at, st, `redefinition of '${name}' (first defined at ${formatLoc(g.loc)})`);
        g.init = init;
        g.unit = st;
        g.loc = this.loc(at, st);
      }
      if (!g.defined) {
        g.defined = true;
        g.unit = st;
        g.loc = this.loc(at, st);
      }
    }
  }

  /** The element count of an array of unknown size from its initializer. */
  private initCount(type: CT & { k: 'array' }, init: TSNode): number {
    if (init.type === 'string_literal' || init.type === 'concatenated_string') return decodeString(init).length + 1;
    if (init.type !== 'initializer_list') return 1;
    let n = 0;
    let i = 0;
    for (const c of init.namedChildren) {
      if (!c) continue;
      if (c.type === 'initializer_pair') {
        const des = c.childForFieldName('designator');
        if (des?.type === 'subscript_designator') {
          i = Number(parseIntLiteral(des.namedChildren[0]!.text) ?? i);
        }
      }
      i++;
      n = Math.max(n, i);
    }
    void type;
    return n;
  }

  declareFn(name: string, type: FnT, isStatic: boolean, at: TSNode, st: UnitState): FnEntry {
    const scope = st.scope;
    const prev = scope.ord.get(name);
    let f: FnEntry | undefined = prev?.k === 'fn' ? prev.f : undefined;
    if (!f && !isStatic) f = this.externFns.get(name);
    if (!f) {
      f = { name, type, static: isStatic, loc: this.loc(at, st), defs: [], addr: 0 };
      if (!isStatic) this.externFns.set(name, f);
      this.allFns.push(f);
    } else if (!f.type.proto && type.proto) f.type = type;
    scope.ord.set(name, { k: 'fn', f });
    return f;
  }

  private functionDefinition(node: TSNode, st: UnitState): void {
    const storage = this.storage(node);
    const base = this.baseType(node, st.scope, st);
    const { name, type, nameNode } = this.declarator(base, node.childForFieldName('declarator'), st.scope, st);
    if (type.k !== 'func') throw this.err(node, st, `a function definition whose declarator is not a function`);
    const inline = /\b(inline|__inline__|__inline)\b/.test(st.unit.text.slice(node.startIndex, node.childForFieldName('declarator')!.startIndex));
    const externInline = inline && storage.has('extern');
    const f = this.declareFn(name, type, storage.has('static'), nameNode ?? node, st);
    f.type = type;
    f.defs.push({ node, unit: st, inline: externInline });
  }

  // ---- linking --------------------------------------------------------------------------------

  private link(errors: CError[]): void {
    let n = 0;
    for (const f of this.allFns) {
      n++;
      // two real definitions of one function (in the release, or in the machine layer) do not link
      for (const machine of [false, true]) {
        const real = f.defs.filter((d) => !d.inline && !!d.unit.unit.machine === machine);
        if (real.length > 1) errors.push(this.err(real[1].node, real[1].unit, `redefinition of ${f.name}() (first defined at ${formatLoc(this.loc(real[0].node, real[0].unit))})`));
      }
      const native = f.static ? undefined : this.natives[f.name];
      // a machine-layer definition (not a header's inline one read by a machine file), then a
      // real one, then an inline one from a header
      const defs = f.defs;
      const chosen = defs.find((d) => d.unit.unit.machine && !d.inline) ?? defs.find((d) => !d.inline) ?? defs[0];
      if (native) {
        if (defs.length) this.replaced.push(f.name);
        f.ref = this.nativeRef(f.name, f.type, native);
      } else if (chosen) {
        if (chosen.unit.unit.machine && !chosen.inline && defs.some((d) => d !== chosen)) this.replaced.push(f.name);
        f.chosen = chosen;
        f.ref = this.makeFunction(f, chosen.node, chosen.unit);
      }
      if (f.ref && !f.static) this.fnByName.set(f.name, f.ref);
    }
    // natives the C never declares are still callable by name through fnByName
    for (const [name, def] of Object.entries(this.natives)) {
      if (!this.fnByName.has(name)) this.fnByName.set(name, this.nativeRef(name, { k: 'func', ret: INT, params: [], variadic: true, proto: false }, def));
    }
    // function addresses: 4 bytes each in one 'function' block
    this.fnBase = this.imageAlloc(4 * (n + 1), 4, 'function', 'functions');
    let i = 1;
    for (const f of this.allFns) {
      f.addr = this.fnBase + 4 * i;
      this.fnAt[i] = f.ref;
      i++;
    }
    // a function defined nowhere: its address leads to a refusal raised at the call
    for (const f of this.allFns) if (!f.ref) this.callTarget(f);
    // globals: allocate every one (an extern never defined gets zeroed storage, listed)
    for (const g of this.allGlobals) {
      const size = sizeOf(g.type);
      if (size === undefined) {
        if (!g.defined) continue;
        throw new CError(g.loc, `'${g.name}' has an incomplete type ${typeName(g.type)}`);
      }
      if (!g.defined) this.undefinedGlobals.push(g.name);
      g.addr = this.imageAlloc(size, Math.max(4, alignOf(g.type)), 'global', g.static ? `${g.unit.unit.path}:${g.name}` : g.name);
    }
  }

  private nativeRef(name: string, type: FnT, def: NativeDef): NativeFunction {
    let ref = this.nativeRefs.get(name);
    if (ref) return ref;
    ref = {
      kind: 'native',
      name,
      type: type as never,
      pure: def.pure === true,
      effect: def.effect,
      impl: (args: any[], loc: Loc) => {
        try {
          // the caller passes its run first, as to every function
          return def.fn((args[0] as RunState).mem, args.slice(1), loc);
        } catch (e) {
          throw asFault(e, loc);
        }
      },
    };
    this.nativeRefs.set(name, ref);
    return ref;
  }

  /** The function at a function address (0: NULL; undefined: not a function's address). */
  functionAt(addr: number): CFunction | NativeFunction | null | undefined {
    if (addr === 0) return null;
    const i = (addr - this.fnBase) / 4;
    return Number.isInteger(i) ? this.fnAt[i] : undefined;
  }

  /** Every function the units define or declare, external and static, by name. */
  allFunctionNames(): string[] {
    return this.allFns.map((f) => f.name);
  }

  /** The address of an external function (or a static one in the unit whose path ends with `file`). */
  fnAddress(name: string, file?: string): number {
    const f = file ? this.allFns.find((e) => e.name === name && e.chosen?.unit.unit.path.endsWith(file)) : this.externFns.get(name);
    if (!f) throw new Error(`no function ${name}`);
    return f.addr;
  }

  /** The address of a global (`file:name` for a static one, the file's path ending so). */
  addressOf(name: string): number {
    let g = this.globals.get(name);
    if (!g && name.includes(':')) for (const [key, v] of this.globals) if (key.endsWith('/' + name)) g = v;
    if (!g) throw new Error(`no global ${name}`);
    return g.addr;
  }

  /** A C function by name, for starting a call chain: external, or static in the unit whose path ends with `file`. */
  cfunction(name: string, file?: string): CFunction {
    const f = file ? this.allFns.find((e) => e.name === name && e.chosen && e.chosen.unit.unit.path.endsWith(file))?.ref : this.fnByName.get(name);
    if (!f || f.kind !== 'c') throw new Error(`no C function ${name}${file ? ` in ${file}` : ''}`);
    return f as CFunction;
  }

  /** the unit each C function (by index) was compiled from */
  private readonly unitOf: UnitState[] = [];

  private makeFunction(f: FnEntry, node: TSNode, st: UnitState): CFunction {
    const index = this.functions.length;
    this.unitOf[index] = st;
    const loc = this.loc(node, st);
    const end = this.loc(node.lastChild ?? node, st);
    const fn = new LazyFunction(f.name, f.type, loc, end.endLine, index, () => {
      const def = this.definitionNode(node, st);
      // the compiler recurses over the body: C nested deeper than it takes (a macro's value, too) is refused where it is
      const deep = tooDeep(def, MAX_NESTING);
      if (deep) throw new CError(this.loc(deep, st), `nested too deeply: the interpreter takes C nested up to ${MAX_NESTING} levels (expressions, parentheses, blocks, ifs); simplify this`);
      return new FnCompiler(this, st, { entry: f, fn }, st.scope).body(def);
    }) as unknown as CFunction;
    if (this.opts.hidden?.(loc.file)) fn.hidden = true;
    this.functions.push(fn);
    return fn;
  }

  // ---- memory helpers for the compiler --------------------------------------------------------

  /** Bytes from the load-time reserve (string literals, static locals of lazily compiled bodies): written directly, never logged (they are the program's initial image). */
  reserve(size: number, align: number, what: string, loc: Loc): number {
    const a = Math.ceil(this.reserveAt / align) * align;
    if (a + size > this.reserveEnd) throw new CError(loc, `the reserve for string literals and static locals is full (${what}); load with a larger 'reserve'`);
    this.reserveAt = a + size;
    return a;
  }

  /** The address of a string literal's bytes (NUL added), interned. */
  stringAt(bytes: number[], loc: Loc): number {
    const key = String.fromCharCode(...bytes);
    let a = this.strings.get(key);
    if (a === undefined) {
      a = this.reserve(bytes.length + 1, 1, 'a string literal', loc);
      for (const m of this.imageMemories()) {
        m.bytes.set(bytes, a);
        m.bytes[a + bytes.length] = 0;
      }
      this.strings.set(key, a);
    }
    return a;
  }

  /** A function entry's address for `&f` or `f` as a value. */
  fnValue(f: FnEntry): number {
    return f.addr;
  }

  /** The FunctionRef a direct call to `f` reaches (a native refusal when it is defined nowhere). */
  callTarget(f: FnEntry): CFunction | NativeFunction {
    if (f.ref) return f.ref;
    const def = {
      fn: (_m: Memory, _a: any[], loc: Loc): never => {
        throw new CFault(loc, `call to ${f.name}(), which is declared (${formatLoc(f.loc)}) but defined nowhere: neither in the kernel C nor in the machine layer`);
      },
    };
    f.ref = this.nativeRef(`<undefined ${f.name}>`, f.type, def);
    const i = (f.addr - this.fnBase) / 4;
    this.fnAt[i] = f.ref;
    return f.ref;
  }

  /** The NativeFunction standing in for inline assembly written through macro `name`. */
  asmRef(name: string, def: AsmNativeDef): NativeFunction {
    return this.nativeRef(`asm ${name}`, { k: 'func', ret: INT, params: [], variadic: true, proto: false }, def);
  }

  /** An external function or global by name, for a block-scope `extern` declaration. */
  externFnSym(name: string): Sym | undefined {
    const f = this.externFns.get(name);
    if (f) return { k: 'fn', f };
    const g = this.externGlobals.get(name);
    return g ? { k: 'global', g } : undefined;
  }

  /** Runs a static local's initializer into memory as part of the load image (unlogged). */
  rawInit(g: GlobalEntry, init: TSNode, scope: Scope): void {
    const stores = new FnCompiler(this, g.unit, null, scope).initializer(g.type, init);
    for (const m of this.imageMemories()) {
      const fr = { fn: null, s: [0, { mem: rawMemory(m), H: this.imageRun.H, sp: [0], stackBase: 0 }], hid: -1 } as unknown as Frame;
      for (const s of stores) s(fr, g.addr);
    }
  }

  /**
   * A C expression (a watch, a hover, a breakpoint condition) compiled in the scope of `fn` at
   * instruction `pc` (its locals visible there, then the file's names), or at file scope. It cannot
   * call a function (refused when compiling); run it with the run's History sealed, so a store
   * throws a ReadOnlyRefusal before it changes a byte. `ev` takes the frame (a frame of `fn`, or
   * any frame of the run for file scope).
   */
  compileExpression(text: string, fn: CFunction | null, pc: number): { ev: (fr: Frame) => any; t: CT; addr?: (fr: Frame) => number; bits?: { w: number; bitOffset: number; signed: boolean } } {
    const st = fn ? this.unitOf[fn.index] : this.units[0];
    const prefix = 'void __expression__(void) { (';
    const tree = this.opts.parse(`${prefix}${text}\n); }`);
    try {
      const loc = (n: TSNode): Loc => ({ file: '<expression>', line: 1, column: n.startIndex - prefix.length + 1, endLine: 1, endColumn: n.endIndex - prefix.length + 1 });
      const body = tree.rootNode.namedChildren[0]?.childForFieldName('body');
      const stmt = body?.namedChildren[0];
      const e = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
      if (tree.rootNode.hasError || !e || body!.namedChildren.length !== 1) throw new CError({ file: '<expression>', line: 1, column: 1, endLine: 1, endColumn: text.length + 1 }, `not a C expression: '${text}'`);
      const scope = new Scope(st.scope);
      const fc = new FnCompiler(this, st, null, scope);
      if (fn) {
        for (const v of fn.vars as (VarInfo & { home?: string; offset?: number })[]) {
          if (!v.name || v.name.startsWith('<') || pc < v.from || pc >= v.to) continue;
          const memory = v.home === 'memory';
          scope.ord.set(v.name, { k: 'local', v: { name: v.name, type: v.type as unknown as CT, slot: memory ? -1 : v.slot, off: v.offset ?? 0 } });
        }
        fc.BASE = (fn as unknown as { baseSlot: number }).baseSlot;
      }
      const saved = this.loc;
      // positions in the expression's own text, not the unit's
      this.loc = (n: TSNode) => loc(n);
      try {
        const x = fc.expr(e);
        // an lvalue in memory also gives its address (and a bitfield its bits): the Variables view's place
        return { ev: x.ev, t: x.t, addr: x.addr, bits: x.bits };
      } finally {
        this.loc = saved;
      }
    } finally {
      tree.delete();
    }
  }

  /**
   * A compiled expression's value read from the load image itself, read-only (sealed: a store or
   * an allocation refuses), with no run made: an integer constant expression (a macro's value)
   * reads nothing, and one naming a global reads its initial value.
   */
  evaluateOnImage(ev: (fr: Frame) => unknown): unknown {
    const H = this.imageRun.H;
    H.seal();
    try {
      return ev({ fn: null, s: [0, this.imageRun], hid: -1 } as unknown as Frame);
    } finally {
      H.unseal();
    }
  }

  // ---- global initializers --------------------------------------------------------------------

  private initGlobal(g: GlobalEntry): void {
    if (!g.init || !g.addr) return;
    const fc = new FnCompiler(this, g.unit, null, g.unit.scope);
    const stores = fc.initializer(g.type, g.init);
    const fr = { fn: null, s: [0, this.imageRun], hid: -1 } as unknown as Frame;
    for (const s of stores) s(fr, g.addr);
  }
}

/** One run of a compiled kernel: its memory, history and stack pointer. */
export class CRun implements RunState {
  /** the C stack pointer, a History-logged cell */
  readonly sp: number[] = [0];
  constructor(
    readonly kernel: Kernel,
    readonly mem: Memory,
    readonly H: History,
    readonly stackBase: number,
  ) {}

  /** Starts `fn(args)` as `machine`'s call chain in this run. */
  enter(machine: Machine, fn: CFunction, args: any[]): void {
    this.kernel.enter(machine, fn, args, this);
  }
}

/** A Memory whose stores write the bytes directly, unlogged (a load image, not a change of the run). */
function rawMemory(mem: Memory): Memory {
  const raw = Object.create(mem) as Memory;
  raw.st8 = (a, v) => {
    mem.u8(a);
    mem.bytes[a] = v & 0xff;
  };
  raw.st16 = (a, v) => {
    mem.u16(a);
    mem.dv.setUint16(a, v & 0xffff, true);
  };
  raw.st32 = (a, v) => {
    mem.u32(a);
    mem.dv.setInt32(a, v | 0, true);
  };
  raw.write = (a, src) => {
    mem.read(a, src.length);
    mem.bytes.set(src, a);
  };
  raw.copy = (d, s, n) => raw.write(d, mem.read(s, n));
  raw.fill = (a, b, n) => raw.write(a, new Uint8Array(n).fill(b));
  return raw;
}

/**
 * A C function whose body compiles on first use of `code`, `nslots` or `vars` (a body that does
 * not compile becomes a refusal body, its message at the construct, thrown on that first use and
 * whenever it is called). Every property is set in the constructor, so all functions share one
 * shape and the machine's `fr.fn.code` at each call and return stays a monomorphic load.
 */
class LazyFunction {
  readonly kind = 'c';
  readonly file: string;
  readonly firstLine: number;
  /** its statements run without stopping (KernelOptions.hidden) */
  hidden = false;
  /** set by the body's compiler */
  varargsSlot: number | undefined = undefined;
  frameSize: number | undefined = undefined;
  baseSlot: number | undefined = undefined;
  private _code: Instr[] | undefined = undefined;
  private _nslots = 0;
  private _vars: VarInfo[] = [];
  private compiling = false;
  constructor(
    readonly name: string,
    readonly type: FnT,
    readonly loc: Loc,
    readonly lastLine: number,
    readonly index: number,
    private compileBody: (() => { code: Instr[]; nslots: number; vars: VarInfo[] }) | undefined,
  ) {
    this.file = loc.file;
    this.firstLine = loc.line;
  }
  private compile(): void {
    if (this.compiling) throw new CError(this.loc, `internal: ${this.name} is compiled while compiling itself`);
    this.compiling = true;
    let out;
    try {
      out = this.compileBody!();
    } catch (e) {
      const err = e instanceof CError ? e : new CError(this.loc, `internal error compiling ${this.name}: ${(e as Error).stack}`);
      this.compiling = false;
      this.settle(refusalBody(this as unknown as CFunction, err));
      throw err;
    }
    this.compiling = false;
    this.settle(out);
  }
  private settle(out: { code: Instr[]; nslots: number; vars: VarInfo[] }): void {
    this._code = out.code;
    this._nslots = out.nslots;
    this._vars = out.vars;
    this.compileBody = undefined;
  }
  get code(): Instr[] {
    if (this._code === undefined) this.compile();
    return this._code!;
  }
  set code(v: Instr[]) {
    this._code = v;
    this.compileBody = undefined;
  }
  get nslots(): number {
    if (this._code === undefined) this.compile();
    return this._nslots;
  }
  set nslots(v: number) {
    this._nslots = v;
  }
  get vars(): VarInfo[] {
    if (this._code === undefined) this.compile();
    return this._vars;
  }
  set vars(v: VarInfo[]) {
    this._vars = v;
  }
}

export class LoadError extends Error {
  constructor(readonly errors: CError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

function adjustParam(t: CT): CT {
  if (t.k === 'array') return ptrTo(t.of);
  if (t.k === 'func') return ptrTo(t);
  return t;
}

function refusalBody(fn: CFunction, err: CError): { code: Instr[]; nslots: number; vars: [] } {
  const thrower = (): never => {
    throw err;
  };
  return {
    code: [
      { op: 0 /* STMT */, loc: err.loc, what: 'refused' },
      { op: 1 /* EXPR */, loc: err.loc, ev: thrower },
    ].map(uniformInstr),
    nslots: RUN + 2 + fn.type.params.length,
    vars: [],
  };
}

export type { X };
export { BUILTIN_PURE };
