// A binary min-heap kept in a plain array whose every move goes through the history, so going
// back restores it exactly. The world keeps its armed timers and in-flight segments in two.

import type { History } from './history';

export class LoggedHeap<T> {
  /** the heap's array (index 0 is the least); read it, never write it directly */
  readonly items: T[] = [];

  constructor(
    private readonly H: History,
    private readonly less: (a: T, b: T) => boolean,
  ) {}

  get length(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(x: T): void {
    this.H.push(this.items, x);
    this.up(this.items.length - 1);
  }

  /** Removes the entry at index `i` (0: the least). */
  removeAt(i: number): void {
    const h = this.items;
    const last = this.H.pop(h) as T;
    if (i === h.length) return;
    // the last entry fills the hole, then moves up or down to its place
    this.H.set(h, i, last);
    this.down(this.up(i));
  }

  private swap(i: number, j: number): void {
    const h = this.items;
    const x = h[i];
    this.H.set(h, i, h[j]);
    this.H.set(h, j, x);
  }

  private up(k: number): number {
    const h = this.items;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!this.less(h[k], h[p])) break;
      this.swap(k, p);
      k = p;
    }
    return k;
  }

  private down(k: number): void {
    const h = this.items;
    for (;;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let m = k;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === k) return;
      this.swap(k, m);
      k = m;
    }
  }
}
