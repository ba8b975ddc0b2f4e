// The end record of a release run: per sock its integer fields, both timers, its queues and the
// segments it sent; every segment; printk's lines. The same record the fidelity oracle prints
// from gcc's build (test/differential/release/record.c and driver.c), so the two can be compared
// field for field, and the CLI's JSON end record.

import type { RecT } from '../cmachine/types';
import type { ReleaseRun, SegRec } from './run';

export interface SkbRecord {
  len: number;
  sk: string;
  seq?: number;
  flags?: string;
  ack?: number;
  data?: number;
  end?: number;
}

export interface SockRecord {
  name: string;
  freed: number;
  fields: Record<string, number>;
  timers: Record<'timer' | 'retransmit_timer', { pending: number; reason: number; expires: number }>;
  queues: Record<'write_queue' | 'receive_queue' | 'back_log' | 'send_head', SkbRecord[]>;
  partial: SkbRecord | null;
  sent: { t: number; flags: string; seq: number; ack: number; len: number; win: number; dropped: number }[];
}

export interface RunRecord {
  case: string;
  jiffies: number;
  ret: number;
  /** what each call a scenario line made returned, in order: at jiffies t, on sock (its name), the call (close, a `call`'s function, listen, connect, accept, shutdown, write, read) */
  returns: { t: number; sock: string; call: string; ret: number }[];
  error?: string;
  sockets: SockRecord[];
  segments: { from: string; to: string; time: number; flags: string; seq: number; ack: number; len: number; win: number; dropped: number }[];
  printk: { time: number; text: string }[];
}

/** The record of `run` as it stands, with the sock fields `fields` (in that order). */
export function runRecord(run: ReleaseRun, name: string, fields: readonly string[]): RunRecord {
  const k = run.image.kernel;
  const mem = run.run.mem;
  const rec = (tag: string): RecT => {
    const r = k.records.get(tag);
    if (!r) throw new Error(`the kernel has no struct ${tag}`);
    return r;
  };
  const sock = rec('sock');
  const skb = rec('sk_buff');
  const tcp = rec('tcphdr');
  const off = (r: RecT, f: string) => {
    const x = r.byName.get(f);
    if (!x) throw new Error(`struct ${r.tag} has no ${f}`);
    return x.offset;
  };
  const bit = (r: RecT, f: string, at: number): number => {
    const x = r.byName.get(f)!;
    const word = mem.u16(at + x.offset);
    return Math.floor(word / 2 ** (x.bitOffset ?? 0)) % 2 ** (x.bits ?? 16);
  };
  const nameOf = (sk: number) => (sk ? (run.socks.find((s) => s.sk === sk)?.name ?? '?') : '');
  const be32 = (a: number) => {
    const v = mem.u32(a);
    return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
  };
  const flagsAt = (th: number) => {
    let f = (bit(tcp, 'syn', th) ? 'S' : '') + (bit(tcp, 'fin', th) ? 'F' : '') + (bit(tcp, 'rst', th) ? 'R' : '') + (bit(tcp, 'psh', th) ? 'P' : '') + (bit(tcp, 'ack', th) ? '.' : '');
    if (!f) f = '-';
    return f;
  };
  const skbRecord = (x: number, received: boolean): SkbRecord => {
    const len = mem.u32(x + off(skb, 'len'));
    const out: SkbRecord = { len, sk: nameOf(mem.u32(x + off(skb, 'sk'))) };
    const hAt = x + off(skb, 'h');
    if (received) {
      const th = mem.u32(hAt);
      out.seq = mem.u32(th + off(tcp, 'seq'));
      out.flags = flagsAt(th);
      return out;
    }
    const data = x + off(skb, 'data');
    const vi = mem.u8(data);
    const ihl = vi & 0x0f;
    if (vi >> 4 !== 4 || ihl < 5 || len < ihl * 4 + tcp.size) return out;
    const th = data + ihl * 4;
    out.seq = be32(th + off(tcp, 'seq'));
    out.flags = flagsAt(th);
    out.ack = be32(th + off(tcp, 'ack_seq'));
    out.data = (len - ihl * 4 - bit(tcp, 'doff', th) * 4) >>> 0;
    out.end = mem.u32(hAt);
    return out;
  };
  const queue = (sk: number, f: string, received: boolean): SkbRecord[] => {
    const head = sk + off(sock, f);
    const out: SkbRecord[] = [];
    for (let x = mem.u32(head + off(rec('sk_buff_head'), 'next')); x && x !== head && out.length < 1000; x = mem.u32(x + off(skb, 'next'))) out.push(skbRecord(x, received));
    return out;
  };
  const sockets: SockRecord[] = run.socks.map((s) => {
    const f: Record<string, number> = {};
    for (const n of fields) f[n] = run.field(s.sk, n);
    const timer = (which: 'timer' | 'retransmit_timer', reason: string) => {
      const t = s.sk + off(sock, which);
      return { pending: run.timerPending(t) ? 1 : 0, reason: run.field(s.sk, reason), expires: run.timerExpires(t) };
    };
    const sendHead: SkbRecord[] = [];
    for (let x = mem.u32(s.sk + off(sock, 'send_head')); x && sendHead.length < 1000; x = mem.u32(x + off(skb, 'link3'))) sendHead.push(skbRecord(x, false));
    const partial = mem.u32(s.sk + off(sock, 'partial'));
    // a held partial skb has no end yet: until tcp_send_skb sets skb->h.seq the union holds its TCP header's address
    const held = (x: SkbRecord): SkbRecord => {
      delete x.end;
      return x;
    };
    return {
      name: s.name,
      freed: run.freed(s.sk) ? 1 : 0,
      fields: f,
      timers: { timer: timer('timer', 'timeout'), retransmit_timer: timer('retransmit_timer', 'ip_xmit_timeout') },
      queues: { write_queue: queue(s.sk, 'write_queue', false), receive_queue: queue(s.sk, 'receive_queue', true), back_log: queue(s.sk, 'back_log', true), send_head: sendHead },
      partial: partial ? held(skbRecord(partial, false)) : null,
      sent: run.segs.filter((r) => r.from === s.index).map((r) => ({ t: r.time, flags: r.flags, seq: r.seq, ack: r.ack, len: r.len, win: r.win, dropped: r.dropped })),
    };
  });
  const who = (i: number) => (i < 0 ? 'peer' : run.socks[i].name);
  const seg = (r: SegRec) => ({ from: who(r.from), to: who(r.to), time: r.time, flags: r.flags, seq: r.seq, ack: r.ack, len: r.len, win: r.win, dropped: r.dropped });
  const returns = run.returns.map((r) => ({ t: r.t, sock: who(r.sock), call: r.call, ret: r.ret }));
  const out: RunRecord = { case: name, jiffies: run.jiffies, ret: run.lastReturn, returns, sockets, segments: run.segs.map(seg), printk: run.printk() };
  if (run.fault) out.error = `machine fault: ${run.fault}`;
  return out;
}
