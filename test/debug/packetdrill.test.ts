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
import { readCapture } from '../../src/scenario/pcap/read';

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
  // said as the script says it: what a modern Linux sends there, and what 1.2 sent
  assert.equal(failed.body.text, 'modern Linux: `> S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>`; Linux 1.2 sent `S. 0:0(0) ack 1 win 14335 <mss 1000>`');
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

test('exportRun: the segments so far as a capture and as a sequence diagram, and the session still at the same stop with the same values', async () => {
  const entry = await c.launch({ scenario: PKT, stopOnEntry: true }, (dc) => dc.setBreakpointsRequest({ source: { path: PKT }, breakpoints: [{ line: CLOSE }] }));
  c.skipPending();
  await c.step('continue'); // the failed SYN-ACK
  const bp = await c.step('continue'); // close(4)
  const t = bp.body.threadId!;
  const before = { top: await c.top(t), vars: await c.vars(t) };
  const pcap = (await c.dc.customRequest('exportRun', { what: 'pcap' })).body as { what: string; segments: number; data: string };
  const cap = readCapture(new Uint8Array(Buffer.from(pcap.data, 'base64')));
  // up to the close(4) line: the SYN, SYN-ACK, ACK, FIN, its ACK
  assert.equal(cap.datagrams.length, pcap.segments);
  assert.equal(pcap.segments, 5);
  assert.equal(cap.application, 'tcp-close-debugger (Linux 1.2.13 on its machine layer)');
  const mermaid = (await c.dc.customRequest('exportRun', { what: 'mermaid' })).body as { data: string; segments: number };
  assert.equal(mermaid.data.split('\n').filter((l) => l.includes('->>')).length, 5);
  assert.match(mermaid.data, /s\d->>peer: 0\.00 s S\. seq=0 ack=1 win=14335 mss=1000 \(tcp_conn_request:\d+\)/);
  // reading who sent each segment visited their stops: the session is back where it was
  const after = { top: await c.top(t), vars: await c.vars(t) };
  assert.deepEqual([after.top.source?.path, after.top.line, after.vars], [before.top.source?.path, before.top.line, before.vars]);
  const next = await c.step('next');
  assert.ok(next.body.reason === 'step' || next.body.reason === 'breakpoint');
  // a bad request is an error response, not a crash
  await assert.rejects(c.dc.customRequest('exportRun', { what: 'svg' }), /what must be 'pcap' or 'mermaid'/);
  void entry;
  c.assertValid();
});
