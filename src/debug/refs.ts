// Numbers handed to the client for frames and variable containers. They only grow: after the run
// moves, the old numbers are forgotten but never handed out again, so a late request for a previous
// stop's frame is answered "stale", never with another stop's data.

export class Refs<T> {
  private next = 1000;
  private map = new Map<number, T>();

  create(value: T): number {
    const id = this.next++;
    this.map.set(id, value);
    return id;
  }

  get(id: number): T | undefined {
    return this.map.get(id);
  }

  /** Forget every number handed out so far (they stay used). */
  clear(): void {
    this.map.clear();
  }

  /** Was this number handed out before the last clear? (a late request, not a bad one) */
  isStale(id: number): boolean {
    return Number.isInteger(id) && id >= 1000 && id < this.next && !this.map.has(id);
  }
}
