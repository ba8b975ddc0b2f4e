// Anchoring notes to lines so they survive edits (pure: no vscode, no I/O).
//
// A note remembers its line number, the line's trimmed text, a few lines of context around it and
// the C function whose lines contain it. After the file changes it is attached again, in order:
//   1. the same line still has the same text;
//   2. an exact text match inside the same function, nearest the old offset in the function
//      (context breaks ties between equal lines such as `break;`);
//   3. a fuzzy match (text similarity, with context) inside the function;
//   4. an exact, then a fuzzy (stricter) match anywhere in the file;
// otherwise the note is orphaned: kept and listed, never dropped.

/** How many lines of context a note keeps on each side. */
export const CONTEXT_LINES = 2;

export interface FunctionExtent {
  name: string;
  /** 1-based, inclusive: the line of the function's name through its closing brace */
  start: number;
  end: number;
}

export interface Anchor {
  /** 1-based line number when the note was last anchored */
  line: number;
  /** the line's text, trimmed */
  text: string;
  /** the C function containing the line, if any */
  function?: string;
  /** trimmed lines just above and just below (up to CONTEXT_LINES each) */
  before: string[];
  after: string[];
}

export type MatchKind = 'same' | 'exact' | 'fuzzy' | 'file-exact' | 'file-fuzzy' | 'orphaned';

export interface Reattached {
  /** the new 1-based line, or undefined when orphaned */
  line?: number;
  how: MatchKind;
  /** the similarity of the line found (1 for exact matches) */
  score: number;
}

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/**
 * The functions defined in a C source, by a light scan: comments, strings and preprocessor lines
 * are skipped; a `{` at brace depth 0 preceded by `name(...)` (and no `=`) opens a function body.
 */
export function functionExtents(text: string): FunctionExtent[] {
  const out: FunctionExtent[] = [];
  const n = text.length;
  let line = 1;
  let depth = 0;
  // the declaration text since the last top-level `;` or `}` (comments blanked), with line starts
  let header = '';
  let headerLines: number[] = [];
  let open: { name: string; start: number } | undefined;
  let atLineStart = true;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      atLineStart = true;
      if (depth === 0) header += '\n';
      continue;
    }
    if (atLineStart && c === '#' && depth === 0) {
      // a preprocessor line, with its backslash continuations
      while (i < n && text[i] !== '\n') {
        if (text[i] === '\\' && text[i + 1] === '\n') {
          i++;
          line++;
        }
        i++;
      }
      i--;
      continue;
    }
    if (c !== ' ' && c !== '\t' && c !== '\r') atLineStart = false;
    if (c === '/' && text[i + 1] === '*') {
      const endAt = text.indexOf('*/', i + 2);
      const stop = endAt < 0 ? n : endAt + 2;
      for (let k = i; k < stop; k++) if (text[k] === '\n') line++;
      if (depth === 0) header += ' ';
      i = stop - 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i + 1 < n && text[i + 1] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < n && text[i] !== c && text[i] !== '\n') {
        if (text[i] === '\\') i++;
        i++;
      }
      // a string that runs on past its line (gcc's multi-line strings, the release's inline asm): the newline is counted below
      if (text[i] === '\n') i--;
      if (depth === 0) header += '""';
      continue;
    }
    if (c === '{') {
      if (depth === 0) {
        const m = /([A-Za-z_]\w*)\s*\([^;{}=]*\)\s*$/.exec(header);
        if (m && !/\b(struct|union|enum)\s+\w*\s*$/.test(header.slice(0, m.index) + m[1]) && !['if', 'while', 'for', 'switch', 'return', 'sizeof'].includes(m[1])) {
          // the line of the name
          const before = header.slice(0, m.index);
          const nameLine = headerLines[0] + (before.match(/\n/g)?.length ?? 0);
          open = { name: m[1], start: nameLine };
        } else open = undefined;
      }
      depth++;
      continue;
    }
    if (c === '}') {
      depth = Math.max(0, depth - 1);
      if (depth === 0) {
        if (open) out.push({ name: open.name, start: open.start, end: line });
        open = undefined;
        header = '';
        headerLines = [];
      }
      continue;
    }
    if (depth === 0) {
      if (c === ';') {
        header = '';
        headerLines = [];
        continue;
      }
      if (!header.trim() && c.trim()) {
        header = '';
        headerLines = [line];
      }
      if (!headerLines.length) headerLines = [line];
      header += c;
    }
  }
  return out;
}

/** The function whose extent contains `line`, if any. */
export function functionAt(extents: FunctionExtent[], line: number): FunctionExtent | undefined {
  return extents.find((f) => f.start <= line && line <= f.end);
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Makes the anchor of 1-based `line` in a file's lines; `extents` when the file is C. */
export function makeAnchor(lines: string[], line: number, extents: FunctionExtent[] = []): Anchor {
  const at = Math.min(Math.max(1, line), Math.max(1, lines.length));
  const before: string[] = [];
  const after: string[] = [];
  for (let k = Math.max(1, at - CONTEXT_LINES); k < at; k++) before.push(norm(lines[k - 1] ?? ''));
  for (let k = at + 1; k <= Math.min(lines.length, at + CONTEXT_LINES); k++) after.push(norm(lines[k - 1] ?? ''));
  const fn = functionAt(extents, at)?.name;
  const a: Anchor = { line: at, text: norm(lines[at - 1] ?? ''), before, after };
  if (fn) a.function = fn;
  return a;
}

/** Similarity of two strings in [0, 1]: Dice's coefficient over character bigrams (whitespace collapsed). */
export function similarity(a: string, b: string): number {
  const x = norm(a);
  const y = norm(b);
  if (x === y) return 1;
  if (x.length < 2 || y.length < 2) return 0;
  const grams = new Map<string, number>();
  for (let i = 0; i < x.length - 1; i++) {
    const g = x.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  let both = 0;
  for (let i = 0; i < y.length - 1; i++) {
    const g = y.slice(i, i + 2);
    const k = grams.get(g) ?? 0;
    if (k > 0) {
      grams.set(g, k - 1);
      both++;
    }
  }
  return (2 * both) / (x.length - 1 + y.length - 1);
}

/** How well the lines around `line` match the anchor's context, in [0, 1]. */
export function contextScore(lines: string[], line: number, a: Anchor): number {
  let sum = 0;
  let count = 0;
  a.before.forEach((t, i) => {
    const k = line - a.before.length + i;
    sum += k >= 1 ? similarity(t, lines[k - 1] ?? '') : 0;
    count++;
  });
  a.after.forEach((t, i) => {
    const k = line + 1 + i;
    sum += k <= lines.length ? similarity(t, lines[k - 1] ?? '') : 0;
    count++;
  });
  return count ? sum / count : 0;
}

/** Thresholds of the fuzzy steps: text similarity, and the text+context score. */
export const FUZZY_IN_FUNCTION = { text: 0.6, combined: 0.6 };
export const FUZZY_IN_FILE = { text: 0.8, combined: 0.75 };

/**
 * Where the anchored line is now in `text`. `extents` are the file's functions (empty for
 * scenarios and other non-C files: the function steps are then skipped).
 */
export function reattach(a: Anchor, text: string, extents: FunctionExtent[] = functionExtents(text)): Reattached {
  const lines = splitLines(text);
  const want = norm(a.text);
  const lineText = (k: number) => norm(lines[k - 1] ?? '');
  // 1. unchanged
  if (a.line >= 1 && a.line <= lines.length && lineText(a.line) === want && (!a.function || functionAt(extents, a.line)?.name === a.function)) {
    return { line: a.line, how: 'same', score: 1 };
  }
  // where the note would be now if the function moved as a whole
  const oldFn = a.function ? extents.find((f) => f.name === a.function) : undefined;
  const search = (from: number, to: number, expected: number, fuzzy: { text: number; combined: number } | undefined): { line: number; score: number } | undefined => {
    let best: { line: number; score: number; rank: number } | undefined;
    for (let k = from; k <= to; k++) {
      const t = lineText(k);
      const s = fuzzy ? similarity(want, t) : t === want ? 1 : 0;
      if (fuzzy ? s < fuzzy.text : s < 1) continue;
      const ctx = contextScore(lines, k, a);
      const combined = fuzzy ? 0.6 * s + 0.4 * ctx : ctx;
      if (fuzzy && combined < fuzzy.combined) continue;
      // exact: context first (in steps of 0.25, so small differences do not beat distance), then distance;
      // fuzzy: the combined score first
      const quant = Math.round(combined * 4) / 4;
      const rank = (fuzzy ? combined : quant) * 1e6 - Math.abs(k - expected);
      if (!best || rank > best.rank) best = { line: k, score: s, rank };
    }
    return best && { line: best.line, score: best.score };
  };
  if (oldFn) {
    // nearest the old line, clamped into the function (context ranks first, so a function that
    // moved as a whole still finds the right one of several equal lines)
    const expected = Math.min(Math.max(a.line, oldFn.start), oldFn.end);
    const exact = search(oldFn.start, oldFn.end, expected, undefined);
    if (exact) return { line: exact.line, how: 'exact', score: 1 };
    const fuzzy = search(oldFn.start, oldFn.end, expected, FUZZY_IN_FUNCTION);
    if (fuzzy) return { line: fuzzy.line, how: 'fuzzy', score: fuzzy.score };
  }
  if (want) {
    const exact = search(1, lines.length, a.line, undefined);
    if (exact) return { line: exact.line, how: a.function ? 'file-exact' : 'exact', score: 1 };
  } else {
    // a blank line: only its context can find it
    let best: { line: number; ctx: number } | undefined;
    const from = oldFn?.start ?? 1;
    const to = oldFn?.end ?? lines.length;
    for (let k = from; k <= to; k++) {
      if (lineText(k)) continue;
      const ctx = contextScore(lines, k, a);
      if (ctx >= 0.9 && (!best || ctx > best.ctx || (ctx === best.ctx && Math.abs(k - a.line) < Math.abs(best.line - a.line)))) best = { line: k, ctx };
    }
    if (best) return { line: best.line, how: 'exact', score: 1 };
    return { how: 'orphaned', score: 0 };
  }
  const fuzzy = search(1, lines.length, a.line, FUZZY_IN_FILE);
  if (fuzzy) return { line: fuzzy.line, how: a.function ? 'file-fuzzy' : 'fuzzy', score: fuzzy.score };
  return { how: 'orphaned', score: 0 };
}
