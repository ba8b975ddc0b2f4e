// C's escape sequences (C89 3.1.3.4, plus gcc's \e): the value of one, as written after the
// backslash in a character constant or a string literal.

const SIMPLE: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, '\\': 92, "'": 39, '"': 34, '?': 63 };

/** The character code of an escape sequence (`\r`, `\033`, `\x1b`, …); undefined if it is not one. */
export function escapeValue(seq: string): number | undefined {
  if (seq[0] !== '\\' || seq.length < 2) return undefined;
  const e = seq.slice(1);
  if (e.length === 1 && e in SIMPLE) return SIMPLE[e];
  if (/^[0-7]{1,3}$/.test(e)) return parseInt(e, 8) & 0xff;
  if (/^x[0-9a-fA-F]+$/.test(e)) return parseInt(e.slice(1), 16) & 0xff;
  return undefined;
}
