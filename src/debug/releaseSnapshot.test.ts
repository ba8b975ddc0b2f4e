// The panel's snapshots from the release run: fields read from memory, their writers from the
// memory store log, segments and timers as the run recorded them, all valid for the panel.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadReleaseKernel } from '../host/node';
import { parseScenario } from '../scenario/parse';
import { bindScenario } from '../engine/release/bind';
import type { ReleaseImage } from '../engine/release/image';
import { ReleaseRun } from '../engine/release/run';
import { runRecord } from '../engine/release/record';
import { stopProblem } from '../common/check';
import type { StopSnapshot } from '../common/protocol';
import { ReleaseSnapshotBuilder } from './releaseSnapshot';
import { MAX_SOCKETS } from './snapshot';

let image: ReleaseImage;
before(async () => {
  image = await loadReleaseKernel();
});

const TCP_C = readFileSync('src/kernel/linux-1.2.13/net/inet/tcp.c', 'utf8').split('\n');
/** the tcp.c line of tcp_fin's move to CLOSE_WAIT, from the source text */
const CLOSE_WAIT_LINE = TCP_C.findIndex((l) => l.includes('tcp_set_state(sk,TCP_CLOSE_WAIT)')) + 1;

function start(file: string): { run: ReleaseRun; b: ReleaseSnapshotBuilder } {
  const text = readFileSync(file, 'utf8');
  const sc = parseScenario(text, file);
  const { bound, diagnostics } = bindScenario(sc, image.kernel, image.constant);
  assert.deepEqual(diagnostics, []);
  const run = new ReleaseRun(image, bound);
  return { run, b: new ReleaseSnapshotBuilder(run, text) };
}

for (const file of ['examples/passive-close.tcpscenario', 'examples/four-way.tcpscenario']) {
  test(`${file}: CLOSE_WAIT's writer, step back, segments, transitions, timers`, () => {
    assert.ok(CLOSE_WAIT_LINE > 0);
    const { run, b } = start(file);
    let prev: StopSnapshot | undefined;
    let sawCloseWait = false;
    let sawTimer = false;
    const transitions: StopSnapshot['transitions'] = [];
    for (let n = 0; n < 200_000 && !run.finished; n++) {
      const before = run.stopInfo(run.stopIndex);
      run.forward();
      const snap = b.build(prev);
      assert.equal(stopProblem(snap), undefined, `stop ${snap.index}`);
      transitions.push(...snap.transitions);
      const server = snap.sockets.server;
      if (!sawCloseWait && server.fields.state === image.constant('TCP_CLOSE_WAIT')) {
        sawCloseWait = true;
        assert.equal(server.display.state, `TCP_CLOSE_WAIT (${image.constant('TCP_CLOSE_WAIT')})`);
        // the state was stored in the step of the statement just before this stop
        const w = server.writers.state;
        assert.ok(w, 'a writer');
        assert.equal(w.stop, before.index);
        assert.match(w.file, /tcp\.c$/);
        // tcp_set_state stores it; the transition is taken by tcp_fin's call at that tcp.c line
        assert.equal(w.fn, 'tcp_set_state');
        assert.deepEqual(snap.transitions.map((t) => [t.socket, t.to, t.fn, t.line]), [['server', 'TCP_CLOSE_WAIT', 'tcp_fin', CLOSE_WAIT_LINE]]);
        // a step back: the state is the earlier one, and so is its writer
        run.backward();
        const back = b.build(snap);
        assert.notEqual(back.sockets.server.fields.state, server.fields.state);
        const wb = back.sockets.server.writers.state;
        assert.ok(!wb || wb.stop < w.stop);
        run.forward();
      }
      for (const s of Object.values(snap.sockets)) {
        const name = Object.keys(snap.sockets).find((k) => snap.sockets[k] === s)!;
        const sk = run.socks.find((x) => x.name === name)!.sk;
        if (s.retransmit_timer) {
          sawTimer = true;
          assert.equal(s.retransmit_timer.expires, run.timerExpires(run.timerAddress(sk, 'retransmit_timer')));
        }
      }
      assert.deepEqual(
        snap.segments.map((s) => [s.flags, s.seq, s.ack, s.len, s.dropped]),
        run.segs.map((s) => [s.flags, s.seq, s.ack, s.len, !!s.dropped]),
      );
      prev = snap;
    }
    assert.ok(sawCloseWait, 'the server reaches CLOSE_WAIT');
    // at the end, against the CLI's record of the run (read by its own code)
    const last = prev!;
    const names = Object.keys(last.sockets.server.fields);
    const rec = runRecord(run, file, names);
    for (const r of rec.sockets) {
      assert.deepEqual(last.sockets[r.name].fields, r.fields, r.name);
      for (const k of ['timer', 'retransmit_timer'] as const) assert.equal(last.sockets[r.name][k]?.expires, r.timers[k].pending ? r.timers[k].expires : undefined, `${r.name} ${k}`);
    }
    assert.deepEqual(
      last.segments.map((x) => [x.from, x.to, x.time, x.flags, x.seq, x.ack, x.len]),
      rec.segments.map((x) => [x.from, x.to, x.time, x.flags, x.seq, x.ack, x.len]),
    );
    assert.ok(sawTimer, 'a retransmit timer is pending at some stop');
    if (file.includes('passive')) assert.equal(run.failures.length, 0, JSON.stringify(run.failures));
    // every transition names a release line; the server's moves are the passive close's
    for (const t of transitions) assert.ok(t.fn && t.line, JSON.stringify(t));
    assert.deepEqual(
      transitions.filter((t) => t.socket === 'server').map((t) => t.to),
      ['TCP_CLOSE_WAIT', 'TCP_LAST_ACK', 'TCP_CLOSE'],
    );
  });
}

test('every segment carries its IP and TCP header bytes, which say what the segment row says: the kernel\'s as it sent them, the peer\'s as tcp_rcv received them', () => {
  const { run, b } = start('examples/passive-close.tcpscenario');
  run.runFast();
  const snap = b.build(undefined);
  assert.equal(stopProblem(snap), undefined);
  assert.ok(snap.segments.filter((s) => s.from === 'server').length >= 2, JSON.stringify(snap.segments));
  assert.ok(snap.segments.filter((s) => s.from === 'peer').length >= 2, JSON.stringify(snap.segments));
  for (const s of snap.segments) {
    assert.equal(s.len, 0, 'headers alone: the checksum below covers no payload');
    const h = Buffer.from(s.bytes!, 'hex');
    // RFC 791 / 793 layouts, read here from the bytes alone
    assert.equal(h[0] >> 4, 4, 'IPv4');
    const ihl = (h[0] & 0x0f) * 4;
    assert.equal(h[9], 6, 'protocol TCP');
    const t = h.subarray(ihl);
    assert.equal(h.length, ihl + (t[12] >> 4) * 4, 'the two headers, no payload');
    assert.equal(t.readUInt32BE(4), s.seq);
    assert.equal(t.readUInt32BE(8), s.ack);
    const f = t[13];
    assert.equal((f & 1 ? 'F' : '') + (f & 16 ? '.' : ''), s.flags.replace(/[^F.]/g, ''));
    // the checksum over the pseudo-header, the TCP header and no data is all ones (tcp_check's sum)
    let sum = 0;
    const words = (b: Buffer) => {
      for (let i = 0; i < b.length; i += 2) sum += (b[i] << 8) | (b[i + 1] ?? 0);
    };
    words(h.subarray(12, 20));
    sum += 6 + t.length;
    words(t);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    assert.equal(sum, 0xffff, `segment ${s.id}: the TCP checksum does not verify`);
  }
});

test(`past ${MAX_SOCKETS} socks: the window holds the running sock and its peer, each read as from scratch, and moves with the run`, () => {
  const pairs = 12;
  const L: string[] = [];
  for (let i = 0; i < pairs; i++) L.push(`socket c${i} TCP_ESTABLISHED write_seq=1000 acked_seq=5000`, `socket s${i} TCP_ESTABLISHED write_seq=5000 acked_seq=1000`, `link c${i} s${i} delay=10ms`);
  // the last declared pairs close first: their socks are outside the first MAX_SOCKETS
  for (let i = 0; i < pairs; i++) L.push(`${i * 10}ms c${pairs - 1 - i} close`);
  const text = L.join('\n') + '\n';
  const sc = parseScenario(text, 'window.tcpscenario');
  const { bound, diagnostics } = bindScenario(sc, image.kernel, image.constant);
  assert.deepEqual(diagnostics, []);
  const run = new ReleaseRun(image, bound);
  const b = new ReleaseSnapshotBuilder(run, text);
  let prev = b.build(undefined);
  const seen = new Set<string>();
  let checked = 0;
  for (let i = 0; i < 2500 && !run.finished; i++) {
    const stop = run.forward();
    const snap = b.build(prev);
    const names = Object.keys(snap.sockets);
    assert.equal(names.length, MAX_SOCKETS);
    assert.equal(snap.socketCount, 2 * pairs);
    const running = stop.socket || stop.item?.socket;
    if (running) {
      assert.ok(names.includes(running), `stop ${stop.index}: ${running} shown`);
      const peer = run.socks.find((s) => s.name === running)!.peer;
      assert.ok(names.includes(run.socks[peer].name), `stop ${stop.index}: the peer of ${running} shown`);
      checked++;
    }
    // a sock's view is the same whichever window it is shown in (checked at every 97th stop: a fresh build reads all)
    if (i % 97 === 0) {
      const fresh = new ReleaseSnapshotBuilder(run, text).build(undefined);
      for (const n of names) if (n in fresh.sockets) assert.deepEqual(snap.sockets[n], fresh.sockets[n], `stop ${stop.index} ${n}`);
    }
    for (const n of names) seen.add(n);
    prev = snap;
  }
  assert.ok(checked > 100, `${checked} stops of a running sock`);
  assert.ok(seen.size > MAX_SOCKETS, `the window moved with the run (${seen.size} socks shown)`);
});

test('once the run\'s end is recorded, every stop shows the segments still to come, as the end shows them; a what-if forgets them until the end is reached again', () => {
  const { run, b } = start('examples/four-way.tcpscenario');
  const before = b.build(undefined);
  assert.equal(before.later, undefined, 'the end is not known yet');
  run.runFast();
  const end = b.build(undefined);
  assert.equal(end.later?.length, 0, 'at the end nothing is to come');
  const all = end.segments;
  assert.ok(all.length >= 4);
  for (const n of [0, Math.floor(run.stopCount / 2), run.stopCount - 1]) {
    run.goto(n);
    const snap = b.build(undefined);
    assert.equal(stopProblem(snap), undefined);
    assert.deepEqual([...snap.segments, ...snap.later!], all, `stop ${n}: sent so far, then to come, are the run's segments`);
    for (const s of snap.later!) assert.ok(s.bytes && s.time >= snap.clock, `segment ${s.id}: its bytes, and not sent before now`);
  }
  run.goto(1);
  run.whatIf(() => run.setField(run.socks[0].sk, run.sock.byName.get('state')!, 7));
  assert.equal(b.build(undefined).later, undefined, 'another future, not known yet');
  run.runFast();
  run.goto(1);
  assert.ok(b.build(undefined).later, 'known again once the new end is recorded');
});

test('once the run\'s end is known, every stop shows the timers still to run: the lost FIN\'s retransmission at 301, then the client\'s TIME_WAIT end', () => {
  const { run, b } = start('examples/lost-fin.tcpscenario');
  run.runFast();
  const all = run.firings.filter((f) => f.which);
  assert.ok(all.length >= 2, JSON.stringify(run.firings));
  run.goto(0);
  const first = b.build(undefined);
  assert.equal(stopProblem(first), undefined);
  assert.deepEqual(first.laterTimers, all.map((f) => ({ time: f.time, socket: f.socket, timer: f.which, reason: f.reason })));
  // the retransmit timer's run that resends the FIN: one jiffy after its expires (300)
  assert.deepEqual(first.laterTimers!.find((t) => t.timer === 'retransmit_timer'), { time: 301, socket: 'client', timer: 'retransmit_timer', reason: 'TIME_WRITE' });
  // from a later stop, only those after it
  run.goto(Math.floor(run.stopCount / 2));
  const mid = b.build(undefined);
  assert.ok(mid.laterTimers!.every((t) => t.time >= mid.clock));
  assert.deepEqual(mid.laterTimers, first.laterTimers!.slice(first.laterTimers!.length - mid.laterTimers!.length));
});
