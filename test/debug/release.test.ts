// The debug session on the unmodified 1.2.13 release (launch attribute `kernel: "release"`), over
// a real DAP client whose every message is checked against the protocol's schema: the stops are
// at the release tcp.c's own lines, the machine layer never shows in the call stack, and
// breakpoints, stepping (back too), the Variables view, evaluate, what-if writes and data
// breakpoints read the kernel's byte memory.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { type Client, PASSIVE, ROOT, clientPerTest, connect } from './harness';
import { checkLaunchArguments } from '../../src/debug/config';

let c: Client;
const server = clientPerTest(
  (x) => (c = x),
  () => c,
);

const TCP_C = join(ROOT, 'src', 'kernel', 'linux-1.2.13', 'net', 'inet', 'tcp.c');
const text = readFileSync(TCP_C, 'utf8').split('\n');
/** The 1-based line of the release tcp.c that holds `s` (exactly once). */
function line(s: string): number {
  const hits = text.flatMap((l, i) => (l.includes(s) ? [i + 1] : []));
  assert.equal(hits.length, 1, `'${s}' is in the release tcp.c ${hits.length} times`);
  return hits[0];
}
const FIN_DEF = line('static int tcp_fin(struct sk_buff *skb, struct sock *sk, struct tcphdr *th)');
const FIN_SEQ = line('sk->fin_seq = th->seq + skb->len + th->syn + th->fin;');
const DEAD_TEST = FIN_SEQ + 2; // `if (!sk->dead)`
const T = 1;
const release = { scenario: PASSIVE, kernel: 'release' };

async function varsOf(ref: number): Promise<DebugProtocol.Variable[]> {
  return (await c.dc.variablesRequest({ variablesReference: ref })).body.variables;
}
async function scopeVars(name: string): Promise<Record<string, DebugProtocol.Variable>> {
  const top = await c.top(T);
  const s = await c.scope(top.id, name);
  return Object.fromEntries((await varsOf(s.variablesReference)).map((v) => [v.name, v]));
}

test('on the release: the entry stop is the scenario, and a function breakpoint stops at tcp_fin\'s first line of the real tcp.c', async () => {
  const entry = await c.launch(release, (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'tcp_fin' }] }));
  assert.equal(entry.body.reason, 'entry');
  const threads = (await c.dc.threadsRequest()).body.threads.map((t) => t.name);
  assert.deepEqual(threads, ['server']);
  c.skipPending();
  const hit = await c.step('continue');
  assert.equal(hit.body.reason, 'function breakpoint');
  const frames = await c.frames(hit.body.threadId!);
  assert.equal(frames[0].name, 'tcp_fin');
  assert.equal(frames[0].source?.path, TCP_C);
  assert.equal(frames[0].line, FIN_SEQ, 'the first statement of the release tcp_fin');
  // the callers are the release's own (tcp_data, tcp_rcv, then the IP layer): no machine_* frame
  const names = frames.map((f) => f.name);
  assert.equal(names[1], 'tcp_data');
  assert.ok(names.includes('tcp_rcv'), names.join(' < '));
  assert.ok(!names.some((n) => n.startsWith('machine_')), `a machine layer frame shows: ${names.join(' < ')}`);
  assert.equal(names[names.length - 1], 'scenario: server < F. seq=1000 ack=5000');
  // the stop event reads the release's memory, and names the release file as the moment
  const ev = await c.next('tcpClose/stop');
  assert.equal(ev.body.moment.file, TCP_C);
  assert.equal(ev.body.moment.line, FIN_SEQ);
  assert.equal(ev.body.sockets.server.display.state, 'TCP_ESTABLISHED (1)');
});

test('on the release: locals and the socket read byte memory; next, step out and step back move through the real lines', async () => {
  await c.launch(release, (dc) => dc.setBreakpointsRequest({ source: { path: TCP_C }, breakpoints: [{ line: FIN_SEQ }] }));
  c.skipPending();
  assert.equal((await c.step('continue')).body.reason, 'breakpoint');
  const locals = await scopeVars('Locals');
  assert.deepEqual(Object.keys(locals), ['skb', 'sk', 'th']);
  assert.match(locals.sk.type ?? '', /struct sock \*/);
  const fields = Object.fromEntries((await varsOf(locals.sk.variablesReference)).map((v) => [v.name, v.value]));
  assert.equal(fields.state, 'TCP_ESTABLISHED (1)');
  const before = (await scopeVars('Socket')).fin_seq.value;
  await c.step('next');
  assert.equal((await c.top(T)).line, DEAD_TEST, 'next goes to the next statement of the release text');
  const after = (await scopeVars('Socket')).fin_seq.value;
  assert.notEqual(after, before, 'fin_seq was stored by the line stepped over');
  const seq = await c.dc.evaluateRequest({ expression: 'th->seq + skb->len + th->syn + th->fin', frameId: (await c.top(T)).id, context: 'watch' });
  assert.equal(seq.body.result, after);
  await c.step('stepOut');
  assert.equal((await c.top(T)).name, 'tcp_data');
  assert.equal((await c.top(T)).source?.path, TCP_C);
  // step back over the call to tcp_fin is a reverse next: the breakpoint inside stops it, with the value before the store
  c.skipPending();
  const back = await c.step('stepBack');
  assert.equal(back.body.reason, 'breakpoint');
  const at = await c.top(T);
  assert.deepEqual([at.name, at.line], ['tcp_fin', FIN_SEQ]);
  assert.equal((await scopeVars('Socket')).fin_seq.value, before);
  const start = await c.step('reverseContinue');
  assert.match(start.body.description ?? '', /start of the scenario/);
  assert.equal((await c.top(T)).name, 'scenario: server < F. seq=1000 ack=5000');
});

test('on the release: a condition, a what-if write, and a data breakpoint on a socket field', async () => {
  // tcp_fin's line runs once for the server; a false condition never stops there
  await c.launch(release, (dc) => dc.setBreakpointsRequest({ source: { path: TCP_C }, breakpoints: [{ line: FIN_SEQ, condition: 'sk->state == TCP_CLOSE' }, { line: DEAD_TEST, condition: 'sk->state == TCP_ESTABLISHED' }] }));
  c.skipPending();
  const hit = await c.step('continue');
  assert.equal(hit.body.reason, 'breakpoint');
  assert.equal((await c.top(T)).line, DEAD_TEST);
  // what-if: the socket's state, set through the Variables view, and read back by an expression
  const top = await c.top(T);
  const sockScope = await c.scope(top.id, 'Socket');
  // an expression is a value too, read in the top frame
  const rto0 = Number((await c.dc.evaluateRequest({ expression: 'sk->rto', context: 'watch' })).body.result);
  const plusOne = await c.dc.setVariableRequest({ variablesReference: sockScope.variablesReference, name: 'rto', value: 'sk->rto + 1' });
  assert.equal(plusOne.body.value, String(rto0 + 1));
  const set = await c.dc.setVariableRequest({ variablesReference: sockScope.variablesReference, name: 'state', value: 'TCP_FIN_WAIT2' });
  assert.equal(set.body.value, 'TCP_FIN_WAIT2 (5)');
  const st = await c.dc.evaluateRequest({ expression: 'sk->state', frameId: (await c.top(T)).id, context: 'hover' });
  assert.equal(st.body.result, 'TCP_FIN_WAIT2 (5)');
  // a data breakpoint on server.state: tcp_fin's FIN_WAIT2 case moves it to TIME_WAIT
  const sock = await c.scope((await c.top(T)).id, 'Socket');
  const info = await c.dc.dataBreakpointInfoRequest({ variablesReference: sock.variablesReference, name: 'state' });
  assert.ok(info.body.dataId, info.body.description);
  assert.match(info.body.description, /^server\.state/);
  const placed = await c.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId! }] });
  assert.equal(placed.body.breakpoints[0].verified, true);
  c.skipPending();
  const changed = await c.step('continue');
  assert.equal(changed.body.reason, 'data breakpoint');
  assert.match(changed.body.description ?? '', /server\.state: TCP_FIN_WAIT2 \(5\) → TCP_TIME_WAIT \(6\)/);
  // the REPL assigns too (an expression on the right), and going back shows the value before it
  const rto = Number((await c.dc.evaluateRequest({ expression: 'sk->rto', context: 'repl' })).body.result);
  assert.ok(rto > 0, `rto ${rto}`);
  const w = await c.dc.evaluateRequest({ expression: 'sk->rto = sk->rto * 2 + 1', context: 'repl' });
  assert.equal(w.body.result, String(rto * 2 + 1));
  assert.equal((await c.dc.evaluateRequest({ expression: 'sk->rto', context: 'watch' })).body.result, String(rto * 2 + 1));
  c.skipPending();
  await c.step('stepBack');
  assert.equal((await c.dc.evaluateRequest({ expression: 'sk->rto', context: 'watch' })).body.result, String(rto));
  // an expression that calls is refused without changing anything
  await assert.rejects(c.dc.evaluateRequest({ expression: 'tcp_set_state(sk, TCP_CLOSE)', frameId: (await c.top(T)).id, context: 'hover' }), /not allowed|cannot/);
});

test('on the release: breakpoint placement follows the release text', async () => {
  await c.launch(release);
  const r = await c.dc.setBreakpointsRequest({ source: { path: TCP_C }, breakpoints: [{ line: FIN_DEF }, { line: FIN_SEQ + 1 }] });
  // the definition line and the blank line after the first statement move to the next statement
  assert.deepEqual(r.body.breakpoints.map((b) => [b.verified, b.line]), [
    [true, FIN_SEQ],
    [true, DEAD_TEST],
  ]);
  const locs = await c.dc.customRequest('breakpointLocations', { source: { path: TCP_C }, line: FIN_DEF, endLine: DEAD_TEST });
  assert.deepEqual(locs.body.breakpoints.map((b: { line: number }) => b.line), [FIN_SEQ, DEAD_TEST]);
  const machine = await c.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'machine_close' }] });
  assert.equal(machine.body.breakpoints[0].verified, false);
  assert.match(machine.body.breakpoints[0].message ?? '', /machine layer/);
  assert.match(String(checkLaunchArguments({ ...release, kernel: 'real' })), /'kernel' must be 'release' \(the unmodified Linux 1\.2\.13; the reduced port was removed\)/);
});

test('a launch.json that still says kernel: "reduced" is told the reduced port was removed, and the release runs; a copy of the reduced tcp.c is refused at its first marker', async () => {
  const entry = await c.launch({ scenario: PASSIVE, kernel: 'reduced' }, (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'tcp_fin' }] }));
  assert.equal(entry.body.reason, 'entry');
  const told = c.events.filter((e) => e.event === 'output' && e.body.category === 'stderr').map((e) => e.body.output);
  assert.deepEqual(told, ['launch: \'kernel\': "reduced" names the reduced port of tcp.c, which was removed: the unmodified Linux 1.2.13 release runs instead (remove \'kernel\' from the launch configuration, or set it to "release")\n']);
  c.skipPending();
  assert.equal((await c.step('continue')).body.reason, 'function breakpoint');
  const top = await c.top(T);
  assert.deepEqual([top.name, top.source?.path, top.line], ['tcp_fin', TCP_C, FIN_SEQ]);
  await c.close();
  // an edited copy of the old reduced port (its functions' comments begin ` * reduced:`): refused, naming where it says so
  c = await connect(server.port);
  const old = editedCopy('tcp.c', (t) => t.replace('static int tcp_fin(struct sk_buff *skb, struct sock *sk, struct tcphdr *th)\n', '/*\n * reduced: nothing left out.\n */\nstatic int tcp_fin(struct sk_buff *skb, struct sock *sk, struct tcphdr *th)\n'));
  const marker = readFileSync(old, 'utf8').split('\n').indexOf(' * reduced: nothing left out.') + 1;
  assert.ok(marker > 0);
  await c.dc.initializeRequest({ adapterID: 'tcp-close', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  await assert.rejects(c.dc.launchRequest({ scenario: PASSIVE, kernelSource: old } as DebugProtocol.LaunchRequestArguments), (e: Error) => e.message.includes(`${old}:${marker}:4: this is a copy of the reduced port of tcp.c`) && /which was removed: the debugger runs only the unmodified Linux 1\.2\.13 release/.test(e.message));
});

/** A copy of the release's tcp.c (or `from`) in a fresh folder, named `name`, with `edit` applied to its text. */
function editedCopy(name: string, edit: (text: string) => string, from = TCP_C): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-edited-'));
  const file = join(dir, name);
  writeFileSync(file, edit(readFileSync(from, 'utf8')));
  return file;
}

test('on the release: an edited copy of tcp.c (kernelSource) runs in its place, and the stops are in the copy', async () => {
  const FIN = 'sk->fin_seq = th->seq + skb->len + th->syn + th->fin;';
  const copy = editedCopy('tcp.c', (t) => t.replace(FIN, FIN.replace(';', ' + 7;')));
  await c.launch({ scenario: PASSIVE, kernelSource: copy }, (dc) => dc.setBreakpointsRequest({ source: { path: copy }, breakpoints: [{ line: FIN_SEQ }] }));
  c.skipPending();
  assert.equal((await c.step('continue')).body.reason, 'breakpoint');
  const top = await c.top(T);
  assert.deepEqual([top.name, top.source?.path, top.line], ['tcp_fin', copy, FIN_SEQ]);
  await c.step('next');
  assert.equal((await scopeVars('Socket')).fin_seq.value, '1008', 'the copy\'s line ran: 1000 + 0 + 0 + 1 + 7');
  await c.close();
  // a copy whose C cannot run: refused when it is reached (tcp_fin is compiled at its first call), at the copy's line
  c = await connect(server.port);
  const broken = editedCopy('tcp.c', (t) => t.replace(FIN, 'sk->fin_seq = no_such_name;'));
  await c.launch({ scenario: PASSIVE, kernelSource: broken });
  c.skipPending();
  const fault = await c.step('continue');
  assert.equal(fault.body.reason, 'exception');
  assert.match(fault.body.text ?? '', /no_such_name/);
  const info = await c.dc.exceptionInfoRequest({ threadId: fault.body.threadId! });
  assert.match(info.body.details?.stackTrace ?? '', new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${FIN_SEQ}:\\d+$`));
  await c.close();
  // a copy nested deeper than the interpreter takes: refused at launch, where it is written
  c = await connect(server.port);
  const deep = editedCopy('tcp.c', (t) => `${t}\nint deep_fn(void) { return ${'('.repeat(5000)}1${')'.repeat(5000)}; }\n`);
  const deepLine = readFileSync(deep, 'utf8').split('\n').length - 1;
  await c.dc.initializeRequest({ adapterID: 'tcp-close', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  await assert.rejects(c.dc.launchRequest({ scenario: PASSIVE, kernelSource: deep } as DebugProtocol.LaunchRequestArguments), (e: Error) => e.message.includes(`${deep}:${deepLine}:`) && /nested too deeply/.test(e.message) && !/RangeError/.test(e.message));
  await c.close();
  // a copy under another name cannot say which file it replaces
  c = await connect(server.port);
  const renamed = editedCopy('my-tcp.c', (t) => t);
  await c.dc.initializeRequest({ adapterID: 'tcp-close', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  await assert.rejects(c.dc.launchRequest({ scenario: PASSIVE, kernel: 'release', kernelSource: renamed } as DebugProtocol.LaunchRequestArguments), /must keep its name \(tcp\.c, sock\.c/);
});

/** Continues (running `onStop` at each stop) to the end; the end's sockets, segments and stop count. */
async function continueToEnd(onStop?: (s: DebugProtocol.StoppedEvent) => Promise<void>): Promise<{ states: Record<string, number>; segments: number; stopCount: number }> {
  for (let i = 0; i < 200; i++) {
    const snap = (await c.next('tcpClose/stop')).body;
    if (snap.kind === 'end') return { states: Object.fromEntries(Object.entries(snap.sockets).map(([k, v]) => [k, (v as { fields: { state: number } }).fields.state])), segments: snap.segments.length, stopCount: snap.stopCount };
    const s = c.events.filter((e) => e.event === 'stopped').at(-1) as DebugProtocol.StoppedEvent;
    if (onStop) await onStop(s);
    c.skipPending();
    await c.dc.continueRequest({ threadId: s.body.threadId ?? 1 });
  }
  throw new Error('the scenario did not end within 200 stops');
}

test('on the release: no evaluation runs kernel code (hovers, watches, the REPL, conditions, logpoints, setVariable values), and the run ends as without them', async () => {
  await c.launch({ ...release, stopOnEntry: false });
  const want = await continueToEnd();
  assert.ok(want.segments >= 3 && want.stopCount > 100, JSON.stringify(want));
  await c.close();
  c = await connect(server.port);
  let verdict: DebugProtocol.SetFunctionBreakpointsResponse | undefined;
  await c.launch({ ...release, stopOnEntry: false }, async (dc) => {
    verdict = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'tcp_ack', condition: 'del_timer(&sk->retransmit_timer) && 0' }] });
    await dc.setBreakpointsRequest({ source: { path: TCP_C }, breakpoints: [{ line: FIN_SEQ, logMessage: 'fin {printk("x")} {sk->state}' }] });
  });
  assert.match(verdict!.body.breakpoints[0].message ?? '', /calling del_timer\(\) is not allowed here: evaluating an expression cannot run kernel code/);
  let inAck = 0;
  const end = await continueToEnd(async (s) => {
    const top = await c.top(s.body.threadId!);
    if (top.name !== 'tcp_ack') return;
    inAck++;
    // the condition that cannot be compiled stops with its reason, and runs nothing
    assert.match(s.body.description ?? '', /could not be evaluated: calling del_timer\(\) is not allowed here/);
    for (const context of ['watch', 'hover', 'repl', 'clipboard', 'variables']) {
      await assert.rejects(c.dc.evaluateRequest({ expression: 'del_timer(&sk->retransmit_timer)', frameId: top.id, context }), /calling del_timer\(\) is not allowed here/);
    }
    await assert.rejects(c.dc.evaluateRequest({ expression: 'sk->rto = tcp_ack(sk, th, saddr, len)', frameId: top.id, context: 'repl' }), /calling tcp_ack\(\) is not allowed here/);
    await assert.rejects(c.dc.evaluateRequest({ expression: 'sk->rto++', frameId: top.id, context: 'watch' }), /not allowed/);
    const sock = await c.scope(top.id, 'Socket');
    await assert.rejects(c.dc.setVariableRequest({ variablesReference: sock.variablesReference, name: 'rto', value: 'del_timer(&sk->timer)' }), /calling del_timer\(\) is not allowed here/);
  });
  assert.ok(inAck >= 2, `stopped in tcp_ack ${inAck} times`);
  const logs = c.events.filter((e) => e.event === 'output' && /^fin /.test(e.body.output)).map((e) => e.body.output);
  assert.deepEqual(logs, ['fin <printk("x"): calling printk() is not allowed here: evaluating an expression cannot run kernel code> TCP_ESTABLISHED (1)\n']);
  assert.deepEqual(end, want, 'the same end: states, segments, number of stops');
});

test('on the release: an edited skbuff.c (a unit of its own) runs in its place too', async () => {
  const SKBUFF = join(ROOT, 'src', 'kernel', 'linux-1.2.13', 'net', 'inet', 'skbuff.c');
  const TEST = 'if (intr_count && priority!=GFP_ATOMIC) {';
  const at = readFileSync(SKBUFF, 'utf8').split('\n').findIndex((l) => l.includes(TEST)) + 1;
  assert.ok(at > 0);
  const copy = editedCopy('skbuff.c', (t) => t.replace(TEST, `if (intr_count && priority!=GFP_ATOMIC && no_such_flag) {`), SKBUFF);
  await c.launch({ scenario: PASSIVE, kernelSource: copy });
  // the segment's arrival steps into alloc_skb: the copy's, at the copy's line, where its edit cannot run
  c.skipPending();
  const fault = await c.step('stepIn');
  assert.equal(fault.body.reason, 'exception');
  assert.match(fault.body.text ?? '', /no_such_flag/);
  const info = await c.dc.exceptionInfoRequest({ threadId: fault.body.threadId! });
  assert.match(info.body.details?.stackTrace ?? '', new RegExp(`^${copy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${at}:\\d+$`));
});
