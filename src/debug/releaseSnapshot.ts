// Builds the panel's view of a stop (src/common/protocol.ts) from a release run (byte memory):
// every socket's integer sk fields read with struct sock's layout, who last stored each field's
// bytes, the timers, the segments and the transitions since the previous view.

import type { ReleaseRun, SegRec } from '../engine/release/run';
import type { RecT } from '../engine/cmachine/types';
import type { LaterTimer, SegmentSnapshot, SocketSnapshot, StopSnapshot } from '../common/protocol';
import { KEY_FIELDS } from '../engine/inspect';
import { FAMILIES, KernelConstants } from '../engine/cvalues';
import { MAX_EVENTS, MAX_SEGMENTS, MAX_SOCKETS, stopHeader } from './snapshot';

type Writer = SocketSnapshot['writers'][string];

/** Builds the snapshots of one release run. */
export class ReleaseSnapshotBuilder {
  private readonly sock: RecT;
  /** struct sock's integer fields shown: KEY_FIELDS first, then the rest in declaration order */
  private readonly names: string[];
  private readonly lines: string[];
  private readonly constants: KernelConstants;
  /** each segment's record and the form made of it */
  private readonly segOf: SegRec[] = [];
  private readonly segForm: SegmentSnapshot[] = [];

  constructor(
    private readonly run: ReleaseRun,
    scenarioText = '',
  ) {
    this.sock = run.image.kernel.records.get('sock')!;
    const ints = this.sock.fields.filter((f) => f.type.k === 'int').map((f) => f.name);
    this.names = [...KEY_FIELDS.filter((n) => ints.includes(n)), ...ints.filter((n) => !KEY_FIELDS.includes(n))];
    this.lines = scenarioText.split('\n');
    this.constants = new KernelConstants(run.image.kernel);
  }

  build(prev: StopSnapshot | undefined): StopSnapshot {
    const run = this.run;
    const stop = run.stopInfo(run.stopIndex);
    const sockets: Record<string, SocketSnapshot> = {};
    const shown = this.window(stop.socket || stop.item?.socket || '', prev);
    for (const s of shown) sockets[s.name] = this.socketSnapshot(s.sk);
    const changed: StopSnapshot['changed'] = [];
    const transitions: StopSnapshot['transitions'] = [];
    if (prev) {
      for (const [name, s] of Object.entries(sockets)) {
        const p = prev.sockets[name];
        if (!p) continue;
        for (const k of Object.keys(s.display)) if (p.display[k] !== s.display[k]) changed.push({ socket: name, field: k, before: p.display[k] ?? '', after: s.display[k] });
        for (const k of ['timer', 'retransmit_timer'] as const) {
          const d = (t: SocketSnapshot['timer']) => (t ? `${t.reason} @${t.expires}` : 'none');
          if (d(p[k]) !== d(s[k])) changed.push({ socket: name, field: k, before: d(p[k]), after: d(s[k]) });
        }
        if (p.fields.state !== s.fields.state) {
          const w = this.taker(s.writers.state);
          transitions.push({ socket: name, from: run.stateName(p.fields.state), to: run.stateName(s.fields.state), fn: w?.fn, line: w?.line });
        }
      }
    }
    const item = stop.item;
    let currentSegment: number | undefined;
    if (item?.kind === 'delivery') currentSegment = run.segmentOfDelivery(item.seg);
    else if (item?.kind === 'event') {
      for (let i = run.segs.length - 1; i >= 0; i--) {
        if (run.segs[i].line === item.event.line) {
          currentSegment = i;
          break;
        }
      }
    }
    const snap: StopSnapshot = {
      ...stopHeader(stop, run.stopCount),
      sockets,
      changed,
      segments: this.segments(),
      ...this.later(),
      currentSegment,
      transitions,
      events: run.bound.events.slice(0, MAX_EVENTS).map((e) => ({ time: e.time, line: e.line, text: (this.lines[e.line - 1] ?? '').replace(/#.*$/, '').trim() })),
    };
    if (run.socks.length > shown.length) snap.socketCount = run.socks.length;
    return snap;
  }

  /**
   * The socks shown (those made so far, in declaration order): all of them, or MAX_SOCKETS: the one
   * whose code runs and its peer first, then those of the previous snapshot, then the first declared.
   */
  private window(current: string, prev: StopSnapshot | undefined): ReleaseRun['socks'] {
    const made = this.run.socks.filter((s) => s.sk);
    if (made.length <= MAX_SOCKETS) return made;
    const byName = new Map(made.map((s) => [s.name, s]));
    const picked = new Set<string>();
    const add = (n: string | undefined) => {
      if (n !== undefined && picked.size < MAX_SOCKETS && byName.has(n)) picked.add(n);
    };
    const running = byName.get(current);
    add(running?.name);
    if (running && running.peer >= 0) add(this.run.socks[running.peer]?.name);
    for (const n of Object.keys(prev?.sockets ?? {})) add(n);
    for (const s of made) add(s.name);
    return made.filter((s) => picked.has(s.name));
  }

  private socketSnapshot(sk: number): SocketSnapshot {
    const run = this.run;
    const fields: Record<string, number> = {};
    const display: Record<string, string> = {};
    const writers: SocketSnapshot['writers'] = {};
    for (const name of this.names) {
      const v = run.field(sk, name);
      fields[name] = v;
      display[name] = this.displayField(name, v);
      const f = this.sock.byName.get(name)!;
      const w = this.writerOf(sk + f.offset, (f.type as { size: number }).size);
      if (w) writers[name] = w;
    }
    return { fields, display, writers, timer: this.timer(sk, 'timer', 'timeout'), retransmit_timer: this.timer(sk, 'retransmit_timer', 'ip_xmit_timeout') };
  }

  private timer(sk: number, which: 'timer' | 'retransmit_timer', reason: string): SocketSnapshot['timer'] {
    const run = this.run;
    const t = run.timerAddress(sk, which);
    if (!run.timerPending(t)) return null;
    return { reason: run.reasonName(run.field(sk, reason)), expires: run.timerExpires(t) };
  }

  /** `TCP_CLOSE_WAIT (8)`, `RCV_SHUTDOWN|SEND_SHUTDOWN (3)`: the constants' names for a field of a family (the values layer's), else the number. */
  displayField(name: string, v: number): string {
    const family = FAMILIES.get(`sock.${name}`);
    const names = family && this.constants.nameOf(v, family);
    return names ? `${names} (${v})` : String(v);
  }

  /**
   * The release statement that last stored into [addr, addr+size) before the current stop: the
   * store's log position, mapped to the stop during whose step it was made. A store made by the
   * machine layer's C (which never stops) falls in the step of the release statement that called
   * into it; a store by the driver between items falls in an event stop and has no writer.
   */
  writerOf(addr: number, size: number): Writer | undefined {
    const run = this.run;
    const H = run.H;
    const end = H.attachedPosition(run.stopIndex);
    const start = H.attachedPosition(0);
    if (end === undefined || start === undefined) return undefined;
    const a = run.run.mem.lastStore(addr, size, start, end);
    if (a === undefined) return undefined;
    // the last stop whose log position is <= a
    let lo = 0;
    let hi = run.stopIndex;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (H.attachedPosition(mid)! <= a) lo = mid;
      else hi = mid - 1;
    }
    const at = H.stopAt(lo);
    if (at.code < 0) return undefined;
    const s = run.stopInfo(lo);
    return s.fn && s.loc ? { stop: lo, fn: s.fn.name, file: s.loc.file, line: s.loc.line } : undefined;
  }

  /**
   * Who took a state transition: tcp_set_state only carries it out, so the taker is the statement
   * that called it, the last stop before the write outside tcp_set_state (tcp_fin's line).
   */
  private taker(w: Writer | undefined): { fn: string; line: number } | undefined {
    if (!w || w.fn !== 'tcp_set_state') return w;
    for (let n = w.stop - 1; n >= 0 && n >= w.stop - 64; n--) {
      if (this.run.H.stopAt(n).code < 0) break;
      const s = this.run.stopInfo(n);
      if (s.fn && s.loc && s.fn.name !== 'tcp_set_state') return { fn: s.fn.name, line: s.loc.line };
    }
    return w;
  }

  /** The segments still to come, once the run's end is known: the first MAX_SEGMENTS of them. */
  later(): { later?: SegmentSnapshot[]; laterTimers?: LaterTimer[] } {
    const run = this.run;
    const later = run.laterSegments();
    if (!later) return {};
    const first = run.segs.length;
    const timers: LaterTimer[] = [];
    for (const f of run.laterFirings() ?? []) {
      if (timers.length === MAX_EVENTS) break;
      if (f.which) timers.push({ time: f.time, socket: f.socket, timer: f.which, reason: f.reason });
    }
    return {
      laterTimers: timers,
      later: later.slice(0, MAX_SEGMENTS).map((r, k) => {
        const i = first + k;
        // made once per segment of the known run (again after a branch of history)
        const kept = this.laterForm.get(i);
        if (kept?.s === r) return kept.form;
        const form = this.segmentForm(i, r);
        this.laterForm.set(i, { s: r, form });
        return form;
      }),
    };
  }
  private readonly laterForm = new Map<number, { s: SegRec; form: SegmentSnapshot }>();

  /** A segment as the panel shows it. */
  private segmentForm(i: number, s: SegRec): SegmentSnapshot {
    const name = (x: number) => (x < 0 ? 'peer' : (this.run.socks[x]?.name ?? 'peer'));
    const seg: SegmentSnapshot = { id: i, from: name(s.from), to: name(s.to), time: s.time, flags: s.flags, seq: s.seq, ack: s.ack, len: s.len, dropped: !!s.dropped };
    const bytes = s.headers ?? this.run.wireHeaders(i);
    if (bytes) seg.bytes = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    return seg;
  }

  /** The latest MAX_SEGMENTS segments; a recorded segment never changes, so its form is made once (again only for a new record, after a branch of history). */
  private segments(): SegmentSnapshot[] {
    const run = this.run;
    const from = Math.max(0, run.segs.length - MAX_SEGMENTS);
    for (let i = from; i < run.segs.length; i++) {
      const s: SegRec = run.segs[i];
      if (this.segOf[i] === s) continue;
      this.segOf[i] = s;
      this.segForm[i] = this.segmentForm(i, s);
    }
    return this.segForm.slice(from, run.segs.length);
  }
}
