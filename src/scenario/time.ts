// Times in scenarios: units (ms, s, m, j), absolute and relative (`+`) times, converted to jiffies at HZ=100.
import { HZ } from '../common/clock.js';
import { quote } from './lexer.js';

/** The 1.2 jiffies counter is an unsigned long: 32 bits on i386. */
export const MAX_JIFFIES = 0xffffffff;

/** Jiffies per unit as a fraction [numerator, denominator]. */
export const TIME_UNITS: Readonly<Record<string, readonly [bigint, bigint]>> = {
  j: [1n, 1n],
  ms: [BigInt(HZ), 1000n],
  s: [BigInt(HZ), 1n],
  m: [BigInt(HZ) * 60n, 1n],
};

export const TIME_EXAMPLES = '0, +20ms, 1.5s or 30j';

export type TimeResult =
  | { ok: true; relative: boolean; jiffies: number }
  | { ok: false; message: string };

/** Does this token look like an attempt at a time (so a time error is better than "expected a time")? */
export function looksLikeTime(text: string): boolean {
  return /^[+0-9]/.test(text);
}

/**
 * Parses `0`, `250ms`, `1.5s`, `30j`, `2m`, or any of them after `+` (relative to the previous event).
 * A bare number is allowed only when it is zero; the result must be a whole number of jiffies within 32 bits.
 */
export function parseTime(text: string): TimeResult {
  const relative = text.startsWith('+');
  const body = relative ? text.slice(1) : text;
  if (body === '') return { ok: false, message: "expected a time after '+', such as +0 or +20ms" };
  const r = parseAmount(text, body);
  return r.ok ? { ok: true, relative, jiffies: r.jiffies } : r;
}

/** A duration such as the `delay=` of a link: like an absolute time (no `+`). */
export function parseDuration(text: string): TimeResult {
  if (text.startsWith('+')) return { ok: false, message: `a duration is written without '+': ${text.slice(1) || '0'}` };
  return parseTime(text);
}

function parseAmount(
  written: string,
  body: string,
): { ok: true; jiffies: number } | { ok: false; message: string } {
  const m = /^([0-9]+)(?:\.([0-9]+))?([A-Za-z]*)$/.exec(body);
  if (!m) return { ok: false, message: `${quote(written)} is not a time: write a time such as ${TIME_EXAMPLES}` };
  const intDigits = m[1].replace(/^0+/, '');
  const fracDigits = (m[2] ?? '').replace(/0+$/, '');
  const unit = m[3];
  const zero = intDigits === '' && fracDigits === '';
  if (unit === '') {
    if (zero) return { ok: true, jiffies: 0 };
    if (body.length > 20) return { ok: false, message: `${q(written)} needs a unit: ms, s, m or j (jiffies)` };
    return {
      ok: false,
      message: `${q(written)} needs a unit: ${body}ms, ${body}s, ${body}m or ${body}j (jiffies); only 0 may be written without one`,
    };
  }
  const factor = TIME_UNITS[unit];
  if (!factor) {
    return { ok: false, message: `unknown time unit '${q(unit)}' in ${q(written)}: use ms, s, m or j (jiffies)` };
  }
  if (zero) return { ok: true, jiffies: 0 };
  const tooLate = {
    ok: false as const,
    message: `${q(written)} is beyond the 32-bit jiffies clock (at most ${MAX_JIFFIES}j, about 497 days)`,
  };
  if (intDigits.length > 15) return tooLate;
  const notWhole = {
    ok: false as const,
    message: `${q(written)} is not a whole number of jiffies (1 jiffy = ${1000 / HZ} ms)`,
  };
  // With at most 6000 jiffies per unit, more than 6 significant decimals can never give whole jiffies.
  if (fracDigits.length > 6) return notWhole;
  const mantissa = BigInt((intDigits || '0') + fracDigits);
  const num = mantissa * factor[0];
  const den = 10n ** BigInt(fracDigits.length) * factor[1];
  if (num % den !== 0n) return notWhole;
  const jiffies = num / den;
  if (jiffies > BigInt(MAX_JIFFIES)) return tooLate;
  return { ok: true, jiffies: Number(jiffies) };
}

/** Writes jiffies back as the shortest exact time: `0`, `3m`, `1.5s`-style seconds, or milliseconds. */
export function formatJiffies(jiffies: number): string {
  if (jiffies === 0) return '0';
  if (jiffies % (HZ * 60) === 0) return `${jiffies / (HZ * 60)}m`;
  if (jiffies % HZ === 0) return `${jiffies / HZ}s`;
  return `${jiffies * (1000 / HZ)}ms`;
}

function q(text: string): string {
  return text.length > 40 ? text.slice(0, 40) + '…' : text;
}
