// A packetdrill script debugged as it is (launch `scenario: FILE.pkt`), over a real DAP client
// whose every message is checked against the protocol's schema: the scenario's events are the
// script's lines (their stops, breakpoints and failed expectations name the .pkt), and from the
// failed SYN-ACK expectation a step back reaches the kernel code that sent the SYN-ACK.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Client, ROOT, clientPerTest } from './harness';
import { PKT_ROOT } from '../../src/scenario/packetdrill/scripts.testkit';

let c: Client;
clientPerTest(
  (x) => (c = x),
  () => c,
);

const PKT = join(PKT_ROOT, 'close', 'close-remote-fin-then-close.pkt');
const TCP_C = join(ROOT, 'src', 'kernel', 'linux-1.2.13', 'net', 'inet', 'tcp.c');
const lines = readFileSync(PKT, 'utf8').split('\n');
const SYNACK = lines.findIndex((l) => l.includes('> S. 0:0(0) ack 1')) + 1;
const CLOSE = lines.findIndex((l) => l.includes('close(4) = 0')) + 1;

test('a .pkt runs in the debugger: its entry stop, a breakpoint on its close() line, and the SYN-ACK expectation failing at its line', async () => {
  const entry = await c.launch({ scenario: PKT, stopOnEntry: true }, (dc) => dc.setBreakpointsRequest({ source: { path: PKT }, breakpoints: [{ line: CLOSE }] }));
  assert.equal(entry.body.reason, 'entry');
  let top = await c.top(entry.body.threadId!);
  assert.equal(top.source?.path, PKT);
  assert.equal(top.line, lines.findIndex((l) => l.includes('listen(3, 1) = 0')) + 1, 'the first event is the listen() line');
  c.skipPending();
  // the SYN-ACK 1.2 sends differs from the script's (mss 1000, no sackOK or wscale): a failure stop at that line
  const failed = await c.step('continue');
  assert.equal(failed.body.reason, 'exception');
  assert.match(failed.body.text ?? failed.body.description ?? '', /did not send S\. seq=0 ack=1 mss=1460: it sent S\. seq=0 ack=1 len=0 win=14335 mss=1000/);
  top = await c.top(failed.body.threadId!);
  assert.deepEqual([top.source?.path, top.line], [PKT, SYNACK]);
  // stepping back: the `>` line's own event stop, then over the SYN's arrival (the line before),
  // and stepping in there runs the release's C that answered it: tcp_rcv
  let back = await c.step('stepBack');
  top = await c.top(back.body.threadId!);
  assert.deepEqual([top.source?.path, top.line], [PKT, SYNACK]);
  back = await c.step('stepBack');
  top = await c.top(back.body.threadId!);
  assert.deepEqual([top.source?.path, top.line], [PKT, SYNACK - 1]);
  const arrival = await c.step('stepIn');
  const chain = (await c.frames(arrival.body.threadId!)).map((f) => `${f.name} ${f.source?.path}:${f.line}`);
  assert.ok(chain[0].includes(join(ROOT, 'src', 'kernel', 'linux-1.2.13')), chain.join('\n'));
  c.skipPending();
  // forward again: the same failure at the SYN-ACK line (the run is deterministic)
  const again = await c.step('continue');
  top = await c.top(again.body.threadId!);
  assert.deepEqual([again.body.reason, top.line], ['exception', SYNACK]);
  // going on: the breakpoint on the script's close(4) line
  c.skipPending();
  const bp = await c.step('continue');
  top = await c.top(bp.body.threadId!);
  assert.deepEqual([bp.body.reason, top.source?.path, top.line], ['breakpoint', PKT, CLOSE]);
  // stepping in from the close() line enters the release's inet_release
  const into = await c.step('stepIn');
  const frames = await c.frames(into.body.threadId!);
  assert.ok(
    frames.some((f) => f.source?.path === join(ROOT, 'src', 'kernel', 'linux-1.2.13', 'net', 'inet', 'af_inet.c') || f.source?.path === TCP_C),
    frames.map((f) => `${f.name} ${f.source?.path}:${f.line}`).join('\n'),
  );
  c.assertValid();
});
