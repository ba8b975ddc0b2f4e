// Reading the sockets for people: field values with names for states, shutdown bits and timer
// reasons, timers with their expiry, and the difference between two moments.

import { seconds } from '../common/clock';
import { CStruct, isInt } from './ctypes';
import type { Run } from './run';
import { flagText, type SocketInfo } from './world';

export interface TimerView {
  reason: string;
  /** absolute jiffies */
  expires: number;
}

/** The fields of one socket a reader cares about, as numbers, plus its two timers. */
export interface SocketView {
  fields: Record<string, number>;
  timer: TimerView | null;
  retransmit_timer: TimerView | null;
}

/** Fields shown first, in this order (the rest of struct sock's integer fields follow). */
export const KEY_FIELDS = ['state', 'shutdown', 'fin_seq', 'write_seq', 'sent_seq', 'acked_seq', 'rcv_ack_seq', 'copied_seq', 'dead', 'inuse', 'keepopen', 'rto', 'retransmits', 'timeout', 'ip_xmit_timeout'];

export function socketView(run: Run, info: SocketInfo): SocketView {
  const sk = info.sk;
  const fields: Record<string, number> = {};
  // numbers only: a field holding a pointer kept in an integer is shown by displayField, not here
  for (const name of KEY_FIELDS) {
    const fl = sk.type.byName.get(name);
    if (fl && isInt(fl.type) && typeof sk.f[fl.index] === 'number') fields[name] = sk.f[fl.index];
  }
  for (const fl of sk.type.fields) if (isInt(fl.type) && !(fl.name in fields) && typeof sk.f[fl.index] === 'number') fields[fl.name] = sk.f[fl.index];
  return { fields, timer: timerView(run, sk, 'timer', 'timeout'), retransmit_timer: timerView(run, sk, 'retransmit_timer', 'ip_xmit_timeout') };
}

function timerView(run: Run, sk: CStruct, which: string, reasonField: string): TimerView | null {
  const t = sk.get(which) as CStruct;
  if (!run.world.timerPending(t)) return null;
  return { reason: run.constantName(sk.get(reasonField), 'TIME_'), expires: run.world.timerExpires(t) };
}

/** A field's value as a reader wants it: states and reasons by name, shutdown bits by name. */
export function displayField(run: Run, name: string, v: number): string {
  if (typeof v !== 'number') return pointerText(run, v);
  if (name === 'state') return `${run.constantName(v, 'TCP_')} (${v})`;
  if (name === 'timeout' || name === 'ip_xmit_timeout') return v ? `${run.constantName(v, 'TIME_')} (${v})` : '0';
  if (name === 'shutdown') {
    const bits: string[] = [];
    if (v & 1) bits.push('RCV_SHUTDOWN');
    if (v & 2) bits.push('SEND_SHUTDOWN');
    return bits.length ? `${bits.join('|')} (${v})` : '0';
  }
  return String(v);
}

/** A pointer (or a pointer kept in an integer) for people: a socket by name, NULL, a function by name. */
export function pointerText(run: Run, v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (v instanceof CStruct) {
    const owner = run.world.byStruct.get(v);
    return owner ? `(struct sock *) ${owner.name}` : `(struct ${v.type.name} *) #${v.id}`;
  }
  if (typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string') return `${(v as { name: string }).name}()`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

export function displayTimer(t: TimerView | null, now: number): string {
  if (!t) return 'not pending';
  const left = (t.expires - now) | 0;
  return `${t.reason}, expires at ${t.expires} (in ${left} jiffies = ${seconds(left)})`;
}

export interface Change {
  socket: string;
  field: string;
  before: string;
  after: string;
}

/** What changed between two views of every socket. */
export function diffViews(run: Run, a: Map<string, SocketView>, b: Map<string, SocketView>): Change[] {
  const out: Change[] = [];
  for (const [name, vb] of b) {
    const va = a.get(name);
    if (!va) continue;
    for (const k of Object.keys(vb.fields)) {
      if (va.fields[k] !== vb.fields[k]) out.push({ socket: name, field: k, before: displayField(run, k, va.fields[k]), after: displayField(run, k, vb.fields[k]) });
    }
    for (const k of ['timer', 'retransmit_timer'] as const) {
      const x = va[k];
      const y = vb[k];
      if (JSON.stringify(x) !== JSON.stringify(y)) {
        const d = (t: TimerView | null) => (t ? `${t.reason} @${t.expires}` : 'none');
        out.push({ socket: name, field: k, before: d(x), after: d(y) });
      }
    }
  }
  return out;
}

export function allViews(run: Run): Map<string, SocketView> {
  const m = new Map<string, SocketView>();
  for (const [name, info] of run.world.sockets) m.set(name, socketView(run, info));
  return m;
}

/** The end-of-run summary of a socket in the CLI's JSON form. */
export function endSocketJson(run: Run, info: SocketInfo): Record<string, unknown> {
  const v = socketView(run, info);
  const f = v.fields;
  return {
    state: run.constantName(f.state, 'TCP_'),
    shutdown: f.shutdown,
    fin_seq: f.fin_seq,
    write_seq: f.write_seq,
    sent_seq: f.sent_seq,
    acked_seq: f.acked_seq,
    rcv_ack_seq: f.rcv_ack_seq,
    dead: f.dead,
    timer: v.timer,
    retransmit_timer: v.retransmit_timer,
    rtt: f.rtt,
    rto: f.rto,
    backoff: f.backoff,
    retransmits: f.retransmits,
    // every segment the socket sent, in order: how others check the debugger against a kernel
    sent: info.sent.map((s) => ({ t: s.time, flags: flagText(s.flags), seq: s.seq >>> 0, ack: s.ack >>> 0, len: s.len, win: s.win, dropped: s.dropped })),
  };
}
