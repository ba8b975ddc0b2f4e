// Generated scenarios for the release's differential test, written in the scenario language
// (what a user writes), from a seed: one or two sockets in any state the close path knows, linked
// with a delay or talking to the scripted peer, with data in flight, a partly filled segment, a
// zero window, lost segments, RSTs, FINs and ACKs (in and out of order, acceptable or not),
// closes, simultaneous closes and waits long enough for every timer to fire.

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
  for (let i = 0; i < events; i++) {
    const s = pick(socks);
    const peerAck = (s.write + int(0, 2)) >>> 0;
    const kind = r();
    if (linked && kind < 0.15) lines.push(`${at()} drop ${s.name} > ${pick(['F.', '.'])}`);
    else if (kind < 0.4) lines.push(`${at()} ${s.name} close`);
    else if (!linked && kind < 0.55) lines.push(`${at()} ${s.name} < F. seq=${s.acked} ack=${peerAck}${chance(0.3) ? ` len=${int(1, 50)}` : ''}${chance(0.15) ? ' win=0' : ''}`);
    else if (!linked && kind < 0.7) lines.push(`${at()} ${s.name} < . seq=${s.acked} ack=${peerAck}${chance(0.3) ? ' win=0' : chance(0.2) ? ` win=${int(1, 4000)}` : ''}`);
    else if (kind < 0.8) lines.push(`${at()} ${s.name} < R. seq=${s.acked} ack=${peerAck}`);
    else if (!linked && kind < 0.88) lines.push(`${at()} ${s.name} < . seq=${(s.acked + int(-3000, 3000)) >>> 0} ack=${(s.write + int(-5, 5)) >>> 0}`);
    else lines.push(`${at()} wait`);
  }
  lines.push(`${t + pick([1000, 30000, 70000, 200000])}ms wait`);
  return lines.join('\n') + '\n';
}
