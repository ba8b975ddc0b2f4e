// "Did you mean": the closest known name within a small edit distance.

/** Levenshtein distance, giving up (returning limit + 1) as soon as it must exceed `limit`. */
export function editDistance(a: string, b: string, limit = 2): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** The candidate closest to `name` (distance at most 2, and less than the name's own length), if any. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  if (name.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    if (c === name || c.length > 64) continue;
    const d = editDistance(name, c, 2);
    if (d < bestDistance && d < Math.max(name.length, c.length)) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
