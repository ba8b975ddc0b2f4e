// What the session says of expressions: the message of an error, and a REPL line split at its
// top-level assignment (releaseModel.ts evaluates both sides on the release).

import { CError } from '../engine/code';

/** The message of an error from compiling or evaluating an expression. */
export function errorText(e: unknown): string {
  if (e instanceof CError) return e.detail;
  return (e as Error)?.message ?? String(e);
}

/** `lhs = rhs` or `lhs op= rhs` at the top level of an expression, split; undefined when none. */
export function splitAssignment(text: string): { lhs: string; rhs: string } | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '=' && depth === 0) {
      const prev = text[i - 1] ?? '';
      const next = text[i + 1] ?? '';
      if (next === '=' || prev === '=' || prev === '!') continue;
      if ((prev === '<' || prev === '>') && text[i - 2] !== prev) continue; // <= >=
      let op = '';
      let end = i;
      if ('+-*/%&|^'.includes(prev) && prev) {
        op = prev;
        end = i - 1;
      } else if ((prev === '<' || prev === '>') && text[i - 2] === prev) {
        op = prev + prev;
        end = i - 2;
      }
      const lhs = text.slice(0, end).trim();
      const rhs = text.slice(i + 1).trim();
      if (!lhs || !rhs) return undefined;
      return { lhs, rhs: op ? `(${lhs}) ${op} (${rhs})` : rhs };
    }
  }
  return undefined;
}
