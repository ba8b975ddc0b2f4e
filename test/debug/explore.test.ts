// "Debug this outcome": a scenario with `fate` lines launched with stopAtFate, over a real DAP
// client whose every message is checked against the protocol's schema, stops first at the
// statement that sent the segment the first fate changed (the moment the run leaves the scenario
// as written), or, for a moved close(), at the time it moved from.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, ROOT, clientPerTest } from './harness';

let c: Client;
clientPerTest(
  (x) => (c = x),
  () => c,
);

const HEAD = ['socket client TCP_ESTABLISHED write_seq=1000', 'socket server TCP_ESTABLISHED write_seq=5000', 'link client server delay=10ms'];
const EVENTS = ['0 client close', '+1s server close', '+1s wait'];

function scenario(...fates: string[]): { file: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'fate-'));
  const file = join(dir, 'replay.tcpscenario');
  writeFileSync(file, [...HEAD, ...fates, ...EVENTS, ''].join('\n'));
  return { file, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('stopAtFate: the first stop is the statement that sent the duplicated segment, in the release\'s C', async () => {
  const s = scenario('fate server 1 duplicate');
  try {
    const first = await c.launch({ scenario: s.file, stopAtFate: true });
    assert.equal(first.body.reason, 'entry');
    assert.match(first.body.description ?? '', /leaves the scenario as written \(the fate on line 4\)/);
    const frames = await c.frames(first.body.threadId!);
    // the server's ACK of the client's FIN: sent from the release's tcp.c, with tcp_rcv below it
    assert.ok(frames[0].source?.path?.startsWith(join(ROOT, 'src', 'kernel', 'linux-1.2.13')), frames.map((f) => `${f.name} ${f.source?.path}:${f.line}`).join('\n'));
    assert.ok(frames.some((f) => f.name === 'tcp_rcv'), frames.map((f) => f.name).join(' < '));
    const threads = await c.dc.threadsRequest();
    assert.equal(threads.body.threads.find((t) => t.id === first.body.threadId)?.name.startsWith('server'), true);
  } finally {
    s.done();
  }
});

test('stopAtFate with a moved close(): the first stop at the time the close moved from', async () => {
  const s = scenario('fate server close +500ms');
  try {
    const first = await c.launch({ scenario: s.file, stopAtFate: true });
    assert.match(first.body.description ?? '', /the close on line 6, moved/);
    const top = await c.top(first.body.threadId!);
    const v = (await c.dc.evaluateRequest({ expression: 'jiffies', frameId: top.id, context: 'watch' })).body.result;
    assert.ok(Number(v) >= 100, `jiffies ${v}: at or after 1 s, where the server's close was written`);
  } finally {
    s.done();
  }
});

test('stopAtFate without a fate line stops on entry as usual', async () => {
  const s = scenario();
  try {
    const first = await c.launch({ scenario: s.file, stopAtFate: true });
    assert.equal(first.body.reason, 'entry');
    assert.doesNotMatch(first.body.description ?? '', /fate/);
  } finally {
    s.done();
  }
});
