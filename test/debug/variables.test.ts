// The Variables view's contents over DAP on two linked sockets (examples/four-way.tcpscenario):
// one Socket scope per socket, each holding its own socket's fields, from the thread that runs C
// and from the idle one; and setVariable on a C local of a kernel function frame, whose new value
// the next lines use and which stepping back undoes. Every message is checked against the DAP schema.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Client, KERNEL, ROOT, clientPerTest, lineOf } from './harness';

let c: Client;
clientPerTest(
  (x) => (c = x),
  () => c,
);

const FOUR = join(ROOT, 'examples', 'four-way.tcpscenario');
const KERNEL_LINES = readFileSync(KERNEL, 'utf8').split('\n');
const lineText = (n: number) => KERNEL_LINES[n - 1] ?? '';
const CLIENT = 1;
const SERVER = 2;
/** tcp_close_state's `tcp_set_state(sk,ns);` (the only call with ns), its `if(dead && ns==TCP_FIN_WAIT2)` and what follows each way */
const SET_STATE = lineOf(KERNEL, 'tcp_set_state(sk,ns);');
const IF_FIN_WAIT2 = lineOf(KERNEL, 'if(dead && ns==TCP_FIN_WAIT2)', 'tcp_set_state(sk,ns);');
const DEL_TIMER = lineOf(KERNEL, 'int timer_active=del_timer(&sk->timer);', 'if(dead && ns==TCP_FIN_WAIT2)');
const RETURN = lineOf(KERNEL, 'return send_fin;', 'if(dead && ns==TCP_FIN_WAIT2)');

/** four-way: the client's close() stopped in tcp_close_state before tcp_set_state(sk,ns) (ns = TCP_FIN_WAIT1). */
async function atClientSetState(): Promise<number> {
  await c.launch({ scenario: FOUR }, (dc) => dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line: SET_STATE }] }));
  const hit = await c.step('continue');
  assert.equal(hit.body.reason, 'breakpoint');
  assert.equal(hit.body.threadId, CLIENT);
  const top = await c.top(CLIENT);
  assert.equal(top.name, 'tcp_close_state');
  assert.equal(top.line, SET_STATE);
  return top.id;
}

const scopeNames = async (frameId: number) => (await c.dc.scopesRequest({ frameId })).body.scopes.map((s) => s.name);
async function scopeVars(frameId: number, name: string): Promise<Record<string, string>> {
  const s = await c.scope(frameId, name);
  assert.equal(s.expensive, false);
  const vs = (await c.dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
  return Object.fromEntries(vs.map((v) => [v.name, v.value]));
}

test('two sockets: each has its own Socket scope, from either thread, holding its own fields', async () => {
  const frame = await atClientSetState();
  // the thread running C: its locals, its own socket, then the other socket by name, then the clock
  assert.deepEqual(await scopeNames(frame), ['Locals', 'Socket', 'Socket server', 'Clock']);
  const client = await scopeVars(frame, 'Socket');
  const server = await scopeVars(frame, 'Socket server');
  // the same fields (the whole struct sock) in both, with each socket's own values where they differ
  assert.deepEqual(Object.keys(server), Object.keys(client));
  assert.ok(Object.keys(client).length >= 25, `struct sock fields: ${Object.keys(client).join(', ')}`);
  // the scenario: client write_seq=1000, server write_seq=5000, acked_seq each the peer's write_seq
  assert.equal(client.write_seq, '1000');
  assert.equal(server.write_seq, '5000');
  assert.equal(client.acked_seq, '5000');
  assert.equal(server.acked_seq, '1000');
  // what the client's tcp_close has done already (the server's application has not closed)
  assert.equal(client.shutdown, 'RCV_SHUTDOWN|SEND_SHUTDOWN (3)');
  assert.equal(server.shutdown, '0');
  // struct sock's flags are chars in 1.2.13 (volatile char keepopen): shown as a char is
  assert.equal(client.keepopen, "1 '\\001'");
  assert.equal(server.keepopen, "0 '\\0'");
  assert.notEqual(client.socket, server.socket, 'both scopes show the same struct socket');

  // the idle thread: no C frame; its own socket first, the running one by name, the same values
  const idle = await c.top(SERVER);
  assert.equal(idle.name, 'idle');
  assert.deepEqual(await scopeNames(idle.id), ['Socket', 'Socket client', 'Clock']);
  assert.deepEqual(await scopeVars(idle.id, 'Socket'), server);
  assert.deepEqual(await scopeVars(idle.id, 'Socket client'), client);

  // a write through one socket's scope changes that socket only
  const serverScope = await c.scope(frame, 'Socket server');
  const r = await c.dc.setVariableRequest({ variablesReference: serverScope.variablesReference, name: 'rto', value: '450' });
  assert.equal(r.body.value, '450');
  const f2 = (await c.top(CLIENT)).id;
  assert.equal((await scopeVars(f2, 'Socket server')).rto, '450');
  assert.equal((await scopeVars(f2, 'Socket')).rto, client.rto);

  // one step on: tcp_set_state(sk,ns) changed the client's state, not the server's
  await c.step('next');
  const f3 = (await c.top(CLIENT)).id;
  assert.equal((await scopeVars(f3, 'Socket')).state, 'TCP_FIN_WAIT1 (4)');
  assert.equal((await scopeVars(f3, 'Socket server')).state, 'TCP_ESTABLISHED (1)');
  // (and with ns == TCP_FIN_WAIT1 the if is false: the next line is the return)
  assert.equal((await c.top(CLIENT)).line, IF_FIN_WAIT2);
  await c.step('next');
  assert.equal((await c.top(CLIENT)).line, RETURN);
});

test('setVariable on a C local: the next lines use the new value; step back shows the old one', async () => {
  const frame = await atClientSetState();
  const locals = await c.scope(frame, 'Locals');
  // tcp_close_state mapped ESTABLISHED to FIN_WAIT1 and will send a FIN
  const before = await scopeVars(frame, 'Locals');
  assert.match(before.sk, /^0x[0-9a-f]+ <client>$/);
  assert.deepEqual({ ...before, sk: '' }, { sk: '', dead: '1', ns: 'TCP_FIN_WAIT1 (4)', send_fin: '1' });
  const r = await c.dc.setVariableRequest({ variablesReference: locals.variablesReference, name: 'ns', value: 'TCP_FIN_WAIT2' });
  assert.equal(r.body.value, 'TCP_FIN_WAIT2 (5)');
  await c.next('invalidated');
  assert.equal((await c.vars(CLIENT, 'Locals')).ns, 'TCP_FIN_WAIT2 (5)');

  // tcp_set_state(sk,ns) runs with the new ns, and `dead && ns==TCP_FIN_WAIT2` now holds:
  // the next line is the del_timer block, not the return it goes to with ns == TCP_FIN_WAIT1
  await c.step('next');
  assert.equal((await c.top(CLIENT)).line, IF_FIN_WAIT2);
  assert.equal((await c.vars(CLIENT)).state, 'TCP_FIN_WAIT2 (5)');
  await c.step('next');
  const inBlock = await c.top(CLIENT);
  assert.equal(inBlock.name, 'tcp_close_state');
  assert.equal(inBlock.line, DEL_TIMER, `after the if with ns=TCP_FIN_WAIT2: line ${inBlock.line} (${RETURN} is the return)`);

  // step back to the line where the value was set: the local and the socket as they were
  await c.step('stepBack');
  assert.equal((await c.top(CLIENT)).line, IF_FIN_WAIT2);
  await c.step('stepBack');
  const back = await c.top(CLIENT);
  assert.equal(back.line, SET_STATE);
  assert.equal((await c.vars(CLIENT, 'Locals')).ns, 'TCP_FIN_WAIT1 (4)');
  assert.equal((await c.vars(CLIENT)).state, 'TCP_ESTABLISHED (1)');

  // a name that is not a local here is refused, and nothing changes
  await assert.rejects(c.dc.setVariableRequest({ variablesReference: (await c.scope(back.id, 'Locals')).variablesReference, name: 'no_such_local', value: '1' }), /no local 'no_such_local'/);
});

/** The entry `name` of a scope's variables, as the adapter sends it. */
async function entry(frameId: number, scope: string, name: string) {
  const s = await c.scope(frameId, scope);
  const v = (await c.dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables.find((x) => x.name === name);
  assert.ok(v, `${scope} has ${name}`);
  return v;
}

test('a value\'s writer (DAP locations, valueLocationReference): a sock field goes to the kernel line that last stored it, a local to its assignment; a value nothing wrote says so', async () => {
  const frame = await atClientSetState();
  // the client's write_seq: set by its socket line before the run began, so no statement wrote it
  const ws = await entry(frame, 'Socket', 'write_seq');
  assert.ok(ws.valueLocationReference, 'memory-backed: a reference');
  await assert.rejects(c.dc.customRequest('locations', { locationReference: ws.valueLocationReference }), /nothing in the run wrote write_seq before this stop: it holds its initial value/);
  // ns: tcp_close_state's local, assigned by its switch before this line
  const ns = await entry(frame, 'Locals', 'ns');
  assert.ok(ns.valueLocationReference);
  const at = (await c.dc.customRequest('locations', { locationReference: ns.valueLocationReference })).body as { source: { path: string }; line: number };
  assert.equal(at.source.path, KERNEL);
  assert.match(lineText(at.line), /ns\s*=/, `line ${at.line} assigns ns`);
  // move on until tcp_set_state stored the state: Ctrl+click on state goes to tcp_set_state's store
  await c.step('stepIn');
  for (let i = 0; i < 20 && !/sk->state\s*=\s*state/.test(lineText((await c.top(CLIENT)).line)); i++) await c.step('next');
  await c.step('next');
  const frame2 = (await c.top(CLIENT)).id;
  const st = await entry(frame2, 'Socket', 'state');
  const w = (await c.dc.customRequest('locations', { locationReference: st.valueLocationReference })).body as { source: { path: string }; line: number };
  assert.equal(w.source.path, KERNEL);
  assert.match(lineText(w.line), /sk->state\s*=\s*state/);
  // a reference from an earlier stop is refused once the run moved; so is a bad one
  await c.step('next');
  await assert.rejects(c.dc.customRequest('locations', { locationReference: st.valueLocationReference }), /no location/);
  await assert.rejects(c.dc.customRequest('locations', { locationReference: 'x' }), /whole number/);
});

test('a field\'s history (fieldHistory) spans the recorded run, future included; previous / next change (gotoFieldChange) moves to the stop that shows each value', async () => {
  await c.launch({ scenario: FOUR });
  // the whole run recorded ahead
  for (;;) if ((await c.next('tcpClose/timeline')).body.whole) break;
  const h = (await c.dc.customRequest('fieldHistory', { socket: 'server', field: 'state' })).body as { values: { stop: number; value: string; writer?: { fn: string; line: number } }[]; stopCount: number };
  assert.deepEqual(
    h.values.map((v) => v.value),
    ['TCP_ESTABLISHED (1)', 'TCP_CLOSE_WAIT (8)', 'TCP_LAST_ACK (9)', 'TCP_CLOSE (7)'],
  );
  assert.equal(h.values[0].stop, 0);
  assert.equal(h.values[0].writer, undefined);
  for (const v of h.values.slice(1)) assert.equal(v.writer?.fn, 'tcp_set_state');
  // from the first stop: next, next, then previous
  const go = async (direction: string) => {
    const r = (await c.dc.customRequest('gotoFieldChange', { socket: 'server', field: 'state', direction })).body as { stop: number; value: string };
    const s = await c.next('stopped');
    assert.equal(s.body.reason, 'goto');
    assert.match(s.body.description ?? '', new RegExp(`${direction} change of server.state`));
    return r;
  };
  assert.deepEqual(await go('next'), { stop: h.values[1].stop, value: 'TCP_CLOSE_WAIT (8)' });
  assert.equal((await c.vars(SERVER)).state, 'TCP_CLOSE_WAIT (8)');
  assert.deepEqual(await go('next'), { stop: h.values[2].stop, value: 'TCP_LAST_ACK (9)' });
  assert.deepEqual(await go('previous'), { stop: h.values[1].stop, value: 'TCP_CLOSE_WAIT (8)' });
  assert.equal((await c.vars(SERVER)).state, 'TCP_CLOSE_WAIT (8)');
  await assert.rejects(c.dc.customRequest('gotoFieldChange', { socket: 'server', field: 'state', direction: 'previous' }), /no earlier change of server.state/);
  // from the Variables view (the context menu's commands): the entry's container and name
  await c.dc.customRequest('gotoStop', { stop: 0 });
  await c.next('stopped');
  const sock = await c.scope((await c.top(SERVER)).id, 'Socket');
  const viaView = (await c.dc.customRequest('fieldHistory', { variablesReference: sock.variablesReference, name: 'state' })).body as { values: { value: string }[] };
  assert.deepEqual(viaView.values.map((v) => v.value), h.values.map((v) => v.value));
  await c.dc.customRequest('gotoFieldChange', { variablesReference: sock.variablesReference, name: 'state', direction: 'next' });
  assert.match((await c.next('stopped')).body.description ?? '', /next change of state: TCP_CLOSE_WAIT \(8\), written by tcp_set_state:\d+/);
  await assert.rejects(c.dc.customRequest('fieldHistory', { variablesReference: sock.variablesReference, name: 'state' }), /no variables/, 'a reference of an earlier stop');
  // bad names are refused with the reason
  await assert.rejects(c.dc.customRequest('fieldHistory', { socket: 'nobody', field: 'state' }), /no socket 'nobody'/);
  await assert.rejects(c.dc.customRequest('fieldHistory', { socket: 'server', field: 'no_such' }), /struct sock has no field 'no_such'/);
  await assert.rejects(c.dc.customRequest('fieldHistory', { socket: 'server', field: 'timer' }), /not an integer field/);
  await assert.rejects(c.dc.customRequest('gotoFieldChange', { socket: 'server', field: 'state', direction: 'up' }), /direction/);
});

test('why (the panel\'s "Why?" view): a field\'s chain of writers back to the scenario, and a local\'s through its parameter to the call that passed it', async () => {
  const atSetState = await atClientSetState();
  // the client's state at tcp_close_state's tcp_set_state(sk,ns): ESTABLISHED, from the socket line
  const r = (await c.dc.customRequest('why', { socket: 'client', field: 'state' })).body as { chain: { expr: string; value: string; origin: { kind: string; what?: string }; reads: unknown[] }; stop: number };
  assert.equal(r.chain.expr, 'client.state');
  assert.equal(r.chain.value, '1');
  assert.equal(r.chain.origin.kind, 'initial');
  assert.match(r.chain.origin.what ?? '', /setup/);
  // the local `ns` in the Variables view: tcp_close_state wrote it (a constant: TCP_FIN_WAIT1), after the switch on sk->state
  const locals = await c.scope(atSetState, 'Locals');
  const ns = (await c.dc.variablesRequest({ variablesReference: locals.variablesReference })).body.variables.find((v) => v.name === 'ns')!;
  type Link = { expr: string; value: string; control?: string; origin: { kind: string; fn?: string; line?: number; stop?: number; during?: string }; reads: Link[] };
  const w = ((await c.dc.customRequest('why', { variablesReference: locals.variablesReference, name: 'ns' })).body as { chain: Link }).chain;
  assert.equal(w.value, '4');
  assert.match(ns.value, /\(4\)$|^4$/, 'the value the Variables view shows');
  assert.equal(w.origin.kind, 'statement');
  assert.equal(w.origin.fn, 'tcp_close_state');
  assert.match(lineText(w.origin.line!), /ns\s*=\s*TCP_FIN_WAIT1/);
  assert.match(w.origin.during ?? '', /close\(\) of client/);
  const control = w.reads.find((l) => l.control && /switch at tcp_close_state/.test(l.control));
  assert.ok(control, `the switch that chose the case: ${JSON.stringify(w.reads)}`);
  assert.equal(control.expr, 'sk->state');
  assert.equal(control.value, '1');
  // the chain is asked about the stop shown: the run has not moved
  const top = await c.top(CLIENT);
  assert.equal(top.line, SET_STATE);
  // bad names are refused with the reason
  await assert.rejects(c.dc.customRequest('why', { socket: 'client', field: 'timer' }), /not an integer or a pointer/);
  await assert.rejects(c.dc.customRequest('why', { variablesReference: locals.variablesReference, name: 'nothing' }), /no variable 'nothing'/);
  await assert.rejects(c.dc.customRequest('why', {}), /name a socket's field/);
});
