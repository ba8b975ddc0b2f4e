// The C front end's loading pipeline: each C file preprocessed (one session for all, so that a
// header several files include is read and lexed once) and parsed by tree-sitter (each tree after
// the first reusing an earlier one's subtrees where the texts agree), with every problem as a
// diagnostic at the original file, line and column: the preprocessor's own, and each ERROR or
// MISSING node of the tree mapped back through the source map.

import type { Node, Range, Tree } from 'web-tree-sitter';
import { PPSession, preprocess, type PPDiagnostic, type PPHost, type PPOptions, type PPResult } from './preprocess';
import { editsBetween } from './reuse';
import type { SourceMap } from './sourcemap';

/** Parses C text; given an earlier tree edited to match the text, reuses what the edits left alone. */
export type TreeParse = (text: string, old?: Tree, ranges?: Range[]) => Tree;

export interface FrontDiagnostic {
  file: string;
  line: number;
  col: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface FrontFile {
  /** the C file, as given */
  path: string;
  /** its preprocessed text, which `tree` is the syntax tree of */
  text: string;
  map: SourceMap;
  tree: Tree;
  /** everything else the preprocessor gives (file table, each file's text, the macros, the includes) */
  pp: PPResult;
  /** the preprocessor's diagnostics, then the syntax errors, at the lines they were written */
  diagnostics: FrontDiagnostic[];
  /** characters of `text` whose subtrees could come from an earlier file's tree */
  reused: number;
  /** milliseconds spent preprocessing this file, and parsing it (the edits' diff included), by `options.clock` */
  timing: { preprocessMs: number; parseMs: number };
}

export interface FrontOptions extends PPOptions {
  /** syntax errors reported per file (past it, one line says how many more) */
  maxSyntaxErrors?: number;
  /** false: every file parsed from scratch (for comparing) */
  reuseTrees?: boolean;
  /** the clock `timing` is read from, in milliseconds (performance.now by default; a benchmark may give CPU time) */
  clock?: () => number;
}

/** `file:line:col: severity: message`, as compilers print it. */
export function formatDiagnostic(d: FrontDiagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`;
}

/** A few characters of the text at a node, on one line, for a message. */
function excerpt(text: string, node: Node): string {
  const s = text.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 40)).split('\n')[0];
  return node.endIndex - node.startIndex > s.length ? `${s}…` : s;
}

/** The ERROR and MISSING nodes of `tree` as diagnostics at the lines they came from. */
export function syntaxErrors(tree: Tree, text: string, map: SourceMap, max = 20): FrontDiagnostic[] {
  const out: FrontDiagnostic[] = [];
  if (!tree.rootNode.hasError) return out;
  let more = 0;
  const report = (node: Node, message: string): void => {
    if (out.length >= max) {
      more++;
      return;
    }
    const o = map.origin(node.startIndex);
    const at = o?.site ?? o ?? { file: map.files[0] ?? '<unknown>', line: 1, col: 1 };
    const through = o?.site ? ` (in a macro's expansion; the macro's text is at ${o.file}:${o.line}:${o.col})` : '';
    out.push({ file: at.file, line: at.line, col: at.col, message: message + through, severity: 'error' });
  };
  const c = tree.walk();
  try {
    for (;;) {
      const n = c.currentNode;
      let descend = false;
      if (n.isMissing) report(n, `syntax error: '${n.type}' expected`);
      else if (n.isError) report(n, `syntax error: tree-sitter's C grammar cannot parse '${excerpt(text, n)}'`);
      else descend = n.hasError;
      if (descend && c.gotoFirstChild()) continue;
      let climbed = true;
      while (!c.gotoNextSibling()) {
        if (!c.gotoParent()) {
          climbed = false;
          break;
        }
      }
      if (!climbed) break;
    }
  } finally {
    c.delete();
  }
  if (more) out.push({ ...out[out.length - 1], message: `and ${more} more syntax error${more === 1 ? '' : 's'}` });
  return out;
}

const fromPP = (d: PPDiagnostic): FrontDiagnostic => ({ file: d.file, line: d.line, col: d.col, message: d.message, severity: d.severity });

/**
 * Preprocesses and parses each of `paths` (in order) through `host`, with one preprocessing session
 * for all of them. Never throws for bad input: each problem is a diagnostic of its file.
 */
export function loadFront(paths: readonly string[], host: PPHost, parse: TreeParse, options: FrontOptions, session = new PPSession(host, options)): FrontFile[] {
  const out: FrontFile[] = [];
  const clock = options.clock ?? (() => performance.now());
  for (const path of paths) {
    const t0 = clock();
    const pp = preprocess(path, host, options, session);
    const t1 = clock();
    let tree: Tree | undefined;
    let reused = 0;
    const base = options.reuseTrees === false ? undefined : out[out.length - 1];
    if (base) {
      const { edits, kept } = editsBetween(base.text, pp.text);
      // reuse pays when most of the text is kept; otherwise a fresh parse is as quick
      if (kept > pp.text.length / 4) {
        const old = base.tree.copy();
        for (const e of edits) old.edit(e);
        tree = parse(pp.text, old);
        old.delete();
        reused = kept;
      }
    }
    tree ??= parse(pp.text);
    const timing = { preprocessMs: t1 - t0, parseMs: clock() - t1 };
    // a run stopped at a budget is cut short: its syntax errors would be that cut, not the C's
    const diagnostics = [...pp.diagnostics.map(fromPP), ...(pp.stopped ? [] : syntaxErrors(tree, pp.text, pp.map, options.maxSyntaxErrors))];
    out.push({ path, text: pp.text, map: pp.map, tree, pp, diagnostics, reused, timing });
  }
  return out;
}
