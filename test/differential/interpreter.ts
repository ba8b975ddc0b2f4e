// The interpreter's side of the differential driver protocol (protocol.ts): reads the protocol
// text, runs each case on the debugger's engine (its C machine and world: natives, timers,
// wire) with the agenda of src/engine/run.ts, and writes one Outcome per case.

import { CError, type CFunction } from '../../src/engine/code';
import { CStruct, intConverter, isInt, type StructType } from '../../src/engine/ctypes';
import type { Run } from '../../src/engine/run';
import { flagText, type SegmentFlags, type SocketInfo } from '../../src/engine/world';
import { parseProtocol, type Outcome, type PCase, type Seg, type SkbOut, type SockOut } from './protocol';

const NOWHERE = { file: 'differential', line: 0, column: 0, endLine: 0, endColumn: 0 };

/** The sock fields each record reports, by kind, from struct sock and the written-field list. */
export interface Report {
  ints: string[];
  timers: string[];
  queues: string[];
  skbs: string[];
}

export function reportOf(sk: StructType, written: string[]): Report {
  const w = new Set(written);
  const r: Report = { ints: [], timers: [], queues: [], skbs: [] };
  for (const f of sk.fields) {
    const t = f.type;
    if (isInt(t)) {
      if (w.has(f.name)) r.ints.push(f.name);
    } else if (t.k === 'struct' && t.name === 'timer_list') r.timers.push(f.name);
    else if (t.k === 'struct' && t.name === 'sk_buff_head') r.queues.push(f.name);
    else if (t.k === 'ptr' && t.to.k === 'struct' && t.to.name === 'sk_buff') r.skbs.push(f.name);
  }
  return r;
}

const flagsOf = (s: string): SegmentFlags => ({ syn: s.includes('S'), fin: s.includes('F'), rst: s.includes('R'), psh: s.includes('P'), ack: s.includes('.') });

/** Runs every case of the protocol text; `reached` collects the `file:line` of every statement run. */
export function interpretProtocol(run: Run, text: string, report: Report, reached = new Set<string>()): Outcome[] {
  return parseProtocol(text).map((c) => runCase(run, c, report, reached));
}

function runCase(run: Run, c: PCase, report: Report, reached: Set<string>): Outcome {
  const w = run.world;
  const m = run.machine;
  const H = run.H;
  const fn = (name: string) => run.prog.fnByName.get(name);
  reset(run);
  w.jiffies = c.jiffies;
  let actor = '';
  w.actor = () => actor;
  const setF = (s: CStruct, name: string, v: unknown) => {
    const fl = s.type.byName.get(name);
    if (!fl) throw new Error(`case ${c.name}: struct ${s.type.name} has no field ${name}`);
    H.set(s.f, fl.index, isInt(fl.type) && typeof v === 'number' ? intConverter(fl.type, fl.bits ?? fl.type.bits)(v) : v);
  };
  const sockOf = (name: string) => {
    const i = w.sockets.get(name);
    if (!i) throw new Error(`case ${c.name}: no sock ${name}`);
    return i;
  };
  const socketType = run.prog.structs.get('struct socket');
  for (const s of c.socks) {
    const sk = new CStruct(w.skType);
    const info: SocketInfo = { name: s.name, sk, delay: 0, drops: [], cursor: [0], sent: [] };
    w.sockets.set(s.name, info);
    w.byStruct.set(sk, info);
    setF(sk, 'state_change', fn('def_callback1'));
    if (socketType?.complete) setF(sk, 'socket', new CStruct(socketType));
    w.initTimer(sk.get('timer'), sk, fn('net_timer'));
    w.initTimer(sk.get('retransmit_timer'), sk, fn('retransmit_timer'));
    for (const [k, v] of s.fields) setF(sk, k, v);
  }
  for (const l of c.links) {
    const a = sockOf(l.a);
    const b = sockOf(l.b);
    a.peer = l.b;
    b.peer = l.a;
    a.delay = b.delay = l.delay;
  }
  const natives = w.natives();
  const native = (name: string, args: any[]) => natives.get(name)!.impl(args, NOWHERE);
  for (const t of c.timers) {
    const sk = sockOf(t.sock).sk;
    setF(sk, t.which === 'timer' ? 'timeout' : 'ip_xmit_timeout', t.reason);
    const tl = sk.get(t.which) as CStruct;
    setF(tl, 'expires', t.expires);
    native('add_timer', [tl]);
  }
  for (const l of c.listeners) {
    const skb = w.allocSkb();
    setF(skb, 'sk', sockOf(l.child).sk);
    native('skb_queue_tail', [sockOf(l.parent).sk.get('receive_queue'), skb]);
  }
  for (const p of c.partials) {
    const sk = sockOf(p.sock).sk;
    const skb = w.makeSkb({ flags: flagsOf('.'), seq: (sk.get('write_seq') - p.bytes) >>> 0, ack: sk.get('acked_seq'), len: p.bytes, win: 0 }, sk);
    setF(sk, 'partial', skb);
  }

  let ret = 0;
  let error: string | undefined;
  /** runs a function to its return (a C function on the machine, a native at once) */
  const call = (f: any, args: any[]): number => {
    if (!f) return 0;
    if (f.kind === 'native') return f.impl(args, NOWHERE) ?? 0;
    m.statements = 0;
    m.enter(f as CFunction, args);
    let skip = false;
    while (m.advance(skip) === 'statement') {
      const loc = m.instr!.loc;
      reached.add(`${loc.file}:${loc.line}`);
      skip = true;
    }
    return m.lastReturn ?? 0;
  };
  const segment = (s: Seg, to: string) => w.record({ from: 'peer', to, time: w.jiffies, flags: flagsOf(s.flags), seq: s.seq >>> 0, ack: s.ack >>> 0, len: s.len, win: s.win, dropped: false });
  try {
    for (let i = 0; i < c.events.length; ) {
      const e = c.events[i];
      const t = w.nextTimer();
      const d = w.nextDelivery();
      if (t && w.timerExpires(t) <= e.time && (!d || w.timerExpires(t) <= d.arrival)) {
        if (w.timerExpires(t) > w.jiffies) w.jiffies = w.timerExpires(t);
        actor = w.byStruct.get(t.get('data'))?.name ?? '';
        const { fn: f, data } = w.detachForFiring(t);
        call(f, [data]);
        continue;
      }
      if (d && d.arrival <= e.time) {
        if (d.arrival > w.jiffies) w.jiffies = d.arrival;
        w.takeDelivery(d.seg);
        actor = d.to;
        const to = sockOf(d.to).sk;
        call(fn('tcp_rcv'), [w.makeSkb(d.seg, to), to]);
        continue;
      }
      i++;
      if (e.time > w.jiffies) w.jiffies = e.time;
      actor = e.sock;
      const info = e.sock ? sockOf(e.sock) : undefined;
      const sk = info?.sk;
      switch (e.kind) {
        case 'close': {
          const release = fn('inet_release');
          if (e.timeout === 0 && release?.kind === 'c') call(release, [sk]);
          else call(fn('tcp_close'), [sk, e.timeout]);
          break;
        }
        case 'rcv':
          call(fn('tcp_rcv'), [w.makeSkb(segment(e.seg, e.sock), sk!), sk]);
          break;
        case 'call': {
          const f = fn(e.fn) as CFunction | undefined;
          if (!f || f.kind !== 'c') throw new Error(`case ${c.name}: no C function ${e.fn}`);
          const params = f.vars.filter((v) => v.param);
          // skb->len: the TCP length for tcp_rcv and a function with a `len` parameter, else the payload
          const tcpLength = f.name === 'tcp_rcv' || params.some((p) => p.name === 'len' && isInt(p.type));
          let skb: CStruct | undefined;
          const skbOf = () => {
            if (!skb) {
              if (!e.seg) throw new Error(`case ${c.name}: ${e.fn} needs a segment`);
              skb = w.makeSkb(segment(e.seg, e.sock), sk!);
              if (!tcpLength) setF(skb, 'len', e.seg.len);
            }
            return skb;
          };
          const args = params.map((p) => {
            const t = p.type;
            if (t.k === 'ptr' && t.to.k === 'struct') {
              if (t.to.name === 'sock') return sk;
              if (t.to.name === 'sk_buff') return skbOf();
              if (t.to.name === 'tcphdr') return (skbOf().get('h') as CStruct).get('th');
            }
            const given = e.args.find(([k]) => k === p.name);
            if (given) return given[1];
            if (p.name === 'len' && e.seg) return 20 + e.seg.len;
            throw new Error(`case ${c.name}: ${e.fn}() needs ${p.name}=`);
          });
          ret = call(f, args);
          break;
        }
        case 'fire': {
          const { fn: f, data } = w.detachForFiring(sk!.get(e.which));
          call(f, [data]);
          break;
        }
        case 'set':
          for (const [k, v] of e.fields) setF(sk!, k, v);
          break;
        case 'drop': {
          const fields: Record<string, number> = {};
          (['seq', 'ack', 'len', 'win'] as const).forEach((k, b) => {
            if (e.mask & (1 << b)) fields[k] = e.seg[k];
          });
          H.push(info!.drops, { flags: flagsOf(e.seg.flags), fields, line: 0 });
          break;
        }
        case 'wait':
          break;
        default:
          // listen, connect, accept, shutdown, write, read: the socket layer is the release's (release/)
          throw new Error(`case ${c.name}: '${e.kind}' needs the release kernel; the reduced port has no socket layer`);
      }
    }
  } catch (err) {
    if (!(err instanceof CError)) throw err;
    error = err.message;
    m.frames.length = 0;
  }

  const nameOf = (p: unknown) => (p === null || p === undefined ? '' : (w.byStruct.get(p as CStruct)?.name ?? '?'));
  const skbOut = (skb: CStruct): SkbOut => {
    const th = (skb.get('h') as CStruct).get('th') as CStruct | null;
    const fl = th ? flagText({ syn: !!th.get('syn'), fin: !!th.get('fin'), rst: !!th.get('rst'), psh: !!th.get('psh'), ack: !!th.get('ack') }) : '-';
    return { seq: th ? th.get('seq') : 0, ack: th ? th.get('ack_seq') : 0, flags: fl, len: skb.get('len'), sk: nameOf(skb.get('sk')) };
  };
  const sockets: SockOut[] = c.socks.map(({ name }) => {
    const sk = w.sockets.get(name)!.sk;
    const o: SockOut = { name, fields: {}, timers: {}, queues: {}, skbs: {} };
    for (const f of report.ints) o.fields[f] = sk.get(f);
    for (const f of report.timers) {
      const t = sk.get(f) as CStruct;
      o.timers[f] = { pending: +w.timerPending(t), expires: w.timerExpires(t) >>> 0 };
    }
    for (const f of report.queues) {
      const head = sk.get(f) as CStruct;
      const list: SkbOut[] = [];
      for (let x = head.get('next') as CStruct | null; x && x !== head && list.length < 1000; x = x.get('next')) list.push(skbOut(x));
      o.queues[f] = list;
    }
    for (const f of report.skbs) {
      const p = sk.get(f) as CStruct | null;
      o.skbs[f] = p ? skbOut(p) : null;
    }
    return o;
  });
  const out: Outcome = {
    case: c.name,
    jiffies: w.jiffies,
    ret: ret | 0,
    sockets,
    segments: w.segments.map((s) => ({ from: s.from, to: s.to, time: s.time, flags: flagText(s.flags), seq: s.seq >>> 0, ack: s.ack >>> 0, len: s.len, win: s.win, dropped: +s.dropped })),
    printk: w.printk.map((p) => ({ time: p.time, text: p.text.replace(/<\w+#\d+>/g, '<ptr>') })),
  };
  if (error) out.error = error;
  return out;
}

/** Empties the world between cases: sockets, wire, timers, records. */
function reset(run: Run): void {
  const w = run.world;
  for (const t of w.pendingTimers()) w.detachForFiring(t);
  w.nextTimer();
  for (let d = w.nextDelivery(); d; d = w.nextDelivery()) w.takeDelivery(d.seg);
  w.sockets.clear();
  w.byStruct.clear();
  w.segments.length = 0;
  w.printk.length = 0;
  w.failures.length = 0;
}
