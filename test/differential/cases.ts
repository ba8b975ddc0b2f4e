// The single-call cases (cases.txt) on the interpreter's side, as the benchmark runs them: read them, and set one up on a
// fresh, zeroed sock exactly as harness.c does, ready to call. Used by the benchmark (the
// differential test reads cases.txt through protocol.ts singleCallCases).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CStruct, intConverter, isInt } from '../../src/engine/ctypes';
import type { CFunction } from '../../src/engine/code';
import type { Run } from '../../src/engine/run';
import type { SocketInfo } from '../../src/engine/world';

export interface Case {
  line: number;
  text: string;
  entry: string;
  sk: [string, string][];
  args: Map<string, string>;
}

export function readCases(file = join(__dirname, 'cases.txt')): Case[] {
  const out: Case[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (!text.trim() || text.startsWith('#')) return;
      const [left, right = ''] = text.split(';');
      const [entry, ...kv] = left.trim().split(/\s+/);
      const pairs = (s: string) => s.trim().split(/\s+/).filter(Boolean).map((p) => p.split('=') as [string, string]);
      out.push({ line: i + 1, text, entry, sk: pairs(kv.join(' ')), args: new Map(pairs(right)) });
    });
  return out;
}

export interface PreparedCase {
  target: CFunction;
  args: any[];
  sk: CStruct;
  info: SocketInfo;
}

/** Sets case `c` up on a fresh sock named `case<n>` (jiffies, fields, pending timers, arguments). */
export function prepareCase(run: Run, c: Case, n: number): PreparedCase {
  const w = run.world;
  const H = run.H;
  const value = (v: string) => {
    if (/^-?(0x[0-9a-f]+|\d+)$/i.test(v)) return Number(v);
    const k = run.prog.constants.get(v);
    if (k === undefined) throw new Error(`case line ${c.line}: unknown constant ${v}`);
    return k;
  };
  const sk = new CStruct(w.skType);
  const name = `case${n}`;
  const info: SocketInfo = { name, sk, delay: 0, drops: [], cursor: [0], sent: [] };
  w.sockets.set(name, info);
  w.byStruct.set(sk, info);
  const setF = (s: CStruct, f: string, v: unknown) => {
    const fl = s.type.byName.get(f);
    if (!fl) throw new Error(`case line ${c.line}: struct ${s.type.name} has no field ${f}`);
    H.set(s.f, fl.index, isInt(fl.type) && typeof v === 'number' ? intConverter(fl.type, fl.bits ?? fl.type.bits)(v) : v);
  };
  setF(sk, 'state_change', run.prog.fnByName.get('def_callback1'));
  w.initTimer(sk.get('timer'), sk, run.prog.fnByName.get('net_timer'));
  w.initTimer(sk.get('retransmit_timer'), sk, run.prog.fnByName.get('retransmit_timer'));
  const addTimer = w.natives().get('add_timer')!.impl;
  // each case starts at jiffies 0 unless it says otherwise; an RST sent with sk == NULL is this case's
  w.jiffies = 0;
  w.actor = () => name;
  const timers: [string, string][] = [];
  for (const [k, v] of c.sk) {
    if (k === 'jiffies') w.jiffies = value(v);
    else if (k === 'timer' || k === 'retransmit_timer') timers.push([k, v]);
    else setF(sk, k, value(v));
  }
  for (const [k, v] of timers) {
    const [reason, expires] = v.split(',');
    setF(sk, k === 'timer' ? 'timeout' : 'ip_xmit_timeout', value(reason));
    const t = sk.get(k) as CStruct;
    setF(t, 'expires', value(expires));
    addTimer([t], null as never);
  }
  const a = (k: string) => (c.args.has(k) ? value(c.args.get(k)!) : 0);
  const seg = { flags: { syn: !!a('syn'), fin: !!a('fin'), rst: !!a('rst'), psh: !!a('psh'), ack: !!a('ack') }, seq: a('seq'), ack: a('ack_seq'), len: a('len'), win: 0 };
  // skb->len: the TCP length for tcp_rcv and tcp_ack's segment; the payload for tcp_fin (as tcp_data leaves it)
  const skbOf = (tcpLength: boolean) => {
    const skb = w.makeSkb(seg, sk);
    if (!tcpLength) setF(skb, 'len', seg.len);
    return skb;
  };
  const fn = (f: string) => run.prog.fnByName.get(f) as CFunction;
  const th = (skb: CStruct) => (skb.get('h') as CStruct).get('th');
  switch (c.entry) {
    case 'tcp_fin': {
      const skb = skbOf(false);
      return { target: fn('tcp_fin'), args: [skb, sk, th(skb)], sk, info };
    }
    case 'tcp_close':
      return { target: fn('tcp_close'), args: [sk, a('timeout')], sk, info };
    case 'tcp_close_state':
      return { target: fn('tcp_close_state'), args: [sk, a('dead')], sk, info };
    case 'tcp_ack':
      return { target: fn('tcp_ack'), args: [sk, th(skbOf(true)), 20 + seg.len], sk, info };
    case 'tcp_rcv':
      return { target: fn('tcp_rcv'), args: [skbOf(true), sk], sk, info };
    case 'net_timer':
    case 'retransmit_timer': {
      const t = sk.get(c.entry === 'net_timer' ? 'timer' : 'retransmit_timer') as CStruct;
      const { fn: f, data } = w.detachForFiring(t);
      return { target: f, args: [data], sk, info };
    }
    default:
      throw new Error(`case line ${c.line}: unknown entry ${c.entry}`);
  }
}

/** Disarms what a case left, so the next case starts from an empty timer list. */
export function cleanUpCase(run: Run): void {
  const w = run.world;
  for (const tm of w.pendingTimers()) w.detachForFiring(tm);
  w.nextTimer();
}
