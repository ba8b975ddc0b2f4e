// The C preprocessor: `#include` with include paths, object-like and function-like macros (`#`,
// `##`, C99 and GNU variadic forms), `#if`/`#elif` with `defined`, `#ifdef`/`#ifndef`/`#else`,
// `#undef`, `#error`. Its output is C text for tree-sitter plus a source map that names, for any
// position of that text, the file, line and column it was written at and, for code written through
// a macro, the line of the invocation — so that every stop, breakpoint and hover names the line the
// user reads. No npm package preprocesses C with a source map (the closest ones drop positions or
// handle only object-like macros), hence this one; the test runs it against `gcc -E` on the
// Linux 1.2.13 release files.
//
// Macro expansion follows Prosser's algorithm (hide sets on tokens), as gcc and clang do.

import { IfError, evaluateIf } from './ifexpr';
import { K, Lexer, Mode, type Site, type Tok } from './lex';
import { SourceMap } from './sourcemap';

export interface PPHost {
  /** whether `path` names a file the preprocessor may read */
  exists(path: string): boolean;
  /** the file's text, or a message saying why it cannot be read (never the content of a refused file) */
  read(path: string): { text: string } | { error: string };
}

export interface PPOptions {
  /** folders searched for `#include <…>`, and for `#include "…"` after the including file's own folder */
  includePaths: readonly string[];
  /**
   * folder links of a configured tree: an include's candidate path under `from` (a folder, ending
   * in '/') is looked up under `to` instead (include/asm/ → include/asm-i386/)
   */
  aliases?: readonly { from: string; to: string }[];
  /** predefined macros (`-D`): name → body text */
  defines?: Readonly<Record<string, string>>;
  maxIncludeDepth?: number;
  maxDiagnostics?: number;
  /** tokens read from the files and produced by macro expansions, together: past it, preprocessing stops with an error */
  maxTokens?: number;
  /** files entered by #include in one run (a header may be entered many times): past it, preprocessing stops with an error */
  maxIncludes?: number;
}

export interface PPDiagnostic {
  file: string;
  line: number;
  col: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface MacroDef {
  name: string;
  /** parameter names of a function-like macro; undefined for an object-like one */
  params?: string[];
  /** the variadic parameter's name (`__VA_ARGS__`, or GNU `args...`'s `args`) */
  variadic?: string;
  body: Tok[];
  file: number;
  line: number;
  col: number;
  /** `__LINE__`, `__FILE__` */
  builtin?: boolean;
}

export interface PPResult {
  text: string;
  /** the file table: `files[i]` is the path of file index i */
  files: string[];
  /** each file's text as read (for showing source lines) */
  texts: Map<string, string>;
  map: SourceMap;
  diagnostics: PPDiagnostic[];
  macros: ReadonlyMap<string, MacroDef>;
  /** every file included, in first-inclusion order (the main file first) */
  included: string[];
  /** the run stopped early at a budget (tokens, includes): `text` is cut short there */
  stopped: boolean;
}

interface Cond {
  /** this group's text is being emitted */
  live: boolean;
  /** the enclosing group is live */
  parentLive: boolean;
  /** some branch of this conditional has been taken */
  taken: boolean;
  sawElse: boolean;
  tok: Tok;
}

const enum Guard {
  Start,
  Inside,
  After,
  None,
}

interface Frame {
  lexer: Lexer;
  file: number;
  path: string;
  conds: Cond[];
  guard: Guard;
  guardMacro?: string;
  /** what this file's processing does, being recorded for the session */
  rec?: Recording;
  /** a recording being played back instead of the file's text */
  replay?: { rec: Recording; at: number };
}

/** A step of a recorded file's processing other than a token: a macro (un)defined, a file entered, a guard learnt. */
class Op {
  constructor(
    /** 'def': `def` set under `name`; 'undef': `name` removed; 'file': `rec` entered; 'guard': `path` is guarded by `name` (and was entered) */
    readonly kind: 'def' | 'undef' | 'file' | 'guard',
    readonly name: string,
    readonly def?: MacroDef,
    readonly rec?: Recording,
    readonly path?: string,
  ) {}
}

/**
 * One header's processing as the directives left it: the tokens the text gave (before macro
 * expansion, which runs live when it is played back) and, in place, every macro defined or
 * undefined, every file it entered (as that file's own recording) and every guard learnt. It holds
 * for any later #include of the file that finds the same definitions for every macro name the
 * processing read before writing it (`reads`): directives see nothing else (the file system and
 * the include paths are fixed for a session).
 */
class Recording {
  readonly events: (Tok | Op)[] = [];
  readonly reads = new Map<string, MacroDef | undefined>();
  readonly writes = new Set<string>();
  /** how deep its includes nest below it */
  depth = 0;
  /** files entered by #include within it */
  includes = 0;
  /** false once a diagnostic was reported in it (it is not kept: the diagnostic would be lost) */
  ok = true;
  constructor(readonly path: string) {}

  read(name: string, def: MacroDef | undefined): void {
    if (!this.writes.has(name) && !this.reads.has(name)) this.reads.set(name, def);
  }

  /** what an included file's recording read and wrote, seen from this one */
  absorb(child: Recording): void {
    for (const [name, def] of child.reads) this.read(name, def);
    for (const name of child.writes) this.writes.add(name);
    this.depth = Math.max(this.depth, child.depth + 1);
    this.includes += child.includes + 1;
    if (!child.ok) this.ok = false;
  }
}

/** the same definition for what a directive can see: the kind, the parameters, the body's tokens and spacing */
function sameMacro(a: MacroDef | undefined, b: MacroDef | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.builtin !== b.builtin || a.variadic !== b.variadic) return false;
  return sameDefinition(a, b.params, b.body);
}

const NO_HIDE: ReadonlySet<string> = new Set();
const EMPTY = new Lexer('', -1);

// Hide sets are interned: each distinct set is one object, and unions are memoised, so the
// millions of tokens an expansion can produce share a handful of sets.
const withCache = new WeakMap<ReadonlySet<string>, Map<string, ReadonlySet<string>>>();
const unionCache = new WeakMap<ReadonlySet<string>, WeakMap<ReadonlySet<string>, ReadonlySet<string>>>();

function withName(hide: ReadonlySet<string> | undefined, name: string): ReadonlySet<string> {
  const base = hide ?? NO_HIDE;
  if (base.has(name)) return base;
  let m = withCache.get(base);
  if (!m) withCache.set(base, (m = new Map()));
  let s = m.get(name);
  if (!s) {
    const n = new Set(base);
    n.add(name);
    m.set(name, (s = n));
  }
  return s;
}

function union(a: ReadonlySet<string> | undefined, b: ReadonlySet<string>): ReadonlySet<string> {
  if (!a || a === b || a.size === 0) return b;
  let m = unionCache.get(a);
  if (!m) unionCache.set(a, (m = new WeakMap()));
  let s = m.get(b);
  if (!s) {
    s = a;
    for (const n of b) s = withName(s, n);
    m.set(b, s);
  }
  return s;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : path.slice(0, i);
}

function joinPath(dir: string, name: string): string {
  if (name.startsWith('/')) return name;
  const parts = (dir === '/' ? '' : dir).split('/');
  for (const p of name.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..' && parts.length > 1 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(p);
  }
  return parts.join('/') || '/';
}

const isP = (t: Tok | undefined, text: string): boolean => t !== undefined && t.k === K.Punct && t.text === text;

/** Raised past a budget (tokens, includes): the run stops with one error at `at`. */
class TooMany extends Error {
  constructor(
    message: string,
    readonly at: { file: number; line: number; col: number } | undefined,
  ) {
    super(message);
  }
}

/** One expansion context: the main text (with directives) or a macro argument being pre-expanded. */
class Expander {
  private readonly pending: Tok[] = [];
  constructor(
    private readonly pp: Preprocessor,
    private readonly raw: () => Tok | undefined,
  ) {}

  rawNext(): Tok | undefined {
    return this.pending.length ? this.pending.pop() : this.raw();
  }

  push(toks: Tok[], at: Site, name: string): void {
    this.pp.countTokens(toks.length, at, name);
    for (let i = toks.length - 1; i >= 0; i--) this.pending.push(toks[i]);
  }

  /** the next fully expanded token */
  next(): Tok | undefined {
    for (;;) {
      const t = this.rawNext();
      if (!t || t.k !== K.Ident || t.blue) return t;
      const m = this.pp.inDirective ? this.pp.look(t.text) : this.pp.macros.get(t.text);
      if (!m) return t;
      if (t.hide?.has(t.text)) return { ...t, blue: true };
      const site: Site = t.from ?? { file: t.file, line: t.line, col: t.col };
      if (m.builtin) {
        this.push([this.pp.builtin(m, t, site)], site, m.name);
        continue;
      }
      if (!m.params) {
        this.push(this.pp.substitute(m, undefined, withName(t.hide, m.name), site, t), site, m.name);
        continue;
      }
      const open = this.rawNext();
      if (!isP(open, '(')) {
        if (open) this.pending.push(open);
        return t;
      }
      const args = this.collectArgs(m, t);
      if (!args) return undefined;
      const { list, close } = args;
      if (!list) continue; // reported; the invocation is dropped
      let hide: ReadonlySet<string> = NO_HIDE;
      for (const n of t.hide ?? NO_HIDE) if (close.hide?.has(n)) hide = withName(hide, n);
      hide = withName(hide, m.name);
      this.push(this.pp.substitute(m, list, hide, site, t), site, m.name);
    }
  }

  private collectArgs(m: MacroDef, name: Tok): { list: Tok[][] | undefined; close: Tok } | undefined {
    const list: Tok[][] = [[]];
    const params = m.params!;
    let depth = 0;
    for (;;) {
      const t = this.rawNext();
      if (!t) {
        this.pp.error(name, `unterminated argument list invoking macro '${m.name}'`);
        return undefined;
      }
      if (isP(t, '(')) depth++;
      else if (isP(t, ')')) {
        if (depth === 0) {
          if (params.length === 0 && list.length === 1 && list[0].length === 0) return { list: [], close: t };
          const want = params.length;
          const variadicMissing = m.variadic !== undefined && list.length === want - 1;
          if (variadicMissing) list.push([]);
          if (list.length !== want) {
            this.pp.error(name, `macro '${m.name}' passed ${list.length} argument${list.length === 1 ? '' : 's'}, but takes ${m.variadic !== undefined ? 'at least ' + (want - 1) : want}`);
            return { list: undefined, close: t };
          }
          return { list, close: t };
        }
        depth--;
      } else if (isP(t, ',') && depth === 0 && !(m.variadic !== undefined && list.length === params.length)) {
        list.push([]);
        continue;
      }
      list[list.length - 1].push(t);
    }
  }
}

/**
 * What several runs with the same host and options share (one load of the kernel's files): each
 * include's resolution and each file's text, asked of the host once.
 */
export class PPSession {
  private readonly seen = new Map<string, boolean>();
  private readonly read = new Map<string, { text: string } | { error: string }>();
  /** the file table every run of the session shares (recorded tokens name files by index) */
  readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  private readonly recordings = new Map<string, Recording[]>();
  /** recordings played back instead of preprocessing the file again, and recordings kept */
  replays = 0;
  recorded = 0;
  constructor(
    readonly host: PPHost,
    readonly options: PPOptions,
  ) {}

  fileNumber(path: string): number {
    let n = this.fileIndex.get(path);
    if (n === undefined) {
      n = this.files.length;
      this.files.push(path);
      this.fileIndex.set(path, n);
    }
    return n;
  }

  keep(rec: Recording): void {
    let list = this.recordings.get(rec.path);
    if (!list) this.recordings.set(rec.path, (list = []));
    // a header read under many different definitions keeps its latest few
    if (list.length >= 8) list.shift();
    list.push(rec);
    this.recorded++;
  }

  /** a recording of `path` that holds under the definitions `macros` has now */
  find(path: string, macros: ReadonlyMap<string, MacroDef>): Recording | undefined {
    const list = this.recordings.get(path);
    if (!list) return undefined;
    outer: for (let i = list.length - 1; i >= 0; i--) {
      for (const [name, def] of list[i].reads) if (!sameMacro(macros.get(name), def)) continue outer;
      return list[i];
    }
    return undefined;
  }

  private readonly resolved = new Map<string, string | undefined>();

  /** the file `#include "name"` (from a file in `dir`) or `#include <name>` (dir undefined) names, or undefined */
  resolve(name: string, dir: string | undefined, alias: (path: string) => string): string | undefined {
    const key = `${dir ?? '<'}\0${name}`;
    if (this.resolved.has(key)) return this.resolved.get(key);
    const dirs = dir === undefined ? this.options.includePaths : [dir, ...this.options.includePaths];
    let path: string | undefined;
    for (const d of dirs) {
      const p = alias(joinPath(d, name));
      if (this.exists(p)) {
        path = p;
        break;
      }
    }
    this.resolved.set(key, path);
    return path;
  }

  exists(path: string): boolean {
    let e = this.seen.get(path);
    if (e === undefined) this.seen.set(path, (e = this.host.exists(path)));
    return e;
  }

  text(path: string): { text: string } | { error: string } {
    let r = this.read.get(path);
    if (r === undefined) this.read.set(path, (r = this.host.read(path)));
    return r;
  }
}

export class Preprocessor {
  readonly macros = new Map<string, MacroDef>();
  private readonly files: string[];
  private readonly texts = new Map<string, string>();
  private readonly guards = new Map<string, string>();
  private readonly stack: Frame[] = [];
  private readonly diagnostics: PPDiagnostic[] = [];
  private errors = 0;
  private dropped = 0;
  private tokens = 0;
  private readonly included: string[] = [];
  private readonly main: Expander;
  private readonly maxDiagnostics: number;
  private readonly maxTokens: number;
  private readonly maxDepth: number;
  private readonly maxIncludes: number;
  private includes = 0;

  private readonly session: PPSession;
  private readonly recording: boolean;

  constructor(host: PPHost, options: PPOptions, session?: PPSession) {
    if (session && (session.host !== host || session.options !== options)) throw new Error('a preprocessing session serves one host and one set of options');
    this.session = session ?? new PPSession(host, options);
    this.recording = session !== undefined;
    this.files = this.session.files;
    this.maxDiagnostics = options.maxDiagnostics ?? 100;
    this.maxTokens = options.maxTokens ?? 2_000_000;
    this.maxDepth = options.maxIncludeDepth ?? 200;
    this.maxIncludes = options.maxIncludes ?? 20_000;
    this.main = new Expander(this, () => this.nextRaw());
    const builtin = (name: string): MacroDef => ({ name, body: [], file: -1, line: 0, col: 0, builtin: true });
    this.macros.set('__LINE__', builtin('__LINE__'));
    this.macros.set('__FILE__', builtin('__FILE__'));
    const predefined = this.fileNumber('<command line>');
    for (const [name, body] of Object.entries(options.defines ?? {})) {
      const lx = new Lexer(body, predefined);
      const toks: Tok[] = [];
      for (let t = lx.next(Mode.Directive); t.k !== K.End && t.k !== K.Newline; t = lx.next(Mode.Directive)) toks.push(t);
      if (toks.length) toks[0] = { ...toks[0], space: false };
      this.macros.set(name, { name, body: toks, file: predefined, line: 0, col: 0 });
    }
  }

  private fileNumber(path: string): number {
    return this.session.fileNumber(path);
  }

  /** a macro's definition as a directive reads it (recorded for the files being processed) */
  look(name: string): MacroDef | undefined {
    const def = this.macros.get(name);
    const rec = this.stack[this.stack.length - 1]?.rec;
    if (rec) rec.read(name, def);
    return def;
  }

  /** a directive's (un)definition, recorded for the file it is in */
  private wrote(name: string, def: MacroDef | undefined): void {
    if (def) this.macros.set(name, def);
    else this.macros.delete(name);
    const rec = this.stack[this.stack.length - 1]?.rec;
    if (rec) {
      rec.writes.add(name);
      rec.events.push(new Op(def ? 'def' : 'undef', name, def));
    }
  }

  /** a directive is expanding a condition or an include's name: its macro look-ups are reads */
  inDirective = false;

  /** counts tokens a macro expansion produced (at the outermost invocation `at`) against the budget */
  countTokens(n: number, at: Site, name: string): void {
    this.tokens += n;
    if (this.tokens > this.maxTokens) {
      throw new TooMany(`macro expansion produced over ${this.maxTokens.toLocaleString('en')} tokens (the invocation here; the last macro expanded was '${name}')`, at);
    }
  }

  private report(at: { file: number; line: number; col: number }, message: string, severity: 'error' | 'warning'): void {
    if (severity === 'error') this.errors++;
    for (const f of this.stack) if (f.rec) f.rec.ok = false;
    if (this.diagnostics.length >= this.maxDiagnostics) {
      this.dropped++;
      return;
    }
    this.diagnostics.push({ file: this.files[at.file] ?? '<unknown>', line: at.line, col: at.col, message, severity });
  }

  error(at: { file: number; line: number; col: number }, message: string): void {
    this.report(at, message, 'error');
  }

  private warn(at: { file: number; line: number; col: number }, message: string): void {
    this.report(at, message, 'warning');
  }

  /** Preprocesses `path` (and everything it includes). */
  run(path: string): PPResult {
    const map = new SourceMap();
    const out: string[] = [];
    let offset = 0;
    let lastFile = -1;
    let lastLine = -1;
    let stopped = false;
    try {
      if (this.pushFile(path, undefined)) {
        for (let t = this.main.next(); t; t = this.main.next()) {
          if (t.bad) this.error(t, t.bad);
          const siteFile = t.from ? t.from.file : t.file;
          const siteLine = t.from ? t.from.line : t.line;
          const sep = offset === 0 ? '' : siteFile !== lastFile || siteLine !== lastLine ? '\n' : ' ';
          offset += sep.length;
          out.push(sep, t.text);
          map.add(offset, t.text.length, t);
          offset += t.text.length;
          lastFile = siteFile;
          lastLine = siteLine;
        }
      }
    } catch (e) {
      if (!(e instanceof TooMany)) throw e;
      stopped = true;
      const top = this.stack[this.stack.length - 1];
      this.report(e.at ?? { file: top?.file ?? 0, line: 1, col: 1 }, e.message, 'error');
    }
    if (this.dropped) {
      const d = this.diagnostics[this.diagnostics.length - 1];
      this.diagnostics.push({ ...d, message: `and ${this.dropped} more`, severity: 'error' });
    }
    const files = this.files.slice();
    map.files = files;
    return { text: out.join(''), files, texts: this.texts, map, diagnostics: this.diagnostics, macros: this.macros, included: this.included, stopped };
  }

  /** tokens counted against maxTokens, and files entered by #include, so far */
  get counts(): { tokens: number; includes: number } {
    return { tokens: this.tokens, includes: this.includes };
  }

  get errorCount(): number {
    return this.errors;
  }

  private pushFile(path: string, from: Tok | undefined): boolean {
    if (this.stack.length >= this.maxDepth) {
      if (from) this.error(from, `#include nested over ${this.maxDepth} levels deep (does a file include itself?)`);
      return false;
    }
    if (from && ++this.includes > this.maxIncludes) throw new TooMany(`over ${this.maxIncludes.toLocaleString('en')} #includes in one file's preprocessing: is a header included over and over?`, from);
    let text = this.texts.get(path);
    if (text === undefined) {
      const r = this.session.text(path);
      if ('error' in r) {
        if (from) this.error(from, r.error);
        else this.report({ file: this.fileNumber(path), line: 1, col: 1 }, r.error, 'error');
        return false;
      }
      text = r.text;
      this.texts.set(path, text);
      this.included.push(path);
    }
    const file = this.fileNumber(path);
    // recorded only for a session the caller keeps (a run on its own would pay for nothing)
    const rec = from && this.recording ? new Recording(path) : undefined;
    this.stack.push({ lexer: new Lexer(text, file), file, path, conds: [], guard: Guard.Start, rec });
    return true;
  }

  /** a file's text as the run has it: read once per run (and once per session) */
  private enter(path: string): void {
    if (this.texts.has(path)) return;
    const r = this.session.text(path);
    if ('text' in r) {
      this.texts.set(path, r.text);
      this.included.push(path);
    }
  }

  /** plays `rec` back in place of including its file (`from`: the #include) */
  private replay(rec: Recording, from: Tok): void {
    this.includes += rec.includes;
    if (++this.includes > this.maxIncludes) throw new TooMany(`over ${this.maxIncludes.toLocaleString('en')} #includes in one file's preprocessing: is a header included over and over?`, from);
    const parent = this.stack[this.stack.length - 1]?.rec;
    if (parent) {
      parent.events.push(new Op('file', rec.path, undefined, rec));
      parent.absorb(rec);
    }
    this.session.replays++;
    this.pushReplay(rec);
  }

  private pushReplay(rec: Recording): void {
    this.enter(rec.path);
    const file = this.fileNumber(rec.path);
    this.stack.push({ lexer: EMPTY, file, path: rec.path, conds: [], guard: Guard.None, replay: { rec, at: 0 } });
  }

  /** the next token of a recording played back, its macro (un)definitions done, its files entered */
  private nextReplayed(f: Frame): Tok | undefined {
    const r = f.replay!;
    const events = r.rec.events;
    while (r.at < events.length) {
      const e = events[r.at++];
      if (!(e instanceof Op)) return e;
      if (e.kind === 'def') this.macros.set(e.name, e.def!);
      else if (e.kind === 'undef') this.macros.delete(e.name);
      else if (e.kind === 'guard') {
        this.enter(e.path!);
        this.guards.set(e.path!, e.name);
      } else {
        this.pushReplay(e.rec!);
        return undefined;
      }
    }
    this.stack.pop();
    return undefined;
  }

  /** the next token of the text, directives done and skipped groups left out; Newlines dropped */
  private nextRaw(): Tok | undefined {
    for (;;) {
      const f = this.stack[this.stack.length - 1];
      if (!f) return undefined;
      if (f.replay) {
        const t = this.nextReplayed(f);
        if (!t) continue;
        if (++this.tokens > this.maxTokens) throw new TooMany(`the files read give over ${this.maxTokens.toLocaleString('en')} tokens (with their macros' expansions): is a header included over and over?`, t);
        return t;
      }
      const top = f.conds[f.conds.length - 1];
      const skipping = top !== undefined && !top.live;
      const t = f.lexer.next(skipping ? Mode.Skip : Mode.Text);
      if (t.k === K.Newline) continue;
      if (t.k === K.End) {
        for (const p of f.lexer.problems) this.error({ file: f.file, line: p.line, col: p.col }, p.message);
        for (const c of f.conds) this.error(c.tok, `unterminated #${c.tok.text}`);
        if (f.guard === Guard.After && f.guardMacro) {
          this.guards.set(f.path, f.guardMacro);
          f.rec?.events.push(new Op('guard', f.guardMacro, undefined, undefined, f.path));
        }
        this.stack.pop();
        if (f.rec) {
          const parent = this.stack[this.stack.length - 1]?.rec;
          if (parent) {
            parent.events.push(new Op('file', f.path, undefined, f.rec));
            parent.absorb(f.rec);
          }
          if (f.rec.ok) this.session.keep(f.rec);
        }
        continue;
      }
      if (t.bol && t.k === K.Punct && t.text === '#') {
        this.directive(f, t);
        continue;
      }
      if (skipping) continue;
      if (f.guard !== Guard.Inside) f.guard = Guard.None;
      if (++this.tokens > this.maxTokens) throw new TooMany(`the files read give over ${this.maxTokens.toLocaleString('en')} tokens (with their macros' expansions): is a header included over and over?`, t);
      if (f.rec) f.rec.events.push(t);
      return t;
    }
  }

  /** the rest of a directive's line as tokens */
  private lineTokens(f: Frame, mode: Mode): Tok[] {
    const toks: Tok[] = [];
    for (let t = f.lexer.next(mode); t.k !== K.Newline && t.k !== K.End; t = f.lexer.next(mode)) toks.push(t);
    return toks;
  }

  private skipLine(f: Frame): void {
    this.lineTokens(f, Mode.Skip);
  }

  private directive(f: Frame, hash: Tok): void {
    const top = f.conds[f.conds.length - 1];
    const live = top === undefined || top.live;
    const nameTok = f.lexer.next(live ? Mode.Directive : Mode.Skip);
    if (nameTok.k === K.Newline || nameTok.k === K.End) return; // the null directive
    const name = nameTok.text;
    const d = { ...nameTok, text: name };
    const atTop = f.conds.length === 0;
    switch (name) {
      case 'if':
      case 'ifdef':
      case 'ifndef': {
        if (!live) {
          this.skipLine(f);
          f.conds.push({ live: false, parentLive: false, taken: true, sawElse: false, tok: d });
          return;
        }
        const toks = this.lineTokens(f, Mode.Directive);
        let truth: boolean;
        if (name === 'if') truth = this.condition(toks, d);
        else {
          const id = toks[0];
          if (!id || id.k !== K.Ident) {
            this.error(id ?? d, `macro name missing after #${name}`);
            truth = false;
          } else {
            if (toks.length > 1) this.warn(toks[1], `extra tokens at the end of #${name}`);
            truth = (this.look(id.text) !== undefined) === (name === 'ifdef');
            if (atTop && f.guard === Guard.Start && name === 'ifndef') {
              f.guard = Guard.Inside;
              f.guardMacro = id.text;
            }
          }
        }
        if (atTop && f.guard !== Guard.Inside) f.guard = Guard.None;
        f.conds.push({ live: truth, parentLive: true, taken: truth, sawElse: false, tok: d });
        return;
      }
      case 'elif':
      case 'else': {
        if (!top) {
          this.error(d, `#${name} without #if`);
          this.skipLine(f);
          return;
        }
        if (top.sawElse) this.error(d, `#${name} after #else (the #if is at line ${top.tok.line})`);
        if (name === 'else') {
          top.sawElse = true;
          this.skipLine(f);
          top.live = top.parentLive && !top.taken;
          top.taken = true;
          if (f.conds.length === 1 && f.guard === Guard.Inside) f.guard = Guard.None;
          return;
        }
        if (!top.parentLive || top.taken) {
          this.skipLine(f);
          top.live = false;
          return;
        }
        const truth = this.condition(this.lineTokens(f, Mode.Directive), d);
        top.live = truth;
        top.taken = truth;
        if (f.conds.length === 1 && f.guard === Guard.Inside) f.guard = Guard.None;
        return;
      }
      case 'endif': {
        this.skipLine(f);
        if (!top) {
          this.error(d, '#endif without #if');
          return;
        }
        f.conds.pop();
        if (f.conds.length === 0 && f.guard === Guard.Inside) f.guard = Guard.After;
        return;
      }
    }
    if (!live) {
      this.skipLine(f);
      return;
    }
    if (atTop) f.guard = Guard.None;
    switch (name) {
      case 'define':
        this.define(this.lineTokens(f, Mode.Directive), d);
        return;
      case 'undef': {
        const toks = this.lineTokens(f, Mode.Directive);
        if (!toks[0] || toks[0].k !== K.Ident) this.error(toks[0] ?? d, 'macro name missing after #undef');
        else this.wrote(toks[0].text, undefined);
        return;
      }
      case 'include':
        this.include(f, d);
        return;
      case 'error':
      case 'warning': {
        const text = f.lexer.restOfLine();
        this.skipLine(f);
        this.report(hash, `#${name} ${text}`, name === 'error' ? 'error' : 'warning');
        return;
      }
      case 'pragma':
      case 'ident':
      case 'line':
        this.skipLine(f);
        return;
      default:
        this.skipLine(f);
        this.error(d, `unknown directive #${name}`);
    }
  }

  /** the truth of `#if`/`#elif`: `defined` first, then expansion, then C's constant expression */
  private condition(toks: Tok[], d: Tok): boolean {
    const resolved: Tok[] = [];
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      if (t.k === K.Ident && t.text === 'defined') {
        let j = i + 1;
        const paren = isP(toks[j], '(');
        if (paren) j++;
        const id = toks[j];
        if (!id || id.k !== K.Ident) {
          this.error(id ?? t, "'defined' without a macro name");
          return false;
        }
        if (paren && !isP(toks[j + 1], ')')) {
          this.error(toks[j + 1] ?? id, "missing ')' after 'defined'");
          return false;
        }
        resolved.push({ ...t, k: K.Number, text: this.look(id.text) !== undefined ? '1' : '0' });
        i = paren ? j + 1 : j;
      } else resolved.push(t);
    }
    let i = 0;
    const ex = new Expander(this, () => resolved[i++]);
    const expanded: Tok[] = [];
    this.inDirective = true;
    try {
      for (let t = ex.next(); t; t = ex.next()) expanded.push(t);
    } finally {
      this.inDirective = false;
    }
    try {
      return evaluateIf(expanded, d);
    } catch (e) {
      if (!(e instanceof IfError)) throw e;
      this.error(e.at ?? d, e.message);
      return false;
    }
  }

  private define(toks: Tok[], d: Tok): void {
    const name = toks[0];
    if (!name || name.k !== K.Ident) {
      this.error(name ?? d, 'macro name missing after #define');
      return;
    }
    if (name.text === 'defined') {
      this.error(name, "'defined' cannot be used as a macro name");
      return;
    }
    let i = 1;
    let params: string[] | undefined;
    let variadic: string | undefined;
    if (isP(toks[1], '(') && !toks[1].space) {
      params = [];
      i = 2;
      if (isP(toks[i], ')')) i++;
      else
        for (;;) {
          const p = toks[i];
          if (isP(p, '...')) {
            variadic = '__VA_ARGS__';
            params.push(variadic);
            i++;
          } else if (p?.k === K.Ident) {
            if (params.includes(p.text)) this.error(p, `duplicate macro parameter '${p.text}'`);
            params.push(p.text);
            i++;
            if (isP(toks[i], '...')) {
              variadic = p.text;
              i++;
            }
          } else {
            this.error(p ?? name, `expected a parameter name in the definition of '${name.text}'`);
            return;
          }
          if (isP(toks[i], ')')) {
            i++;
            break;
          }
          if (variadic !== undefined || !isP(toks[i], ',')) {
            this.error(toks[i] ?? name, `expected ',' or ')' in the parameters of '${name.text}'`);
            return;
          }
          i++;
        }
    }
    // consecutive `##` act as one, as in gcc
    const body = toks.slice(i).filter((t, j, all) => !(isP(t, '##') && j > 0 && isP(all[j - 1], '##')));
    if (body.length) body[0] = { ...body[0], space: false };
    if (isP(body[0], '##') || (body.length && isP(body[body.length - 1], '##'))) {
      this.error(isP(body[0], '##') ? body[0] : body[body.length - 1], "'##' cannot appear at either end of a macro body");
      return;
    }
    if (params)
      for (let j = 0; j < body.length; j++)
        if (isP(body[j], '#') && !(body[j + 1]?.k === K.Ident && params.includes(body[j + 1].text))) {
          this.error(body[j], "'#' is not followed by a macro parameter");
          return;
        }
    const old = this.look(name.text);
    if (old?.builtin) {
      this.warn(name, `redefining builtin macro '${name.text}'`);
    } else if (old && !sameDefinition(old, params, body)) {
      const where = this.files[old.file] ? ` (the previous definition is at ${this.files[old.file]}:${old.line})` : '';
      this.warn(name, `'${name.text}' redefined${where}`);
    }
    this.wrote(name.text, { name: name.text, params, variadic, body, file: name.file, line: name.line, col: name.col });
  }

  private include(f: Frame, d: Tok): void {
    const raw = f.lexer.restOfLine();
    this.skipLine(f);
    let spec = raw;
    if (!/^["<]/.test(spec)) {
      // a computed include: the macro-expanded tokens spell "…" or <…>
      const lx = new Lexer(raw, f.file);
      const toks: Tok[] = [];
      for (let t = lx.next(Mode.Directive); t.k !== K.End && t.k !== K.Newline; t = lx.next(Mode.Directive)) toks.push({ ...t, line: d.line });
      let i = 0;
      const ex = new Expander(this, () => toks[i++]);
      const parts: string[] = [];
      this.inDirective = true;
      try {
        for (let t = ex.next(); t; t = ex.next()) parts.push((parts.length && t.space ? ' ' : '') + t.text);
      } finally {
        this.inDirective = false;
      }
      spec = parts.join('');
    }
    const m = /^"([^"]+)"|^<([^>]+)>/.exec(spec);
    if (!m) {
      this.error(d, `#include expects "FILENAME" or <FILENAME>`);
      return;
    }
    const angled = m[2] !== undefined;
    const name = (m[1] ?? m[2]).trim();
    const path = this.session.resolve(name, angled ? undefined : dirOf(f.path), (p) => this.alias(p));
    if (!path) {
      this.error(d, `${name}: no such file in the include path`);
      return;
    }
    const guard = this.guards.get(path);
    if (guard !== undefined && this.look(guard) !== undefined) {
      f.rec?.events.push(new Op('guard', guard, undefined, undefined, path));
      return;
    }
    const rec = this.session.find(path, this.macros);
    if (rec && this.stack.length + rec.depth < this.maxDepth) this.replay(rec, d);
    else this.pushFile(path, d);
  }

  private alias(path: string): string {
    for (const a of this.session.options.aliases ?? []) if (path.startsWith(a.from)) return a.to + path.slice(a.from.length);
    return path;
  }

  builtin(m: MacroDef, t: Tok, site: Site): Tok {
    const text = m.name === '__LINE__' ? String(site.line) : JSON.stringify(this.files[site.file] ?? '');
    return { ...t, k: m.name === '__LINE__' ? K.Number : K.String, text, from: site, hide: withName(t.hide, m.name) };
  }

  /** the replacement list of one invocation, with arguments substituted, `#` and `##` done */
  substitute(m: MacroDef, args: Tok[][] | undefined, hide: ReadonlySet<string>, site: Site, call: Tok): Tok[] {
    const params = m.params ?? [];
    const body = m.body;
    const param = (t: Tok | undefined): number => (args && t?.k === K.Ident ? params.indexOf(t.text) : -1);
    const expandedArgs: (Tok[] | undefined)[] = [];
    const expanded = (p: number): Tok[] => {
      let e = expandedArgs[p];
      if (!e) {
        const src = args![p];
        let i = 0;
        const ex = new Expander(this, () => src[i++]);
        e = [];
        for (let t = ex.next(); t; t = ex.next()) e.push(t);
        expandedArgs[p] = e;
      }
      return e;
    };
    const out: Tok[] = [];
    for (let i = 0; i < body.length; i++) {
      const b = body[i];
      if (args && isP(b, '#') && param(body[i + 1]) >= 0) {
        out.push(this.stringify(args[param(body[i + 1])], b));
        i++;
        continue;
      }
      if (isP(body[i + 1], '##')) {
        let left: Tok[] = param(b) >= 0 ? args![param(b)] : [b];
        while (isP(body[i + 1], '##') && i + 2 < body.length) {
          const r = body[i + 2];
          const rp = param(r);
          const right = rp >= 0 ? args![rp] : [r];
          const gnuComma = rp >= 0 && params[rp] === m.variadic && left.length > 0 && isP(left[left.length - 1], ',');
          if (gnuComma) {
            // GNU: `, ## args` drops the comma when args is empty, and pastes nothing otherwise
            left = right.length ? [...left, ...right] : left.slice(0, -1);
          } else if (!left.length) left = right;
          else if (right.length) left = [...left.slice(0, -1), this.paste(left[left.length - 1], right[0]), ...right.slice(1)];
          i += 2;
        }
        out.push(...left);
        continue;
      }
      const p = param(b);
      if (p >= 0) {
        const e = expanded(p);
        if (e.length) out.push({ ...e[0], space: b.space }, ...e.slice(1));
        continue;
      }
      out.push(b);
    }
    const res: Tok[] = new Array<Tok>(out.length);
    for (let n = 0; n < out.length; n++) {
      const t = out[n];
      res[n] = { k: t.k, text: t.text, file: t.file, line: t.line, col: t.col, space: n === 0 ? call.space : t.space, bol: false, hide: union(t.hide, hide), from: site, blue: t.blue, bad: t.bad };
    }
    return res;
  }

  private stringify(arg: Tok[], at: Tok): Tok {
    let s = '';
    for (const t of arg) {
      if (s && t.space) s += ' ';
      s += t.k === K.String || t.k === K.Char ? t.text.replace(/[\\"]/g, (c) => '\\' + c) : t.text;
    }
    return { ...at, k: K.String, text: `"${s}"` };
  }

  private paste(a: Tok, b: Tok): Tok {
    const text = a.text + b.text;
    const lx = new Lexer(text, a.file);
    const t = lx.next(Mode.Directive);
    if (t.text !== text || lx.next(Mode.Directive).k !== K.End) {
      this.error(b, `pasting '${a.text}' and '${b.text}' does not give a valid preprocessing token`);
      return { ...a, text };
    }
    return { ...a, k: t.k, text, blue: false };
  }
}

function sameDefinition(old: MacroDef, params: string[] | undefined, body: Tok[]): boolean {
  if ((old.params === undefined) !== (params === undefined)) return false;
  if (params && old.params!.join(',') !== params.join(',')) return false;
  if (old.body.length !== body.length) return false;
  return old.body.every((t, i) => t.text === body[i].text && (i === 0 || t.space === body[i].space));
}

/** Preprocesses one file with the given host and options (and the session it shares with other runs). */
export function preprocess(path: string, host: PPHost, options: PPOptions, session?: PPSession): PPResult {
  return new Preprocessor(host, options, session).run(path);
}
