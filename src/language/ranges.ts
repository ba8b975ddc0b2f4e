// The one conversion from the scenario's 1-based, end-exclusive ranges to VS Code's 0-based positions (pure).
import type { Range } from '../scenario/ast';

export interface ZeroBasedRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

/**
 * 1-based line and column (as the parser and the engine report them, `end` exclusive) to 0-based line and
 * character (VS Code's `new Range(startLine, startCharacter, endLine, endCharacter)`, also end-exclusive).
 * Never negative; an end before the start becomes the start (an empty range).
 */
export function toZeroBased(r: Range): ZeroBasedRange {
  const startLine = Math.max(0, r.start.line - 1);
  const startCharacter = Math.max(0, r.start.column - 1);
  let endLine = Math.max(0, r.end.line - 1);
  let endCharacter = Math.max(0, r.end.column - 1);
  if (endLine < startLine || (endLine === startLine && endCharacter < startCharacter)) {
    endLine = startLine;
    endCharacter = startCharacter;
  }
  return { startLine, startCharacter, endLine, endCharacter };
}

/** A kernel source location (the engine's Loc: 1-based, end-exclusive) as a scenario Range. */
export function locRange(loc: { line: number; column: number; endLine: number; endColumn: number }): Range {
  return { start: { line: loc.line, column: loc.column }, end: { line: loc.endLine, column: loc.endColumn } };
}
