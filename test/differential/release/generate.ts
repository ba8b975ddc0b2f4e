// Generated scenarios for the release's differential test, written in the scenario language
// (what a user writes), from a seed: one or two sockets in any state the close path knows, linked
// with a delay or talking to the scripted peer, with data in flight, a partly filled segment, a
// zero window, lost segments, RSTs, FINs and ACKs (in and out of order, acceptable or not),
// closes, simultaneous closes, a listener with not yet accepted children, handshakes from nothing
// (listen, connect, accept; over a link, lost SYNs, or with the scripted peer answering, refusing or
// silent) followed by shutdowns, writes, reads and closes, and waits long enough for every timer to
// fire.

import { rng } from '../../robust/common';

const STATES = ['TCP_ESTABLISHED', 'TCP_CLOSE_WAIT', 'TCP_FIN_WAIT1', 'TCP_FIN_WAIT2', 'TCP_LAST_ACK', 'TCP_CLOSING', 'TCP_TIME_WAIT', 'TCP_SYN_RECV'];

interface Sock {
  name: string;
  state: string;
  write: number;
  acked: number;
}

/** One scenario's text, from `seed`. */
export function generateScenario(seed: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const chance = (p: number) => r() < p;
  const lines: string[] = [`# generated scenario, seed ${seed}`];
  if (chance(0.12)) return listener(seed, r, lines);
  if (chance(0.18)) return handshake(r, lines);
  const linked = chance(0.5);
  const socks: Sock[] = [];
  const wraps = chance(0.1);
  const base = (n: number) => (wraps ? (0xffffff00 + n) >>> 0 : n);
  const a: Sock = { name: 'a', state: linked ? 'TCP_ESTABLISHED' : pick(STATES), write: base(int(1, 9) * 1000), acked: base(int(1, 9) * 1000 + 500) };
  socks.push(a);
  if (linked) socks.push({ name: 'b', state: 'TCP_ESTABLISHED', write: a.acked, acked: a.write });
  for (const s of socks) {
    const fields = [`write_seq=${s.write}`];
    if (!linked) fields.push(`acked_seq=${s.acked}`);
    // data in flight: rcv_ack_seq before sent_seq (the kernel then holds it on send_head)
    if (chance(0.25) && (s.state === 'TCP_ESTABLISHED' || s.state === 'TCP_CLOSE_WAIT')) {
      const inflight = int(1, 200);
      fields.push(`sent_seq=${s.write}`, `rcv_ack_seq=${(s.write - inflight) >>> 0}`);
    } else if (chance(0.2) && (s.state === 'TCP_ESTABLISHED' || s.state === 'TCP_CLOSE_WAIT')) fields.push(`partial=${int(1, 300)}`);
    lines.push(`socket ${s.name} ${s.state} ${fields.join(' ')}`);
  }
  if (linked) lines.push(`link a b delay=${pick([0, 10, 20, 100, 250])}ms`);
  let t = 0;
  const events = int(1, 6);
  const at = () => {
    t += pick([0, 0, 10, 20, 50, 100, 500, 1000, 3000, 10000]);
    return `${t}ms`;
  };
  const closed = new Set<string>();
  for (let i = 0; i < events; i++) {
    const s = pick(socks);
    const peerAck = (s.write + int(0, 2)) >>> 0;
    const kind = r();
    if (linked && kind < 0.15) lines.push(`${at()} drop ${s.name} > ${pick(['F.', '.'])}`);
    else if (kind < 0.4) {
      // close(2) once per socket: a second close has no socket left to release
      if (closed.has(s.name)) lines.push(`${at()} wait`);
      else lines.push(`${at()} ${s.name} close`);
      closed.add(s.name);
    }
    else if (!linked && kind < 0.55) lines.push(`${at()} ${s.name} < F. seq=${s.acked} ack=${peerAck}${chance(0.3) ? ` len=${int(1, 50)}` : ''}${chance(0.15) ? ' win=0' : ''}`);
    else if (!linked && kind < 0.7) lines.push(`${at()} ${s.name} < . seq=${s.acked} ack=${peerAck}${chance(0.3) ? ' win=0' : chance(0.2) ? ` win=${int(1, 4000)}` : ''}`);
    else if (kind < 0.8) lines.push(`${at()} ${s.name} < R. seq=${s.acked} ack=${peerAck}`);
    else if (!linked && kind < 0.88) lines.push(`${at()} ${s.name} < . seq=${(s.acked + int(-3000, 3000)) >>> 0} ack=${(s.write + int(-5, 5)) >>> 0}`);
    else lines.push(`${at()} wait`);
  }
  lines.push(`${t + pick([1000, 30000, 70000, 200000])}ms wait`);
  return lines.join('\n') + '\n';
}

/**
 * A connection from nothing: `socket NAME CLOSED`, then listen, connect and accept over a link (maybe
 * losing the SYN or the SYN-ACK, maybe accepting before the handshake completes), or a connect
 * answered by the scripted peer (a SYN-ACK acknowledging the initial sequence number, 10000 x
 * jiffies, an RST, or nothing); then shutdowns, writes, reads, closes and the peer's FIN.
 */
function handshake(r: () => number, lines: string[]): string {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const chance = (p: number) => r() < p;
  let t = int(0, 3) * 10;
  const at = (step: readonly number[]) => `${(t += pick(step))}ms`;
  // close(2) ends the descriptor: nothing more is done on a closed socket
  const closed = new Set<string>();
  const ops = (names: string[], n: number) => {
    for (let i = 0; i < n; i++) {
      const open = names.filter((x) => !closed.has(x));
      if (!open.length) break;
      const s = pick(open);
      const k = r();
      if (k >= 0.65 && k < 0.9) closed.add(s);
      if (k < 0.25) lines.push(`${at([0, 10, 100, 1000])} ${s} shutdown ${pick(['rd', 'wr', 'rdwr'])}`);
      else if (k < 0.5) lines.push(`${at([0, 10, 100, 1000])} ${s} write ${int(1, 2000)}`);
      else if (k < 0.65) lines.push(`${at([0, 10, 100, 1000])} ${s} read ${int(1, 2000)}`);
      else if (k < 0.9) lines.push(`${at([0, 10, 100, 1000, 5000])} ${s} close`);
      else lines.push(`${at([100, 1000, 10000])} wait`);
    }
  };
  lines.push('socket client CLOSED');
  if (chance(0.6)) {
    lines.push('socket server CLOSED', 'socket conn CLOSED');
    const linked = chance(0.7);
    if (linked) lines.push(`link client server delay=${pick([0, 10, 20, 100])}ms`);
    lines.push(`${t}ms server listen ${pick([80, 1234, 8080])}${chance(0.3) ? ` backlog=${int(0, 3)}` : ''}`);
    if (linked && chance(0.2)) lines.push(`${t}ms drop client > S`);
    if (linked && chance(0.2)) lines.push(`${t}ms drop server > S.`);
    lines.push(`${at([0, 10])} client connect server`);
    lines.push(`${at([0, 10, 100, 1000, 4000])} server accept conn`);
    ops(['client', 'conn', 'server'], int(1, 5));
  } else {
    lines.push(`${t}ms client connect`);
    const isn = (t / 10) * 10000;
    const answer = r();
    const peer = int(1, 9) * 1000;
    if (answer < 0.7) lines.push(`${at([10, 100, 1000])} client < S. seq=${peer} ack=${isn + 1}${chance(0.2) ? ` win=${int(0, 4000)}` : ''}`);
    else if (answer < 0.85) lines.push(`${at([10, 100])} client < R. seq=0 ack=${isn + 1}`);
    ops(['client'], int(0, 3));
    if (chance(0.5)) lines.push(`${at([10, 100, 1000])} client < F. seq=${peer + 1} ack=${isn + pick([1, 2])}`);
  }
  lines.push(`${t + pick([1000, 30000, 70000, 200000])}ms wait`);
  return lines.join('\n') + '\n';
}

/** A listener with not yet accepted children (tcp_close_pending's loop), maybe one linked to its client. */
function listener(seed: number, r: () => number, lines: string[]): string {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const children = int(0, 3);
  lines.push('socket l TCP_LISTEN');
  const names: string[] = [];
  for (let i = 0; i < children; i++) {
    const name = `c${i}`;
    names.push(name);
    const state = r() < 0.5 ? 'TCP_ESTABLISHED' : 'TCP_SYN_RECV';
    lines.push(`socket ${name} ${state} write_seq=${(i + 1) * 7000} acked_seq=${(i + 1) * 3000} listener=l`);
  }
  const linked = children > 0 && r() < 0.5;
  if (linked) {
    lines.push(`socket remote TCP_ESTABLISHED write_seq=3000 acked_seq=7000`);
    lines.push(`link c0 remote delay=${[0, 10, 50][int(0, 2)]}ms`);
  }
  let t = int(0, 5) * 10;
  lines.push(`${t}ms l close`);
  if (linked && r() < 0.7) lines.push(`${(t += int(1, 100) * 10)}ms remote close`);
  if (r() < 0.3) lines.push(`${(t += 1000)}ms l < S seq=${int(1, 9) * 100}`);
  for (const n of names) if (r() < 0.3) lines.push(`${(t += int(1, 50) * 10)}ms ${n} < . seq=${(names.indexOf(n) + 1) * 3000} ack=${(names.indexOf(n) + 1) * 7000 + 1}`);
  lines.push(`${t + [1000, 70000, 200000][int(0, 2)]}ms wait`);
  void seed;
  return lines.join('\n') + '\n';
}
