// A digest of a run's state between two agenda items: what decides everything the run does from
// there on. The explorer (src/engine/explore/) prunes on it: two schedules whose runs reach the same
// digest at a choice point go on the same way, so the second is not run again.
//
// The memory part is the kernel's and the machine layer's data, read as 32-bit words: every global
// but the logs that only grow (the wire log, printk's buffer and their counts) and the statistics
// counters, and kmalloc's blocks, their bytes if in use. Left out as well: the C stack (empty between items: nothing reads
// a dead frame's bytes before writing them), string literals and code (never written), and the
// driver's scratch blocks (written before each use). The run's own part (the agenda, the segments
// in flight, what expectations still wait for) is ReleaseRun.digestAgenda.

import type { ReleaseRun } from './run';

/** A 64-bit hash in two 32-bit lanes (not cryptographic: two states colliding has odds of about 2^-64 per pair). */
export class StateHash {
  private a = 0x811c9dc5 | 0;
  private b = 0x2545f491 | 0;

  /** One 32-bit number (any JS number: its low 32 bits, and its high part if it is bigger). */
  num(n: number): void {
    const lo = n | 0;
    const hi = Math.floor(n / 4294967296) | 0;
    this.word(lo);
    if (hi) this.word(hi ^ 0x5bd1e995);
  }

  private word(w: number): void {
    let a = Math.imul(this.a ^ w, 0x9e3779b1);
    a = (a << 13) | (a >>> 19);
    this.a = a;
    const b = Math.imul(this.b + w, 0x85ebca77);
    this.b = b ^ (b >>> 15);
  }

  /** The words of `bytes` from `start` to `end` (rounded out to 4-byte boundaries of the buffer). */
  words(bytes: Uint8Array, start: number, end: number): void {
    const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
    let a = this.a;
    let b = this.b;
    for (let i = start >>> 2, n = Math.min(words.length, (end + 3) >>> 2); i < n; i++) {
      const w = words[i];
      a = Math.imul(a ^ w, 0x9e3779b1);
      a = (a << 13) | (a >>> 19);
      b = Math.imul(b + w, 0x85ebca77);
      b ^= b >>> 15;
    }
    this.a = a;
    this.b = b;
    this.num(end - start);
  }

  /** A short byte string (a segment), its length included. */
  bytes(b: Uint8Array): void {
    this.num(b.length);
    for (let i = 0; i < b.length; i += 4) this.word(b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24));
  }

  text(s: string): void {
    this.num(s.length);
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
  }

  get value(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}

/** The globals that are logs (they only grow, and their history is not state): left out. */
const LOGS = ['machine_wire', 'machine_wire_count', 'machine_printk_buf', 'machine_printk_len', 'machine_printk_lines', 'machine_printk_count'];
/**
 * The release's statistics counters: only counted up and down, and read by nothing that decides
 * (skbuff.c's show_net_buffers prints them; the SNMP MIBs are for /proc): left out, so that a
 * duplicate the kernel ignores does not make its state new.
 */
const COUNTERS = ['net_skbcount', 'net_locked', 'net_allocs', 'net_fraglist', 'net_free_locked', 'net_memory', 'tcp_statistics', 'udp_statistics', 'icmp_statistics', 'ip_statistics'];

interface Regions {
  /** [start, end) of each global read whole */
  whole: [number, number][];
  arena: number;
  used: number;
  /** sizeof(struct sock): a freed sock's block is kept as it was */
  sock: number;
}

const regionsOf = new WeakMap<object, Regions>();

function regions(run: ReleaseRun): Regions {
  const k = run.image.kernel;
  let r = regionsOf.get(k);
  if (r) return r;
  const skip = new Set(LOGS.map((n) => k.addressOf(n)));
  for (const n of COUNTERS) {
    try {
      skip.add(k.addressOf(n));
    } catch {
      // not in this build (an edited copy may drop one)
    }
  }
  const arena = k.addressOf('machine.c:arena');
  const whole: [number, number][] = [];
  let after = false;
  for (const b of run.run.mem.blocks()) {
    if ((b.kind !== 'global' && b.kind !== 'string') || skip.has(b.start) || b.start === arena) {
      after = false;
      continue;
    }
    const last = whole[whole.length - 1];
    // globals next to each other (alignment's padding between them) read as one stretch
    if (after && last[1] + 8 >= b.start) last[1] = b.start + b.size;
    else whole.push([b.start, b.start + b.size]);
    after = true;
  }
  r = { whole, arena, used: k.addressOf('machine.c:used'), sock: k.records.get('sock')!.size };
  regionsOf.set(k, r);
  return r;
}

/** Adds the run's memory (as described at the top) to `h`. */
export function digestMemory(run: ReleaseRun, h: StateHash): void {
  const mem = run.run.mem;
  const r = regions(run);
  for (const [start, end] of r.whole) h.words(mem.bytes, start, end);
  // kmalloc's blocks (machine/kmalloc.c): each header; a live block whole; a freed one's chain link
  // only (its old bytes are never read: the next kmalloc zeroes it), but a sock's whole (it is
  // kept, and read for the end state)
  const end = r.arena + mem.u32(r.used);
  for (let at = r.arena; at < end; ) {
    const size = mem.u32(at);
    const live = mem.u32(at + 4);
    const need = 8 + ((size + 7) & ~7);
    h.num(size);
    h.num(live);
    if (live || size === r.sock) h.words(mem.bytes, at + 8, at + 8 + size);
    else if (need >= 12) h.num(mem.u32(at + 8));
    at += need;
  }
}
