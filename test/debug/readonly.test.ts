// Issue 12, High 1: hovers, watches, breakpoint conditions, logpoints and setVariable values leave
// the run exactly as it was, even when they call native primitives (del_timer, printk...). Every
// reproduction of the issue over a real DAP client, every message validated against the schema.
// On the release no evaluation calls a function at all (test/debug/release.test.ts holds the
// same refusals over hovers, watches, the REPL, a function breakpoint's condition and a logpoint);
// these add a line condition with a hit count, stepping back and forward after a refusal, what-ifs
// through setVariable and the REPL, and data breakpoints with a condition and a hit count.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { type Client, KERNEL, ROOT, connect, clientPerTest } from './harness';

const LOST_FIN = join(ROOT, 'examples', 'lost-fin.tcpscenario');
const CLIENT = 1; // threads: client, server

let c: Client;
const server = clientPerTest(
  (x) => (c = x),
  () => c,
);

interface EndState {
  segments: number;
  states: Record<string, number>;
  stopCount: number;
}

/** Continues (answering every stop) until the end of the scenario; the end's snapshot, summarised. */
async function continueToEnd(onStop?: (s: DebugProtocol.StoppedEvent) => Promise<void>): Promise<EndState> {
  for (let i = 0; i < 200; i++) {
    const snap = (await c.next('tcpClose/stop')).body;
    if (snap.kind === 'end') {
      return { segments: snap.segments.length, states: Object.fromEntries(Object.entries(snap.sockets).map(([k, v]) => [k, (v as { fields: { state: number } }).fields.state])), stopCount: snap.stopCount };
    }
    const s = c.events.filter((e) => e.event === 'stopped').at(-1) as DebugProtocol.StoppedEvent;
    if (onStop) await onStop(s);
    c.skipPending();
    await c.dc.continueRequest({ threadId: s.body.threadId ?? 1 });
  }
  throw new Error('the scenario did not end within 200 stops');
}

/** lost-fin without breakpoints: its end as the example promises (5 segments, both sockets CLOSE). */
async function baseline(): Promise<EndState> {
  await c.launch({ scenario: LOST_FIN, stopOnEntry: false });
  return continueToEnd();
}

let expected: EndState | undefined;
async function expectedEnd(): Promise<EndState> {
  if (!expected) {
    const other = await connect(server.port);
    const saved = c;
    c = other;
    try {
      expected = await baseline();
      c.assertValid();
    } finally {
      await other.close();
      c = saved;
    }
  }
  return expected;
}

const TCP_CLOSE = 7;

/** The line of `text` in tcp_ack's definition (not its mention in the header comment). */
function inTcpAck(text: string): number {
  const lines = readFileSync(KERNEL, 'utf8').split('\n');
  const def = lines.findIndex((l) => l.startsWith('extern __inline__ int tcp_ack(') && !l.trim().endsWith(';'));
  const i = lines.findIndex((l, k) => k > def && l.includes(text));
  assert.ok(def >= 0 && i > def, text);
  return i + 1;
}

test('lost-fin without breakpoints: 5 segments, both sockets CLOSE', async () => {
  const end = await expectedEnd();
  assert.equal(end.segments, 5);
  assert.deepEqual(end.states, { client: TCP_CLOSE, server: TCP_CLOSE });
});

/** Runs to the first stop in tcp_ack where the client's retransmit timer is pending. */
async function atPendingRetransmit(): Promise<DebugProtocol.StackFrame> {
  await c.launch({ scenario: LOST_FIN, stopOnEntry: false }, (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'tcp_ack' }] }));
  for (let i = 0; i < 20; i++) {
    const s = c.events.filter((e) => e.event === 'stopped').at(-1) as DebugProtocol.StoppedEvent;
    if (s.body.threadId === CLIENT && (await c.vars(CLIENT)).retransmit_timer !== 'not pending') {
      const top = await c.top(CLIENT);
      assert.equal(top.name, 'tcp_ack');
      return top;
    }
    await c.step('continue');
  }
  throw new Error('no stop in tcp_ack with the retransmit timer pending');
}

test('a hover calling del_timer is refused, the timer stays pending; step back and forward go on; the run ends as without it', async () => {
  const want = await expectedEnd();
  let top = await atPendingRetransmit();
  const pending = (await c.vars(CLIENT)).retransmit_timer;
  await assert.rejects(
    c.dc.evaluateRequest({ expression: 'del_timer(&sk->retransmit_timer)', frameId: top.id, context: 'hover' }),
    /calling del_timer\(\) is not allowed here: evaluating an expression cannot run kernel code/,
  );
  assert.equal((await c.vars(CLIENT)).retransmit_timer, pending, 'the timer is still pending');
  // reading is allowed: the queue the call would have looked at
  const queue = await c.dc.evaluateRequest({ expression: 'sk->receive_queue.next == (struct sk_buff *)&sk->receive_queue', frameId: top.id, context: 'hover' });
  assert.equal(queue.body.result, '1');
  // the sequence: one step back, one step forward; then a hover in the past, and on
  const back = await c.step('stepBack');
  assert.notEqual(back.body.reason, 'exception');
  top = await c.top(CLIENT);
  await assert.rejects(c.dc.evaluateRequest({ expression: 'del_timer(&sk->retransmit_timer)', frameId: top.id, context: 'hover' }), /calling del_timer\(\) is not allowed here/);
  const fwd = await c.step('next');
  assert.notEqual(fwd.body.reason, 'exception', fwd.body.description);
  assert.equal((await c.vars(CLIENT)).retransmit_timer, pending);
  await c.dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  c.skipPending();
  await c.dc.continueRequest({ threadId: CLIENT });
  assert.deepEqual(await continueToEnd(), want);
});

test('line conditions, logpoints, hit counts, watches, the REPL and setVariable values cannot call primitives', async () => {
  const want = await expectedEnd();
  const flagLine = inTcpAck('int flag = 0;');
  const zappedLine = inTcpAck('if(sk->zapped)');
  const set = { r: undefined as DebugProtocol.SetBreakpointsResponse | undefined };
  await c.launch({ scenario: LOST_FIN, stopOnEntry: false }, async (dc) => {
    set.r = await dc.setBreakpointsRequest({
      source: { path: KERNEL },
      breakpoints: [
        { line: flagLine, condition: 'printk("x") || tcp_send_ack(sk->sent_seq, sk->acked_seq, sk, th, saddr)', hitCondition: '% 1' },
        { line: zappedLine, logMessage: 'removed {del_timer(&sk->retransmit_timer)} {skb_dequeue(&sk->receive_queue)}' },
      ],
    });
  });
  assert.match(set.r!.body.breakpoints[0].message ?? '', /calling printk\(\) is not allowed here: evaluating an expression cannot run kernel code/);
  const logs: string[] = [];
  const end = await continueToEnd(async (s) => {
    const top = await c.top(s.body.threadId!);
    const logsNow = c.events.filter((e) => e.event === 'output' && /^removed /.test(e.body.output)).map((e) => e.body.output);
    logs.push(...logsNow.slice(logs.length));
    if (top.name !== 'tcp_ack') return;
    for (const context of ['watch', 'hover', 'repl', 'clipboard', 'variables']) {
      await assert.rejects(c.dc.evaluateRequest({ expression: 'del_timer(&sk->retransmit_timer)', frameId: top.id, context }), /calling del_timer\(\) is not allowed here/);
    }
    await assert.rejects(c.dc.evaluateRequest({ expression: 'sk->rto = del_timer(&sk->timer)', frameId: top.id, context: 'repl' }), /calling del_timer\(\) is not allowed here/);
    await assert.rejects(c.dc.evaluateRequest({ expression: 'tcp_ack(sk, th, saddr, len)', frameId: top.id, context: 'watch' }), /calling tcp_ack\(\) is not allowed here/);
    await assert.rejects(c.dc.evaluateRequest({ expression: 'sk->rto++', frameId: top.id, context: 'watch' }), /not allowed/);
    const sock = await c.scope(top.id, 'Socket');
    await assert.rejects(c.dc.setVariableRequest({ variablesReference: sock.variablesReference, name: 'rto', value: 'del_timer(&sk->retransmit_timer)' }), /calling del_timer\(\) is not allowed here/);
    await assert.rejects(c.dc.setVariableRequest({ variablesReference: sock.variablesReference, name: 'rto', value: 'add_timer(&sk->timer)' }), /calling add_timer\(\) is not allowed here/);
  });
  assert.deepEqual(end, want);
  assert.ok(logs.length > 0, 'the logpoint logged');
  for (const l of logs) assert.match(l, /^removed <del_timer\(&sk->retransmit_timer\): calling del_timer\(\) is not allowed here.*> <skb_dequeue\(&sk->receive_queue\): calling skb_dequeue\(\) is not allowed here/);
});

test('setVariable and a REPL assignment are what-ifs: they change the run through a new branch of history', async () => {
  const top = await atPendingRetransmit();
  const { rto: before, retransmits } = await c.vars(CLIENT);
  assert.notEqual(retransmits, '7');
  const sock = await c.scope(top.id, 'Socket');
  const r = await c.dc.setVariableRequest({ variablesReference: sock.variablesReference, name: 'rto', value: 'sk->rto * 2' });
  assert.equal(r.body.value, String(Number(before) * 2));
  const w = await c.dc.evaluateRequest({ expression: 'sk->retransmits = 7', frameId: (await c.top(CLIENT)).id, context: 'repl' });
  assert.equal(w.body.result, '7');
  assert.equal((await c.vars(CLIENT)).retransmits, '7');
  // each what-if is a new stop at the same place: the stop before them still holds the old values
  const snaps = c.events.filter((e) => e.event === 'tcpClose/stop');
  const after = snaps.at(-1)!.body;
  assert.equal(after.sockets.client.fields.rto, Number(before) * 2);
  const at = snaps.find((e) => e.body.stopCount === after.stopCount - 2)?.body.index ?? after.index - 2;
  await c.dc.customRequest('gotoStop', { stop: at });
  assert.equal((await c.vars(CLIENT)).rto, before, 'going back shows the value before the what-if');
  assert.equal((await c.vars(CLIENT)).retransmits, retransmits);
});

test('data breakpoints take a read-only condition and a hit count too', async () => {
  const want = await expectedEnd();
  await c.launch({ scenario: LOST_FIN });
  const sock = await c.scope((await c.top(CLIENT)).id, 'Socket server');
  const info = await c.dc.dataBreakpointInfoRequest({ variablesReference: sock.variablesReference, name: 'state' });
  const set = await c.dc.setDataBreakpointsRequest({
    breakpoints: [
      { dataId: info.body.dataId!, condition: 'sk->state == TCP_LAST_ACK' },
      { dataId: info.body.dataId!, condition: 'del_timer(&sk->timer) || 1', hitCondition: '>= 100' },
    ],
  });
  assert.equal(set.body.breakpoints[0].verified, true);
  assert.equal(set.body.breakpoints[1].verified, true);
  c.skipPending();
  const hit = await c.step('continue');
  assert.equal(hit.body.reason, 'data breakpoint');
  assert.match(hit.body.description ?? '', /^server\.state: TCP_CLOSE_WAIT \(8\) → TCP_LAST_ACK \(9\)/, 'the change to CLOSE_WAIT did not satisfy the condition');
  assert.match(hit.body.description ?? '', /could not be evaluated: calling del_timer\(\) is not allowed here/);
  await c.dc.setDataBreakpointsRequest({ breakpoints: [] });
  c.skipPending();
  await c.dc.continueRequest({ threadId: 2 });
  assert.deepEqual(await continueToEnd(), want);
});
