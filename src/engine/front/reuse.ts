// Reusing one file's syntax tree to parse another: the seven kernel files include mostly the same
// headers, so their preprocessed texts share long runs of identical lines. The edits that turn an
// earlier text into the next one (found by a line diff anchored on lines that occur once in each,
// as patience diff does) are applied to a copy of the earlier tree, and tree-sitter reparses only
// what the edits touch, reusing every subtree outside them. The tree it returns is the one a fresh
// parse gives (front.test.ts compares them node for node).

import type { Edit, Point } from 'web-tree-sitter';

interface Lines {
  text: string;
  /** offset of each line's first character; one more entry: the text's length */
  start: number[];
  /** each line's text, as an id (equal lines, equal ids) */
  id: Int32Array;
}

function lines(text: string, ids: Map<string, number>): Lines {
  const start: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) start.push(i + 1);
  if (start[start.length - 1] !== text.length) start.push(text.length);
  const n = start.length - 1;
  const id = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = text.slice(start[i], start[i + 1]);
    let v = ids.get(s);
    if (v === undefined) ids.set(s, (v = ids.size));
    id[i] = v;
  }
  return { text, start, id };
}

/** For each new line, the old line it is kept as, or -1; ascending where not -1. */
function matchLines(a: Int32Array, b: Int32Array, idCount: number): Int32Array {
  // anchors: lines that occur exactly once in each text
  const countA = new Int32Array(idCount);
  const countB = new Int32Array(idCount);
  const posA = new Int32Array(idCount);
  for (let i = 0; i < a.length; i++) {
    countA[a[i]]++;
    posA[a[i]] = i;
  }
  for (let j = 0; j < b.length; j++) countB[b[j]]++;
  const pairs: [number, number][] = [];
  for (let j = 0; j < b.length; j++) if (countA[b[j]] === 1 && countB[b[j]] === 1) pairs.push([posA[b[j]], j]);
  // the longest chain of anchors ascending in the old text too (patience sorting)
  const tails: number[] = [];
  const prev = new Int32Array(pairs.length).fill(-1);
  for (let k = 0; k < pairs.length; k++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]][0] < pairs[k][0]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[k] = tails[lo - 1];
    tails[lo] = k;
  }
  const chain: [number, number][] = [];
  for (let k = tails.length ? tails[tails.length - 1] : -1; k >= 0; k = prev[k]) chain.push(pairs[k]);
  chain.reverse();
  // grow each anchor into the run of equal lines around it
  const oldOf = new Int32Array(b.length).fill(-1);
  let floorA = 0;
  let floorB = 0;
  for (const [i0, j0] of chain) {
    if (i0 < floorA || j0 < floorB) continue;
    let i = i0;
    let j = j0;
    while (i > floorA && j > floorB && a[i - 1] === b[j - 1] && oldOf[j - 1] < 0) {
      i--;
      j--;
    }
    while (i < a.length && j < b.length && a[i] === b[j]) {
      oldOf[j] = i;
      i++;
      j++;
    }
    floorA = i;
    floorB = j;
  }
  return oldOf;
}

/** where line `line` of `ls` starts (the text's end for line = the line count) */
function pointAt(ls: Lines, line: number): Point {
  const n = ls.id.length;
  if (line < n) return { row: line, column: 0 };
  return ls.text.endsWith('\n') || n === 0 ? { row: n, column: 0 } : { row: n - 1, column: ls.start[n] - ls.start[n - 1] };
}

/** where old lines i..i2 end when they start at `start` */
function oldEnd(A: Lines, i: number, i2: number, start: Point): Point {
  if (i === i2) return start;
  const row = start.row;
  const p = pointAt(A, i2);
  return { row: row + (p.row - i), column: p.column };
}

/**
 * The edits that turn `oldText` into `newText`, in the order tree-sitter takes them (each in the
 * coordinates of the text with the edits before it applied), and how many characters of the new
 * text they leave as they were.
 */
export function editsBetween(oldText: string, newText: string): { edits: Edit[]; kept: number } {
  const ids = new Map<string, number>();
  const A = lines(oldText, ids);
  const B = lines(newText, ids);
  const oldOf = matchLines(A.id, B.id, ids.size);
  const edits: Edit[] = [];
  let kept = 0;
  let i = 0; // next old line
  let j = 0; // next new line
  const nB = B.id.length;
  while (j <= nB) {
    // a gap: new lines j..j2 and old lines i..i2 unmatched
    let j2 = j;
    while (j2 < nB && oldOf[j2] < 0) j2++;
    const i2 = j2 < nB ? oldOf[j2] : A.id.length;
    if (j2 > j || i2 > i) {
      const start = B.start[j];
      edits.push({
        startIndex: start,
        oldEndIndex: start + (A.start[i2] - A.start[i]),
        newEndIndex: B.start[j2],
        startPosition: pointAt(B, j),
        oldEndPosition: oldEnd(A, i, i2, pointAt(B, j)),
        newEndPosition: pointAt(B, j2),
      });
    }
    if (j2 >= nB) break;
    // the matched run from j2
    i = i2;
    j = j2;
    while (j < nB && oldOf[j] === i) {
      kept += B.start[j + 1] - B.start[j];
      i++;
      j++;
    }
  }
  return { edits, kept };
}
