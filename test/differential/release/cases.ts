// The cases the release's differential tests run: every example, every case of
// test/differential/release/scenarios.txt, and OWN, written for what those do not show on their own.
// release.test.ts (gcc's build against what the release must do) and interpreter.test.ts (the
// interpreter against gcc's build) run the same list.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic, type Scenario } from '../../../src/scenario/ast';
import { parseScenario } from '../../../src/scenario/parse';
import { scenarioCase, type PCase, type Resolve } from './protocol';

const ROOT = join(__dirname, '..', '..', '..');
const here = __dirname;

/** Every example of `dir` (default examples/), parsed, by name (`examples/FILE`). */
export function exampleScenarios(dir = join(ROOT, 'examples')): { name: string; sc: Scenario }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tcpscenario'))
    .sort()
    .map((f) => ({ name: `examples/${f}`, sc: parseScenario(readFileSync(join(dir, f), 'utf8'), join(dir, f)) }));
}

/** The multi-event scenarios of scenarios.txt (separated by `=== NAME` lines), parsed, by name (`scenarios.txt:LINE:NAME`). */
export function scenarioFileScenarios(): { name: string; sc: Scenario }[] {
  const file = join(here, 'scenarios.txt');
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: { name: string; sc: Scenario }[] = [];
  let name = '';
  let start = 0;
  const flush = (end: number) => {
    if (!name) return;
    // the scenario keeps its line numbers in the file (blank lines before it)
    const text = lines.map((l, i) => (i >= start && i < end ? l : '')).join('\n');
    const sc = parseScenario(text, file);
    const errors = sc.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new Error(errors.map(formatDiagnostic).join('\n'));
    out.push({ name: `scenarios.txt:${start}:${name}`, sc });
  };
  lines.forEach((l, i) => {
    const m = /^=== (\S+)/.exec(l);
    if (!m) return;
    flush(i);
    name = m[1];
    start = i + 1;
  });
  flush(lines.length);
  return out;
}



/** From nothing over a link: the server listens on 80, the client connects, the server accepts the child as conn at 100 ms. */
const ACCEPTED = ['socket server CLOSED', 'socket client CLOSED', 'socket conn CLOSED', 'link client server delay=10ms', '0 server listen 80', '0 client connect server', '100ms server accept conn'];

/** Cases written here for what the examples do not show on their own: each a scenario text. */
export const OWN: Record<string, string> = {
  'own:fin-lost-forever': [
    '# the FIN is lost every time: the retransmit timer resends it, rto doubling',
    'socket client TCP_ESTABLISHED write_seq=1000',
    'socket server TCP_ESTABLISHED write_seq=5000',
    'link client server delay=10ms',
    ...Array(5).fill('0 drop client > F. seq=1000'),
    '0 client close',
    '60s wait',
  ].join('\n'),
  'own:time-wait-at-60s': [
    '# the active close of examples/active-close, up to the jiffy its TIME_WAIT is due (12.04 s + 60 s): still held',
    'socket client TCP_ESTABLISHED write_seq=1000 acked_seq=5000',
    '0 client close',
    '40ms client < . seq=5000 ack=1001',
    '2040ms client < F. seq=5000 ack=1001',
    '12040ms client < F. seq=5000 ack=1001',
    '72040ms wait',
  ].join('\n'),
  'own:data-and-fin-lost': [
    '# data in flight and the FIN behind it are both lost: each is its own skb on send_head',
    'socket client TCP_ESTABLISHED write_seq=1100 sent_seq=1000 rcv_ack_seq=1000 partial=100',
    'socket server TCP_ESTABLISHED write_seq=5000 acked_seq=1000',
    'link client server delay=10ms',
    '0 drop client > P. seq=1000',
    '0 drop client > F. seq=1100',
    '0 client close',
    '10s wait',
  ].join('\n'),
  'own:fin-in-flight': [
    '# data and the FIN in flight at the start: the skbs the kernel holds on send_head',
    'socket client TCP_FIN_WAIT1 write_seq=1011 sent_seq=1011 rcv_ack_seq=1000 acked_seq=5000',
    '1s wait',
  ].join('\n'),
  'own:fin-in-flight-acked': [
    '# the same, then the peer acknowledges everything: tcp_ack frees both skbs, FIN_WAIT2',
    'socket client TCP_FIN_WAIT1 write_seq=1011 sent_seq=1011 rcv_ack_seq=1000 acked_seq=5000',
    '10ms client < . seq=5000 ack=1011',
    '1s wait',
  ].join('\n'),
  'own:zero-window-close': [
    '# the peer closes its window, then we close with data pending: data and FIN wait on write_queue, probes go out',
    'socket client TCP_ESTABLISHED write_seq=1100 sent_seq=1000 rcv_ack_seq=1000 acked_seq=5000 partial=100',
    '0 client < . seq=5000 ack=1000 win=0',
    '1s client close',
    '30s wait',
  ].join('\n'),
  // from nothing: sockets made by socket(2) (CLOSED), then listen, connect, accept, shutdown, write
  // and read through the real socket layer (inet_* and tcp_connect, tcp_conn_request, tcp_accept,
  // tcp_shutdown, tcp_write, tcp_read)
  'own:handshake-linked-close': [
    '# from nothing: the server listens, the client connects over a link, the server accepts, the client closes first',
    ...ACCEPTED,
    '1s client close',
    '2s conn close',
    '70s wait',
  ].join('\n'),
  'own:handshake-peer-close': [
    '# the SYN of the client goes to the scripted peer, whose SYN-ACK answers it (its seq is 10000 x jiffies: 0)',
    'socket client CLOSED',
    '0 client connect',
    '10ms client < S. seq=5000 ack=1',
    '1s client close',
    '1010ms client < . seq=5001 ack=2',
    '2s client < F. seq=5001 ack=2',
    '70s wait',
  ].join('\n'),
  'own:listen-pending-accepted': [
    '# two clients connect before the server accepts; one is accepted, the other is left pending when the listener closes',
    'socket server CLOSED',
    'socket c1 CLOSED',
    'socket c2 CLOSED',
    'socket conn CLOSED',
    '0 server listen 8080 backlog=2',
    '10ms c1 connect server',
    '20ms c2 connect server',
    '1s server accept conn',
    '2s server close',
    '3s conn close',
    '4s c1 close',
    '70s wait',
  ].join('\n'),
  'own:accept-nothing-pending': [
    '# accept on a listener with no completed connection: -EAGAIN; a connect then a second accept',
    'socket server CLOSED',
    'socket client CLOSED',
    'socket conn CLOSED',
    '0 server listen 80',
    '0 server accept conn',
    '10ms client connect server',
    '20ms server accept conn',
    '1s wait',
  ].join('\n'),
  'own:shutdown-wr': [
    '# a half close: the client shuts its sending side (tcp_shutdown sends the FIN), still reads, then the server closes',
    'socket server CLOSED',
    'socket client CLOSED',
    'socket conn CLOSED',
    'link client server delay=20ms',
    '0 server listen 80',
    '0 client connect server',
    '100ms server accept conn',
    '1s client shutdown wr',
    '2s conn write 300',
    '3s client read 1000',
    '4s conn close',
    '70s wait',
  ].join('\n'),
  'own:write-read-close': [
    '# data both ways through tcp_write and tcp_read, then close with data unread',
    'socket server CLOSED',
    'socket client CLOSED',
    'socket conn CLOSED',
    'link client server delay=10ms',
    '0 server listen 80',
    '0 client connect server',
    '100ms server accept conn',
    '1s client write 1000',
    '2s conn read 600',
    '3s conn write 50',
    '4s client close',
    '5s conn close',
    '70s wait',
  ].join('\n'),
  'own:close-twice': [
    '# a second close() of the descriptor returns -EBADF and runs no kernel code',
    ...ACCEPTED,
    '1s client close',
    '2s client close',
    '3s conn close',
    '70s wait',
  ].join('\n'),
  'own:mss-syn': [
    "# the scripted peer's SYN carries an MSS option of 1000: tcp_options takes the child's mtu = min(1436, 1000), its SYN-ACK says so",
    'socket server CLOSED',
    'socket conn CLOSED',
    '0 server listen 80',
    '10ms server < S seq=0 win=32792 mss=1000',
    '20ms server < . seq=1 ack=10001 win=32792',
    '30ms server accept conn',
    '1s conn close',
    '2s wait',
  ].join('\n'),
  'own:mss-drop': [
    "# a drop that names the MSS option: tcp_connect's SYN carries 1436 and is lost once; the one naming 536 matches nothing",
    'socket server CLOSED',
    'socket client CLOSED',
    'link client server delay=10ms',
    '0 server listen 80',
    '0 drop client > S mss=536',
    '0 drop client > S mss=1436',
    '0 client connect server',
    '5s wait',
  ].join('\n'),
  'own:shutdown-rd-rdwr': [
    '# shutdown of the receiving side only sends nothing; rdwr then sends the FIN',
    'socket client CLOSED',
    '0 client connect',
    '10ms client < S. seq=7000 ack=1',
    '1s client shutdown rd',
    '2s client shutdown rdwr',
    '3s client < . seq=7001 ack=2',
    '4s wait',
  ].join('\n'),
};

/** Every case the oracle runs: the examples, scenarios.txt, and OWN; constants resolved by `resolve` (the release image's `constant`). */
export function releaseCases(resolve: Resolve): PCase[] {
  return releaseScenarios().map(({ name, sc }) => scenarioCase(name, sc, resolve));
}

/** The paths at which gcc's record `a` and `b` (the `other` side's) differ (at most `max`). */
export function differences(a: unknown, b: unknown, other: string, path = '', out: string[] = [], max = 8): string[] {
  if (out.length >= max) return out;
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path || '.'}: gcc ${JSON.stringify(a)}, ${other} ${JSON.stringify(b)}`);
    return out;
  }
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], other, `${path}.${k}`, out, max);
  return out;
}

/** The same cases as scenarios (every example, every scenarios.txt case, OWN), for the product's run. */
export function releaseScenarios(): { name: string; sc: Scenario }[] {
  const own = Object.entries(OWN).map(([name, text]) => ({ name, sc: parseScenario(text, `${name}.tcpscenario`) }));
  const all = [...exampleScenarios(), ...scenarioFileScenarios(), ...own];
  for (const { sc } of all) {
    const errors = sc.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new Error(errors.map(formatDiagnostic).join('\n'));
  }
  return all;
}
