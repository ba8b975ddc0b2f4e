// The notes file: `.vscode/tcp-close-notes.json` in the workspace, plain JSON made for version
// control (pretty-printed, a fixed key order, one note per object, notes sorted by file, line, id).
// No vscode import: the extension, the command line and the tests share it.
//
// Safety rules:
// - writes are atomic: a temporary file in the same folder, then rename (no half-written file);
// - a file that does not parse is reported with line:column and never overwritten: what the user
//   writes meanwhile is kept in memory and saved to a side file (tcp-close-notes.recovered.json);
// - two windows writing: every write re-reads the file and replays this window's changes (the
//   operations since the last write) on top of it, so notes merge by id and nothing is lost.

import * as nodeFs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { isInside, readError, readText } from '../host/read';

export const NOTES_FILE = '.vscode/tcp-close-notes.json';
export const RECOVERED_NAME = 'tcp-close-notes.recovered.json';
export const FORMAT_VERSION = 1;
/** The key of the shipped kernel's files, matching any copy of them: `kernel:tcp.c`, `kernel:tcp.h`. */
export const KERNEL_PREFIX = 'kernel:';

export interface NoteComment {
  id: string;
  author: string;
  /** ISO 8601 */
  created: string;
  edited?: string;
  /** markdown */
  body: string;
}

/** A moment of execution: the `hit`-th time the note's line runs in `scenario` (a relative path). */
export interface StopTie {
  scenario: string;
  hit: number;
}

export interface Note {
  id: string;
  /** workspace-relative path with `/`, or `kernel:tcp.c` for the shipped kernel (any copy of it) */
  file: string;
  /** 1-based, where the note was last anchored */
  line: number;
  /** the C function whose lines contain it */
  function?: string;
  /** the line's text, trimmed */
  text: string;
  /** up to two trimmed lines above and below, to find the line again after edits */
  before: string[];
  after: string[];
  at?: StopTie;
  /** the note and its replies, oldest first */
  comments: NoteComment[];
}

export type NoteHeader = Omit<Note, 'comments'>;

export type NoteOp =
  /** create a note, or change its anchor or tie (its comments are kept) */
  | { kind: 'putNote'; note: Note }
  | { kind: 'deleteNote'; id: string }
  /** add or change a comment; recreates the note if another window deleted it meanwhile */
  | { kind: 'putComment'; note: NoteHeader; comment: NoteComment }
  /** the note goes when its last comment does */
  | { kind: 'deleteComment'; noteId: string; commentId: string };

export interface ParseError {
  file: string;
  line: number;
  column: number;
  message: string;
  /** the file could not be read at all (a directory, a FIFO, too big, outside the workspace): there is no place to open */
  unreadable?: boolean;
}

export function formatParseError(e: ParseError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.message}`;
}

export function newId(prefix: 'n' | 'c'): string {
  return prefix + randomBytes(5).toString('hex');
}

// ---- serializing ----

function commentOut(c: NoteComment): NoteComment {
  const o: NoteComment = { id: c.id, author: c.author, created: c.created } as NoteComment;
  if (c.edited) o.edited = c.edited;
  o.body = c.body;
  return o;
}

function noteOut(n: Note): Note {
  const o = { id: n.id, file: n.file, line: n.line } as Note;
  if (n.function) o.function = n.function;
  o.text = n.text;
  o.before = [...n.before];
  o.after = [...n.after];
  if (n.at) o.at = { scenario: n.at.scenario, hit: n.at.hit };
  o.comments = n.comments.map(commentOut);
  return o;
}

export function compareNotes(a: Note, b: Note): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The file's text: the same notes always give the same bytes. */
export function serializeNotes(notes: Note[]): string {
  const sorted = notes.map(noteOut).sort(compareNotes);
  return JSON.stringify({ version: FORMAT_VERSION, notes: sorted }, null, 2) + '\n';
}

// ---- parsing, with positions ----

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < Math.min(offset, text.length); i++) {
    if (text[i] === '\n') {
      line++;
      start = i + 1;
    }
  }
  return { line, column: Math.min(offset, text.length) - start + 1 };
}

/** The offset of the first JSON syntax error in `text` and what was expected (undefined: valid). */
export function jsonErrorAt(text: string): { offset: number; message: string } | undefined {
  let i = 0;
  const n = text.length;
  class Bad {
    constructor(
      readonly offset: number,
      readonly message: string,
    ) {}
  }
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const what = () => (i >= n ? 'the end of the file' : `'${text[i]}'`);
  // '[[[[…' thousands deep would run this recursive checker out of stack: stop at a depth
  let depth = 0;
  const value = (): void => {
    if (depth >= 1000) throw new Bad(i, 'the JSON is nested too deeply (more than 1000 levels)');
    depth++;
    try {
      value1();
    } finally {
      depth--;
    }
  };
  const value1 = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Bad(i, `expected a property name in double quotes, found ${what()}`);
        string();
        ws();
        if (text[i] !== ':') throw new Bad(i, `expected ':' after the property name, found ${what()}`);
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return void i++;
        throw new Bad(i, `expected ',' or '}' after a property value, found ${what()}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') return void i++;
        throw new Bad(i, `expected ',' or ']' after an array element, found ${what()}`);
      }
    }
    if (c === '"') return string();
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (m && m[0]) return void (i += m[0].length);
    for (const w of ['true', 'false', 'null']) if (text.startsWith(w, i)) return void (i += w.length);
    throw new Bad(i, `expected a value, found ${what()}`);
  };
  const string = (): void => {
    i++;
    while (i < n && text[i] !== '"') {
      const ch = text.charCodeAt(i);
      if (ch < 0x20) throw new Bad(i, 'a line break or control character inside a string');
      if (text[i] === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Bad(i, 'a bad \\u escape');
          i += 6;
          continue;
        }
        if (!e || !'"\\/bfnrt'.includes(e)) throw new Bad(i, 'a bad escape in a string');
        i += 2;
        continue;
      }
      i++;
    }
    if (i >= n) throw new Bad(i, 'a string is not closed');
    i++;
  };
  try {
    value();
    ws();
    if (i < n) throw new Bad(i, `unexpected ${what()} after the end of the JSON value`);
    return undefined;
  } catch (e) {
    if (e instanceof Bad) return { offset: e.offset, message: e.message };
    throw e;
  }
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isStrs = (x: unknown): x is string[] => Array.isArray(x) && x.every(isStr);
const isPosInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 1;

/** Why `x` is not a note (a short path and reason), or undefined. */
function noteProblem(x: unknown): string | undefined {
  if (!isObj(x)) return 'is not an object';
  if (!isStr(x.id) || !x.id) return '"id" must be a non-empty string';
  if (!isStr(x.file) || !x.file) return '"file" must be a non-empty string';
  if (!isPosInt(x.line)) return '"line" must be a whole number >= 1';
  if (x.function !== undefined && !isStr(x.function)) return '"function" must be a string';
  if (!isStr(x.text)) return '"text" must be a string';
  if (!isStrs(x.before) || !isStrs(x.after)) return '"before" and "after" must be lists of strings';
  if (x.at !== undefined && !(isObj(x.at) && isStr(x.at.scenario) && isPosInt(x.at.hit))) return '"at" must be { "scenario": string, "hit": whole number >= 1 }';
  if (!Array.isArray(x.comments)) return '"comments" must be a list';
  for (const [k, c] of x.comments.entries()) {
    if (!isObj(c) || !isStr(c.id) || !isStr(c.author) || !isStr(c.created) || !isStr(c.body) || (c.edited !== undefined && !isStr(c.edited))) {
      return `comments[${k}] must be { "id", "author", "created", "body": strings, "edited"?: string }`;
    }
  }
  return undefined;
}

/** Parses the notes file's text; errors carry line and column. */
export function parseNotes(text: string, file: string): { notes: Note[] } | { error: ParseError } {
  // an editor may save a byte-order mark: it is not part of the JSON
  if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1);
  const fail = (offset: number, message: string) => ({ error: { file, ...lineColumn(text, offset), message } });
  if (!text.trim()) return { notes: [] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const at = jsonErrorAt(text);
    if (at) return fail(at.offset, at.message);
    const pos = /position (\d+)/.exec((e as Error).message);
    return fail(pos ? Number(pos[1]) : 0, (e as Error).message);
  }
  if (!isObj(data)) return fail(text.search(/\S/), 'the notes file must hold an object { "version": 1, "notes": [...] }');
  if (data.version !== FORMAT_VERSION) return fail(Math.max(0, text.indexOf('"version"')), `"version" must be ${FORMAT_VERSION}`);
  if (!Array.isArray(data.notes)) return fail(Math.max(0, text.indexOf('"notes"')), '"notes" must be a list');
  const seen = new Set<string>();
  for (const [k, x] of data.notes.entries()) {
    const problem = noteProblem(x);
    // point at the note's id when it has one, else at the list
    const id = isObj(x) && isStr(x.id) ? x.id : undefined;
    const at = id ? text.indexOf(JSON.stringify(id)) : text.indexOf('"notes"');
    if (problem) return fail(Math.max(0, at), `notes[${k}]: ${problem}`);
    if (seen.has(id!)) return fail(Math.max(0, text.lastIndexOf(JSON.stringify(id))), `notes[${k}]: the id ${id} is used twice`);
    seen.add(id!);
  }
  return { notes: (data.notes as Note[]).map(noteOut) };
}

// ---- atomic writes ----

/** The part of node:fs the writer uses (a test can make it fail). */
export interface WriteFs {
  openSync: typeof nodeFs.openSync;
  writeSync: (fd: number, data: string) => number;
  fsyncSync: typeof nodeFs.fsyncSync;
  closeSync: typeof nodeFs.closeSync;
  renameSync: typeof nodeFs.renameSync;
  rmSync: typeof nodeFs.rmSync;
  mkdirSync: typeof nodeFs.mkdirSync;
}

/** Writes `text` to `path` atomically: a temporary file in the same folder, flushed, then renamed. */
export function atomicWrite(path: string, text: string, fs: WriteFs = nodeFs): void {
  const dir = dirname(path);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing
      }
    }
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Takes `path` as a lock (created exclusively); waits up to `waitMs` for another holder, and
 * takes over a lock older than `staleMs` (a window that died holding it). Returns the release.
 */
export function lockFile(path: string, fs: WriteFs = nodeFs, waitMs = 5000, staleMs = 10000): () => void {
  fs.mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + waitMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      const fd = fs.openSync(path, 'wx', 0o644);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return () => fs.rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let age = 0;
    try {
      age = Date.now() - nodeFs.statSync(path).mtimeMs;
    } catch {
      continue; // released meanwhile: try again at once
    }
    if (age > staleMs) fs.rmSync(path, { force: true });
    else if (Date.now() > deadline) throw new Error(`${path} is held by another window (for ${Math.round(age / 1000)} s): try again`);
    else Atomics.wait(pause, 0, 0, 5);
  }
}

// ---- operations ----

function header(n: NoteHeader): NoteHeader {
  const { comments: _c, ...h } = n as Note;
  return h;
}

/** Applies one operation to a list of notes (a new list; the notes are not shared). */
export function applyOp(notes: Note[], op: NoteOp): Note[] {
  const out = notes.map((n) => ({ ...n, comments: [...n.comments] }));
  const find = (id: string) => out.findIndex((n) => n.id === id);
  switch (op.kind) {
    case 'putNote': {
      const k = find(op.note.id);
      if (k < 0) out.push({ ...op.note, comments: [...op.note.comments] });
      else {
        const h = header(op.note);
        out[k] = { ...h, comments: out[k].comments };
        if (!h.at) delete out[k].at;
        if (!h.function) delete out[k].function;
      }
      break;
    }
    case 'deleteNote': {
      const k = find(op.id);
      if (k >= 0) out.splice(k, 1);
      break;
    }
    case 'putComment': {
      let k = find(op.note.id);
      if (k < 0) {
        out.push({ ...header(op.note), comments: [] });
        k = out.length - 1;
      }
      const cs = out[k].comments;
      const j = cs.findIndex((c) => c.id === op.comment.id);
      if (j < 0) cs.push({ ...op.comment });
      else cs[j] = { ...op.comment };
      break;
    }
    case 'deleteComment': {
      const k = find(op.noteId);
      if (k < 0) break;
      out[k].comments = out[k].comments.filter((c) => c.id !== op.commentId);
      if (!out[k].comments.length) out.splice(k, 1);
      break;
    }
  }
  return out;
}

// ---- the store ----

export type FlushResult =
  | { kind: 'unchanged' }
  | { kind: 'written' }
  /** the notes file does not parse: it was left alone, the notes went to `recovered` */
  | { kind: 'recovered'; error: ParseError; recovered: string };

export interface StoreFs extends WriteFs {
  readFileSync: (path: string, enc: 'utf8') => string;
  existsSync: (path: string) => boolean;
}

/** Node's file system, the notes file read bounded (a regular file under the cap, never blocking: host/read.ts). */
const STORE_FS: StoreFs = { ...nodeFs, readFileSync: (path: string) => readText(path, 'notes file') };

/**
 * The notes of one workspace folder. `notes` is what this window shows: the file as last read
 * with this window's unsaved operations applied on top.
 */
export class NoteStore {
  notes: Note[] = [];
  /** set while the file does not parse */
  error: ParseError | undefined;
  private base: Note[] = [];
  private pending: NoteOp[] = [];

  constructor(
    readonly path: string,
    private readonly fs: StoreFs = STORE_FS,
    /** the workspace folder the notes file must stay in (symlinks resolved), if any */
    private readonly root?: string,
  ) {}

  /** Throws when the notes file, or its folder, resolves outside `root` (a symlinked .vscode): it is then neither read nor written. */
  private confine(): void {
    if (!this.root) return;
    let root: string;
    try {
      root = nodeFs.realpathSync(this.root);
    } catch {
      return; // no folder: nothing can be outside it
    }
    for (const p of [dirname(this.path), this.path]) {
      let real: string;
      try {
        real = nodeFs.realpathSync(p);
      } catch {
        continue; // not there yet: created inside on the first save
      }
      if (!isInside(real, root)) throw new Error(`${p} leads outside the workspace folder (a symbolic link to ${real}): the notes are neither read from nor written there`);
    }
  }

  get recoveredPath(): string {
    return join(dirname(this.path), RECOVERED_NAME);
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  private read(): { notes: Note[]; text: string } | { error: ParseError } {
    if (!this.fs.existsSync(this.path)) return { notes: [], text: '' };
    let text: string;
    try {
      this.confine();
      text = this.fs.readFileSync(this.path, 'utf8');
    } catch (e) {
      // a directory, a FIFO, a device, a file over the cap, a symlink out of the workspace
      return { error: { file: this.path, line: 1, column: 1, message: readError(e), unreadable: true } };
    }
    const r = parseNotes(text, this.path);
    return 'error' in r ? r : { notes: r.notes, text };
  }

  /** Reads the file again (after another window wrote it); unsaved operations stay on top. */
  load(): ParseError | undefined {
    const r = this.read();
    if ('error' in r) {
      this.error = r.error;
      return r.error;
    }
    this.error = undefined;
    this.base = r.notes;
    this.notes = this.pending.reduce(applyOp, this.base);
    return undefined;
  }

  /** Applies an operation in memory; `flush` saves it. */
  apply(op: NoteOp): void {
    this.pending.push(op);
    this.notes = applyOp(this.notes, op);
  }

  /**
   * Saves: re-reads the file, replays this window's operations on it, writes atomically — under
   * a lock file, so two windows saving at once cannot both read the same old file.
   */
  flush(): FlushResult {
    this.confine();
    const unlock = lockFile(`${this.path}.lock`, this.fs);
    try {
      return this.flushLocked();
    } finally {
      unlock();
    }
  }

  private flushLocked(): FlushResult {
    const r = this.read();
    if ('error' in r) {
      this.error = r.error;
      // the file is the user's: never overwrite it; keep everything in a side file
      atomicWrite(this.recoveredPath, serializeNotes(this.notes), this.fs);
      return { kind: 'recovered', error: r.error, recovered: this.recoveredPath };
    }
    this.error = undefined;
    const merged = this.pending.reduce(applyOp, r.notes);
    this.pending = [];
    this.base = merged;
    this.notes = merged;
    const text = serializeNotes(merged);
    if (text === r.text || (!r.text && !merged.length)) return { kind: 'unchanged' };
    atomicWrite(this.path, text, this.fs);
    return { kind: 'written' };
  }
}
