// The debug adapter in process over DAP: launch, breakpoints of every kind, stepping both ways,
// variables, evaluate, what-if writes, exceptions and malformed requests; every message is
// validated against the DAP schema.

import { test } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type Client, KERNEL, PASSIVE, TCP_H, closeWaitLine, connect, lineOf, tempScenario, clientPerTest } from './harness';
import { LAUNCH_SCHEMA } from '../../src/debug/config';
import { stopProblem, timelineProblem } from '../../src/common/check';

let c: Client;
const server = clientPerTest(
  (x) => (c = x),
  () => c,
);

const T = 1; // the server socket's thread
const stateOf = async () => (await c.vars(T)).state;

/** Launch passive-close, continue to the breakpoint on tcp_fin's tcp_set_state(sk,TCP_CLOSE_WAIT). */
async function atCloseWait(extra: Record<string, unknown> = {}) {
  const line = closeWaitLine();
  const entry = await c.launch({ scenario: PASSIVE, ...extra }, (dc) => dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line }] }));
  assert.equal(entry.body.reason, 'entry');
  const hit = await c.step('continue');
  assert.equal(hit.body.reason, 'breakpoint');
  const top = await c.top(T);
  assert.equal(top.name, 'tcp_fin');
  assert.equal(top.line, line);
  return line;
}

test('launch stops on entry at the first scenario event, one thread per socket', async () => {
  const stopped = await c.launch({ scenario: PASSIVE });
  assert.equal(stopped.body.reason, 'entry');
  assert.equal(stopped.body.threadId, T);
  assert.equal(stopped.body.allThreadsStopped, true);
  const threads = (await c.dc.threadsRequest()).body.threads;
  assert.deepEqual(threads.map((t) => [t.id, t.name]), [[1, 'server']]);
  const frames = await c.frames(T);
  assert.equal(frames.length, 1);
  assert.match(frames[0].name, /^scenario: server < F\. seq=1000 ack=5000$/);
  assert.equal(frames[0].source?.path, PASSIVE);
  assert.equal(frames[0].line, lineOf(PASSIVE, 'server < F. seq=1000'));
  const snap = await c.next('tcpClose/stop');
  assert.equal(snap.body.kind, 'event');
  assert.equal(snap.body.sockets.server.fields.state, 1);
  assert.equal(stopProblem(snap.body), undefined);
  assert.equal(snap.body.item, 'scenario: server < F. seq=1000 ack=5000');
  const clock = await c.vars(T, 'Clock');
  assert.equal(clock.HZ, '100');
});

test('a breakpoint in tcp_fin; next runs the line; step back restores the state', async () => {
  const line = await atCloseWait();
  assert.equal(await stateOf(), 'TCP_ESTABLISHED (1)');
  const n = await c.step('next');
  assert.equal(n.body.reason, 'step');
  const top = await c.top(T);
  assert.equal(top.name, 'tcp_fin');
  assert.ok(top.line > line);
  assert.equal(await stateOf(), 'TCP_CLOSE_WAIT (8)');
  const back = await c.step('stepBack');
  assert.ok(['step', 'breakpoint'].includes(back.body.reason), back.body.reason);
  assert.equal((await c.top(T)).line, line);
  assert.equal(await stateOf(), 'TCP_ESTABLISHED (1)');
  // the whole stack: tcp_fin, its callers, and the agenda item at the bottom
  const frames = await c.frames(T);
  assert.deepEqual(frames.map((f) => f.name).slice(0, 3), ['tcp_fin', 'tcp_data', 'tcp_rcv']);
  assert.match(frames[frames.length - 1].name, /^scenario: server < F\./);
});

test('step in enters tcp_set_state, step out returns to tcp_fin', async () => {
  const line = await atCloseWait();
  await c.step('stepIn');
  let top = await c.top(T);
  assert.equal(top.name, 'tcp_set_state');
  const locals = await c.vars(T, 'Locals');
  assert.equal(locals.state, 'TCP_CLOSE_WAIT (8)');
  assert.match(locals.sk, /^0x[0-9a-f]+ <server>$/);
  await c.step('stepOut');
  top = await c.top(T);
  assert.equal(top.name, 'tcp_fin');
  assert.ok(top.line > line);
  assert.equal(await stateOf(), 'TCP_CLOSE_WAIT (8)');
});

test('reverse continue runs back to the breakpoint, then to the start', async () => {
  const line = await atCloseWait();
  await c.step('next');
  await c.step('next');
  const r = await c.step('reverseContinue');
  assert.equal(r.body.reason, 'breakpoint');
  assert.equal((await c.top(T)).line, line);
  const r2 = await c.step('reverseContinue');
  assert.equal(r2.body.reason, 'step');
  const frames = await c.frames(T);
  assert.equal(frames.length, 1);
  assert.equal(frames[0].line, lineOf(PASSIVE, 'server < F. seq=1000'));
});

test('conditions: false never stops, true stops, an invalid one is reported and stops with a reason', async () => {
  const line = closeWaitLine();
  await c.launch({ scenario: PASSIVE }, async (dc) => {
    const r = await dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line, condition: 'sk->state == TCP_FIN_WAIT1' }] });
    assert.equal(r.body.breakpoints[0].verified, true);
  });
  const s = await c.step('continue');
  assert.equal(s.body.description, 'end of the scenario');

  const r = await c.dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line, condition: 'sk->nosuchfield == 1' }] });
  assert.match(r.body.breakpoints[0].message ?? '', /nosuchfield/);
  await c.dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line, condition: 'sk->state == TCP_ESTABLISHED' }] });
  const rc = await c.step('reverseContinue');
  assert.equal(rc.body.reason, 'breakpoint');
  assert.equal((await c.top(T)).line, line);
});

test('an invalid condition stops with an explanation at run time', async () => {
  const line = closeWaitLine();
  await c.launch({ scenario: PASSIVE }, (dc) => dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line, condition: 'sk->nosuchfield' }] }));
  const s = await c.step('continue');
  assert.equal(s.body.reason, 'breakpoint');
  assert.match(s.body.description ?? '', /could not be evaluated.*nosuchfield/);
});

test('hit counts and logpoints', async () => {
  const afterLine = lineOf(TCP_H, 'return (long)(seq1-seq2) > 0;');
  // the stop indexes of the first three calls of after() (tcp.h's inline function)
  await c.launch({ scenario: PASSIVE }, (dc) => dc.setBreakpointsRequest({ source: { path: TCP_H }, breakpoints: [{ line: afterLine }] }));
  c.skipPending();
  const indexes: number[] = [];
  for (let i = 0; i < 3; i++) {
    await c.step('continue');
    indexes.push((await c.next('tcpClose/stop')).body.index);
  }
  await c.close();

  c = await connect(server.port);
  const line = closeWaitLine();
  await c.launch({ scenario: PASSIVE }, (dc) =>
    Promise.all([
      dc.setBreakpointsRequest({ source: { path: TCP_H }, breakpoints: [{ line: afterLine, hitCondition: '3' }] }),
      dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line, logMessage: 'fin: state={sk->state} fin_seq={sk->fin_seq}' }] }),
    ]),
  );
  c.skipPending();
  const s = await c.step('continue');
  assert.equal(s.body.reason, 'breakpoint');
  assert.equal((await c.next('tcpClose/stop')).body.index, indexes[2]);
  // run to the end: the logpoint logs and does not stop
  const end = await c.step('continue');
  assert.equal(end.body.description, 'end of the scenario');
  const logs = c.events.filter((e) => e.event === 'output' && /^fin: /.test(e.body.output));
  assert.deepEqual(logs.map((e) => e.body.output), ['fin: state=TCP_ESTABLISHED (1) fin_seq=1001\n']);
});

test('a function breakpoint stops at the first statement of tcp_fin', async () => {
  await c.launch({ scenario: PASSIVE }, async (dc) => {
    const r = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'tcp_fin' }, { name: 'no_such_fn' }] });
    assert.equal(r.body.breakpoints[0].verified, true);
    assert.equal(r.body.breakpoints[1].verified, false);
  });
  const s = await c.step('continue');
  assert.equal(s.body.reason, 'function breakpoint');
  const top = await c.top(T);
  assert.equal(top.name, 'tcp_fin');
  assert.equal(top.line, lineOf(KERNEL, 'sk->fin_seq = th->seq + skb->len + th->syn + th->fin;'));
});

test('a scenario-line breakpoint stops at that event', async () => {
  const line = lineOf(PASSIVE, 'server close');
  await c.launch({ scenario: PASSIVE }, async (dc) => {
    const r = await dc.setBreakpointsRequest({ source: { path: PASSIVE }, breakpoints: [{ line }, { line: 1 }] });
    assert.equal(r.body.breakpoints[0].verified, true);
    assert.equal(r.body.breakpoints[0].line, line);
    // a comment line moves to the first event
    assert.equal(r.body.breakpoints[1].line, lineOf(PASSIVE, 'server < F. seq=1000'));
  });
  // the first event is a breakpoint too now: skip it
  await c.dc.setBreakpointsRequest({ source: { path: PASSIVE }, breakpoints: [{ line }] });
  const s = await c.step('continue');
  assert.equal(s.body.reason, 'breakpoint');
  const frames = await c.frames(T);
  assert.equal(frames.length, 1);
  assert.equal(frames[0].name, 'scenario: server close');
  assert.equal(frames[0].line, line);
  assert.equal(await stateOf(), 'TCP_CLOSE_WAIT (8)');
});

test('a line without a statement moves to the next one; outside a function it is refused', async () => {
  await c.launch({ scenario: PASSIVE });
  const def = lineOf(KERNEL, 'static int tcp_fin(struct sk_buff *skb, struct sock *sk, struct tcphdr *th)');
  const r = await c.dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line: def + 1 }, { line: 2 }] });
  assert.equal(r.body.breakpoints[0].verified, true);
  assert.equal(r.body.breakpoints[0].line, def + 2);
  assert.match(r.body.breakpoints[0].message ?? '', /moved/);
  assert.equal(r.body.breakpoints[1].verified, false);
  assert.match(r.body.breakpoints[1].message ?? '', /outside every function/);
});

test('a data breakpoint on server state fires forward and in reverse', async () => {
  await c.launch({ scenario: PASSIVE });
  const f = await c.top(T);
  const sock = await c.scope(f.id, 'Socket');
  const info = await c.dc.dataBreakpointInfoRequest({ variablesReference: sock.variablesReference, name: 'state' });
  assert.match(info.body.dataId ?? '', /:server\.state$/);
  const set = await c.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId! }] });
  assert.equal(set.body.breakpoints[0].verified, true);
  const s1 = await c.step('continue');
  assert.equal(s1.body.reason, 'data breakpoint');
  assert.equal(s1.body.description, 'server.state: TCP_ESTABLISHED (1) → TCP_CLOSE_WAIT (8)');
  // stopped right after the write, in tcp_set_state
  const top = await c.top(T);
  assert.equal(top.name, 'tcp_set_state');
  assert.equal(top.line, lineOf(KERNEL, 'sk->state=state;', 'static __inline__ void tcp_set_state') + 1);
  const s2 = await c.step('continue');
  assert.equal(s2.body.description, 'server.state: TCP_CLOSE_WAIT (8) → TCP_LAST_ACK (9)');
  // in reverse: the statement that wrote it, the value before it ran
  const r = await c.step('reverseContinue');
  assert.equal(r.body.reason, 'data breakpoint');
  assert.equal(r.body.description, 'server.state: TCP_CLOSE_WAIT (8) → TCP_LAST_ACK (9) (written by this statement)');
  assert.equal((await c.top(T)).line, lineOf(KERNEL, 'sk->state=state;', 'static __inline__ void tcp_set_state'));
  assert.equal(await stateOf(), 'TCP_CLOSE_WAIT (8)');
  // locals are not watchable
  const loc = await c.scope((await c.top(T)).id, 'Locals');
  const none = await c.dc.dataBreakpointInfoRequest({ variablesReference: loc.variablesReference, name: 'state' });
  assert.equal(none.body.dataId, null);
});

test('a data breakpoint with a condition stops only at a change the condition holds for', async () => {
  await c.launch({ scenario: PASSIVE });
  const sock = await c.scope((await c.top(T)).id, 'Socket');
  const info = await c.dc.dataBreakpointInfoRequest({ variablesReference: sock.variablesReference, name: 'state' });
  const set = await c.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, condition: 'sk->state == TCP_LAST_ACK' }] });
  assert.equal(set.body.breakpoints[0].verified, true);
  // ESTABLISHED → CLOSE_WAIT comes first: the condition is false there, so the run goes on to LAST_ACK
  const s = await c.step('continue');
  assert.equal(s.body.reason, 'data breakpoint');
  assert.equal(s.body.description, 'server.state: TCP_CLOSE_WAIT (8) → TCP_LAST_ACK (9)');
  assert.equal(await stateOf(), 'TCP_LAST_ACK (9)');
});

test('evaluate C expressions in a frame; errors are clear', async () => {
  await atCloseWait();
  const f = await c.top(T);
  const r = await c.dc.evaluateRequest({ expression: 'sk->rcv_ack_seq == sk->write_seq', frameId: f.id, context: 'watch' });
  assert.equal(r.body.result, '1');
  const h = await c.dc.evaluateRequest({ expression: 'sk->state', frameId: f.id, context: 'hover' });
  assert.equal(h.body.result, 'TCP_ESTABLISHED (1)');
  const p = await c.dc.evaluateRequest({ expression: 'sk', frameId: f.id, context: 'watch' });
  assert.ok(p.body.variablesReference > 0);
  await assert.rejects(c.dc.evaluateRequest({ expression: 'sk->nosuch', frameId: f.id, context: 'watch' }), /cannot evaluate 'sk->nosuch'.*nosuch/);
  // the REPL may assign: a what-if through the history
  const w = await c.dc.evaluateRequest({ expression: 'sk->rto = 600', frameId: f.id, context: 'repl' });
  assert.equal(w.body.result, '600');
  const rto = await c.dc.evaluateRequest({ expression: 'sk->rto', frameId: f.id, context: 'watch' });
  assert.equal(rto.body.result, '600');
});

test('setVariable writes a socket field as a what-if; step back shows the old value', async () => {
  await atCloseWait();
  const f = await c.top(T);
  const sock = await c.scope(f.id, 'Socket');
  const r = await c.dc.setVariableRequest({ variablesReference: sock.variablesReference, name: 'fin_seq', value: '5001' });
  assert.equal(r.body.value, '5001');
  await c.next('invalidated');
  assert.equal((await c.vars(T)).fin_seq, '5001');
  const s = await c.dc.setVariableRequest({ variablesReference: (await c.scope((await c.top(T)).id, 'Socket')).variablesReference, name: 'state', value: 'TCP_CLOSE' });
  assert.equal(s.body.value, 'TCP_CLOSE (7)');
  await c.step('stepBack');
  // back before the writes: tcp_fin's first statement wrote fin_seq = 1001
  assert.equal((await c.vars(T)).fin_seq, '1001');
  await assert.rejects(c.dc.setVariableRequest({ variablesReference: sock.variablesReference, name: 'sk', value: '1' }));
});

const FAILING = `socket server TCP_ESTABLISHED write_seq=5000 acked_seq=1000
0      server < F. seq=1000 ack=5000
+0     expect server state=TCP_LAST_ACK
+1s    wait
`;

test('a failed expectation stops as an exception; with the filter off it does not', async () => {
  const file = tempScenario('failing.tcpscenario', FAILING);
  const ev = await c.launch({ scenario: file, stopOnEntry: false });
  assert.equal(ev.body.reason, 'exception');
  assert.match(ev.body.text ?? '', /state is TCP_CLOSE_WAIT, expected TCP_LAST_ACK/);
  const info = await c.dc.exceptionInfoRequest({ threadId: T });
  assert.equal(info.body.exceptionId, 'expectation');
  assert.match(info.body.description ?? '', /expected TCP_LAST_ACK/);
  const frames = await c.frames(T);
  assert.equal(frames[0].line, 3);
  await c.close();

  c = await connect(server.port);
  const end = await c.launch({ scenario: file, stopOnEntry: false }, (dc) => dc.setExceptionBreakpointsRequest({ filters: [] }));
  assert.equal(end.body.description, 'end of the scenario');
});

test('stepBy event: next goes from event to event; stepToNextEvent too', async () => {
  await c.launch({ scenario: PASSIVE, stepBy: 'event' });
  const lines: number[] = [];
  for (let i = 0; i < 3; i++) {
    await c.step('stepIn');
    lines.push((await c.top(T)).line);
  }
  assert.deepEqual(lines, [lineOf(PASSIVE, 'server > . ack=1001'), lineOf(PASSIVE, 'expect server state=TCP_CLOSE_WAIT'), lineOf(PASSIVE, 'server close')]);
  await c.close();

  c = await connect(server.port);
  await atCloseWait();
  await c.step('stepToNextEvent');
  const frames = await c.frames(T);
  assert.equal(frames.length, 1);
  assert.equal(frames[0].line, lineOf(PASSIVE, 'server > . ack=1001'));
});

test('restart re-creates the run; continue at the end terminates', async () => {
  await atCloseWait();
  await c.dc.restartRequest({ arguments: { scenario: PASSIVE, stopOnEntry: true } } as any);
  const s = await c.next('stopped');
  assert.equal(s.body.reason, 'entry');
  // the breakpoint survives the restart
  await c.dc.setExceptionBreakpointsRequest({ filters: ['expectation'] });
  const hit = await c.step('continue');
  assert.equal(hit.body.reason, 'breakpoint');
  await c.dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [] });
  const end = await c.step('continue');
  assert.equal(end.body.description, 'end of the scenario');
  await c.dc.continueRequest({ threadId: T });
  await c.next('terminated');
});

test('gotoStop (the panel timeline) moves to a recorded stop, in the past or back again', async () => {
  const line = await atCloseWait();
  const atBreakpoint = c.events.filter((e) => e.event === 'tcpClose/stop').pop()!.body.index;
  c.skipPending();
  await c.step('next');
  await c.dc.customRequest('gotoStop', { stop: 0 });
  const s = await c.next('stopped');
  assert.equal(s.body.reason, 'goto');
  assert.equal((await c.frames(T)).length, 1);
  assert.equal(await stateOf(), 'TCP_ESTABLISHED (1)');
  await c.dc.customRequest('gotoStop', { stop: atBreakpoint });
  await c.next('stopped');
  assert.equal((await c.top(T)).line, line);
  await assert.rejects(c.dc.customRequest('gotoStop', { stop: 1e9 }), /whole number/);
});

test('pause while stopped reports a pause stop', async () => {
  await c.launch({ scenario: PASSIVE });
  await c.dc.pauseRequest({ threadId: T });
  const s = await c.next('stopped');
  assert.equal(s.body.reason, 'pause');
});

test('malformed requests get an error response and the session stays alive', async () => {
  await c.launch({ scenario: PASSIVE });
  await assert.rejects(c.dc.customRequest('noSuchCommand'), /unrecognized request/);
  await assert.rejects(c.dc.send('variables', { variablesReference: 'x' }), /variablesReference/);
  await assert.rejects(c.dc.send('stackTrace', { threadId: 'one' }), /threadId/);
  await assert.rejects(c.dc.send('setBreakpoints', { source: { path: KERNEL }, breakpoints: 'all' }), /list/);
  await assert.rejects(c.dc.send('scopes', { frameId: 99999 }), /no frame/);
  await assert.rejects(c.dc.send('evaluate', {}), /expression/);
  await assert.rejects(c.dc.send('setFunctionBreakpoints', { breakpoints: [{ name: 3 }] }));
  const threads = await c.dc.threadsRequest();
  assert.equal(threads.body.threads.length, 1);
  const n = await c.step('stepIn');
  assert.equal(n.body.reason, 'step');
});

test('an invalid scenario gives an error with file:line:col, output, and terminates', async () => {
  const file = tempScenario('typo.tcpscenario', 'socket server TCP_ESTABLISHD write_seq=5000\n0 server close\n');
  await c.dc.initializeRequest({ adapterID: 'tcp-close', pathFormat: 'path' });
  await assert.rejects(c.dc.launchRequest({ scenario: file } as any), (e: Error) => e.message.includes(`${file}:1:15:`));
  const out = await c.next('output');
  assert.match(out.body.output, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:15: `));
  await c.next('terminated');
  await assert.rejects(c.dc.launchRequest({ scenario: 42 } as any), /scenario/);
});

test("package.json's launch attributes are the ones the adapter checks", () => {
  const pkg = JSON.parse(readFileSync(`${__dirname}/../../package.json`, 'utf8'));
  const nls = JSON.parse(readFileSync(`${__dirname}/../../package.nls.json`, 'utf8'));
  const dbg = pkg.contributes.debuggers.find((d: any) => d.type === 'tcp-close');
  // descriptions are %keys% of package.nls.json (English): compare with the text they stand for
  const launch = JSON.parse(JSON.stringify(dbg.configurationAttributes.launch), (_k, v) => (typeof v === 'string' && /^%[\w.]+%$/.test(v) ? nls[v.slice(1, -1)] ?? v : v));
  assert.deepEqual(launch, JSON.parse(JSON.stringify(LAUNCH_SCHEMA)));
});

test('a late request about an earlier stop is answered "stale" (no popup), and its numbers are never reused', async () => {
  await atCloseWait();
  const old = (await c.dc.stackTraceRequest({ threadId: T })).body.stackFrames[0].id;
  const oldScopes = (await c.dc.scopesRequest({ frameId: old })).body.scopes;
  await c.step('next');
  const fresh = (await c.dc.stackTraceRequest({ threadId: T })).body.stackFrames.map((f) => f.id);
  assert.ok(!fresh.includes(old), 'frame numbers of the new stop differ from the old ones');
  await assert.rejects(c.dc.scopesRequest({ frameId: old }), /earlier stop/);
  await assert.rejects(c.dc.variablesRequest({ variablesReference: oldScopes[0].variablesReference }), /earlier stop/);
  const late = c.failures.filter((r) => /earlier stop/.test(JSON.stringify(r.body ?? {})));
  assert.equal(late.length, 2);
  for (const r of late) assert.equal(r.body?.error?.showUser, false);
  // the session goes on
  assert.equal((await c.top(T)).name, 'tcp_fin', 'next ran tcp_set_state(...) and stays in tcp_fin');
});

/** The `tcpClose/timeline` events the adapter sent, in order, each checked against the panel's own check. */
async function timelineUntilDone(): Promise<{ stopCount: number; whole: boolean; capped: boolean }[]> {
  const seen: { stopCount: number; whole: boolean; capped: boolean }[] = [];
  for (;;) {
    const e = await c.next('tcpClose/timeline');
    assert.equal(timelineProblem(e.body), undefined);
    seen.push(e.body);
    if (e.body.whole || e.body.capped) return seen;
  }
}

test('the whole run is recorded ahead after the first stop: the timeline spans it, a jump to its end runs nothing, stepping is the same', async () => {
  // the run's length, recorded as you go (no look-ahead): continue to the end
  await c.launch({ scenario: PASSIVE, lookaheadStops: 0 });
  const lastStop = (await c.step('continue')).body;
  assert.equal(lastStop.description, 'end of the scenario');
  const liveCount = c.events.filter((e) => e.event === 'tcpClose/stop').pop()!.body.stopCount;
  assert.ok(!c.events.some((e) => e.event === 'tcpClose/timeline'), 'lookaheadStops 0: nothing recorded ahead');
  await c.close();
  c = await connect(server.port);
  const first = await c.launch({ scenario: PASSIVE });
  assert.equal(first.body.reason, 'entry');
  const told = await timelineUntilDone();
  const last = told.pop() as { stopCount: number; whole: boolean; capped: boolean; index: number; later: { id: number }[]; laterTimers: unknown[] };
  assert.deepEqual({ ...last, later: undefined, laterTimers: undefined }, { stopCount: liveCount, whole: true, capped: false, index: 0, later: undefined, laterTimers: undefined });
  assert.ok(Array.isArray(last.laterTimers), 'and the timers still to run');
  // still at the first stop, whose Variables show the start
  assert.equal(await stateOf(), 'TCP_ESTABLISHED (1)');
  // the panel's scrubber to the last stop: the end, at once
  c.skipPending();
  await c.dc.customRequest('gotoStop', { stop: liveCount - 1 });
  const end = await c.next('stopped');
  assert.equal(end.body.reason, 'goto');
  const snap = await c.next('tcpClose/stop');
  assert.deepEqual([snap.body.index, snap.body.stopCount, snap.body.kind], [liveCount - 1, liveCount, 'end']);
  // what the first stop was told was still to come is what the end shows was sent
  assert.deepEqual(last.later, snap.body.segments);
  assert.deepEqual(snap.body.later, []);
  assert.equal(await stateOf(), 'TCP_CLOSE (7)');
  // back to the start, then stepping: the same stops as a run recorded as it goes
  await c.dc.customRequest('gotoStop', { stop: 0 });
  await c.next('stopped');
  const line = closeWaitLine();
  await c.dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line }] });
  const hit = await c.step('continue');
  assert.equal(hit.body.reason, 'breakpoint');
  assert.equal((await c.top(T)).line, line);
});

test('a what-if forgets the recorded future and it is recorded again from there; a budget of stops caps the look-ahead', async () => {
  await c.launch({ scenario: PASSIVE, lookaheadStops: 40 });
  assert.deepEqual((await timelineUntilDone()).pop(), { stopCount: 40, whole: false, capped: true });
  await c.close();
  c = await connect(server.port);
  await c.launch({ scenario: PASSIVE });
  const whole = (await timelineUntilDone()).pop()!;
  assert.ok(whole.whole);
  const sock = await c.scope((await c.top(T)).id, 'Socket');
  c.skipPending();
  // before the client's FIN arrives the server is made CLOSED: tcp_rcv finds no connection for it
  await c.dc.setVariableRequest({ variablesReference: sock.variablesReference, name: 'state', value: 'TCP_CLOSE' });
  const cut = await c.next('tcpClose/stop');
  assert.equal(cut.body.stopCount, 2, 'the future forgotten, the what-if a stop of its own');
  const again = (await timelineUntilDone()).pop()!;
  assert.ok(again.whole);
  assert.notEqual(again.stopCount, whole.stopCount, 'another future');
  // its end is the what-if's: the server never reached CLOSE_WAIT
  c.skipPending();
  await c.dc.customRequest('gotoStop', { stop: again.stopCount - 1 });
  await c.next('stopped');
  assert.equal(await stateOf(), 'TCP_CLOSE (7)');
  assert.ok(!c.events.some((e) => e.event === 'tcpClose/stop' && e.body.transitions.some((t: { to: string }) => t.to === 'TCP_CLOSE_WAIT')));
});

test('launch refuses a look-ahead budget that is not a count or a time', async () => {
  await c.dc.initializeRequest({ adapterID: 'tcp-close', pathFormat: 'path' });
  await assert.rejects(c.dc.launchRequest({ scenario: PASSIVE, lookaheadStops: -1 } as DebugProtocol.LaunchRequestArguments), /lookaheadStops/);
  await assert.rejects(c.dc.launchRequest({ scenario: PASSIVE, lookaheadSeconds: 0 } as DebugProtocol.LaunchRequestArguments), /lookaheadSeconds/);
});
