// Stepping on a line that holds more than one stop, and where breakpoints may go in a scenario,
// over DAP. tcp_data's `for(skb2 = skb->next;` is such a line: its initialisation and its first
// test are two stops of the same frame on one line. Step In leaves the line; stepping back onto
// it lands on its first stop (where a breakpoint on it stopped), not on its last.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type Client, KERNEL, PASSIVE, lineOf, clientPerTest } from './harness';

let c: Client;
clientPerTest(
  (x) => (c = x),
  () => c,
);

const T = 1;
const FOR_LINE = lineOf(KERNEL, 'for(skb2 = skb->next;'); // once in tcp.c, in tcp_data()

/** Launches passive-close and continues to the breakpoint on tcp_data's for line; the stop's index. */
async function atForLine(): Promise<number> {
  await c.launch({ scenario: PASSIVE }, (dc) => dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line: FOR_LINE }] }));
  c.skipPending();
  const hit = await c.step('continue');
  assert.equal(hit.body.reason, 'breakpoint');
  const top = await c.top(T);
  assert.deepEqual([top.name, top.line], ['tcp_data', FOR_LINE]);
  return (await c.next('tcpClose/stop')).body.index;
}

test('step in on a line of two stops goes past the line, not to its second stop', async () => {
  await atForLine();
  await c.step('stepIn');
  const top = await c.top(T);
  assert.notEqual(top.line, FOR_LINE, 'step in stayed on the line');
});

test('step back onto a line of two stops lands on its first stop', async () => {
  const first = await atForLine();
  c.skipPending();
  await c.step('next');
  assert.notEqual((await c.top(T)).line, FOR_LINE);
  c.skipPending();
  await c.step('stepBack');
  assert.equal((await c.top(T)).line, FOR_LINE);
  assert.equal((await c.next('tcpClose/stop')).body.index, first, 'the stop where the breakpoint on the line stopped');
});

test('breakpoint locations in the scenario are its event lines', async () => {
  await c.launch({ scenario: PASSIVE });
  const text = readFileSync(PASSIVE, 'utf8').split('\n');
  // an event line starts with its time: `0`, `+20ms`, …
  const events = text.map((l, i) => (/^\s*(\+|\d)/.test(l) ? i + 1 : 0)).filter(Boolean);
  assert.ok(events.length >= 8);
  const r = await c.dc.customRequest('breakpointLocations', { source: { path: PASSIVE }, line: 1, endLine: text.length });
  assert.deepEqual(r.body.breakpoints.map((b: { line: number }) => b.line), events);
  const one = await c.dc.customRequest('breakpointLocations', { source: { path: PASSIVE }, line: events[2], endLine: events[3] });
  assert.deepEqual(one.body.breakpoints.map((b: { line: number }) => b.line), [events[2], events[3]]);
});

test('breakpoint locations in the kernel C are its statement lines: in tcp_fin, not its comments, braces or blank lines', async () => {
  await c.launch({ scenario: PASSIVE });
  const text = readFileSync(KERNEL, 'utf8').split('\n');
  // tcp_fin's definition (not its prototype nor the header comment that quotes it): 1-based first and last lines
  const def = text.findIndex((l, i) => /^static int tcp_fin\(/.test(l) && text[i + 1]?.trim() === '{');
  const end = text.findIndex((l, k) => k > def && l === '}');
  assert.ok(def >= 0 && end > def);
  const [first, last] = [def + 1, end + 1];
  const lineIn = (stmt: string) => text.findIndex((l, k) => k > def && k < end && l.includes(stmt)) + 1;
  const at = async (line: number, endLine: number) =>
    ((await c.dc.customRequest('breakpointLocations', { source: { path: KERNEL }, line, endLine })).body.breakpoints as { line: number }[]).map((b) => b.line);
  const lines = await at(first, last);
  for (const stmt of ['sk->fin_seq = th->seq + skb->len + th->syn + th->fin;', 'tcp_set_state(sk,TCP_CLOSE_WAIT);', 'tcp_set_state(sk,TCP_CLOSING);', 'sk->shutdown|=SHUTDOWN_MASK;']) {
    assert.ok(lineIn(stmt) > 0 && lines.includes(lineIn(stmt)), `no breakpoint location on ${stmt}`);
  }
  for (const l of lines) {
    const src = text[l - 1].trim();
    assert.ok(l >= first && l <= last, `line ${l} is outside the range asked`);
    assert.ok(src !== '' && src !== '{' && src !== '}' && !src.startsWith('*') && !src.startsWith('/*'), `line ${l} holds no statement: ${JSON.stringify(src)}`);
  }
  const comment = lineIn('move to CLOSE_WAIT, tcp_data() already handled');
  assert.deepEqual(await at(comment - 1, comment + 2), [], 'a comment block holds no location');
});
