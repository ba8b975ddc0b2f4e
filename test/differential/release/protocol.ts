// The differential driver protocol: what both sides of the differential test read and write.
//
// In: cases as data, one flat line-oriented text (numbers only, no kernel constant names), so
// that a small C driver can read it with strtok:
//
//   case NAME                          a case starts; NAME has no spaces
//   jiffies N                          the clock at the start
//   sock NAME k=v ...                  a sock from inet_create, made a connection, then these integer fields
//   plain NAME                         a sock from inet_create and nothing else (socket(2)): from nothing
//   timer NAME timer|retransmit_timer REASON EXPIRES   armed with add_timer (EXPIRES relative)
//   listener CHILD PARENT              an skb with skb->sk = CHILD queued on PARENT's receive_queue
//   partial NAME N                     sk->partial = an skb of N bytes ending at write_seq
//   link A B DELAY                     each the other's peer; a segment arrives DELAY jiffies later
//   ev T SOCK close TIMEOUT            0: inet_release (close(2)); else tcp_close(sk, TIMEOUT)
//   ev T SOCK rcv FLAGS SEQ ACK LEN WIN [MSS]  a segment from the scripted peer, into tcp_rcv; MSS: the
//                                      value of its MSS option (absent or 0: none)
//   ev T SOCK call FN N k=v*N [seg FLAGS SEQ ACK LEN WIN [MSS]]   a kernel function, arguments by name
//   ev T SOCK fire timer|retransmit_timer      the timer fires now (taken off the list first)
//   ev T SOCK set k=v ...              fields changed
//   ev T SOCK drop FLAGS MASK SEQ ACK LEN WIN [MSS]  lose the next segment SOCK sends that matches
//                                      (MASK: 1 seq, 2 ack, 4 len, 8 win, 16 mss are compared)
//   ev T - wait                        nothing: time passes (timers and deliveries due fire)
//   ev T SOCK listen PORT BACKLOG      listen(2): inet_bind to PORT (0: none, inet_listen binds one), inet_listen
//   ev T SOCK connect PEER|-           connect(2), non-blocking: inet_connect to PEER's port, or to the scripted
//                                      peer (-, port 4096+i); tcp_connect sends the SYN
//   ev T SOCK accept CHILD|-           accept(2), non-blocking: inet_accept, the new sock becomes CHILD (a plain
//                                      sock of the case) or one of no name (-)
//   ev T SOCK shutdown HOW             shutdown(2), HOW 0 rd, 1 wr, 2 rdwr: inet_shutdown
//   ev T SOCK write N                  write(2) of N bytes, non-blocking: inet_write, tcp_write
//   ev T SOCK read N                   read(2) of at most N bytes, non-blocking: inet_read, tcp_read
//                                      (listen, connect, accept, shutdown, write, read: the record's ret
//                                      is what the call returned)
//   end
//
// The agenda is the debugger's (src/engine/release/run.ts, MACHINE.md): before an event at time T, the timers due
// at or before T (earliest, then first armed) and the segments arriving at or before T (earliest,
// then first sent) run, a timer before a delivery at the same time; after the last event nothing
// more happens. FLAGS are tcpdump letters (S F R P, '.' for ACK, '-' for none).
//
// Out: one JSON record per case (see `Outcome`), printed on one line each.

import type { Scenario, Value } from '../../../src/scenario/ast';
import { SEGMENT_MASK } from '../../../src/engine/release/bind';
import type { Node as TSNode } from 'web-tree-sitter';
import type { TreeParse as CParse } from '../../../src/engine/front/load';

export interface Seg {
  flags: string;
  seq: number;
  ack: number;
  len: number;
  win: number;
  /** the value of the MSS option (0: none) */
  mss: number;
}

export type PEvent = { time: number; sock: string } & (
  | { kind: 'close'; timeout: number }
  | { kind: 'rcv'; seg: Seg }
  | { kind: 'call'; fn: string; args: [string, number][]; seg?: Seg }
  | { kind: 'fire'; which: 'timer' | 'retransmit_timer' }
  | { kind: 'set'; fields: [string, number][] }
  | { kind: 'drop'; seg: Seg; mask: number }
  | { kind: 'wait' }
  | { kind: 'listen'; port: number; backlog: number }
  | { kind: 'connect'; peer: string }
  | { kind: 'accept'; child: string }
  | { kind: 'shutdown'; how: number }
  | { kind: 'write' | 'read'; bytes: number }
);

export interface PCase {
  name: string;
  jiffies: number;
  /** plain: made by inet_create only (`socket NAME`), no connection fields */
  socks: { name: string; fields: [string, number][]; plain?: boolean }[];
  timers: { sock: string; which: 'timer' | 'retransmit_timer'; reason: number; expires: number }[];
  listeners: { child: string; parent: string }[];
  partials: { sock: string; bytes: number }[];
  links: { a: string; b: string; delay: number }[];
  events: PEvent[];
}

/** An skb on a queue (or in sk->partial), as both sides describe it. */
export interface SkbOut {
  seq: number;
  ack: number;
  flags: string;
  /** skb->len */
  len: number;
  /** the name of skb->sk, '' for NULL, '?' for a sock that is not the case's */
  sk: string;
}

export interface SockOut {
  name: string;
  /** every integer field of struct sock the kernel C writes, by name */
  fields: Record<string, number>;
  timers: Record<string, { pending: number; expires: number }>;
  queues: Record<string, SkbOut[]>;
  skbs: Record<string, SkbOut | null>;
}

export interface Outcome {
  case: string;
  jiffies: number;
  /** set when the C faulted (interpreter) or a case could not run */
  error?: string;
  /** the return value of the last `call` event */
  ret: number;
  /** what each call an event made returned, in order: close, a `call`'s function, listen, connect, accept, shutdown, write, read */
  returns: { t: number; sock: string; call: string; ret: number }[];
  sockets: SockOut[];
  /** every segment, in the order sent or injected: from, to, time, flags, seq, ack, len, win, dropped */
  segments: { from: string; to: string; time: number; flags: string; seq: number; ack: number; len: number; win: number; dropped: number }[];
  printk: { time: number; text: string }[];
}

// ---- the text ----

const segText = (s: Seg) => `${s.flags || '-'} ${s.seq >>> 0} ${s.ack >>> 0} ${s.len} ${s.win} ${s.mss}`;
const kv = (p: [string, number][]) => p.map(([k, v]) => `${k}=${v}`).join(' ');

export function serialise(cases: PCase[]): string {
  const out: string[] = [];
  for (const c of cases) {
    out.push(`case ${c.name}`, `jiffies ${c.jiffies >>> 0}`);
    for (const s of c.socks) out.push(s.plain ? `plain ${s.name}` : `sock ${s.name} ${kv(s.fields)}`.trimEnd());
    for (const t of c.timers) out.push(`timer ${t.sock} ${t.which} ${t.reason} ${t.expires >>> 0}`);
    for (const l of c.listeners) out.push(`listener ${l.child} ${l.parent}`);
    for (const p of c.partials) out.push(`partial ${p.sock} ${p.bytes}`);
    for (const l of c.links) out.push(`link ${l.a} ${l.b} ${l.delay}`);
    for (const e of c.events) {
      const head = `ev ${e.time >>> 0} ${e.sock || '-'}`;
      switch (e.kind) {
        case 'close':
          out.push(`${head} close ${e.timeout}`);
          break;
        case 'rcv':
          out.push(`${head} rcv ${segText(e.seg)}`);
          break;
        case 'call':
          out.push(`${head} call ${e.fn} ${e.args.length}${e.args.length ? ' ' + kv(e.args) : ''}${e.seg ? ` seg ${segText(e.seg)}` : ''}`);
          break;
        case 'fire':
          out.push(`${head} fire ${e.which}`);
          break;
        case 'set':
          out.push(`${head} set ${kv(e.fields)}`);
          break;
        case 'drop':
          out.push(`${head} drop ${e.seg.flags || '-'} ${e.mask} ${e.seg.seq >>> 0} ${e.seg.ack >>> 0} ${e.seg.len} ${e.seg.win} ${e.seg.mss}`);
          break;
        case 'wait':
          out.push(`${head} wait`);
          break;
        case 'listen':
          out.push(`${head} listen ${e.port} ${e.backlog}`);
          break;
        case 'connect':
          out.push(`${head} connect ${e.peer || '-'}`);
          break;
        case 'accept':
          out.push(`${head} accept ${e.child || '-'}`);
          break;
        case 'shutdown':
          out.push(`${head} shutdown ${e.how}`);
          break;
        case 'write':
        case 'read':
          out.push(`${head} ${e.kind} ${e.bytes}`);
          break;
      }
    }
    out.push('end');
  }
  return out.join('\n') + '\n';
}

/** Reads the protocol text (the interpreter side reads exactly what the gcc side reads). */
export function parseProtocol(text: string): PCase[] {
  const cases: PCase[] = [];
  let c: PCase | undefined;
  const num = (s: string | undefined, where: string) => {
    if (s === undefined || !/^-?\d+$/.test(s)) throw new Error(`protocol ${where}: expected a number, found ${s}`);
    return Number(s);
  };
  const pairs = (ws: string[], where: string): [string, number][] =>
    ws.map((w) => {
      const i = w.indexOf('=');
      if (i <= 0) throw new Error(`protocol ${where}: expected k=v, found ${w}`);
      return [w.slice(0, i), num(w.slice(i + 1), where)];
    });
  // the MSS word is optional (a line of five words, as before it: no option)
  const seg = (w: string[], at: number, where: string): Seg => ({ flags: w[at], seq: num(w[at + 1], where), ack: num(w[at + 2], where), len: num(w[at + 3], where), win: num(w[at + 4], where), mss: w[at + 5] === undefined ? 0 : num(w[at + 5], where) });
  text.split('\n').forEach((line, i) => {
    const where = `line ${i + 1}`;
    const w = line.trim().split(/\s+/).filter(Boolean);
    if (!w.length) return;
    if (w[0] === 'case') {
      c = { name: w[1], jiffies: 0, socks: [], timers: [], listeners: [], partials: [], links: [], events: [] };
      return;
    }
    if (!c) throw new Error(`protocol ${where}: ${w[0]} outside a case`);
    switch (w[0]) {
      case 'jiffies':
        c.jiffies = num(w[1], where);
        break;
      case 'sock':
        c.socks.push({ name: w[1], fields: pairs(w.slice(2), where) });
        break;
      case 'plain':
        c.socks.push({ name: w[1], fields: [], plain: true });
        break;
      case 'timer':
        c.timers.push({ sock: w[1], which: w[2] as 'timer', reason: num(w[3], where), expires: num(w[4], where) });
        break;
      case 'listener':
        c.listeners.push({ child: w[1], parent: w[2] });
        break;
      case 'partial':
        c.partials.push({ sock: w[1], bytes: num(w[2], where) });
        break;
      case 'link':
        c.links.push({ a: w[1], b: w[2], delay: num(w[3], where) });
        break;
      case 'ev': {
        const time = num(w[1], where);
        const sock = w[2] === '-' ? '' : w[2];
        switch (w[3]) {
          case 'close':
            c.events.push({ time, sock, kind: 'close', timeout: num(w[4], where) });
            break;
          case 'rcv':
            c.events.push({ time, sock, kind: 'rcv', seg: seg(w, 4, where) });
            break;
          case 'call': {
            const n = num(w[5], where);
            const args = pairs(w.slice(6, 6 + n), where);
            const rest = w.slice(6 + n);
            c.events.push({ time, sock, kind: 'call', fn: w[4], args, seg: rest[0] === 'seg' ? seg(rest, 1, where) : undefined });
            break;
          }
          case 'fire':
            c.events.push({ time, sock, kind: 'fire', which: w[4] as 'timer' });
            break;
          case 'set':
            c.events.push({ time, sock, kind: 'set', fields: pairs(w.slice(4), where) });
            break;
          case 'drop':
            c.events.push({ time, sock, kind: 'drop', mask: num(w[5], where), seg: { ...seg(w, 5, where), flags: w[4] } });
            break;
          case 'wait':
            c.events.push({ time, sock, kind: 'wait' });
            break;
          case 'listen':
            c.events.push({ time, sock, kind: 'listen', port: num(w[4], where), backlog: num(w[5], where) });
            break;
          case 'connect':
            c.events.push({ time, sock, kind: 'connect', peer: w[4] === '-' ? '' : w[4] });
            break;
          case 'accept':
            c.events.push({ time, sock, kind: 'accept', child: w[4] === '-' ? '' : w[4] });
            break;
          case 'shutdown':
            c.events.push({ time, sock, kind: 'shutdown', how: num(w[4], where) });
            break;
          case 'write':
          case 'read':
            c.events.push({ time, sock, kind: w[3], bytes: num(w[4], where) });
            break;
          default:
            throw new Error(`protocol ${where}: unknown event ${w[3]}`);
        }
        break;
      }
      case 'end':
        cases.push(c);
        c = undefined;
        break;
      default:
        throw new Error(`protocol ${where}: unknown line ${w[0]}`);
    }
  });
  return cases;
}

// ---- the inputs: case files and scenarios, turned into protocol cases ----

export type Resolve = (name: string) => number | undefined;

const flagsOf = (f: { syn: boolean; fin: boolean; rst: boolean; psh: boolean; ack: boolean }) => (f.syn ? 'S' : '') + (f.fin ? 'F' : '') + (f.rst ? 'R' : '') + (f.psh ? 'P' : '') + (f.ack ? '.' : '') || '-';

/** A value as the scenario language reads it: numbers, constants (TCP_ optional), a|b. */
export function valueOf(v: string | Value, resolve: Resolve, where: string): number {
  if (typeof v !== 'string') {
    if (v.kind === 'number') return v.value;
    if (v.kind === 'or') return v.parts.reduce((acc, p) => (acc | valueOf(p, resolve, where)) >>> 0, 0);
    v = v.name;
  }
  if (v.includes('|')) return v.split('|').reduce((acc, p) => (acc | valueOf(p, resolve, where)) >>> 0, 0);
  if (/^-?(0x[0-9a-f]+|\d+)$/i.test(v)) return Number(v);
  const k = resolve(v) ?? resolve(`TCP_${v}`);
  if (k === undefined) throw new Error(`${where}: unknown constant ${v}`);
  return k;
}


/**
 * A scenario (the debugger's language) as a protocol case, with the defaults the debugger's run
 * gives a socket made explicit (src/engine/run.ts setup): rto TCP_TIMEOUT_INIT, window
 * MAX_WINDOW, acked_seq the peer's write_seq, sent_seq and rcv_ack_seq write_seq, copied_seq
 * acked_seq. Expectations (`expect`, `>`) become `wait` events: they change nothing, but time
 * passes up to them.
 */
export function scenarioCase(name: string, sc: Scenario, resolve: Resolve): PCase {
  const where = sc.file;
  const val = (v: Value) => valueOf(v, resolve, where);
  const c: PCase = { name, jiffies: 0, socks: [], timers: [], listeners: [], partials: [], links: sc.links.map((l) => ({ a: l.a, b: l.b, delay: l.delay })), events: [] };
  const peerOf = new Map<string, string>();
  for (const l of sc.links) {
    peerOf.set(l.a, l.b);
    peerOf.set(l.b, l.a);
  }
  const decl = new Map(sc.sockets.map((d) => [d.name, d]));
  for (const d of sc.sockets) {
    if (d.plain) {
      c.socks.push({ name: d.name, fields: [], plain: true });
      continue;
    }
    const f = new Map<string, number>([
      ['state', val(d.state)],
      ['rto', resolve('TCP_TIMEOUT_INIT') ?? 300],
      ['window', resolve('MAX_WINDOW') ?? 16384],
    ]);
    for (const a of d.fields) {
      if (a.name === 'listener' && a.value.kind === 'name') c.listeners.push({ child: d.name, parent: a.value.name });
      else if (a.name === 'partial') c.partials.push({ sock: d.name, bytes: val(a.value) });
      else f.set(a.name, val(a.value));
    }
    const peer = peerOf.has(d.name) ? decl.get(peerOf.get(d.name)!) : undefined;
    const pw = peer?.fields.find((a) => a.name === 'write_seq');
    if (!f.has('acked_seq') && pw) f.set('acked_seq', val(pw.value) >>> 0);
    if (!f.has('sent_seq')) f.set('sent_seq', f.get('write_seq') ?? 0);
    if (!f.has('rcv_ack_seq')) f.set('rcv_ack_seq', f.get('write_seq') ?? 0);
    if (!f.has('copied_seq')) f.set('copied_seq', f.get('acked_seq') ?? 0);
    c.socks.push({ name: d.name, fields: [...f] });
  }
  const segOf = (s: { flags: any; fields: { name: string; value: Value }[] }): Seg => {
    const get = (n: string, dflt: number) => {
      const a = s.fields.find((x) => x.name === n);
      return a ? val(a.value) : dflt;
    };
    return { flags: flagsOf(s.flags), seq: get('seq', 0) >>> 0, ack: get('ack', 0) >>> 0, len: get('len', 0), win: get('win', 16384), mss: get('mss', 0) };
  };
  for (const e of sc.events) {
    const ev = { time: e.time, sock: e.socket };
    const a = e.action;
    switch (a.kind) {
      case 'receive':
        c.events.push({ ...ev, kind: 'rcv', seg: segOf(a.segment) });
        break;
      case 'close':
        c.events.push({ ...ev, kind: 'close', timeout: a.timeout });
        break;
      case 'call':
        c.events.push({ ...ev, kind: 'call', fn: a.function, args: a.args.map((x) => [x.name, val(x.value)]), seg: a.segment ? segOf(a.segment) : undefined });
        break;
      case 'set':
        c.events.push({ ...ev, kind: 'set', fields: a.fields.map((x) => [x.name, val(x.value)]) });
        break;
      case 'drop': {
        const mask = a.segment.fields.reduce((m, f) => m | (Object.hasOwn(SEGMENT_MASK, f.name) ? SEGMENT_MASK[f.name] : 0), 0);
        c.events.push({ ...ev, kind: 'drop', seg: segOf(a.segment), mask });
        break;
      }
      case 'expect':
      case 'send':
      case 'wait':
        c.events.push({ time: e.time, sock: '', kind: 'wait' });
        break;
      case 'listen':
        c.events.push({ ...ev, kind: 'listen', port: a.port, backlog: a.backlog });
        break;
      case 'connect':
        c.events.push({ ...ev, kind: 'connect', peer: a.peer ?? '' });
        break;
      case 'accept':
        c.events.push({ ...ev, kind: 'accept', child: a.child ?? '' });
        break;
      case 'shutdown':
        c.events.push({ ...ev, kind: 'shutdown', how: SHUTDOWN_HOW[a.how] });
        break;
      case 'write':
      case 'read':
        c.events.push({ ...ev, kind: a.kind, bytes: a.bytes });
        break;
    }
  }
  return c;
}

/** shutdown(2)'s `how` argument for each direction a scenario writes. */
const SHUTDOWN_HOW = { rd: 0, wr: 1, rdwr: 2 } as const;

// ---- what the kernel C writes ----

/**
 * The fields of struct sock the kernel C writes, read from the source itself (tree-sitter): the
 * left side of every assignment and the operand of every ++/--, where the access chain's last
 * `->` names a field of struct sock (`sk->state = ...`, `skb->sk->dead = 1`, `sk->timer.expires
 * = ...` counts as `timer`). A field of another struct with a sock field's name is counted too
 * (it is compared needlessly, never missed).
 */
export function writtenSockFields(parse: CParse, sources: string[], sockFields: Set<string>): string[] {
  const found = new Set<string>();
  const lhsField = (n: TSNode | null) => {
    let last: string | undefined;
    for (let x = n; x && x.type === 'field_expression'; x = x.childForFieldName('argument')) {
      const op = x.children.find((k) => k && (k.type === '->' || k.type === '.'));
      const name = x.childForFieldName('field')?.text;
      // the outermost `->` naming a sock field is the field written (`skb->sk->dead`: dead)
      if (op?.type === '->' && name && sockFields.has(name) && last === undefined) last = name;
    }
    if (last) found.add(last);
  };
  for (const text of sources) {
    const tree = parse(text);
    const walk = (n: TSNode) => {
      if (n.type === 'assignment_expression') lhsField(n.childForFieldName('left'));
      else if (n.type === 'update_expression') lhsField(n.childForFieldName('argument'));
      for (const k of n.namedChildren) if (k) walk(k);
    };
    walk(tree.rootNode);
    tree.delete?.();
  }
  return [...found].sort();
}
