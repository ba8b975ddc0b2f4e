// Shared by the robustness suites (test/robust/*.test.ts): the scale and seed of a run, and a
// tally of outcomes that each suite prints so CI output shows how much was tried.
//
//   FUZZ_SCALE=10 multiplies every count (npm run test:fuzz); FUZZ_SEED=N replays a run.

import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');

/** Multiplier for every count (default 1: the CI size). */
export const SCALE = (() => {
  const v = Number(process.env.FUZZ_SCALE ?? '1');
  return Number.isFinite(v) && v > 0 ? v : 1;
})();

/** The base seed: fixed by default so a CI failure replays exactly; FUZZ_SEED to change it. */
export const SEED = (() => {
  const v = Number(process.env.FUZZ_SEED ?? '20240601');
  return Number.isInteger(v) ? v : 20240601;
})();

/** `n` scaled, at least 1. */
export function scaled(n: number): number {
  return Math.max(1, Math.round(n * SCALE));
}

/** Counts outcomes by name and prints them in one line. */
export class Tally {
  readonly counts = new Map<string, number>();
  constructor(readonly what: string) {}
  add(outcome: string, n = 1): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + n);
  }
  get(outcome: string): number {
    return this.counts.get(outcome) ?? 0;
  }
  get total(): number {
    let t = 0;
    for (const v of this.counts.values()) t += v;
    return t;
  }
  line(): string {
    const parts = [...this.counts.entries()].map(([k, v]) => `${k}=${v}`).join(' ');
    return `[robust] ${this.what}: ${this.total} tried (seed ${SEED}, scale ${SCALE}): ${parts}`;
  }
  print(): void {
    console.log(this.line());
  }
}

/** A seeded PRNG (mulberry32) for the parts that do not go through fast-check. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}
