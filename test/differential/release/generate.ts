// Generated scenarios for the release's differential test, written in the scenario language
// (what a user writes), from a seed: one or two sockets in any state the close path knows, linked
// with a delay or talking to the scripted peer, with data in flight, a partly filled segment, a
// zero window, lost segments, RSTs, FINs and ACKs (in and out of order, acceptable or not),
// closes, simultaneous closes, a listener with not yet accepted children, and waits long enough
// for every timer to fire.

/** A small deterministic generator (mulberry32), so a failing case is named by its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
