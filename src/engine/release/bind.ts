// A scenario bound to the release once, before it runs: every socket, field, constant, function
// and segment resolved (names to layouts and numbers), every problem a diagnostic at its line and
// column. The run loop (run.ts) then handles data only.

import { flagsText } from '../../common/packet';
import type { Assignment, Diagnostic, Range, Scenario, SegmentFate, SegmentSpec, Value } from '../../scenario/ast';
import type { Kernel } from '../cmachine/kernel';
import type { Field, RecT } from '../cmachine/types';

/** A segment as the machine layer builds and describes it: tcpdump letters (S F R P, '.' for ACK, '-' none). */
export interface BoundSeg {
  flags: string;
  seq: number;
  ack: number;
  len: number;
  win: number;
  /** the MSS option's value (kind 2, length 4, after the 20-byte header), 0 for none */
  mss: number;
}

/** Which fields of a segment a `>` or a drop compares (BoundAction's mask): the bit of each. */
export const SEGMENT_MASK: Readonly<Record<string, number>> = { seq: 1, ack: 2, len: 4, win: 8, mss: 16 };

/** A scalar field of struct sock, and the value to give it. */
export interface FieldWrite {
  name: string;
  field: Field;
  value: number;
}

export interface BoundSock {
  name: string;
  index: number;
  /** the linked sock's index, or -1 for the scripted peer */
  peer: number;
  delay: number;
  /** what tcp_conn_request/tcp_connect and the scenario give it, in order (MACHINE.md) */
  fields: FieldWrite[];
  windowSeqGiven: boolean;
  listening: boolean;
  /** from nothing (`socket NAME CLOSED`): the real inet_create and nothing else */
  plain: boolean;
  listener?: number;
  partial?: number;
}

export type BoundAction =
  | { kind: 'close'; timeout: number }
  | { kind: 'rcv'; seg: BoundSeg }
  | { kind: 'call'; fn: string; arg: number; seg?: BoundSeg }
  | { kind: 'set'; fields: FieldWrite[] }
  | { kind: 'drop'; seg: BoundSeg; mask: number }
  | { kind: 'expect'; fields: { name: string; field?: Field; timer?: 'timer' | 'retransmit_timer'; want: number | 'none'; text: string }[] }
  | { kind: 'send'; seg: BoundSeg; mask: number; text: string }
  | { kind: 'listen'; port: number; backlog: number }
  /** connect(2) to sock `peer`'s port, or (-1) to the scripted peer */
  | { kind: 'connect'; peer: number }
  /** accept(2): the new sock becomes sock `child` (-1: one with no name) */
  | { kind: 'accept'; child: number }
  /** shutdown(2)'s how: 0 rd, 1 wr, 2 rdwr */
  | { kind: 'shutdown'; how: number }
  | { kind: 'write' | 'read'; bytes: number }
  | { kind: 'wait' };

export interface BoundEvent {
  time: number;
  sock: number;
  line: number;
  action: BoundAction;
  /** a close() a `fate SOCK close ±TIME` moved: the time its line says */
  writtenAt?: number;
}

/** A `fate` declaration bound: the `n`th segment (from 1) sock `sock` sends over its link meets `fate` (`delay`: `extra` jiffies more). */
export interface BoundFate {
  sock: number;
  n: number;
  fate: SegmentFate;
  extra: number;
  /** the declaration's line (0: the explorer's own) */
  line: number;
}

export interface BoundScenario {
  file: string;
  socks: BoundSock[];
  events: BoundEvent[];
  /** what happens to given segments on the links (none: each is delivered after the link's delay) */
  fates: BoundFate[];
}

/**
 * The events with sock `sock`'s close() lines moved `delta` jiffies (a `fate SOCK close ±TIME`, or
 * the explorer's close times), kept in time order (a moved close goes after the events already at
 * its new time); undefined if a close would move before 0.
 */
export function moveCloses(events: readonly BoundEvent[], sock: number, delta: number): BoundEvent[] | undefined {
  const moved = events.map((e, i) => ({ e: e.sock === sock && e.action.kind === 'close' ? { ...e, time: e.time + delta, writtenAt: e.writtenAt ?? e.time } : e, i, moved: e.sock === sock && e.action.kind === 'close' }));
  if (moved.some((m) => m.e.time < 0)) return undefined;
  return moved.sort((a, b) => a.e.time - b.e.time || (a.moved === b.moved ? a.i - b.i : a.moved ? 1 : -1)).map((m) => m.e);
}

const flagsOf = flagsText;
/** the functions `call` may name (machine/tcp_entries.c's table and the driver's own) */
/** machine/world.h's MACHINE_SOCKETS: how many socks the machine layer holds */
export const MACHINE_SOCKETS = 32;

export const CALLABLE = ['tcp_close_state', 'tcp_send_fin', 'tcp_send_partial', 'tcp_close_pending', 'tcp_time_wait', 'tcp_close', 'release_sock', 'inet_release', 'tcp_ack', 'tcp_fin', 'tcp_data', 'tcp_rcv'];

/** Binds `sc` to the kernel; `constant` resolves a kernel name. Diagnostics name the scenario's file, line and column. */
export function bindScenario(sc: Scenario, kernel: Kernel, constant: (name: string) => number | undefined): { bound: BoundScenario; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const diag = (range: Range, message: string) => diagnostics.push({ file: sc.file, range, severity: 'error', message });
  const sock = kernel.records.get('sock') as RecT | undefined;
  if (!sock) throw new Error('the kernel has no struct sock');
  const value = (v: Value): number | undefined => {
    if (v.kind === 'number') return v.value;
    if (v.kind === 'or') {
      let acc = 0;
      for (const p of v.parts) {
        const x = value(p);
        if (x === undefined) return undefined;
        acc = (acc | x) >>> 0;
      }
      return acc;
    }
    const k = constant(v.name) ?? constant(`TCP_${v.name}`);
    if (k === undefined) diag(v.range, `'${v.name}' is not a constant of the kernel source (an enum or a #define of a number)`);
    return k;
  };
  /** a scalar field of struct sock by (dotted) name, its offset from the sock */
  const fieldOf = (a: Assignment): Field | undefined => {
    let r: RecT = sock;
    let offset = 0;
    let f: Field | undefined;
    const parts = a.name.split('.');
    for (let i = 0; i < parts.length; i++) {
      f = r.byName.get(parts[i]);
      if (!f) {
        diag(a.nameRange, `struct ${r.tag} has no field '${parts[i]}'${i ? ` (in sk->${parts.slice(0, i).join('.')})` : ''}`);
        return undefined;
      }
      offset += f.offset;
      if (i < parts.length - 1) {
        if (f.type.k !== 'record') {
          diag(a.nameRange, `sk->${parts.slice(0, i + 1).join('.')} is not a struct`);
          return undefined;
        }
        r = f.type;
      }
    }
    if (!f || f.type.k !== 'int') {
      diag(a.nameRange, `sk->${a.name} is not a number: a scenario sets only integer fields`);
      return undefined;
    }
    return { ...f, offset };
  };
  const write = (a: Assignment): FieldWrite | undefined => {
    const field = fieldOf(a);
    const v = value(a.value);
    return field && v !== undefined ? { name: a.name, field, value: v } : undefined;
  };
  const must = (name: string): number => {
    const v = constant(name);
    if (v === undefined) throw new Error(`the kernel source defines no ${name}`);
    return v;
  };
  // the machine layer holds MACHINE_SOCKETS socks (machine/world.h): one more is refused where it is declared
  if (sc.sockets.length > MACHINE_SOCKETS) diag(sc.sockets[MACHINE_SOCKETS].nameRange, `the machine layer holds ${MACHINE_SOCKETS} sockets (src/kernel/machine/world.h's MACHINE_SOCKETS): this scenario declares ${sc.sockets.length}`);
  const index = new Map(sc.sockets.map((d, i) => [d.name, i]));
  const peer = new Map<string, { peer: string; delay: number }>();
  for (const l of sc.links) {
    peer.set(l.a, { peer: l.b, delay: l.delay });
    peer.set(l.b, { peer: l.a, delay: l.delay });
  }
  const socks: BoundSock[] = sc.sockets.map((d, i) => {
    const p = peer.get(d.name);
    const b: BoundSock = { name: d.name, index: i, peer: p ? index.get(p.peer)! : -1, delay: p?.delay ?? 0, fields: [], windowSeqGiven: false, listening: false, plain: !!d.plain };
    if (d.plain) return b;
    const set = new Map<string, FieldWrite>();
    const put = (name: string, v: number) => {
      const field = sock.byName.get(name);
      if (field) set.set(name, { name, field, value: v });
    };
    const state = value(d.state);
    if (state !== undefined) put('state', state);
    put('rto', must('TCP_TIMEOUT_INIT'));
    put('window', must('MAX_WINDOW'));
    for (const a of d.fields) {
      if (a.name === 'listener') {
        const parent = a.value.kind === 'name' ? index.get(a.value.name) : undefined;
        if (parent === undefined) diag(a.value.range, `listener= names a socket: no socket '${a.value.kind === 'name' ? a.value.name : '?'}'`);
        else b.listener = parent;
      } else if (a.name === 'partial') {
        const n = value(a.value);
        if (n !== undefined) b.partial = n;
      } else {
        const w = write(a);
        if (w) set.set(w.name, w);
        if (a.name === 'window_seq') b.windowSeqGiven = true;
      }
    }
    const given = (n: string) => d.fields.some((a) => a.name === n);
    const peerDecl = p ? sc.sockets.find((x) => x.name === p.peer) : undefined;
    const pw = peerDecl?.fields.find((a) => a.name === 'write_seq');
    if (!given('acked_seq') && pw) {
      const v = value(pw.value);
      if (v !== undefined) put('acked_seq', v >>> 0);
    }
    const get = (n: string) => set.get(n)?.value ?? 0;
    if (!given('sent_seq')) put('sent_seq', get('write_seq'));
    if (!given('rcv_ack_seq')) put('rcv_ack_seq', get('write_seq'));
    if (!given('copied_seq')) put('copied_seq', get('acked_seq'));
    b.fields = [...set.values()];
    b.listening = state === constant('TCP_LISTEN');
    return b;
  });
  const segOf = (s: SegmentSpec): { seg: BoundSeg; mask: number } => {
    const get = (n: string, dflt: number) => {
      const a = s.fields.find((x) => x.name === n);
      if (!a) return dflt;
      return value(a.value) ?? dflt;
    };
    for (const f of s.fields) if (!Object.hasOwn(SEGMENT_MASK, f.name)) diag(f.nameRange, `a segment has seq=, ack=, len=, win= and mss=: not '${f.name}'`);
    const mask = s.fields.reduce((m, f) => m | (Object.hasOwn(SEGMENT_MASK, f.name) ? SEGMENT_MASK[f.name] : 0), 0);
    return { seg: { flags: flagsOf(s.flags), seq: get('seq', 0) >>> 0, ack: get('ack', 0) >>> 0, len: get('len', 0), win: get('win', 16384), mss: get('mss', 0) }, mask };
  };
  const events: BoundEvent[] = [];
  for (const e of sc.events) {
    const at = { time: e.time, sock: index.get(e.socket) ?? -1, line: e.line };
    const a = e.action;
    switch (a.kind) {
      case 'receive':
        events.push({ ...at, action: { kind: 'rcv', seg: segOf(a.segment).seg } });
        break;
      case 'close':
        events.push({ ...at, action: { kind: 'close', timeout: a.timeout } });
        break;
      case 'call': {
        if (!kernel.fnByName.has(a.function) && !kernel.allFunctionNames().includes(a.function)) diag(a.functionRange, `the kernel source has no function '${a.function}'`);
        else if (!CALLABLE.includes(a.function)) diag(a.functionRange, `'call' reaches the close path's functions (${CALLABLE.join(', ')}): not ${a.function}`);
        const arg = a.args.find((x) => x.name === 'dead') ?? a.args.find((x) => x.name === 'timeout');
        events.push({ ...at, action: { kind: 'call', fn: a.function, arg: arg ? (value(arg.value) ?? 0) : 0, seg: a.segment ? segOf(a.segment).seg : undefined } });
        break;
      }
      case 'set':
        events.push({ ...at, action: { kind: 'set', fields: a.fields.map(write).filter((w): w is FieldWrite => !!w) } });
        break;
      case 'drop': {
        const { seg, mask } = segOf(a.segment);
        events.push({ ...at, action: { kind: 'drop', seg, mask } });
        break;
      }
      case 'send': {
        const { seg, mask } = segOf(a.segment);
        events.push({ ...at, action: { kind: 'send', seg, mask, text: `${a.segment.flags.text}${a.segment.fields.map((f) => ` ${f.name}=${(seg as unknown as Record<string, number>)[f.name]}`).join('')}` } });
        break;
      }
      case 'expect': {
        const fields = a.fields.map((f) => {
          if (f.name === 'timer' || f.name === 'retransmit_timer') {
            const none = f.value.kind === 'name' && f.value.name === 'none';
            return { name: f.name, timer: f.name as 'timer' | 'retransmit_timer', want: none ? ('none' as const) : (value(f.value) ?? 0), text: '' };
          }
          const field = fieldOf(f);
          return { name: f.name, field, want: value(f.value) ?? 0, text: '' };
        });
        events.push({ ...at, action: { kind: 'expect', fields } });
        break;
      }
      case 'listen':
        events.push({ ...at, action: { kind: 'listen', port: a.port, backlog: a.backlog } });
        break;
      case 'connect':
        events.push({ ...at, action: { kind: 'connect', peer: a.peer ? (index.get(a.peer) ?? -1) : -1 } });
        break;
      case 'accept':
        events.push({ ...at, action: { kind: 'accept', child: a.child ? (index.get(a.child) ?? -1) : -1 } });
        break;
      case 'shutdown':
        events.push({ ...at, action: { kind: 'shutdown', how: { rd: 0, wr: 1, rdwr: 2 }[a.how] } });
        break;
      case 'write':
      case 'read':
        events.push({ ...at, action: { kind: a.kind, bytes: a.bytes } });
        break;
      default:
        events.push({ ...at, action: { kind: 'wait' } });
    }
  }
  let moved: BoundEvent[] = events;
  const fates: BoundFate[] = [];
  for (const f of sc.fates) {
    const i = index.get(f.socket)!;
    if (f.fate !== 'close') {
      fates.push({ sock: i, n: f.n, fate: f.fate, extra: f.delay, line: f.line });
      continue;
    }
    if (!moved.some((e) => e.sock === i && e.action.kind === 'close')) {
      diag(f.range, `'${f.socket}' has no close line to move`);
      continue;
    }
    const m = moveCloses(moved, i, f.delay);
    if (!m) diag(f.range, `this moves a close of '${f.socket}' before the start (time 0)`);
    else moved = m;
  }
  return { bound: { file: sc.file, socks, events: moved, fates }, diagnostics };
}
