// Compiles the kernel C (tree-sitter syntax trees) into instructions the machine runs a statement
// at a time. Anything outside the supported subset is refused here, with file:line:col.

import type { Node as TSNode, Tree } from 'web-tree-sitter';
import { MAX_NESTING, tooDeep } from './front/nesting';
export { MAX_NESTING };
import {
  CError,
  LoadErrors,
  Op,
  ReadOnlyRefusal,
  UNPLACED,
  type CFunction,
  type Ev,
  type Frame,
  type Instr,
  type Loc,
  type NativeFunction,
  type VarInfo,
} from './code';
import {
  CHAR,
  CHAR_PTR,
  CStruct,
  INT,
  LONG,
  SHORT,
  UCHAR,
  UINT,
  ULONG,
  USHORT,
  VOID,
  VOID_PTR,
  commonType,
  intConverter,
  isInt,
  promote,
  typeName,
  zeroOf,
  type CType,
  type Field,
  type FuncType,
  type FunctionRef,
  type IntType,
  type StructType,
} from './ctypes';
import { escapeValue } from './front/escape';
import type { History } from './history';

/** Parses C text into a tree-sitter tree (the host initialises tree-sitter once). */
export type CParse = (text: string) => Tree;

export interface SourceFile {
  path: string;
  text: string;
}

export interface GlobalVar {
  name: string;
  type: CType;
  index: number;
  loc: Loc;
  extern: boolean;
}

export interface NativeSpec {
  impl: (args: any[], loc: Loc) => any;
  /**
   * true: the native only reads, so a read-only evaluation may call it. Not declared pure, a
   * call in a hover, watch or condition is refused (at compile time, and by a check on every call).
   */
  pure?: boolean;
  /** what an impure native changes, for the refusal's message ("removes a pending timer") */
  effect?: string;
}

export interface Program {
  structs: Map<string, StructType>;
  globals: Map<string, GlobalVar>;
  /** the cells of every global variable, written through the history */
  G: any[];
  functions: CFunction[];
  fnByName: Map<string, CFunction | NativeFunction>;
  /** integer constants from #define and enums */
  constants: Map<string, number>;
  /** lines holding a statement, per file */
  executableLines: Map<string, Set<number>>;
  files: Map<string, string>;
  /**
   * compiles a C expression in the scope of `fn` at instruction `pc` (watch, hover, conditions).
   * Without `allowWrites` (every caller today) the expression is read-only: an assignment, a call
   * to kernel C or to a native not declared pure is refused when compiling, and `ev` (and
   * `lvalue.cells`) run with the history sealed, so any change they attempt throws a
   * ReadOnlyRefusal before it happens.
   */
  compileExpression?: (text: string, fn: CFunction | null, pc: number, allowWrites: boolean) => CompiledExpression;
  /** frees the parser's trees */
  dispose?: () => void;
}

export interface CompiledExpression {
  ev: Ev;
  t: CType;
  lvalue?: { cells: (fr: Frame) => any[]; index: number };
}

export class RuntimeFault extends CError {}

/** The file name of an expression compiled for a hover, watch or condition. */
const EXPRESSION = '<expression>';

/**
 * A compiled expression whose evaluation runs with the history sealed: any change it attempts
 * throws a ReadOnlyRefusal (placed at `at` when the history raised it) before anything changes.
 */
function sealed(c: CompiledExpression, H: History, at: Loc): CompiledExpression {
  const inSeal =
    <A extends any[], R>(f: (...a: A) => R) =>
    (...a: A): R => {
      H.seal();
      try {
        return f(...a);
      } catch (e) {
        if (e instanceof ReadOnlyRefusal && e.loc === UNPLACED) throw new ReadOnlyRefusal(at, e.detail);
        throw e;
      } finally {
        H.unseal();
      }
    };
  return { ev: inSeal(c.ev), t: c.t, lvalue: c.lvalue ? { cells: inSeal(c.lvalue.cells), index: c.lvalue.index } : undefined };
}

function named(n: TSNode): TSNode[] {
  return n.namedChildren.filter((c): c is TSNode => c !== null);
}
function all(n: TSNode): TSNode[] {
  return n.children.filter((c): c is TSNode => c !== null);
}
function fieldAll(n: TSNode, field: string): TSNode[] {
  return n.childrenForFieldName(field).filter((c): c is TSNode => c !== null);
}

interface Macro {
  name: string;
  params?: string[];
  text: string;
  node: TSNode;
  file: string;
  /** parsed replacement, lazily */
  expr?: TSNode;
  expanding?: boolean;
}

interface Ex {
  t: CType;
  ev: Ev;
  /** lvalue access: the cells array and index */
  cells?: (fr: Frame) => any[];
  index?: number;
  /** a compile-time constant */
  cv?: number;
  /** the expression names a function */
  fn?: FunctionRef;
}

interface Scope {
  names: Map<string, VarInfo>;
}

interface FnCtx {
  fn: CFunction;
  code: Instr[];
  scopes: Scope[];
  breaks: number[][];
  continues: number[][];
  nslots: number;
}

/** The options the host gives the compiler. */
export interface CompileOptions {
  files: SourceFile[];
  /** the file whose translation unit is compiled (the others are reached by #include) */
  main: string;
  parse: CParse;
  readInclude: (path: string) => string | undefined;
  history: History;
  natives: Map<string, NativeSpec>;
  /** hidden slots natives need on struct types by name */
  hiddenSlots?: Record<string, number>;
}

const UNSUPPORTED_STMT: Record<string, string> = {
  goto_statement: 'goto',
  labeled_statement: 'a label',
  asm_statement: 'inline assembly',
  attributed_statement: 'an attribute',
};

export function compileProgram(opts: CompileOptions): Program {
  return new Compiler(opts).run();
}

const C_SOURCE = /\.[ch]$/;

// A pointer converted to an integer (`(unsigned long) sk`, as timers keep their socket in
// `timer->data`) stays the pointer: this memory has no addresses. It can be copied into another
// 32-bit integer (stored, passed, returned), cast back to a pointer, tested for truth and compared
// with == and !=. Anything that needs its numeric value (arithmetic, ordering, a narrower integer,
// switch) is refused where it happens, with file:line:col, never computed as 0.

/** A run-time value as a message names it. */
function describeValue(x: unknown): string {
  if (x instanceof CStruct) return `(${typeName(x.type)} *) #${x.id}`;
  if (x && typeof x === 'object' && typeof (x as FunctionRef).name === 'string') return `${(x as FunctionRef).name}()`;
  return String(x);
}

/** The fault for using a pointer kept in an integer as a number (`what`: the operation). */
function pointerAsNumber(loc: Loc, what: string, x: unknown): RuntimeFault {
  return new RuntimeFault(
    loc,
    `${what} needs a number, but the value is a pointer kept in an integer (${describeValue(x)}): the interpreter keeps such a value as the pointer (its memory has no addresses), so it can only be cast back to a pointer, compared with == or !=, or tested`,
  );
}

/** `x` as a number: NULL and no value are 0; a pointer kept in an integer is refused. */
function asNumber(loc: Loc, what: string, x: unknown): number {
  if (x === null || x === undefined) return 0;
  throw pointerAsNumber(loc, what, x);
}

/** `f` for two numbers; the fault for a pointer kept in an integer. */
function numeric2(loc: Loc, what: string, f: (x: number, y: number) => number): (x: any, y: any) => number {
  return (x, y) => f(typeof x === 'number' ? x : asNumber(loc, what, x), typeof y === 'number' ? y : asNumber(loc, what, y));
}

/** `f` for a number; the fault for a pointer kept in an integer. */
function numeric1(loc: Loc, what: string, f: (x: number) => number): (x: any) => number {
  return (x) => f(typeof x === 'number' ? x : asNumber(loc, what, x));
}

/** Why a read-only evaluation may not call `nf`. */
function impureCall(nf: NativeFunction): string {
  return `${nf.name}() is not allowed here: it ${nf.effect ?? 'is a native primitive not declared pure'}, and hovers, watches, breakpoint conditions, logpoints and what-if values are read-only (they must leave the run as it is)`;
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '.' : p.slice(0, i);
}

class Compiler {
  private errors: CError[] = [];
  private macros = new Map<string, Macro>();
  private prog: Program = {
    structs: new Map(),
    globals: new Map(),
    G: [],
    functions: [],
    fnByName: new Map(),
    constants: new Map(),
    executableLines: new Map(),
    files: new Map(),
  };
  private pendingBodies: { node: TSNode; fn: CFunction; file: string }[] = [];
  private H: History;
  private declaredFns = new Map<string, { type: FuncType; loc: Loc }>();
  private calledUndefined: { name: string; loc: Loc }[] = [];
  private trees: Tree[] = [];

  constructor(private opts: CompileOptions) {
    this.H = opts.history;
  }

  run(): Program {
    const main = this.opts.files.find((f) => f.path === this.opts.main);
    if (!main) throw new Error(`no source ${this.opts.main}`);
    this.unit(main.path, main.text, 0);
    for (const b of this.pendingBodies) this.guard(() => this.body(b.node, b.fn));
    for (const c of this.calledUndefined) {
      const f = this.prog.fnByName.get(c.name);
      if (!f) {
        const hint = this.declaredFns.has(c.name)
          ? ' (it is declared but neither defined in the C nor provided natively)'
          : '';
        this.errors.push(new CError(c.loc, `call to undefined function '${c.name}'${hint}`));
      }
    }
    // every #define whose value is an integer constant is a constant a scenario may name
    for (const m of this.macros.values()) {
      if (m.params || this.prog.constants.has(m.name)) continue;
      try {
        const e = this.macroExpr(m);
        const v = this.withFile('<macro>', () => this.expr(e, null));
        if (v.cv !== undefined && v.t.k === 'int') this.prog.constants.set(m.name, v.cv);
      } catch {
        // not a constant (or not an expression): not nameable from a scenario
      }
    }
    if (this.errors.length) {
      this.dispose();
      throw new LoadErrors(this.errors);
    }
    this.prog.compileExpression = (text, fn, pc, allowWrites) => {
      // the expression on a line of its own, so its locations are its own lines and columns
      const tree = this.opts.parse(`void __watch(void) { (\n${text}\n); }`);
      try {
        const body = named(tree.rootNode)[0]?.childForFieldName('body');
        const stmt = body?.namedChildren[0];
        const e = stmt?.namedChildren[0];
        if (tree.rootNode.hasError || !e || named(body!).length !== 1) {
          throw new CError({ file: EXPRESSION, line: 1, column: 1, endLine: 1, endColumn: text.length + 1 }, `'${text}' is not a C expression`);
        }
        const deep = tooDeep(e, MAX_NESTING);
        if (deep) {
          // the text starts on the wrapper's second line (row 1)
          const line = Math.max(1, deep.startPosition.row);
          const col = deep.startPosition.column + 1;
          throw new CError({ file: EXPRESSION, line, column: col, endLine: line, endColumn: col + 1 }, `the expression is nested too deeply: the interpreter takes C nested up to ${MAX_NESTING} levels`);
        }
        const r = this.compileWatch(e, fn, pc, allowWrites, EXPRESSION);
        return allowWrites ? r : sealed(r, this.H, { file: EXPRESSION, line: 1, column: 1, endLine: 1, endColumn: text.length + 1 });
      } finally {
        tree.delete();
      }
    };
    this.prog.dispose = () => this.dispose();
    return this.prog;
  }

  // ---- locations and errors ----

  private loc(n: TSNode, file: string): Loc {
    // an expression is compiled on the line after its wrapper (see compileExpression)
    const first = file === EXPRESSION ? 0 : 1;
    return {
      file,
      line: n.startPosition.row + first,
      column: n.startPosition.column + 1,
      endLine: n.endPosition.row + first,
      endColumn: n.endPosition.column + 1,
    };
  }

  private fail(n: TSNode, file: string, msg: string): never {
    throw new CError(this.loc(n, file), msg);
  }

  private dispose(): void {
    for (const t of this.trees) t.delete();
    this.trees = [];
  }

  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      if (e instanceof CError) this.errors.push(e);
      else throw e;
    }
  }

  private file = '';
  /** top-level items nested too deeply (reported, not compiled), by node id */
  private deep = new Set<number>();
  /** expressions being compiled, one inside the other (macro values included) */
  private exprDepth = 0;

  /** Reports `root` when it nests more than MAX_NESTING levels; true when it does. */
  private nestingError(root: TSNode, file: string, max = MAX_NESTING): boolean {
    const d = tooDeep(root, max);
    if (!d) return false;
    this.errors.push(new CError(this.loc(d, file), `nested too deeply: the interpreter takes C nested up to ${MAX_NESTING} levels (expressions, parentheses, blocks, ifs); simplify this`));
    return true;
  }

  // ---- translation unit ----

  private unit(path: string, text: string, depth: number): void {
    if (depth > 8) throw new Error(`#include nested too deeply at ${path}`);
    this.prog.files.set(path, text);
    const tree = this.opts.parse(text);
    this.trees.push(tree);
    const saved = this.file;
    this.file = path;
    for (const n of named(tree.rootNode)) if (this.nestingError(n, path, MAX_NESTING - 1)) this.deep.add(n.id);
    this.syntaxErrors(tree.rootNode, path);
    this.topLevel(named(tree.rootNode), path, depth);
    this.file = saved;
  }

  private syntaxErrors(root: TSNode, file: string): void {
    if (!root.hasError) return;
    let count = 0;
    const visit = (n: TSNode, d: number) => {
      if (count >= 20 || d > MAX_NESTING) return; // deeper: reported as nested too deeply
      if (n.isMissing) {
        count++;
        this.errors.push(new CError(this.loc(n, file), `syntax error: missing '${n.type}'`));
        return;
      }
      if (n.isError) {
        count++;
        // only a C source's own text is quoted (never a file that is not one)
        const text = n.text.split('\n')[0].slice(0, 40);
        this.errors.push(new CError(this.loc(n, file), C_SOURCE.test(file) ? `syntax error: unexpected '${text}'` : 'syntax error'));
        return;
      }
      if (n.hasError) for (const c of all(n)) visit(c, d + 1);
    };
    visit(root, 0);
  }

  private topLevel(nodes: TSNode[], file: string, depth: number): void {
    for (const n of nodes) {
      if (n.hasError || this.deep.has(n.id)) continue; // reported as a syntax error, or as nested too deeply
      this.guard(() => this.topItem(n, file, depth));
    }
  }

  private topItem(n: TSNode, file: string, depth: number): void {
    switch (n.type) {
      case 'comment':
        return;
      case 'preproc_include': {
        const p = n.childForFieldName('path')!;
        if (p.type !== 'string_literal') this.fail(p, file, `#include <...> is not supported: only #include "file" beside the source`);
        const rel = p.text.slice(1, -1);
        const full = `${dirname(file)}/${rel}`;
        let text: string | undefined;
        try {
          text = this.opts.readInclude(full);
        } catch (e) {
          // the host refuses a file outside the kernel tree, a directory, a FIFO, a file too big
          this.fail(p, file, `cannot include '${rel}': ${e instanceof Error ? e.message : String(e)}`);
        }
        if (text === undefined) this.fail(p, file, `cannot open include file '${rel}'`);
        if (depth >= 8) this.fail(p, file, `#include nested too deeply at '${rel}' (does a file include itself?)`);
        this.unit(full, text, depth + 1);
        return;
      }
      case 'preproc_def': {
        const name = n.childForFieldName('name')!.text;
        const v = n.childForFieldName('value');
        this.macros.set(name, { name, text: v ? v.text : '', node: v ?? n, file });
        return;
      }
      case 'preproc_function_def': {
        const name = n.childForFieldName('name')!.text;
        const params = named(n.childForFieldName('parameters')!).filter((c) => c.type === 'identifier').map((c) => c.text);
        const v = n.childForFieldName('value');
        if (!v) this.fail(n, file, `function-like macro '${name}' has no body`);
        this.macros.set(name, { name, params, text: v.text, node: v, file });
        return;
      }
      case 'preproc_ifdef': {
        const isNdef = n.child(0)!.text === '#ifndef';
        const name = n.childForFieldName('name')!.text;
        const take = this.macros.has(name) !== isNdef;
        const alt = n.childForFieldName('alternative');
        const body = named(n).filter((_c, i) => !['alternative', 'name'].includes(n.fieldNameForNamedChild(i) ?? ''));
        if (take) this.topLevel(body, file, depth);
        else if (alt) {
          if (alt.type !== 'preproc_else') this.fail(alt, file, `#elif is not supported`);
          this.topLevel(named(alt), file, depth);
        }
        return;
      }
      case 'preproc_if':
      case 'preproc_call':
        this.fail(n, file, `the preprocessor directive '${n.text.split(/\s/)[0]}' is not supported (only #include "…", #define, #ifdef/#ifndef)`);
        break;
      case 'declaration':
        this.declaration(n, file);
        return;
      case 'struct_specifier':
      case 'union_specifier':
        this.typeSpec(n, file);
        return;
      case 'enum_specifier':
        this.typeSpec(n, file);
        return;
      case 'function_definition':
        this.functionDef(n, file);
        return;
      case 'type_definition':
        this.fail(n, file, `typedef is not supported: write the struct type out`);
        break;
      case 'expression_statement':
        if (n.text.trim() === ';') return;
        this.fail(n, file, `a statement outside a function`);
        break;
      default:
        this.fail(n, file, `'${n.type.replace(/_/g, ' ')}' is not supported at file level`);
    }
  }

  // ---- types ----

  private structType(name: string, union: boolean): StructType {
    const key = (union ? 'union ' : 'struct ') + name;
    let s = this.prog.structs.get(key);
    if (!s) {
      s = { k: 'struct', name, union, fields: [], byName: new Map(), complete: false, hidden: this.opts.hiddenSlots?.[name] ?? 0 };
      this.prog.structs.set(key, s);
    }
    return s;
  }

  private anonCount = 0;

  private typeSpec(n: TSNode, file: string): CType {
    switch (n.type) {
      case 'primitive_type':
        switch (n.text) {
          case 'int':
            return INT;
          case 'char':
            return CHAR;
          case 'short':
            return SHORT;
          case 'long':
            return LONG;
          case 'void':
            return VOID;
          default:
            return this.fail(n, file, `the type '${n.text}' is not supported`);
        }
      case 'sized_type_specifier': {
        const words = all(n).filter((c) => c.type !== 'comment').map((c) => c.text);
        const unsigned = words.includes('unsigned');
        const longs = words.filter((w) => w === 'long').length;
        if (longs > 1) this.fail(n, file, `'long long' is not supported (the 1.2 kernel on i386 has 32-bit longs)`);
        if (words.includes('short')) return unsigned ? USHORT : SHORT;
        if (words.includes('char')) return unsigned ? UCHAR : CHAR;
        if (longs) return unsigned ? ULONG : LONG;
        return unsigned ? UINT : INT;
      }
      case 'struct_specifier':
      case 'union_specifier': {
        const union = n.type === 'union_specifier';
        const nameN = n.childForFieldName('name');
        const body = n.childForFieldName('body');
        const name = nameN ? nameN.text : `<anonymous ${++this.anonCount}>`;
        const s = this.structType(name, union);
        if (body) {
          if (s.complete) this.fail(n, file, `${union ? 'union' : 'struct'} ${name} is defined twice`);
          this.structBody(s, body, file);
        }
        return s;
      }
      case 'enum_specifier': {
        const body = n.childForFieldName('body');
        if (body) {
          let next = 0;
          for (const e of named(body)) {
            if (e.type !== 'enumerator') continue;
            const v = e.childForFieldName('value');
            const val = v ? this.constExpr(v, file) : next;
            this.prog.constants.set(e.childForFieldName('name')!.text, val);
            next = val + 1;
          }
        }
        return INT;
      }
      case 'type_identifier':
        return this.fail(n, file, `unknown type '${n.text}' (typedef names are not supported)`);
      default:
        return this.fail(n, file, `the type '${n.text}' is not supported`);
    }
  }

  private structBody(s: StructType, body: TSNode, file: string): void {
    for (const fd of named(body)) {
      if (fd.type === 'comment') continue;
      if (fd.type !== 'field_declaration') this.fail(fd, file, `'${fd.type.replace(/_/g, ' ')}' is not supported in a struct`);
      const base = this.typeSpec(fd.childForFieldName('type')!, file);
      const decls = fieldAll(fd, 'declarator');
      if (!decls.length) {
        this.fail(fd, file, `anonymous struct members are not supported`);
      }
      // each declarator may be followed by its own bitfield width (`fin:1, syn:1`)
      const kids = named(fd);
      for (const d of decls) {
        const at = kids.findIndex((k) => k.startIndex === d.startIndex && k.endIndex === d.endIndex);
        const next = kids[at + 1];
        const bitfield = next && next.type === 'bitfield_clause' ? next : undefined;
        const { name, type } = this.declarator(d, base, file);
        if (!name) this.fail(d, file, `a struct field needs a name`);
        if (s.byName.has(name)) this.fail(d, file, `duplicate field '${name}' in struct ${s.name}`);
        const fl: Field = { name, type, index: s.fields.length };
        if (bitfield) {
          if (!isInt(type)) this.fail(bitfield, file, `a bitfield must have an integer type`);
          fl.bits = this.constExpr(named(bitfield)[0], file);
          if (fl.bits < 1 || fl.bits > 32) this.fail(bitfield, file, `bitfield width ${fl.bits} out of range`);
        }
        if (type.k === 'struct' && !type.complete) this.fail(d, file, `field '${name}' has the incomplete type ${typeName(type)}`);
        s.fields.push(fl);
        s.byName.set(name, fl);
      }
    }
    if (s.union && s.fields.length > 1) {
      this.fail(body, file, `a union with more than one member is not supported (the interpreter keeps members apart); keep one member`);
    }
    s.complete = true;
  }

  /** Applies a declarator to a base type: returns the declared name and its full type. */
  private declarator(d: TSNode | null, base: CType, file: string): { name: string; type: CType; node?: TSNode; params?: { name: string; type: CType; node: TSNode }[] } {
    if (!d) return { name: '', type: base };
    switch (d.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
        return { name: d.text, type: base, node: d };
      case 'pointer_declarator':
      case 'abstract_pointer_declarator':
        return this.declarator(d.childForFieldName('declarator'), { k: 'ptr', to: base }, file);
      case 'parenthesized_declarator':
        return this.declarator(named(d).find((c) => c.type !== 'comment') ?? null, base, file);
      case 'function_declarator':
      case 'abstract_function_declarator': {
        const { type: ft, params } = this.paramList(d.childForFieldName('parameters')!, base, file);
        const inner = this.declarator(d.childForFieldName('declarator'), ft, file);
        return { ...inner, params: inner.params ?? params };
      }
      case 'init_declarator':
        return this.declarator(d.childForFieldName('declarator'), base, file);
      case 'array_declarator':
      case 'abstract_array_declarator':
        return this.fail(d, file, `arrays are not supported`);
      default:
        return this.fail(d, file, `the declarator '${d.type.replace(/_/g, ' ')}' is not supported`);
    }
  }

  private paramList(pl: TSNode, ret: CType, file: string): { type: FuncType; params: { name: string; type: CType; node: TSNode }[] } {
    const params: { name: string; type: CType; node: TSNode }[] = [];
    let variadic = false;
    for (const p of named(pl)) {
      if (p.type === 'comment') continue;
      if (p.type === 'variadic_parameter') {
        variadic = true;
        continue;
      }
      if (p.type !== 'parameter_declaration') this.fail(p, file, `'${p.type}' is not supported in a parameter list`);
      const base = this.typeSpec(p.childForFieldName('type')!, file);
      const { name, type } = this.declarator(p.childForFieldName('declarator'), base, file);
      if (type.k === 'void' && !name) continue; // (void)
      if (type.k === 'struct') this.fail(p, file, `passing a struct by value is not supported: pass a pointer`);
      params.push({ name, type, node: p });
    }
    if (pl.text.includes('...')) variadic = true;
    return { type: { k: 'func', ret, params: params.map((p) => p.type), variadic }, params };
  }

  private storage(n: TSNode): Set<string> {
    const s = new Set<string>();
    for (const c of all(n)) if (c.type === 'storage_class_specifier' || c.type === 'type_qualifier') s.add(c.text);
    return s;
  }

  // ---- file-level declarations ----

  private declaration(n: TSNode, file: string): void {
    const base = this.typeSpec(n.childForFieldName('type')!, file);
    const st = this.storage(n);
    for (const d of fieldAll(n, 'declarator')) {
      const { name, type } = this.declarator(d, base, file);
      if (type.k === 'func') {
        this.declaredFns.set(name, { type, loc: this.loc(d, file) });
        const native = this.opts.natives.get(name);
        if (native && !this.prog.fnByName.has(name)) this.prog.fnByName.set(name, this.nativeFunction(name, type, native));
        continue;
      }
      if (this.prog.globals.has(name)) {
        const g = this.prog.globals.get(name)!;
        if (d.type === 'init_declarator') this.fail(d, file, `global '${name}' is defined twice`);
        g.extern = g.extern && st.has('extern');
        continue;
      }
      const g: GlobalVar = { name, type, index: this.prog.G.length, loc: this.loc(d, file), extern: st.has('extern') };
      this.prog.globals.set(name, g);
      let init: any = zeroOf(type);
      if (d.type === 'init_declarator') {
        const v = d.childForFieldName('value')!;
        if (!isInt(type)) this.fail(v, file, `only integer globals may have an initialiser`);
        init = this.constExpr(v, file);
      }
      this.prog.G.push(init);
    }
  }

  /**
   * A native as the program calls it. One not declared pure refuses to run during a read-only
   * evaluation, whoever calls it (an expression, the machine, a timer firing).
   */
  private nativeFunction(name: string, type: FuncType, native: NativeSpec): NativeFunction {
    if (native.pure) return { kind: 'native', name, type, impl: native.impl, pure: true };
    const H = this.H;
    const impl = native.impl;
    const nf: NativeFunction = {
      kind: 'native',
      name,
      type,
      pure: false,
      effect: native.effect,
      impl: (args, loc) => {
        if (H.sealed) throw new ReadOnlyRefusal(loc, impureCall(nf));
        return impl(args, loc);
      },
    };
    return nf;
  }

  private functionDef(n: TSNode, file: string): void {
    const base = this.typeSpec(n.childForFieldName('type')!, file);
    const d = n.childForFieldName('declarator')!;
    const { name, type, params } = this.declarator(d, base, file);
    if (type.k !== 'func') this.fail(d, file, `a function definition needs a function declarator`);
    const existing = this.prog.fnByName.get(name);
    if (existing && existing.kind === 'c') this.fail(d, file, `function '${name}' is defined twice`);
    const fn: CFunction = {
      kind: 'c',
      name,
      type,
      code: [],
      nslots: 1,
      vars: [],
      loc: this.loc(d, file),
      firstLine: n.startPosition.row + 1,
      lastLine: n.endPosition.row + 1,
      file,
      index: this.prog.functions.length,
    };
    for (const p of params ?? []) {
      if (!p.name) this.fail(p.node, file, `parameter of '${name}' needs a name`);
      fn.vars.push({ name: p.name, type: p.type, slot: fn.nslots++, param: true, from: 0, to: Infinity, loc: this.loc(p.node, file) });
    }
    this.prog.functions.push(fn);
    this.prog.fnByName.set(name, fn);
    this.pendingBodies.push({ node: n.childForFieldName('body')!, fn, file });
  }

  // ---- constants and macros ----

  private constExpr(n: TSNode, file: string): number {
    const ex = this.withFile(file, () => this.expr(n, null));
    if (ex.cv === undefined) this.fail(n, file, `a constant expression is needed here`);
    return ex.cv;
  }

  private withFile<T>(file: string, f: () => T): T {
    const saved = this.file;
    this.file = file;
    try {
      return f();
    } finally {
      this.file = saved;
    }
  }

  private macroExpr(m: Macro): TSNode {
    if (!m.expr) {
      const tree = this.opts.parse(`long __m = (${m.text}\n);`);
      this.trees.push(tree);
      const decl = named(tree.rootNode)[0];
      const init = decl?.childForFieldName('declarator')?.childForFieldName('value');
      if (!init || tree.rootNode.hasError) {
        throw new CError(this.loc(m.node, m.file), `the value of macro '${m.name}' is not an expression the interpreter can use: '${m.text.trim()}'`);
      }
      if (tooDeep(init, MAX_NESTING)) throw new CError(this.loc(m.node, m.file), `the value of macro '${m.name}' is nested too deeply: the interpreter takes C nested up to ${MAX_NESTING} levels`);
      m.expr = init;
    }
    return m.expr;
  }

  // ---- function bodies ----

  private ctx!: FnCtx;

  private body(n: TSNode, fn: CFunction): void {
    this.file = fn.file;
    this.ctx = { fn, code: fn.code, scopes: [{ names: new Map(fn.vars.map((v) => [v.name, v])) }], breaks: [], continues: [], nslots: fn.nslots };
    const stmts = named(n).filter((c) => c.type !== 'comment');
    this.block(n, false);
    const last = stmts[stmts.length - 1];
    if (!last || last.type !== 'return_statement') {
      const close = n.lastChild!;
      this.emit({ op: Op.STMT, loc: this.loc(close, fn.file), what: 'return' });
      this.emit({ op: Op.RET, loc: this.loc(close, fn.file) });
    }
    fn.nslots = this.ctx.nslots;
    const lines = this.prog.executableLines.get(fn.file) ?? new Set<number>();
    for (const i of fn.code) if (i.op === Op.STMT) lines.add(i.loc.line);
    this.prog.executableLines.set(fn.file, lines);
  }

  private emit(i: Instr): number {
    this.ctx.code.push(i);
    return this.ctx.code.length - 1;
  }

  private here(): number {
    return this.ctx.code.length;
  }

  private stmtMark(n: TSNode, what: string): void {
    this.emit({ op: Op.STMT, loc: this.loc(n, this.file), what });
  }

  private block(n: TSNode, scoped = true): void {
    if (scoped) this.ctx.scopes.push({ names: new Map() });
    const from = this.here();
    for (const c of named(n)) this.stmt(c);
    if (scoped) this.closeScope(from);
  }

  private closeScope(_from: number): void {
    const sc = this.ctx.scopes.pop()!;
    for (const v of sc.names.values()) if (!v.param) v.to = this.here();
  }

  private newSlot(): number {
    return this.ctx.nslots++;
  }

  private stmt(n: TSNode): void {
    const f = this.file;
    switch (n.type) {
      case 'comment':
        return;
      case 'compound_statement':
        this.block(n);
        return;
      case 'declaration': {
        const base = this.typeSpec(n.childForFieldName('type')!, f);
        const st = this.storage(n);
        if (st.has('static') || st.has('extern')) this.fail(n, f, `'${[...st].join(' ')}' local variables are not supported`);
        for (const d of fieldAll(n, 'declarator')) {
          const { name, type } = this.declarator(d, base, f);
          if (type.k === 'func') this.fail(d, f, `a function declaration inside a function is not supported`);
          if (type.k === 'struct') this.fail(d, f, `a struct local variable is not supported: use a pointer`);
          const scope = this.ctx.scopes[this.ctx.scopes.length - 1];
          if (scope.names.has(name)) this.fail(d, f, `'${name}' is declared twice in this block`);
          const v: VarInfo = { name, type, slot: this.newSlot(), param: false, from: 0, to: Infinity, loc: this.loc(d, f) };
          if (d.type === 'init_declarator') {
            this.stmtMark(n, 'declaration');
            const value = this.rvalue(d.childForFieldName('value')!);
            const conv = this.converter(value, type, d);
            const slot = v.slot;
            const H = this.H;
            const ev = value.ev;
            this.emit({ op: Op.EXPR, loc: this.loc(d, f), ev: (fr) => H.set(fr.s, slot, conv(ev(fr))) });
          }
          v.from = this.here();
          scope.names.set(name, v);
          this.ctx.fn.vars.push(v);
        }
        return;
      }
      case 'expression_statement': {
        const e = named(n).find((c) => c.type !== 'comment');
        if (!e) return; // an empty statement
        this.stmtMark(n, 'expression');
        const ex = this.expr(e, this.ctx);
        if (ex.ev) this.emit({ op: Op.EXPR, loc: this.loc(e, f), ev: ex.ev });
        return;
      }
      case 'if_statement': {
        this.stmtMark(n, 'if');
        const cond = this.rvalue(n.childForFieldName('condition')!);
        const jf = this.emit({ op: Op.JUMPF, loc: this.loc(n, f), ev: cond.ev });
        this.stmt(n.childForFieldName('consequence')!);
        const alt = n.childForFieldName('alternative');
        if (alt) {
          const j = this.emit({ op: Op.JUMP, loc: this.loc(n, f) });
          this.ctx.code[jf].target = this.here();
          this.stmt(alt.type === 'else_clause' ? named(alt).find((c) => c.type !== 'comment')! : alt);
          this.ctx.code[j].target = this.here();
        } else this.ctx.code[jf].target = this.here();
        return;
      }
      case 'while_statement': {
        const top = this.here();
        this.stmtMark(n, 'while');
        const cond = this.rvalue(n.childForFieldName('condition')!);
        const jf = this.emit({ op: Op.JUMPF, loc: this.loc(n, f), ev: cond.ev });
        this.loopBody(n.childForFieldName('body')!, top, (brk) => {
          this.emit({ op: Op.JUMP, loc: this.loc(n, f), target: top });
          this.ctx.code[jf].target = this.here();
          brk();
        });
        return;
      }
      case 'do_statement': {
        const top = this.here();
        const cont: number[] = [];
        const brk: number[] = [];
        this.ctx.breaks.push(brk);
        this.ctx.continues.push(cont);
        this.stmt(n.childForFieldName('body')!);
        this.ctx.breaks.pop();
        this.ctx.continues.pop();
        const condAt = this.here();
        const condN = n.childForFieldName('condition')!;
        this.stmtMark(condN, 'while');
        const cond = this.rvalue(condN);
        this.emit({ op: Op.JUMPT, loc: this.loc(n, f), ev: cond.ev, target: top });
        for (const c of cont) this.ctx.code[c].target = condAt;
        for (const b of brk) this.ctx.code[b].target = this.here();
        return;
      }
      case 'for_statement': {
        this.ctx.scopes.push({ names: new Map() });
        const init = n.childForFieldName('initializer');
        if (init) {
          if (init.type === 'declaration') this.stmt(init);
          else {
            this.stmtMark(init, 'for');
            const ex = this.expr(init, this.ctx);
            this.emit({ op: Op.EXPR, loc: this.loc(init, f), ev: ex.ev });
          }
        }
        const top = this.here();
        this.stmtMark(n, 'for');
        const condN = n.childForFieldName('condition');
        let jf = -1;
        if (condN) {
          const cond = this.rvalue(condN);
          jf = this.emit({ op: Op.JUMPF, loc: this.loc(condN, f), ev: cond.ev });
        }
        const upd = n.childForFieldName('update');
        const cont: number[] = [];
        const brk: number[] = [];
        this.ctx.breaks.push(brk);
        this.ctx.continues.push(cont);
        this.stmt(n.childForFieldName('body')!);
        this.ctx.breaks.pop();
        this.ctx.continues.pop();
        const updAt = this.here();
        if (upd) {
          const ex = this.expr(upd, this.ctx);
          this.emit({ op: Op.EXPR, loc: this.loc(upd, f), ev: ex.ev });
        }
        this.emit({ op: Op.JUMP, loc: this.loc(n, f), target: top });
        if (jf >= 0) this.ctx.code[jf].target = this.here();
        for (const c of cont) this.ctx.code[c].target = updAt;
        for (const b of brk) this.ctx.code[b].target = this.here();
        this.closeScope(top);
        return;
      }
      case 'switch_statement': {
        this.stmtMark(n, 'switch');
        const v = this.rvalue(n.childForFieldName('condition')!);
        if (!isInt(v.t)) this.fail(n, f, `switch needs an integer value`);
        const num = numeric1(this.loc(n, f), `switch`, (x) => x);
        const vev = v.ev;
        const sw = this.emit({ op: Op.SWITCH, loc: this.loc(n, f), ev: v.cv !== undefined ? vev : (fr) => num(vev(fr)), cases: new Map() });
        const brk: number[] = [];
        this.ctx.breaks.push(brk);
        const body = n.childForFieldName('body')!;
        this.ctx.scopes.push({ names: new Map() });
        let sawDefault = false;
        for (const c of named(body)) {
          if (c.type !== 'case_statement') {
            this.stmt(c);
            continue;
          }
          const val = c.childForFieldName('value');
          if (val) {
            const k = this.constExpr(val, f);
            const conv = intConverter(promote(v.t as IntType));
            if (this.ctx.code[sw].cases!.has(conv(k))) this.fail(val, f, `duplicate case value ${k}`);
            this.ctx.code[sw].cases!.set(conv(k), this.here());
          } else {
            sawDefault = true;
            this.ctx.code[sw].target = this.here();
          }
          named(c).forEach((s, i) => {
            if (c.fieldNameForNamedChild(i) !== 'value') this.stmt(s);
          });
        }
        this.closeScope(sw);
        this.ctx.breaks.pop();
        if (!sawDefault) this.ctx.code[sw].target = this.here();
        for (const b of brk) this.ctx.code[b].target = this.here();
        return;
      }
      case 'break_statement': {
        const brk = this.ctx.breaks[this.ctx.breaks.length - 1];
        if (!brk) this.fail(n, f, `break outside a loop or switch`);
        this.stmtMark(n, 'break');
        brk.push(this.emit({ op: Op.JUMP, loc: this.loc(n, f) }));
        return;
      }
      case 'continue_statement': {
        const cont = this.ctx.continues[this.ctx.continues.length - 1];
        if (!cont) this.fail(n, f, `continue outside a loop`);
        this.stmtMark(n, 'continue');
        cont.push(this.emit({ op: Op.JUMP, loc: this.loc(n, f) }));
        return;
      }
      case 'return_statement': {
        this.stmtMark(n, 'return');
        const e = named(n).find((c) => c.type !== 'comment');
        const ret = this.ctx.fn.type.ret;
        if (e) {
          if (ret.k === 'void') this.fail(e, f, `'${this.ctx.fn.name}' returns void but a value is returned`);
          const v = this.rvalue(e);
          const conv = this.converter(v, ret, e);
          const ev = v.ev;
          this.emit({ op: Op.RET, loc: this.loc(n, f), ev: (fr) => conv(ev(fr)) });
        } else {
          if (ret.k !== 'void') this.fail(n, f, `'${this.ctx.fn.name}' must return a value`);
          this.emit({ op: Op.RET, loc: this.loc(n, f) });
        }
        return;
      }
      case 'case_statement':
        this.fail(n, f, `a case label outside a switch body`);
        break;
      default: {
        const what = UNSUPPORTED_STMT[n.type] ?? `'${n.type.replace(/_/g, ' ')}'`;
        this.fail(n, f, `${what} is not supported by the interpreter`);
      }
    }
  }

  private loopBody(body: TSNode, top: number, finish: (patchBreaks: () => void) => void): void {
    const cont: number[] = [];
    const brk: number[] = [];
    this.ctx.breaks.push(brk);
    this.ctx.continues.push(cont);
    this.stmt(body);
    this.ctx.breaks.pop();
    this.ctx.continues.pop();
    for (const c of cont) this.ctx.code[c].target = top;
    finish(() => {
      for (const b of brk) this.ctx.code[b].target = this.here();
    });
  }

  // ---- expressions ----

  /** An expression used for its value (arrays and functions decay; structs are refused). */
  private rvalue(n: TSNode): Ex {
    const ex = this.expr(n, this.ctx);
    if (ex.t.k === 'struct') this.fail(n, this.file, `a whole struct cannot be used as a value here: take a field or its address`);
    return ex;
  }

  /** Converts to type `t` as assignment does; refuses what C would refuse. */
  private converter(v: Ex, t: CType, at: TSNode, bits?: number): (x: any) => any {
    if (t.k === 'int') {
      if (v.t.k === 'ptr' || v.t.k === 'func') {
        if (t.bits !== 32 || t.signed) this.fail(at, this.file, `a pointer converted to '${t.name}' (only 'unsigned long' holds a pointer)`);
        return (x) => (x === null || x === undefined ? 0 : x);
      }
      const c = intConverter(t, bits ?? t.bits);
      if (v.cv !== undefined) return c;
      // a 32-bit integer may hold a pointer kept in an integer: copied as it is
      if (t.bits === 32 && !bits) return (x) => (typeof x === 'number' ? c(x) : (x ?? 0));
      return numeric1(this.loc(at, this.file), `converting to '${bits ? `a ${bits}-bit field` : t.name}'`, c);
    }
    if (t.k === 'ptr') {
      if (v.t.k === 'int') {
        if (v.cv === 0) return () => null;
        const loc = this.loc(at, this.file);
        return (x) => {
          if (x === 0) return null;
          if (typeof x === 'number') throw new RuntimeFault(loc, `the integer ${x} is used as a pointer`);
          return x;
        };
      }
      return (x) => x;
    }
    if (t.k === 'void') return () => undefined;
    return this.fail(at, this.file, `cannot convert ${typeName(v.t)} to ${typeName(t)}`);
  }

  private lookupName(name: string): VarInfo | undefined {
    if (!this.ctx) return undefined;
    for (let i = this.ctx.scopes.length - 1; i >= 0; i--) {
      const v = this.ctx.scopes[i].names.get(name);
      if (v) return v;
    }
    return undefined;
  }

  private expr(n: TSNode, ctx: FnCtx | null): Ex {
    // each tree is checked for depth before it is compiled; this bounds macro values inside macro values
    if (this.exprDepth >= MAX_NESTING) this.fail(n, this.file, `nested too deeply: the interpreter takes expressions nested up to ${MAX_NESTING} levels, macro values included`);
    this.exprDepth++;
    try {
      return this.exprAt(n, ctx);
    } finally {
      this.exprDepth--;
    }
  }

  private exprAt(n: TSNode, ctx: FnCtx | null): Ex {
    const f = this.file;
    const H = this.H;
    switch (n.type) {
      case 'parenthesized_expression': {
        const inner = named(n).find((c) => c.type !== 'comment');
        if (!inner) this.fail(n, f, `empty parentheses`);
        return this.expr(inner, ctx);
      }
      case 'number_literal':
        return this.number(n);
      case 'char_literal': {
        const t = n.text.slice(1, -1);
        const v = t.length === 1 ? t.charCodeAt(0) : escapeValue(t);
        if (v === undefined) this.fail(n, f, `the character literal ${n.text} is not supported`);
        return { t: INT, ev: () => v, cv: v };
      }
      case 'true':
      case 'false': {
        const v = n.type === 'true' ? 1 : 0;
        return { t: INT, ev: () => v, cv: v };
      }
      case 'null':
        return { t: VOID_PTR, ev: () => null, cv: 0 };
      case 'string_literal':
      case 'concatenated_string': {
        const s = this.stringValue(n);
        return { t: CHAR_PTR, ev: () => s };
      }
      case 'identifier':
        return this.identifier(n, ctx);
      case 'field_expression':
        return this.field(n, ctx);
      case 'assignment_expression':
        return this.assignment(n, ctx);
      case 'update_expression':
        return this.update(n, ctx);
      case 'binary_expression':
        return this.binary(n, ctx);
      case 'unary_expression':
        return this.unary(n, ctx);
      case 'pointer_expression':
        return this.pointer(n, ctx);
      case 'cast_expression':
        return this.cast(n, ctx);
      case 'conditional_expression':
        return this.conditional(n, ctx);
      case 'call_expression':
        return this.call(n, ctx);
      case 'comma_expression':
        return this.fail(n, f, `the comma operator is not supported`);
      case 'sizeof_expression':
        return this.fail(n, f, `sizeof is not supported`);
      case 'subscript_expression':
        return this.fail(n, f, `array subscripts are not supported`);
      default:
        void H;
        return this.fail(n, f, `'${n.type.replace(/_/g, ' ')}' is not supported in an expression`);
    }
  }

  private stringValue(n: TSNode): string {
    let out = '';
    const parts = n.type === 'concatenated_string' ? named(n) : [n];
    for (const p of parts) {
      for (const c of named(p)) {
        if (c.type === 'string_content') out += c.text;
        else if (c.type === 'escape_sequence') {
          const v = escapeValue(c.text);
          out += v === undefined ? c.text : String.fromCharCode(v);
        }
      }
    }
    return out;
  }

  private number(n: TSNode): Ex {
    let text = n.text;
    let unsigned = false;
    let isLong = false;
    const m = /^(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)$/.exec(text);
    if (!m) this.fail(n, this.file, `the number ${text} is not supported (integers only)`);
    const suffix = m[3].toLowerCase();
    if (suffix.includes('u')) unsigned = true;
    if (suffix.includes('l')) isLong = true;
    if ((suffix.match(/l/g) ?? []).length > 1) this.fail(n, this.file, `'long long' constants are not supported`);
    text = m[2];
    let v = text.length > 1 && text[0] === '0' && !/[xX]/.test(text) ? parseInt(text, 8) : Number(text);
    if (v > 0xffffffff) this.fail(n, this.file, `the constant ${n.text} does not fit in 32 bits`);
    if (v > 0x7fffffff) unsigned = true;
    if (m[1]) v = -v;
    const t = unsigned ? (isLong ? ULONG : UINT) : isLong ? LONG : INT;
    const cv = intConverter(t)(v);
    return { t, ev: () => cv, cv };
  }

  private identifier(n: TSNode, ctx: FnCtx | null): Ex {
    const name = n.text;
    const f = this.file;
    const v = ctx ? this.lookupName(name) : undefined;
    if (v) {
      const slot = v.slot;
      return { t: v.type, ev: (fr) => fr.s[slot], cells: (fr) => fr.s, index: slot };
    }
    const m = this.macros.get(name);
    if (m && !m.params) {
      if (m.expanding) this.fail(n, f, `macro '${name}' refers to itself`);
      m.expanding = true;
      try {
        const e = this.macroExpr(m);
        return this.withFile('<macro>', () => {
          try {
            return this.expr(e, ctx);
          } catch (err) {
            if (err instanceof CError && err.loc.file === '<macro>') {
              throw new CError(this.loc(m.node, m.file), `in the value of macro '${name}': ${err.detail}`);
            }
            throw err;
          }
        });
      } finally {
        m.expanding = false;
      }
    }
    const c = this.prog.constants.get(name);
    if (c !== undefined) return { t: INT, ev: () => c, cv: c };
    const g = this.prog.globals.get(name);
    if (g) {
      const G = this.prog.G;
      const i = g.index;
      return { t: g.type, ev: () => G[i], cells: () => G, index: i };
    }
    const fn = this.prog.fnByName.get(name);
    if (fn) return { t: { k: 'ptr', to: fn.type }, ev: () => fn, fn };
    const decl = this.declaredFns.get(name);
    if (decl) {
      this.calledUndefined.push({ name, loc: this.loc(n, f) });
      return { t: { k: 'ptr', to: decl.type }, ev: () => null };
    }
    return this.fail(n, f, `'${name}' is not declared`);
  }

  private field(n: TSNode, ctx: FnCtx | null): Ex {
    const f = this.file;
    const arrow = n.childForFieldName('operator')!.text === '->';
    const base = this.expr(n.childForFieldName('argument')!, ctx);
    const fname = n.childForFieldName('field')!.text;
    let st: CType = base.t;
    if (arrow) {
      if (st.k !== 'ptr') this.fail(n, f, `'->' needs a pointer, but the left side is ${typeName(st)}`);
      st = st.to;
    }
    if (st.k !== 'struct') this.fail(n, f, `'${arrow ? '->' : '.'}${fname}' needs a struct, but the left side is ${typeName(base.t)}`);
    if (!st.complete) this.fail(n, f, `${typeName(st)} is incomplete (never defined)`);
    const fl = st.byName.get(fname);
    if (!fl) this.fail(n.childForFieldName('field')!, f, `${typeName(st)} has no field '${fname}'`);
    const i = fl.index;
    const loc = this.loc(n, f);
    const bev = base.ev;
    const what = n.childForFieldName('argument')!.text;
    let cellsOf: (fr: Frame) => any[];
    if (arrow) {
      const want = st;
      cellsOf = (fr) => {
        const p = bev(fr);
        if (p === null || p === undefined) throw new RuntimeFault(loc, `null pointer dereference: '${what}' is NULL`);
        if (!(p instanceof CStruct)) throw new RuntimeFault(loc, `'${what}' does not point to a struct`);
        if (p.type !== want) throw new RuntimeFault(loc, `'${what}' points to ${typeName(p.type)}, not ${typeName(want)}`);
        return p.f;
      };
    } else {
      cellsOf = (fr) => (bev(fr) as CStruct).f;
    }
    return { t: fl.type, ev: (fr) => cellsOf(fr)[i], cells: cellsOf, index: i, ...(fl.bits ? { bits: fl.bits } : {}) } as Ex;
  }

  private pointer(n: TSNode, ctx: FnCtx | null): Ex {
    const f = this.file;
    const op = n.child(0)!.text;
    const arg = n.childForFieldName('argument')!;
    if (op === '&') {
      const a = this.expr(arg, ctx);
      if (a.fn) return a;
      if (a.t.k !== 'struct') this.fail(n, f, `'&' is supported only on a struct (e.g. &sk->timer) or a function, not on ${typeName(a.t)}`);
      return { t: { k: 'ptr', to: a.t }, ev: a.ev };
    }
    const a = this.rvalue(arg);
    if (a.t.k !== 'ptr') this.fail(n, f, `'*' needs a pointer`);
    if (a.t.to.k === 'func') return a;
    if (a.t.to.k !== 'struct') this.fail(n, f, `'*' is supported only on a pointer to a struct or function`);
    const loc = this.loc(n, f);
    const ev = a.ev;
    return {
      t: a.t.to,
      ev: (fr) => {
        const p = ev(fr);
        if (p === null) throw new RuntimeFault(loc, `null pointer dereference: '${arg.text}' is NULL`);
        return p;
      },
    };
  }

  private cast(n: TSNode, _ctx: FnCtx | null): Ex {
    const td = n.childForFieldName('type')!;
    const base = this.typeSpec(td.childForFieldName('type')!, this.file);
    const { type } = this.declarator(td.childForFieldName('declarator'), base, this.file);
    const v = this.rvalue(n.childForFieldName('value')!);
    if (type.k === 'void') return { t: VOID, ev: v.ev };
    if (type.k === 'struct' || type.k === 'func') this.fail(n, this.file, `a cast to ${typeName(type)} is not supported`);
    // A pointer to one struct cast to another keeps pointing at the same object: the kernel
    // compares list heads this way ((struct sk_buff *)&sk->receive_queue). Reaching a field
    // through such a pointer is checked when it runs (see field()).
    if (type.k === 'int' && v.t.k === 'ptr') {
      if (type.bits !== 32) this.fail(n, this.file, `a pointer cast to '${type.name}' (only a 32-bit integer holds a pointer)`);
      const pev = v.ev;
      return { t: type, ev: (fr) => pev(fr) ?? 0 };
    }
    if (type.k === 'ptr' && v.t.k === 'int') {
      if (v.cv === 0) return { t: type, ev: () => null, cv: 0 };
      const loc = this.loc(n, this.file);
      const want = type.to;
      const ev = v.ev;
      return {
        t: type,
        ev: (fr) => {
          const x = ev(fr);
          if (x === 0) return null;
          if (typeof x === 'number') throw new RuntimeFault(loc, `the integer ${x} is used as a pointer`);
          if (want.k === 'struct' && x instanceof CStruct && x.type !== want) {
            throw new RuntimeFault(loc, `the value points to ${typeName(x.type)}, not ${typeName(want)}`);
          }
          return x;
        },
      };
    }
    const conv = this.converter(v, type, n);
    const ev = v.ev;
    if (v.cv !== undefined && type.k === 'int') {
      const cv = conv(v.cv);
      return { t: type, ev: () => cv, cv };
    }
    return { t: type, ev: (fr) => conv(ev(fr)) };
  }

  private write(target: Ex, at: TSNode): (fr: Frame, v: any) => any {
    if (!target.cells || target.index === undefined) this.fail(at, this.file, `the left side of an assignment must be a variable or a field`);
    if (target.t.k === 'struct') this.fail(at, this.file, `assigning a whole struct is not supported`);
    const cells = target.cells;
    const i = target.index;
    const H = this.H;
    const bits = (target as Ex & { bits?: number }).bits;
    let conv: (x: any) => any = (x) => x;
    if (target.t.k === 'int') {
      const c = intConverter(target.t, bits ?? target.t.bits);
      // a 32-bit integer may hold a pointer (timer->data = (unsigned long) sk): keep it as it is
      conv = target.t.bits === 32 && !bits ? (x) => (typeof x === 'number' ? c(x) : x) : c;
    }
    return (fr, v) => {
      const c = conv(v);
      H.set(cells(fr), i, c);
      return c;
    };
  }

  private assignment(n: TSNode, ctx: FnCtx | null): Ex {
    this.noWrites(n, ctx);
    const left = this.expr(n.childForFieldName('left')!, ctx);
    const op = n.childForFieldName('operator')!.text;
    const right = this.rvalue(n.childForFieldName('right')!);
    const set = this.write(left, n);
    if (op === '=') {
      const conv = this.converter(right, left.t, n);
      const rev = right.ev;
      return { t: left.t, ev: (fr) => set(fr, conv(rev(fr))) };
    }
    const bop = op.slice(0, -1);
    const combine = this.arith(bop, left, right, n);
    const cells = left.cells!;
    const i = left.index!;
    const rev = right.ev;
    return {
      t: left.t,
      ev: (fr) => {
        const c = cells(fr);
        return set(fr, combine(c[i], rev(fr)));
      },
    };
  }

  private noWrites(n: TSNode, ctx: FnCtx | null): void {
    if (!ctx) this.fail(n, this.file, `an assignment is not allowed here (expressions are read-only)`);
    if (this.readOnly) throw new ReadOnlyRefusal(this.loc(n, this.file), `an assignment is not allowed here (expressions are read-only: hovers, watches, breakpoint conditions, logpoints and what-if values cannot change the run)`);
  }

  private allowWrites = false;
  private watchMode = false;

  /** compiling a read-only evaluation (a watch expression without allowWrites) */
  private get readOnly(): boolean {
    return this.watchMode && !this.allowWrites;
  }

  private update(n: TSNode, ctx: FnCtx | null): Ex {
    this.noWrites(n, ctx);
    const arg = this.expr(n.childForFieldName('argument')!, ctx);
    const op = n.childForFieldName('operator')!.text;
    const prefix = n.child(0)!.text === op;
    if (arg.t.k !== 'int') this.fail(n, this.file, `'${op}' needs an integer (pointer arithmetic is not supported)`);
    const set = this.write(arg, n);
    const cells = arg.cells!;
    const i = arg.index!;
    const d = op === '++' ? 1 : -1;
    const num = numeric1(this.loc(n, this.file), `'${op}'`, (x) => x);
    if (prefix) return { t: arg.t, ev: (fr) => set(fr, num(cells(fr)[i]) + d) };
    return {
      t: arg.t,
      ev: (fr) => {
        const old = num(cells(fr)[i]);
        set(fr, old + d);
        return old;
      },
    };
  }

  /** The function computing `a op b` for integers with C's conversions; result in the common type. */
  private arith(op: string, a: Ex, b: Ex, at: TSNode): (x: number, y: number) => number {
    const f = this.arithRaw(op, a, b, at);
    return a.cv !== undefined && b.cv !== undefined ? f : numeric2(this.loc(at, this.file), `'${op}'`, f);
  }

  private arithRaw(op: string, a: Ex, b: Ex, at: TSNode): (x: number, y: number) => number {
    if (a.t.k !== 'int' || b.t.k !== 'int') this.fail(at, this.file, `'${op}' needs integers (pointer arithmetic is not supported), found ${typeName(a.t)} and ${typeName(b.t)}`);
    const shift = op === '<<' || op === '>>';
    const t = shift ? promote(a.t) : commonType(a.t, b.t);
    const conv = intConverter(t);
    const loc = this.loc(at, this.file);
    const u = !t.signed;
    switch (op) {
      case '+':
        return (x, y) => conv(x + y);
      case '-':
        return (x, y) => conv(x - y);
      case '*':
        return (x, y) => conv(Math.imul(x, y));
      case '/':
        return (x, y) => {
          if (y === 0) throw new RuntimeFault(loc, `division by zero`);
          return u ? conv(Math.floor((x >>> 0) / (y >>> 0))) : conv(Math.trunc((x | 0) / (y | 0)));
        };
      case '%':
        return (x, y) => {
          if (y === 0) throw new RuntimeFault(loc, `division by zero`);
          return u ? conv((x >>> 0) % (y >>> 0)) : conv((x | 0) % (y | 0));
        };
      case '&':
        return (x, y) => conv(x & y);
      case '|':
        return (x, y) => conv(x | y);
      case '^':
        return (x, y) => conv(x ^ y);
      case '<<':
        return (x, y) => conv(x << (y & 31));
      case '>>':
        return u ? (x, y) => conv(x >>> (y & 31)) : (x, y) => conv(x >> (y & 31));
      default:
        return this.fail(at, this.file, `the operator '${op}' is not supported`);
    }
  }

  private compare(op: string, a: Ex, b: Ex, at: TSNode): (x: any, y: any) => number {
    if (a.t.k === 'ptr' || b.t.k === 'ptr') {
      if (op !== '==' && op !== '!=') this.fail(at, this.file, `'${op}' on pointers is not supported`);
      const norm = (x: any) => (x === 0 ? null : x);
      return op === '==' ? (x, y) => (norm(x) === norm(y) ? 1 : 0) : (x, y) => (norm(x) !== norm(y) ? 1 : 0);
    }
    if (a.t.k !== 'int' || b.t.k !== 'int') this.fail(at, this.file, `'${op}' needs integers or pointers`);
    const t = commonType(a.t, b.t);
    const conv = intConverter(t);
    const loc = this.loc(at, this.file);
    // a pointer kept in an integer equals only itself (and 0 only when NULL, which is 0 here)
    const same = (x: any, y: any) => {
      if (typeof x === 'number' && typeof y === 'number') return conv(x) === conv(y);
      return (x ?? 0) === (y ?? 0);
    };
    switch (op) {
      case '==':
        return (x, y) => (same(x, y) ? 1 : 0);
      case '!=':
        return (x, y) => (same(x, y) ? 0 : 1);
      case '<':
        return numeric2(loc, `'<'`, (x, y) => (conv(x) < conv(y) ? 1 : 0));
      case '<=':
        return numeric2(loc, `'<='`, (x, y) => (conv(x) <= conv(y) ? 1 : 0));
      case '>':
        return numeric2(loc, `'>'`, (x, y) => (conv(x) > conv(y) ? 1 : 0));
      case '>=':
        return numeric2(loc, `'>='`, (x, y) => (conv(x) >= conv(y) ? 1 : 0));
    }
    return this.fail(at, this.file, `the operator '${op}' is not supported`);
  }

  private binary(n: TSNode, ctx: FnCtx | null): Ex {
    const op = n.childForFieldName('operator')!.text;
    if (op === '&&' || op === '||') return this.logical(n, op, ctx);
    const a = this.rvalue(n.childForFieldName('left')!);
    const b = this.rvalue(n.childForFieldName('right')!);
    const cmp = ['==', '!=', '<', '<=', '>', '>='].includes(op);
    const fn2 = cmp ? this.compare(op, a, b, n) : this.arith(op, a, b, n);
    const t = cmp ? INT : op === '<<' || op === '>>' ? promote(a.t as IntType) : commonType(a.t as IntType, b.t as IntType);
    if (a.cv !== undefined && b.cv !== undefined) {
      const cv = fn2(a.cv, b.cv);
      return { t, ev: () => cv, cv };
    }
    const ae = a.ev;
    const be = b.ev;
    return { t, ev: (fr) => fn2(ae(fr), be(fr)) };
  }

  /** `&&` and `||`; a right side that calls a C function is lowered to jumps (calls are statements of the machine). */
  private logical(n: TSNode, op: string, ctx: FnCtx | null): Ex {
    const and = op === '&&';
    const a = this.rvalue(n.childForFieldName('left')!);
    const rightN = n.childForFieldName('right')!;
    if (!ctx || !this.callsC(rightN)) {
      const b = this.rvalue(rightN);
      if (a.cv !== undefined && b.cv !== undefined) {
        const cv = and ? (a.cv && b.cv ? 1 : 0) : a.cv || b.cv ? 1 : 0;
        return { t: INT, ev: () => cv, cv };
      }
      const ae = a.ev;
      const be = b.ev;
      return { t: INT, ev: and ? (fr) => (ae(fr) && be(fr) ? 1 : 0) : (fr) => (ae(fr) || be(fr) ? 1 : 0) };
    }
    const H = this.H;
    const t = this.newSlot();
    const ae = a.ev;
    const loc = this.loc(n, this.file);
    this.emit({ op: Op.EXPR, loc, ev: (fr) => H.set(fr.s, t, ae(fr) ? 1 : 0) });
    const j = this.emit({ op: and ? Op.JUMPF : Op.JUMPT, loc, ev: (fr) => fr.s[t] });
    const b = this.rvalue(rightN);
    const be = b.ev;
    this.emit({ op: Op.EXPR, loc, ev: (fr) => H.set(fr.s, t, be(fr) ? 1 : 0) });
    this.ctx.code[j].target = this.here();
    return { t: INT, ev: (fr) => fr.s[t] };
  }

  private conditional(n: TSNode, ctx: FnCtx | null): Ex {
    const c = this.rvalue(n.childForFieldName('condition')!);
    const yesN = n.childForFieldName('consequence')!;
    const noN = n.childForFieldName('alternative')!;
    if (ctx && (this.callsC(yesN) || this.callsC(noN))) {
      const H = this.H;
      const t = this.newSlot();
      const loc = this.loc(n, this.file);
      const jf = this.emit({ op: Op.JUMPF, loc, ev: c.ev });
      const y = this.rvalue(yesN);
      const ye = y.ev;
      this.emit({ op: Op.EXPR, loc, ev: (fr) => H.set(fr.s, t, ye(fr)) });
      const j = this.emit({ op: Op.JUMP, loc });
      this.ctx.code[jf].target = this.here();
      const no = this.rvalue(noN);
      const ne = no.ev;
      this.emit({ op: Op.EXPR, loc, ev: (fr) => H.set(fr.s, t, ne(fr)) });
      this.ctx.code[j].target = this.here();
      return { t: y.t.k === 'int' && no.t.k === 'int' ? commonType(y.t, no.t) : y.t, ev: (fr) => fr.s[t] };
    }
    const y = this.rvalue(yesN);
    const no = this.rvalue(noN);
    const t = y.t.k === 'int' && no.t.k === 'int' ? commonType(y.t, no.t) : y.t.k === 'ptr' ? y.t : no.t;
    const conv = t.k === 'int' ? numeric1(this.loc(n, this.file), `'?:' with integer operands`, intConverter(t)) : (x: any) => x;
    const ce = c.ev;
    const ye = y.ev;
    const ne = no.ev;
    return { t, ev: (fr) => conv(ce(fr) ? ye(fr) : ne(fr)) };
  }

  private unary(n: TSNode, ctx: FnCtx | null): Ex {
    const op = n.childForFieldName('operator')!.text;
    const a = this.rvalue(n.childForFieldName('argument')!);
    if (op === '!') {
      if (a.cv !== undefined) return { t: INT, ev: () => (a.cv ? 0 : 1), cv: a.cv ? 0 : 1 };
      const ev = a.ev;
      return { t: INT, ev: (fr) => (ev(fr) ? 0 : 1) };
    }
    if (a.t.k !== 'int') this.fail(n, this.file, `'${op}' needs an integer`);
    const t = promote(a.t);
    const conv = intConverter(t);
    const raw = op === '-' ? (x: number) => conv(-x) : op === '~' ? (x: number) => conv(~x) : op === '+' ? (x: number) => conv(x) : null;
    if (!raw) this.fail(n, this.file, `the operator '${op}' is not supported`);
    if (a.cv !== undefined) {
      const cv = raw(a.cv);
      return { t, ev: () => cv, cv };
    }
    const f = numeric1(this.loc(n, this.file), `'${op}'`, raw);
    const ev = a.ev;
    void ctx;
    return { t, ev: (fr) => f(ev(fr)) };
  }

  /** Does this expression call a function defined in C (or through a pointer)? */
  private callsC(n: TSNode): boolean {
    if (n.type === 'call_expression') {
      const fnN = n.childForFieldName('function')!;
      const target = this.callTargetName(fnN);
      if (target === null) return true;
      const fn = this.prog.fnByName.get(target);
      if (!fn || fn.kind === 'c') return true;
    }
    for (const c of named(n)) if (this.callsC(c)) return true;
    return false;
  }

  /** The function a call names directly (through alias macros), or null for a call through a pointer. */
  private callTargetName(fnN: TSNode): string | null {
    if (fnN.type !== 'identifier') return null;
    let name = fnN.text;
    for (let i = 0; i < 8; i++) {
      const m = this.macros.get(name);
      if (!m || !m.params) break;
      name = this.aliasTarget(m, fnN);
    }
    if (this.lookupName(name) || this.prog.globals.has(name)) return null;
    return name;
  }

  private aliasTarget(m: Macro, at: TSNode): string {
    const mm = /^\s*\(?\s*([A-Za-z_]\w*)\s*\(([^()]*)\)\s*\)?\s*$/.exec(m.text);
    const args = mm ? mm[2].split(',').map((s) => s.trim()).filter((s) => s) : null;
    if (!mm || !args || args.length !== m.params!.length || args.some((a, i) => a !== m.params![i])) {
      throw new CError(
        this.loc(m.node, m.file),
        `function-like macro '${m.name}' is not supported: only an alias such as '#define a(x,y) b(x,y)' passing its parameters straight through` +
          ` (used at ${this.file}:${at.startPosition.row + 1}:${at.startPosition.column + 1})`,
      );
    }
    return mm[1];
  }

  private call(n: TSNode, ctx: FnCtx | null): Ex {
    const f = this.file;
    const fnN = n.childForFieldName('function')!;
    const argNs = named(n.childForFieldName('arguments')!).filter((c) => c.type !== 'comment');
    const loc = this.loc(n, f);
    const name = this.callTargetName(fnN);
    let callee: Ex;
    let ftype: FuncType;
    let known: FunctionRef | undefined;
    if (name !== null) {
      known = this.prog.fnByName.get(name);
      if (!known && this.watchMode) this.fail(fnN, f, `the kernel source has no function '${name}' (neither defined in the C nor provided natively)`);
      const decl = known ? known.type : this.declaredFns.get(name)?.type;
      if (!decl) {
        this.calledUndefined.push({ name, loc: this.loc(fnN, f) });
        return { t: INT, ev: () => 0 };
      }
      if (!known) this.calledUndefined.push({ name, loc: this.loc(fnN, f) });
      ftype = decl;
      const prog = this.prog;
      callee = { t: { k: 'ptr', to: decl }, ev: () => prog.fnByName.get(name) };
    } else {
      callee = this.rvalue(fnN);
      const ct = callee.t;
      if (ct.k === 'ptr' && ct.to.k === 'func') ftype = ct.to;
      else if (ct.k === 'func') ftype = ct;
      else return this.fail(fnN, f, `'${fnN.text}' is not a function or a function pointer`);
    }
    if (argNs.length < ftype.params.length || (!ftype.variadic && argNs.length > ftype.params.length)) {
      this.fail(n, f, `'${fnN.text}' takes ${ftype.params.length} argument${ftype.params.length === 1 ? '' : 's'}, ${argNs.length} given`);
    }
    const args: Ev[] = argNs.map((a, i) => {
      const v = this.rvalue(a);
      const pt = ftype.params[i];
      if (!pt) return v.ev;
      const conv = this.converter(v, pt, a);
      const ev = v.ev;
      return (fr: Frame) => conv(ev(fr));
    });
    if (!ctx) this.fail(n, f, `a function call is not allowed here`);
    const isNative = known?.kind === 'native';
    if (this.readOnly) {
      if (isNative && !(known as NativeFunction).pure) throw new ReadOnlyRefusal(loc, impureCall(known as NativeFunction));
      if (!isNative) {
        const what = name !== null ? `${name}() is kernel C` : `'${fnN.text}' is a call through a function pointer`;
        throw new ReadOnlyRefusal(loc, `${what}: running it would change the run, and hovers, watches, breakpoint conditions, logpoints and what-if values are read-only`);
      }
    }
    if (isNative) {
      const impl = (known as NativeFunction).impl;
      return {
        t: ftype.ret,
        ev: (fr) => {
          const vals = new Array(args.length);
          for (let i = 0; i < args.length; i++) vals[i] = args[i](fr);
          return impl(vals, loc);
        },
      };
    }
    // A call to C (or through a pointer): the machine pushes a frame; the result lands in a slot.
    const dest = ftype.ret.k === 'void' ? -1 : this.newSlot();
    this.emit({ op: Op.CALL, loc, callee: callee.ev, args, dest });
    if (dest < 0) return { t: VOID, ev: () => undefined };
    return { t: ftype.ret, ev: (fr) => fr.s[dest] };
  }

  // ---- evaluation of user expressions (watch, hover, conditions) ----

  /** Compiles an expression in the scope of `fn` at instruction `pc`; no calls to C, no writes unless allowed. */
  compileWatch(node: TSNode, fn: CFunction | null, pc: number, allowWrites: boolean, file: string): CompiledExpression {
    const scopes: Scope[] = [{ names: new Map() }];
    if (fn) for (const v of fn.vars) if (pc >= v.from && pc < v.to) scopes[0].names.set(v.name, v);
    const code: Instr[] = [];
    this.ctx = { fn: fn ?? ({ vars: [], code, name: '<eval>' } as unknown as CFunction), code, scopes, breaks: [], continues: [], nslots: 10_000 };
    this.file = file;
    this.allowWrites = allowWrites;
    this.watchMode = true;
    try {
      const ex = this.expr(node, this.ctx);
      if (code.length) throw new CError(this.loc(node, file), `a watch expression cannot call kernel functions`);
      return { ev: ex.ev, t: ex.t, lvalue: ex.cells && ex.index !== undefined ? { cells: ex.cells, index: ex.index } : undefined };
    } finally {
      this.allowWrites = false;
      this.watchMode = false;
    }
  }
}
