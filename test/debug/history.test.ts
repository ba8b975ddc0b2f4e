// What a user of the debugger sees when going back and changing the past, over DAP: hit counts
// stop on the visits they name, a what-if written at an earlier stop becomes the new future,
// stepping back takes the segments sent since off the panel's wire, timers count down in the
// Variables view, and a `>` line's win= is compared with the window the kernel sent. Every
// expected value comes from the scenario's text or the kernel source, not from an earlier run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { type Client, KERNEL, PASSIVE, TCP_H, closeWaitLine, connect, lineOf, tempScenario, clientPerTest } from './harness';

let c: Client;
const server = clientPerTest(
  (x) => (c = x),
  () => c,
);

const T = 1; // the server socket's thread
/** after()'s return, in tcp.h (an inline function every sequence check calls) */
const AFTER_LINE = lineOf(TCP_H, 'return (long)(seq1-seq2) > 0;');

/** The panel's snapshot sent with the stop just reported. */
async function snapshot(): Promise<any> {
  return (await c.next('tcpClose/stop')).body;
}

/** Continues until the run stops for something else than a breakpoint; the breakpoint stops' indexes. */
async function breakpointStops(): Promise<number[]> {
  const out: number[] = [];
  for (;;) {
    const s = await c.step('continue');
    const snap = await snapshot();
    if (s.body.reason !== 'breakpoint') return out;
    out.push(snap.index);
  }
}

/** Every visit of after()'s return line in passive-close, under a hit condition (none: every visit). */
async function visits(hitCondition?: string): Promise<number[]> {
  await c.launch({ scenario: PASSIVE }, (dc) => dc.setBreakpointsRequest({ source: { path: TCP_H }, breakpoints: [{ line: AFTER_LINE, hitCondition }] }));
  c.skipPending();
  return breakpointStops();
}

test('hit conditions: % 2 stops on every second visit, >= 3 on the third and every later one, < 3 on the first two', async () => {
  const all = await visits();
  assert.ok(all.length >= 4, `after() runs at least four times in passive-close (ran ${all.length})`);
  const cases: [string, number[]][] = [
    ['% 2', all.filter((_, i) => (i + 1) % 2 === 0)],
    ['>= 3', all.slice(2)],
    ['> 3', all.slice(3)],
    ['< 3', all.slice(0, 2)],
    ['<= 3', all.slice(0, 3)],
    ['== 2', [all[1]]],
  ];
  for (const [hit, want] of cases) {
    await c.close();
    c = await connect(server.port);
    assert.deepEqual(await visits(hit), want, `hit condition '${hit}'`);
  }
});

test('a what-if at an earlier stop: the future is recomputed from the changed value', async () => {
  const line = closeWaitLine();
  await c.launch({ scenario: PASSIVE }, (dc) => dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line }] }));
  assert.equal((await c.step('continue')).body.reason, 'breakpoint');
  // run on past the FIN the server sends (the scenario's `server > F. seq=5000` line)
  await c.dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [] });
  await c.dc.setBreakpointsRequest({ source: { path: PASSIVE }, breakpoints: [{ line: lineOf(PASSIVE, 'server < . seq=1001 ack=5001') }] });
  assert.equal((await c.step('continue')).body.reason, 'breakpoint');
  assert.equal((await c.vars(T)).state, 'TCP_LAST_ACK (9)');
  // back to tcp_fin, in the past now
  await c.dc.setBreakpointsRequest({ source: { path: PASSIVE }, breakpoints: [] });
  await c.dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line }] });
  assert.equal((await c.step('reverseContinue')).body.reason, 'breakpoint');
  assert.equal((await c.top(T)).line, line);
  assert.equal((await c.vars(T)).write_seq, '5000');
  const sock = await c.scope((await c.top(T)).id, 'Socket');
  const r = await c.dc.setVariableRequest({ variablesReference: sock.variablesReference, name: 'write_seq', value: '7000' });
  assert.equal(r.body.value, '7000');
  assert.equal((await c.vars(T)).write_seq, '7000');
  // the new future: our FIN now carries seq=7000, and the scenario's `>` line says what it expected
  await c.dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [] });
  c.skipPending();
  const s = await c.step('continue');
  assert.equal(s.body.reason, 'exception');
  assert.match(s.body.text ?? '', /server did not send F\. seq=5000 ack=1001: it sent .*F\. seq=7000 ack=1001/);
  assert.equal((await c.top(T)).line, lineOf(PASSIVE, 'server > F. seq=5000'));
  // and going back before the write shows the value the kernel had
  await c.dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line }] });
  await c.step('reverseContinue');
  await c.step('stepBack');
  assert.equal((await c.vars(T)).write_seq, '5000');
});

test('stepping back takes the segments sent since off the wire the panel is sent', async () => {
  await c.launch({ scenario: PASSIVE, stepBy: 'event' });
  const forward = new Map<number, string[]>();
  const wire = (snap: any) => (snap.segments as any[]).map((s) => `${s.from}>${s.to} ${s.flags} seq=${s.seq} ack=${s.ack}`);
  let snap = await snapshot();
  forward.set(snap.index, wire(snap));
  for (;;) {
    const s = await c.step('next');
    snap = await snapshot();
    forward.set(snap.index, wire(snap));
    if (s.body.description === 'end of the scenario') break;
  }
  const indexes = [...forward.keys()];
  // the scenario's wire, in order: the client's FIN, our ACK, our FIN, the client's ACK
  assert.deepEqual(forward.get(indexes.at(-1)!), ['peer>server F. seq=1000 ack=5000', 'server>peer . seq=5000 ack=1001', 'server>peer F. seq=5000 ack=1001', 'peer>server . seq=1001 ack=5001']);
  assert.deepEqual(forward.get(indexes[0]), []);
  const seen: number[] = [];
  for (;;) {
    const s = await c.step('stepBack');
    snap = await snapshot();
    seen.push(snap.index);
    assert.deepEqual(wire(snap), forward.get(snap.index), `the wire at stop ${snap.index}, reached going back`);
    if (snap.index === 0 || /start of the scenario/.test(s.body.description ?? '')) break;
  }
  assert.deepEqual(seen, indexes.slice(0, -1).reverse(), 'stepping back by event visits the event stops in reverse');
});

test('the Variables view counts a timer down: rto jiffies when set, less the time since', async () => {
  const file = tempScenario(
    'timer.tcpscenario',
    `socket server TCP_ESTABLISHED write_seq=5000 acked_seq=1000 rto=300
0      server < F. seq=1000 ack=5000
+20ms  server close
+0     server > F. seq=5000 ack=1001
+50ms  server < . seq=1001 ack=5001
`,
  );
  await c.launch({ scenario: file, stepBy: 'event' });
  const at = async (text: string) => {
    for (let i = 0; i < 10 && (await c.top(T)).line !== lineOf(file, text); i++) await c.step('next');
    assert.equal((await c.top(T)).line, lineOf(file, text));
    const clock = await c.vars(T, 'Clock');
    return { timer: (await c.vars(T)).retransmit_timer, jiffies: Number(clock.jiffies) };
  };
  assert.equal((await at('server close')).timer, 'not pending');
  // tcp_send_fin arms it with reset_xmit_timer(sk, TIME_WRITE, sk->rto) at 20 ms = 2 jiffies
  const set = await at('server > F.');
  assert.equal(set.jiffies, 2);
  assert.equal(set.timer, 'TIME_WRITE, expires at 302 (in 300 jiffies = 3.00 s)');
  // 50 ms later: 5 jiffies less
  const later = await at('server < . seq=1001');
  assert.equal(later.jiffies, 7);
  assert.equal(later.timer, 'TIME_WRITE, expires at 302 (in 295 jiffies = 2.95 s)');
});

/** Runs a scenario to its end; the exception stop's text, or undefined when it ends cleanly. */
async function failureOf(text: string): Promise<string | undefined> {
  const file = tempScenario('win.tcpscenario', text);
  await c.launch({ scenario: file });
  const s: DebugProtocol.StoppedEvent = await c.step('continue');
  if (s.body.reason === 'exception') return s.body.text;
  assert.equal(s.body.description, 'end of the scenario');
  return undefined;
}

test("a `>` line's win= is compared with the window the kernel sent", async () => {
  const scenario = (win: number) => `socket server TCP_ESTABLISHED write_seq=5000 acked_seq=1000
0      server < F. seq=1000 ack=5000 win=16384
+0     server > . ack=1001 win=${win}
`;
  // a window the kernel does not send fails, and the message says which it sent
  const wrong = (await failureOf(scenario(512))) ?? '';
  const m = /^server did not send \. ack=1001 win=512: it sent \. seq=5000 ack=1001 len=0 win=(\d+)$/.exec(wrong);
  assert.ok(m, wrong);
  assert.notEqual(Number(m[1]), 512);
  // that is the window in the TCP header the kernel built (its bytes, bytes 14-15 of the header)
  const snap = c.events.filter((e) => e.event === 'tcpClose/stop').at(-1)!.body;
  const sent = (snap.segments as { from: string; bytes?: string }[]).find((x) => x.from === 'server')!;
  const h = Buffer.from(sent.bytes!, 'hex');
  assert.equal(Number(m[1]), h.readUInt16BE((h[0] & 0x0f) * 4 + 14), 'the window the message names is the header\'s');
  // that window holds
  await c.close();
  c = await connect(server.port);
  assert.equal(await failureOf(scenario(Number(m[1]))), undefined);
});
