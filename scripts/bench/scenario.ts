// Generated scenarios for the benchmarks (see scripts/bench/run.mjs).

/**
 * `pairs` linked socket pairs, each doing the whole four-way close of examples/four-way over a
 * 10 ms link: every client closes at 0, every server at 1 s, TIME_WAIT ends at 61.03 s; the run
 * ends at 70 s. Two expectations check the first pair (the benchmark checks there is no failure).
 */
export function fourWayPairs(pairs: number): string {
  const L: string[] = [`# generated: ${pairs} socket pairs, each a full four-way close over a 10 ms link`];
  for (let i = 0; i < pairs; i++) {
    L.push(`socket c${i} TCP_ESTABLISHED write_seq=1000`);
    L.push(`socket s${i} TCP_ESTABLISHED write_seq=5000`);
    L.push(`link c${i} s${i} delay=10ms`);
  }
  for (let i = 0; i < pairs; i++) L.push(`0 c${i} close`);
  for (let i = 0; i < pairs; i++) L.push(`1s s${i} close`);
  L.push(`70s expect c0 state=CLOSE`);
  L.push(`+0 expect s${pairs - 1} state=CLOSE`);
  return L.join('\n') + '\n';
}

/**
 * A long run on two sockets (what a reader debugs): `rounds` segments from the scripted peer,
 * each an ACK handled by tcp_rcv on an established socket, 10 ms apart, then the four-way close.
 */
export function longTwoSockets(rounds: number): string {
  const L: string[] = ['# generated: a long run on two sockets', 'socket client TCP_ESTABLISHED write_seq=1000', 'socket server TCP_ESTABLISHED write_seq=5000'];
  for (let i = 0; i < rounds; i++) L.push(`${i === 0 ? '0' : '+10ms'} server < . seq=1000 ack=5000`);
  L.push('+1s client < F. seq=5000 ack=1000');
  L.push('+0 client close');
  L.push('+10ms client < . seq=5001 ack=1001');
  return L.join('\n') + '\n';
}

/**
 * `sockets` sockets as linked pairs, all established; the first `active` pairs do the four-way
 * close of examples/four-way, the others stay idle. The statements run are the same at any
 * number of sockets, so the cost of a statement can be compared across socket counts.
 */
export function idleSockets(sockets: number, active: number): string {
  const pairs = Math.max(active, Math.floor(sockets / 2));
  const L: string[] = [`# generated: ${2 * pairs} sockets, the first ${active} pairs close, the others stay idle`];
  for (let i = 0; i < pairs; i++) L.push(`socket c${i} TCP_ESTABLISHED write_seq=1000`, `socket s${i} TCP_ESTABLISHED write_seq=5000`, `link c${i} s${i} delay=10ms`);
  for (let i = 0; i < active; i++) L.push(`0 c${i} close`);
  for (let i = 0; i < active; i++) L.push(`1s s${i} close`);
  L.push(`70s expect c0 state=CLOSE`);
  return L.join('\n') + '\n';
}
