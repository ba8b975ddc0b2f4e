// A field's history over the recorded run (pure: no vscode, no I/O): every value a sock field took,
// from the first stop to the last one recorded (the known future included, once the run is
// recorded ahead), each with the first stop that shows it and the kernel statement that wrote it.
// Read from the byte memory's store log (Memory.changesOf), nothing re-run; the panel's field
// timeline and "previous / next change of this field" stand on it.

import type { ReleaseRun } from './run';

/** One value of the field: shown from stop `stop` on; written during the step of stop `writer.stop` (none for the value at the first stop). */
export interface FieldChange {
  stop: number;
  value: number;
  writer?: { stop: number; fn: string; file: string; line: number };
}

/** Where an integer (a field of struct sock, any integer in memory) is, and how it reads. */
export interface FieldPlace {
  addr: number;
  size: number;
  signed: boolean;
  bits?: number;
  bitOffset?: number;
}

/** The little-endian integer `bytes` hold as the field reads it (a bitfield: its bits). */
function decode(bytes: Uint8Array, f: FieldPlace): number {
  let word = 0;
  for (let i = bytes.length - 1; i >= 0; i--) word = word * 256 + bytes[i];
  const bits = f.bits ?? f.size * 8;
  const v = Math.floor(word / 2 ** (f.bitOffset ?? 0)) % 2 ** bits;
  return f.signed && v >= 2 ** (bits - 1) ? v - 2 ** bits : v;
}

/** The stop during whose step the store at memory log position `at` was made (the last stop whose position is at or before it). */
export function stopOfStore(run: ReleaseRun, at: number): number {
  const H = run.H;
  let lo = 0;
  let hi = run.stopCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (H.attachedPosition(mid)! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Every value the integer at `f` took over the recorded stops, in order: the value at the first
 * stop, then each change (stores within one step, or that leave the value as it was, are one or
 * none). The stores the scenario's driver makes between events have a writer of no kernel line.
 */
export function fieldHistory(run: ReleaseRun, f: FieldPlace): FieldChange[] {
  const H = run.H;
  const first = H.attachedPosition(0);
  const last = H.attachedPosition(run.stopCount - 1);
  if (first === undefined || last === undefined) return [];
  const { initial, changes } = run.run.mem.changesOf(f.addr, f.size);
  // the value at the first stop: after the last store made before it (the setup's), else the load image's
  let start = -1;
  for (let i = 0; i < changes.length && changes[i].at < first; i++) start = i;
  const out: FieldChange[] = [{ stop: 0, value: decode(start >= 0 ? changes[start].bytes : initial, f) }];
  for (let i = start + 1; i < changes.length && changes[i].at < last; i++) {
    const value = decode(changes[i].bytes, f);
    const s = stopOfStore(run, changes[i].at);
    const prev = out[out.length - 1];
    // the value shows from the stop after the step that wrote it
    const shown = s + 1;
    const at = run.lineOf(s);
    const writer = at.fn && at.file ? { stop: s, fn: at.fn, file: at.file, line: at.line } : undefined;
    if (prev.stop === shown) {
      // another store in the same step: the step's last value, by its last writer
      prev.value = value;
      prev.writer = writer;
      if (out.length > 1 && out[out.length - 2].value === value) out.pop();
      continue;
    }
    if (value === prev.value) continue;
    out.push({ stop: shown, value, writer });
  }
  return out;
}
