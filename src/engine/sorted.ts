// Searches in sorted arrays of log positions (pure).

/** How many of `list` (ascending) are below `x`: the index of the first element >= x. */
export function countBelow(list: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
