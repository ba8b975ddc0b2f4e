// Issue 12's low items on the protocol side, over a real DAP client (every message validated
// against the DAP schema): two launches before configurationDone, breakpoint lines the schema
// cannot carry, pointer values in messages, and bidirectional overrides echoed from user text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { type Client, KERNEL, PASSIVE, closeWaitLine, connect, tempScenario, clientPerTest } from './harness';

let c: Client;
const server = clientPerTest(
  (x) => (c = x),
  () => c,
);

const RLO = '\u202e';

test('two launches before configurationDone: both are answered, the first runs, the second is refused', { timeout: 60_000 }, async () => {
  await c.dc.initializeRequest({ adapterID: 'tcp-close', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const first = c.dc.launchRequest({ scenario: PASSIVE } as DebugProtocol.LaunchRequestArguments);
  const second = c.dc.launchRequest({ scenario: PASSIVE } as DebugProtocol.LaunchRequestArguments);
  await assert.rejects(second, /a launch is already in progress/);
  await c.next('initialized');
  await c.dc.configurationDoneRequest();
  const r = await first;
  assert.equal(r.success, true);
  assert.equal(((await c.next('stopped')) as DebugProtocol.StoppedEvent).body.reason, 'entry');
  // and once running, a further launch is refused too: the run is kept
  await assert.rejects(c.dc.launchRequest({ scenario: PASSIVE } as DebugProtocol.LaunchRequestArguments), /already runs a scenario/);
  assert.match((await c.top(1)).name, /^scenario: /);
});

test('setBreakpoints with lines the schema cannot carry (1e300, 2.5, 0, -3) answers each unverified, without echoing it', async () => {
  const lines = [1e300, 2.5, 0, -3, closeWaitLine()];
  const check = (r: DebugProtocol.SetBreakpointsResponse) => {
    assert.equal(r.body.breakpoints.length, lines.length);
    r.body.breakpoints.slice(0, 4).forEach((b, i) => {
      assert.equal(b.verified, false);
      assert.equal(b.line, undefined, `line ${lines[i]} is not echoed`);
      assert.match(b.message ?? '', /is not a line number/);
    });
    return r.body.breakpoints[4];
  };
  // before the scenario is loaded, and after
  await c.launch({ scenario: PASSIVE }, async (dc) => {
    const early = check(await dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: lines.map((line) => ({ line })) }));
    assert.equal(early.line, lines[4]);
  });
  const late = check(await c.dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: lines.map((line) => ({ line })) }));
  assert.equal(late.verified, true);
  assert.equal(late.line, lines[4]);
  const hit = await c.step('continue');
  assert.equal(hit.body.reason, 'breakpoint', 'the valid breakpoint beside the invalid ones works');
});

test('a pointer in a message is shown as a pointer, never as [object Object]', async () => {
  const file = tempScenario('data.tcpscenario', 'socket server TCP_ESTABLISHED write_seq=5000 acked_seq=1000\n0 expect server timer.data=0\n+1s wait\n');
  const s = await c.launch({ scenario: file, stopOnEntry: false });
  assert.equal(s.body.reason, 'exception');
  // timer_list.data is an unsigned long in 1.2.13 (it holds the sock's address, as a number)
  assert.match(s.body.text ?? '', /^expect server: timer\.data is \d+, expected 0$/);
  assert.doesNotMatch(JSON.stringify(c.events), /object Object/);
});

test('a right-to-left override in what the user wrote is escaped in every message', async () => {
  const bad = tempScenario('rtl.tcpscenario', `socket server TCP_ESTABLISHED fo${RLO}o=1\n0 server close\n`);
  await c.dc.initializeRequest({ adapterID: 'tcp-close', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  await assert.rejects(c.dc.launchRequest({ scenario: bad } as DebugProtocol.LaunchRequestArguments), (e: Error) => e.message.includes("'fo\\u{202e}o' is not a field name") && !e.message.includes(RLO));
  await c.close();
  c.assertValid();
  c = await connect(server.port);
  await c.launch({ scenario: PASSIVE });
  const fb = await c.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: `tcp${RLO}_fin` }] });
  assert.equal(fb.body.breakpoints[0].verified, false);
  assert.match(fb.body.breakpoints[0].message ?? '', /tcp\\u\{202e\}_fin/);
  await assert.rejects(c.dc.evaluateRequest({ expression: `sk->st${RLO}ate`, context: 'watch' }), (e: Error) => e.message.includes('\\u{202e}') && !e.message.includes(RLO));
  const cond = await c.dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line: closeWaitLine(), condition: `no${RLO}such` }] });
  assert.ok(!(cond.body.breakpoints[0].message ?? '').includes(RLO), cond.body.breakpoints[0].message);
  const stop = await c.step('continue');
  assert.ok(!(stop.body.description ?? '').includes(RLO), stop.body.description);
  for (const e of c.events) assert.ok(!JSON.stringify(e).includes(RLO), JSON.stringify(e).slice(0, 200));
});
