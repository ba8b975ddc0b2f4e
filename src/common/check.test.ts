// Both directions of the panel's messages are checked: real snapshots pass, wrong shapes do not.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadReleaseRun } from '../host/load';
import { ReleaseSnapshotBuilder } from '../debug/releaseSnapshot';
import { isStopSnapshot, parseFromHost, stopProblem, whyProblem } from './check';
import { parseFromWebview, type StopSnapshot, type WhyLinkSnapshot } from './protocol';
import { why } from '../engine/release/why';
import type { CT } from '../engine/cmachine/types';
import type { ReleaseRun } from '../engine/release/run';

let snaps: StopSnapshot[] = [];
let snapRun: { run: ReleaseRun };

before(async () => {
  const { run, text } = await loadReleaseRun({ scenarioPath: join(__dirname, '../../examples/four-way.tcpscenario') });
  snapRun = { run };
  const b = new ReleaseSnapshotBuilder(run, text);
  let prev = b.build(undefined);
  snaps = [prev];
  for (let i = 0; i < 5000 && !run.finished; i++) {
    run.forward();
    snaps.push((prev = b.build(prev)));
  }
});

test('every snapshot of a real run is a valid StopSnapshot and a valid stop message', () => {
  assert.ok(snaps.length > 100);
  for (const s of snaps) {
    assert.equal(stopProblem(s), undefined, `stop ${s.index}`);
    assert.deepEqual(parseFromHost({ type: 'stop', stop: s }), { type: 'stop', stop: s });
  }
  // and after a trip through JSON (postMessage, DAP events)
  assert.ok(isStopSnapshot(JSON.parse(JSON.stringify(snaps[snaps.length - 1]))));
  // the adapter's event body adds `item` (StopEventBody in src/common/protocol.ts): extra fields pass
  assert.ok(isStopSnapshot({ ...snaps[3], item: 'delivery of segment 1' }));
});

test('wrong shapes from the host are refused with a reason', () => {
  const s = snaps[10];
  const bad: [unknown, RegExp][] = [
    [null, /not an object/],
    [[], /not an object/],
    [{ type: 'nope' }, /unknown message type/],
    [{ type: 'stop' }, /bad stop: not an object/],
    [{ type: 'stop', stop: { ...s, index: -1 } }, /index/],
    [{ type: 'stop', stop: { ...s, kind: 'weird' } }, /kind/],
    [{ type: 'stop', stop: { ...s, sockets: { a: { ...s.sockets.client, fields: { state: 'x' } } } } }, /sockets/],
    [{ type: 'stop', stop: { ...s, segments: [{ id: 1 }] } }, /segments/],
    // header bytes: hex pairs only, and no more than two 60-byte headers
    ...['4500<script>', '450', 'ab'.repeat(121), 45].map((bytes): [unknown, RegExp] => [{ type: 'stop', stop: { ...s, segments: [{ id: 0, from: 'a', to: 'b', time: 0, flags: 'F.', seq: 1, ack: 2, len: 0, dropped: false, bytes }] } }, /segments/]),
    [{ type: 'stop', stop: { ...s, notes: [1] } }, /notes/],
    [{ type: 'session', name: 'x', sockets: 'a', scenario: '' }, /bad session/],
  ];
  for (const [m, why] of bad) {
    const r = parseFromHost(m);
    assert.equal(typeof r, 'string', JSON.stringify(m)?.slice(0, 80));
    assert.match(r as string, why);
  }
  assert.deepEqual(parseFromHost({ type: 'ended' }), { type: 'ended' });
  const withBytes = { ...s, segments: [{ id: 0, from: 'a', to: 'b', time: 0, flags: 'F.', seq: 1, ack: 2, len: 0, dropped: false, bytes: '45'.repeat(40) }] };
  assert.equal(typeof parseFromHost({ type: 'stop', stop: withBytes }), 'object', 'two 20-byte headers are a segment');
});

test('messages from the webview: exactly the agreed shapes', () => {
  assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseFromWebview({ type: 'goto', stop: 3 }), { type: 'goto', stop: 3 });
  assert.deepEqual(parseFromWebview({ type: 'painted', stop: 0 }), { type: 'painted', stop: 0 });
  assert.deepEqual(parseFromWebview({ type: 'reveal', file: '/a/tcp.c', line: 9 }), { type: 'reveal', file: '/a/tcp.c', line: 9 });
  assert.deepEqual(parseFromWebview({ type: 'fieldChange', socket: 'server', field: 'state', direction: 'next' }), { type: 'fieldChange', socket: 'server', field: 'state', direction: 'next' });
  assert.deepEqual(parseFromWebview({ type: 'export', what: 'pcap' }), { type: 'export', what: 'pcap' });
  assert.deepEqual(parseFromWebview({ type: 'export', what: 'mermaid' }), { type: 'export', what: 'mermaid' });
  for (const m of [{ type: 'export' }, { type: 'export', what: 'pcapng' }, { type: 'export', what: 'pcap', file: '/etc/passwd' }]) assert.equal(typeof parseFromWebview(m), 'string', JSON.stringify(m));
  for (const m of [
    { type: 'fieldChange', socket: 'server', field: 'state', direction: 'sideways' },
    { type: 'fieldChange', socket: 'server', field: 'state; x', direction: 'next' },
    { type: 'fieldChange', socket: 's'.repeat(65), field: 'state', direction: 'next' },
    { type: 'fieldChange', socket: 'server', field: 'state' },
    { type: 'fieldChange', socket: 'server', field: 'state', direction: 'next', stop: 1 },
  ]) assert.equal(typeof parseFromWebview(m), 'string', JSON.stringify(m));
  for (const m of [undefined, 'ready', { type: 'ready', x: 1 }, { type: 'goto', stop: -1 }, { type: 'goto', stop: 1.5 }, { type: 'goto', stop: '1' }, { type: 'painted', stop: -1 }, { type: 'painted' }, { type: 'reveal', file: '/a', line: 0 }, { type: 'reveal', file: 1, line: 1 }, { type: 'eval', code: '1' }]) {
    assert.equal(typeof parseFromWebview(m), 'string', JSON.stringify(m));
  }
});

test('a "Why?" chain of a real run passes both ways; a malformed, too deep or too wide one is refused, and so are bad why messages from the webview', () => {
  const { run } = snapRun;
  run.goto(run.stopCount - 1);
  const f = run.sock.byName.get('state')!;
  const chain = JSON.parse(JSON.stringify(why(run, { kind: 'memory', name: 'server.state', addr: run.socks[1].sk + f.offset, t: f.type as CT }))) as WhyLinkSnapshot;
  assert.ok(chain.reads.length > 0, 'a chain with links');
  assert.equal(whyProblem(chain), undefined);
  const m = { type: 'why', socket: 'server', field: 'state', stop: run.stopCount - 1, chain };
  assert.deepEqual(parseFromHost(m), m);
  assert.deepEqual(parseFromHost({ type: 'why', socket: 'server', field: 'state', stop: 3, error: 'no' }), { type: 'why', socket: 'server', field: 'state', stop: 3, error: 'no' });
  const link = (reads: unknown[] = []) => ({ expr: 'x', value: '1', stop: 0, origin: { kind: 'initial', what: 'setup' }, reads });
  let deep: unknown = link();
  for (let i = 0; i < 40; i++) deep = link([deep]);
  for (const [bad, why_] of [
    [{ ...chain, origin: { kind: 'statement', stop: 1 } }, /origin/],
    [{ ...chain, origin: { kind: 'magic', what: 'x' } }, /origin/],
    [{ ...chain, reads: 'none' }, /reads/],
    [{ ...chain, stop: -1 }, /expr, value and stop/],
    [{ ...chain, reads: [{ ...chain.reads[0], at: { file: 1 } }] }, /at/],
    [deep, /deeper than/],
    [link(Array.from({ length: 600 }, () => link())), /more than 500 links/],
  ] as [unknown, RegExp][]) {
    const r = parseFromHost({ ...m, chain: bad });
    assert.equal(typeof r, 'string');
    assert.match(r as string, why_);
  }
  assert.match(parseFromHost({ type: 'why', socket: 'server', field: 'state', stop: 1 }) as string, /chain or an error/);
  const values = [{ stop: 0, value: 'TCP_ESTABLISHED (1)' }, { stop: 9, value: 'TCP_CLOSE_WAIT (8)', writer: { stop: 8, fn: 'tcp_set_state', file: '/k/tcp.c', line: 287 } }];
  assert.deepEqual(parseFromHost({ type: 'history', socket: 'server', field: 'state', values }), { type: 'history', socket: 'server', field: 'state', values });
  for (const [v, w] of [
    ['x', /a list/],
    [[values[1], values[0]], /stop order/],
    [[{ stop: 0 }], /stop and value/],
    [[{ ...values[1], writer: { stop: 8, fn: 'f' } }], /writer/],
    [Array.from({ length: 10_001 }, (_, i) => ({ stop: i, value: '1' })), /more than 10000/],
  ] as [unknown, RegExp][]) assert.match(parseFromHost({ type: 'history', socket: 'server', field: 'state', values: v }) as string, w);
  assert.deepEqual(parseFromWebview({ type: 'why', socket: 'server', field: 'state' }), { type: 'why', socket: 'server', field: 'state' });
  for (const w of [{ type: 'why', socket: 'server' }, { type: 'why', socket: 'server', field: 'a b' }, { type: 'why', socket: 'server', field: 'state', stop: 2 }]) assert.equal(typeof parseFromWebview(w), 'string', JSON.stringify(w));
});
