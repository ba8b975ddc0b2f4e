// The release run as a debugger drives it: stops only in the release's C, an event stop before
// each agenda item, failed expectations and faults as stops naming the scenario line, and every
// earlier stop restored exactly (memory and the agenda's own state).

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReleaseKernel, machineDir, releaseRoot } from '../../host/node';
import { parseScenario } from '../../scenario/parse';
import { bindScenario } from './bind';
import type { ReleaseImage } from './image';
import { mssOption, ReleaseRun } from './run';

let image: ReleaseImage;
before(async () => {
  image = await loadReleaseKernel();
});

const PASSIVE = [
  'socket server TCP_ESTABLISHED write_seq=5000 acked_seq=1000',
  '0 server < F. seq=1000 ack=5000',
  '+0 expect server state=CLOSE_WAIT fin_seq=1001',
  '+20ms server close',
  '+0 server > F. seq=5000 ack=1001',
  '+10ms server < . seq=1001 ack=5001',
  '+0 expect server state=CLOSE',
].join('\n');

function start(text: string, opts: { stepBudget?: number; history?: boolean } = {}): ReleaseRun {
  const sc = parseScenario(text, 't.tcpscenario');
  assert.deepEqual(sc.diagnostics, []);
  const { bound, diagnostics } = bindScenario(sc, image.kernel, image.constant);
  assert.deepEqual(diagnostics, []);
  return new ReleaseRun(image, bound, opts);
}

test('stops are the release\'s statements and one event stop before each item; the machine layer never stops', () => {
  const run = start(PASSIVE);
  const kinds = new Map<string, number>();
  const files = new Set<string>();
  let s = run.stopInfo(run.stopIndex);
  assert.equal(s.kind, 'event');
  assert.equal(s.item?.kind === 'event' && s.item.event.line, 2);
  for (;;) {
    kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
    if (s.kind === 'statement') files.add(s.loc!.file);
    if (s.kind === 'end' || s.kind === 'error') break;
    s = run.forward();
  }
  assert.equal(s.kind, 'end');
  assert.equal(kinds.get('failure'), undefined, 'the passive close holds on the release');
  assert.equal(kinds.get('event'), 6);
  assert.ok((kinds.get('statement') ?? 0) > 500);
  for (const f of files) assert.ok(f.startsWith(image.release + '/'), `${f} is a release file`);
  assert.ok([...files].some((f) => f.endsWith('/net/inet/tcp.c')));
  assert.equal(run.stateName(run.field(run.socks[0].sk, 'state')), 'TCP_CLOSE');
});

test('going back restores every stop exactly: the sock\'s bytes, the clock and the segments', () => {
  const run = start(PASSIVE);
  const seen: { n: number; fields: string; jiffies: number; segs: number }[] = [];
  const snap = () => ({ fields: ['state', 'fin_seq', 'shutdown', 'write_seq', 'rcv_ack_seq', 'acked_seq'].map((f) => run.field(run.socks[0].sk, f)).join(' '), jiffies: run.jiffies, segs: run.segs.length });
  let s = run.stopInfo(run.stopIndex);
  for (;;) {
    seen.push({ n: s.index, ...snap() });
    if (s.kind === 'end') break;
    s = run.forward();
  }
  for (const at of [seen.length - 2, 700, 300, 10, 0]) {
    const want = seen[at];
    run.goto(want.n);
    assert.deepEqual({ n: want.n, ...snap() }, want, `stop ${want.n}`);
  }
  // and forward again from the past replays the same stops
  run.goto(5);
  for (let i = 6; i < 40; i++) assert.equal(run.forward().index, i);
  assert.deepEqual({ n: 39, ...snap() }, seen[39]);
});

test('a failed expectation stops at its scenario line with what the release holds', () => {
  const run = start(['socket server TCP_ESTABLISHED write_seq=5000 acked_seq=1000', '0 server < F. seq=1000 ack=5000', '+0 expect server state=LAST_ACK', '+0 server > F.'].join('\n'));
  const failures: string[] = [];
  for (let s = run.stopInfo(run.stopIndex); s.kind !== 'end'; s = run.forward()) if (s.kind === 'failure') failures.push(`${s.item?.kind === 'event' ? s.item.event.line : '?'}: ${s.message}`);
  assert.equal(failures.length, 2);
  assert.equal(failures[0], '3: expect server: state is TCP_CLOSE_WAIT, expected TCP_LAST_ACK');
  // the ACK of the FIN, with the window the release computed (one byte of sequence space taken)
  assert.match(failures[1], /^4: server did not send F\.: it sent \. seq=5000 ack=1001 len=0 win=\d+$/);
});

test('a timer runs at the tick after it expires (timer_bh: expires < jiffies), and a dropped segment never arrives', () => {
  const run = start(['socket client TCP_ESTABLISHED write_seq=1000', 'socket server TCP_ESTABLISHED write_seq=5000', 'link client server delay=10ms', '0 drop client > F. seq=1000', '0 client close', '5s wait'].join('\n'));
  run.runFast();
  const fins = run.segs.filter((r) => r.from === 0 && r.flags === 'F.');
  // sent at 0 and lost; the retransmit timer (rto 300) resends it at 301, when timer_bh first sees 300 < jiffies
  assert.deepEqual(fins.map((r) => [r.time, r.dropped]), [[0, 1], [301, 0]]);
  // 10 ms is one jiffy (HZ 100): the server acknowledges the FIN as it arrives, at 302
  assert.deepEqual(run.segs.filter((r) => r.from === 1).map((r) => [r.time, r.flags, r.ack]), [[302, '.', 1001]]);
});

test('an endless exchange stops at the step budget with a message at the last scenario line', () => {
  // a retransmit timer re-armed for now with rto 0 would never let the clock move: here a budget
  // too small for one tcp_rcv shows the same stop
  const run = start(PASSIVE, { stepBudget: 50 });
  let s = run.stopInfo(run.stopIndex);
  while (s.kind !== 'end' && s.kind !== 'error') s = run.forward();
  assert.equal(s.kind, 'error');
  assert.match(s.message ?? '', /step budget of 50 statements/);
  assert.match(s.loc?.file ?? '', /\.c$/);
});

test('a what-if in the past: the future is recomputed from the change, and going back shows the value as it was', () => {
  const run = start(PASSIVE);
  run.runFast();
  assert.equal(run.stateName(run.field(run.socks[0].sk, 'state')), 'TCP_CLOSE');
  // back to the first stop in tcp_fin, then the application is made to have closed already
  let n = 0;
  for (run.goto(0); ; ) {
    const s = run.forward();
    if (s.kind === 'statement' && s.fn!.name === 'tcp_fin') {
      n = s.index;
      break;
    }
  }
  const sk = run.socks[0].sk;
  const dead = run.image.kernel.records.get('sock')!.byName.get('dead')!;
  const before = run.stopCount;
  const s = run.whatIf(() => run.setField(sk, dead, 1));
  assert.equal(s.index, n + 1);
  assert.ok(run.stopCount < before, 'the future is forgotten');
  run.runFast();
  // the run goes on from the changed byte
  assert.equal(run.field(sk, 'dead'), 1);
  run.goto(n);
  assert.equal(run.field(sk, 'dead'), 0, 'at the stop before the what-if, the value as it was');
  run.goto(n + 1);
  assert.equal(run.field(sk, 'dead'), 1);
});

test('a second close() of the same socket runs no kernel code (-EBADF, as for a closed descriptor), and the run goes on', () => {
  const run = start(PASSIVE.split('\n').concat(['+1s server close', '+0 expect server state=CLOSE']).join('\n'));
  // the stops in tcp_close under each close event (an event stop starts each agenda item)
  const inTcpClose: number[] = [];
  let closing = -1;
  let s = run.stopInfo(run.stopIndex);
  while (s.kind !== 'end' && s.kind !== 'error') {
    if (s.kind === 'event') closing = s.item?.kind === 'event' && s.item.event.action.kind === 'close' ? inTcpClose.push(0) - 1 : -1;
    else if (s.kind === 'statement' && s.fn!.name === 'tcp_close' && closing >= 0) inTcpClose[closing]++;
    s = run.forward();
  }
  assert.equal(s.kind, 'end', s.message);
  assert.equal(inTcpClose.length, 2);
  assert.ok(inTcpClose[0] > 0 && inTcpClose[1] === 0, `stops in tcp_close per close: ${inTcpClose}`);
  assert.deepEqual(run.failures, []);
});

test('a call on a sock destroy_sock freed is a fault stop at its scenario line, not a run on freed memory (release_sock too)', () => {
  for (const fn of ['tcp_send_fin', 'release_sock', 'tcp_close_state dead=1']) {
    const text = PASSIVE.split('\n').concat([`+1s server call ${fn}`]).join('\n');
    const run = start(text);
    let s = run.stopInfo(run.stopIndex);
    let released = 0;
    while (s.kind !== 'end' && s.kind !== 'error') {
      s = run.forward();
      if (s.kind === 'statement' && s.fn?.name === 'release_sock' && s.item?.kind === 'event' && s.item.event.line === text.split('\n').length) released++;
    }
    assert.ok(run.freed(run.socks[0].sk), `${fn}: the sock was freed before the call`);
    assert.equal(s.kind, 'error', fn);
    assert.match(s.message ?? '', /the call is on a sock destroy_sock freed/);
    assert.equal(s.loc?.line, text.split('\n').length, `${fn}: named at the call's scenario line`);
    assert.equal(released, 0, `${fn}: no kernel line ran for it`);
  }
});

test('a call of release_sock on a live sock runs the release\'s release_sock, stopping on its lines', () => {
  const text = PASSIVE.split('\n').slice(0, 3).concat(['0 server call release_sock']).join('\n');
  const run = start(text);
  const fns = new Set<string>();
  let s = run.stopInfo(run.stopIndex);
  while (s.kind !== 'end' && s.kind !== 'error') {
    if (s.kind === 'statement') fns.add(s.fn!.name);
    s = run.forward();
  }
  assert.equal(s.kind, 'end', s.message);
  assert.ok(fns.has('release_sock'), [...fns].join(' '));
  assert.deepEqual(run.returns.map((r) => `${r.call} ${r.ret}`), ['release_sock 0']);
});

test('a long run reuses freed blocks: 40,000 segments, more than the arena held when kmalloc never reused one, end with no fault', () => {
  // each segment's skb is freed once tcp_ack and tcp_data are done with it, and the next segment's
  // kmalloc of that size takes the block back; before, the 4 MiB arena was full after about 30,800
  const L = ['socket client TCP_ESTABLISHED write_seq=1000', 'socket server TCP_ESTABLISHED write_seq=5000'];
  for (let i = 0; i < 40_000; i++) L.push(`${i === 0 ? '0' : '+10ms'} server < . seq=1000 ack=5000`);
  const run = start(L.join('\n'), { history: false });
  run.runFast();
  const s = run.stopInfo(run.stopIndex);
  assert.equal(s.kind, 'end', s.message);
});

test('kmalloc\'s arena full is the fault named, at the scenario line of the segment that needed memory, not the NULL store after it', async () => {
  // an edited copy of the machine layer with a 2 KiB arena, beside the release (its units include
  // ../linux-1.2.13/...): data nobody reads stays queued until a segment finds the arena full
  const root = mkdtempSync(join(tmpdir(), 'tcp-close-arena-'));
  try {
    const machine = join(root, 'machine');
    cpSync(machineDir(), machine, { recursive: true });
    symlinkSync(releaseRoot(), join(root, 'linux-1.2.13'));
    const kmalloc = join(machine, 'kmalloc.c');
    const text = readFileSync(kmalloc, 'utf8');
    assert.match(text, /#define ARENA_BYTES \(4 \* 1024 \* 1024\)/);
    writeFileSync(kmalloc, text.replace('#define ARENA_BYTES (4 * 1024 * 1024)', '#define ARENA_BYTES (2 * 1024)'));
    const small = await loadReleaseKernel({ release: join(root, 'linux-1.2.13'), machine });
    const L = ['socket client TCP_ESTABLISHED write_seq=1000', 'socket server TCP_ESTABLISHED write_seq=5000'];
    for (let i = 0; i < 20; i++) L.push(`${i === 0 ? '0' : '+10ms'} server < P. seq=${1000 + 100 * i} ack=5000 len=100`);
    const sc = parseScenario(L.join('\n'), 't.tcpscenario');
    const { bound, diagnostics } = bindScenario(sc, small.kernel, small.constant);
    assert.deepEqual(diagnostics, []);
    const run = new ReleaseRun(small, bound, { history: false });
    run.runFast();
    const s = run.stopInfo(run.stopIndex);
    assert.equal(s.kind, 'error');
    assert.match(s.message ?? '', /^machine fault: kmalloc: the machine's arena is full; then NULL pointer dereference/);
    // the fault's C location is where the NULL was stored through; its item is the segment's line
    assert.match(s.loc?.file ?? '', /\.c$/);
    const line = s.item?.kind === 'event' ? s.item.event.line : 0;
    assert.ok(line > 3 && line <= L.length, `line ${line}`);
    assert.match(L[line - 1], /server < P\. seq=\d+ ack=5000 len=100$/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** A listener from nothing, a SYN from the scripted peer (with `syn`'s fields), its ACK of the SYN-ACK, the child accepted as conn. */
const handshake = (syn: string, after: string[]) =>
  [
    'socket server CLOSED',
    'socket conn CLOSED',
    '0 server listen 80',
    // at jiffy 1: tcp_conn_request's child takes the initial sequence number 10000 x jiffies (machine/clock.c)
    `10ms server < S seq=0 win=32792${syn}`,
    ...after,
    '20ms server < . seq=1 ack=10001 win=32792',
    '30ms server accept conn',
  ].join('\n');

/** The child tcp_conn_request queued on the listener's receive_queue (the first skb's sk), before it is accepted. */
function pendingChild(run: ReleaseRun): number {
  const k = run.image.kernel;
  const mem = run.run.mem;
  const first = mem.u32(run.socks[0].sk + k.records.get('sock')!.byName.get('receive_queue')!.offset);
  return mem.u32(first + k.records.get('sk_buff')!.byName.get('sk')!.offset);
}

test('mss= on a SYN to a listener: tcp_options takes sk->mtu = min(mtu, mss), and the SYN-ACK carries newsk->mtu in its own MSS option', () => {
  const run = start(
    handshake(' mss=1000', [
      '+0 server > S. ack=1 mss=1000',
      // the child's mss is min(max_window, mtu), and max_window is 0 until the final ACK's window
      '+0 expect server state=LISTEN',
    ]) + '\n+0 expect conn state=ESTABLISHED mtu=1000 mss=1000 max_window=32792',
  );
  let s = run.stopInfo(run.stopIndex);
  let child = 0;
  while (s.kind !== 'end' && s.kind !== 'error') {
    if (!child && s.kind === 'event' && s.item?.kind === 'event' && s.item.event.line === 7) {
      child = pendingChild(run);
      assert.deepEqual(['state', 'mtu', 'mss', 'max_window'].map((f) => run.field(child, f)), [image.constant('TCP_SYN_RECV'), 1000, 0, 0]);
    }
    s = run.forward();
  }
  assert.equal(s.kind, 'end', s.message);
  assert.ok(child, 'the SYN_RECV child was looked at');
  assert.deepEqual(run.failures, []);
  // the peer's SYN as machine_build_segment built it: doff 6, the option kind 2 length 4 value 1000, tot_len 44
  const syn = run.wireHeaders(0)!;
  assert.equal(syn.length, 44);
  assert.equal((syn[2] << 8) | syn[3], 44);
  assert.equal(syn[20 + 12] >> 4, 6);
  assert.deepEqual([...syn.subarray(40, 44)], [2, 4, 0x03, 0xe8]);
  assert.deepEqual(run.segs.map((r) => `${r.from} ${r.flags} ${r.mss}`), ['-1 S 1000', '0 S. 1000', '-1 . 0']);
});

test('without mss= a SYN has no option: tcp_options takes the default 536; a larger one is capped by the device (1500 - HEADER_SIZE)', () => {
  for (const [syn, want] of [['', 536], [' mss=2000', 1436], [' mss=100', 100]] as const) {
    const run = start(handshake(syn, [`+0 server > S. ack=1 mss=${want}`]) + `\n+0 expect conn mtu=${want} mss=${want}`);
    run.runFast();
    assert.deepEqual(run.failures, [], `SYN${syn}`);
    const [peer, synack] = run.segs;
    assert.equal(peer.mss, syn ? Number(syn.split('=')[1]) : 0);
    assert.equal(peer.headers!.length, syn ? 44 : 40, 'no option: the 20-byte TCP header');
    assert.equal(synack.mss, want);
  }
});

test('> with a wrong mss= fails naming it, and the "it sent" text shows the mss of a segment that carries one', () => {
  const run = start(handshake(' mss=1000', ['+0 server > S. mss=1460', '+0 server > S. mss=1000']));
  run.runFast();
  assert.deepEqual(run.failures.map((f) => `${f.line}: ${f.message}`), ['5: server did not send S. mss=1460: it sent S. seq=10000 ack=1 len=0 win=14335 mss=1000']);
  // an ACK carries no option: mss= does not match it, and the text shows none
  const ack = start(PASSIVE.split('\n').slice(0, 2).concat(['+0 server > . mss=536']).join('\n'));
  ack.runFast();
  assert.equal(ack.failures.length, 1);
  assert.match(ack.failures[0].message, /^server did not send \. mss=536: it sent \. seq=5000 ack=1001 len=0 win=\d+$/);
});

test('drop with mss= loses only a segment carrying that MSS option: tcp_connect\'s SYN carries 1436 (1500 - HEADER_SIZE)', () => {
  const text = (mss: number) => ['socket server CLOSED', 'socket client CLOSED', 'link client server delay=10ms', '0 server listen 80', `0 drop client > S mss=${mss}`, '0 client connect server', '5s wait'].join('\n');
  const lost = start(text(1436));
  lost.runFast();
  const kept = start(text(536));
  kept.runFast();
  const syns = (r: ReleaseRun) => r.segs.filter((x) => x.from === 1 && x.flags === 'S').map((x) => `${x.time} ${x.mss} ${x.dropped}`);
  // lost: the retransmit timer sends it again at 301 (rto 300); kept: the one SYN, answered
  assert.deepEqual(syns(lost), ['0 1436 1', '301 1436 0']);
  assert.deepEqual(syns(kept), ['0 1436 0']);
});

test('mssOption walks the TCP options as tcp_options does: EOL ends, NOP is one byte, others are kind and length', () => {
  assert.equal(mssOption(Uint8Array.of()), 0);
  assert.equal(mssOption(Uint8Array.of(2, 4, 0x05, 0xb4)), 1460);
  assert.equal(mssOption(Uint8Array.of(1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 2, 4, 0x02, 0x18)), 536);
  assert.equal(mssOption(Uint8Array.of(0, 0, 2, 4, 0x02, 0x18)), 0, 'after EOL nothing is read');
  assert.equal(mssOption(Uint8Array.of(2, 3, 0x02, 0x18)), 0, 'an MSS option of another length is not one');
  assert.equal(mssOption(Uint8Array.of(8, 1, 2, 4)), 0, 'a length below 2 ends the walk');
  assert.equal(mssOption(Uint8Array.of(2, 4, 0x02)), 0, 'a truncated option is none');
});
