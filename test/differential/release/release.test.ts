// The fidelity oracle: the unmodified Linux 1.2.13 release (tcp.c, sock.c, af_inet.c, timer.c,
// skbuff.c, kernel/sched.c, ip.c) compiled by gcc for i386 over the machine layer of
// src/kernel/machine/ and run under qemu-i386, driven by every example and every case of
// test/differential/release/scenarios.txt through the driver protocol (./protocol.ts). It asserts
// what the real release does (the handshake, the socket layer, the timers' jiffy); the interpreter
// is compared with this build over the same cases (interpreter.test.ts: releaseCases in ./cases.ts,
// the same inputs, INPUTS in ./gcc.ts).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releaseImage } from '../../../src/host/load';
import { serialise, type PCase } from './protocol';
import { OWN, releaseCases } from './cases';
import { INPUTS, ToolchainMissing, buildRelease, checkToolchain, releaseFields, runRelease, type Build, type ReleaseOutcome } from './gcc';

const TIME_WRITE = 1;
const TIME_CLOSE = 2;
const TIME_PROBE0 = 6;
const TCP_FIN_WAIT1 = 4;
const TCP_TIME_WAIT = 6;

let build: Build;
let cases: PCase[];
let outcomes: ReleaseOutcome[];
let runMs = 0;
const byName = (name: string) => {
  const o = outcomes.find((x) => x.case === name || x.case.endsWith(`:${name}`) || x.case === `examples/${name}.tcpscenario`);
  assert.ok(o, `no record for ${name}`);
  return o;
};
const sockOf = (o: ReleaseOutcome, name: string) => {
  const s = o.sockets.find((x) => x.name === name);
  assert.ok(s, `${o.case}: no sock ${name}`);
  return s;
};

before(async () => {
  // constants (state names, TIME_*) as the scenario language reads them: the release image's
  const image = await releaseImage();
  cases = releaseCases((n) => image.constant(n));
  const fields = await releaseFields();
  build = buildRelease(fields.header);
  const t0 = Date.now();
  outcomes = runRelease(build, serialise(cases));
  runMs = Date.now() - t0;
});

after(() => {
  build?.dispose();
});

test('the release build runs every example and scenarios.txt case: one record each, no machine fault', (t) => {
  assert.equal(outcomes.length, cases.length);
  outcomes.forEach((o, i) => assert.equal(o.case, cases[i].name));
  const faults = outcomes.filter((o) => o.error).map((o) => `${o.case}: ${o.error}`);
  assert.deepEqual(faults, [], 'a case reached something the machine layer cannot do');
  const examples = cases.filter((c) => c.name.startsWith('examples/')).length;
  assert.ok(examples >= 11, `every example: ${examples}`);
  assert.ok(cases.length - examples - Object.keys(OWN).length >= 20, 'every case of scenarios.txt');
  t.diagnostic(`build ${build.ms} ms (gcc -m32, ${INPUTS.kernel.length + INPUTS.machineFiles.length + 2} translation units), run ${runMs} ms for ${cases.length} cases under qemu-i386 (${(runMs / cases.length).toFixed(1)} ms a case)`);
});

test('the record carries every sock field the C writes, both timers with their reasons, rtt/rto/backoff/retransmits and the sent segments', () => {
  const s = sockOf(byName('active-close'), 'client');
  for (const f of ['state', 'shutdown', 'write_seq', 'sent_seq', 'acked_seq', 'rcv_ack_seq', 'window_seq', 'fin_seq', 'dead', 'keepopen', 'rtt', 'mdev', 'rto', 'backoff', 'retransmits', 'timeout', 'ip_xmit_timeout', 'packets_out', 'cong_window', 'wmem_alloc', 'rmem_alloc'])
    assert.ok(f in s.fields, `field ${f} is in the record`);
  assert.deepEqual(Object.keys(s.timers).sort(), ['retransmit_timer', 'timer']);
  assert.deepEqual(Object.keys(s.queues).sort(), ['back_log', 'receive_queue', 'send_head', 'write_queue']);
  // seq/ack absolute, t in jiffies: the FIN at 0 and the ACK of the peer's FIN at 2.04 s
  assert.deepEqual(s.sent.map((x) => [x.t, x.flags, x.seq, x.ack]), [
    [0, 'F.', 1000, 5000],
    [204, '.', 1001, 5001],
    [1204, '.', 1001, 5001],
  ]);
});

test('timers fire one jiffy after expires (timer_bh: expires < jiffies): a lost FIN goes again at 301, 902, 2103, 4504', () => {
  const c = sockOf(byName('own:fin-lost-forever'), 'client');
  const fins = c.sent.filter((x) => x.flags === 'F.');
  assert.deepEqual(fins.map((x) => x.t), [0, 301, 902, 2103, 4504]);
  assert.deepEqual(fins.map((x) => x.dropped), [1, 1, 1, 1, 1]);
  assert.equal(c.fields.state, TCP_FIN_WAIT1);
  // rto doubles each time: 300, 600, 1200, 2400, 4800; the timer was last armed at 4504 for 4800
  assert.equal(c.fields.rto, 4800);
  assert.deepEqual(c.timers.retransmit_timer, { pending: 1, reason: TIME_WRITE, expires: 4504 + 4800 });
  // the example's lost FIN, too: once lost, resent at 301 (not at 300)
  assert.deepEqual(sockOf(byName('lost-fin'), 'client').sent.filter((x) => x.flags === 'F.').map((x) => [x.t, x.dropped]), [[0, 1], [301, 0]]);
});

test('TIME_WAIT is still held at exactly +60 s', () => {
  // active-close's timing: the last FIN arrives at 1204; at 7204 the TIME_CLOSE timer is due but has not run
  const o = byName('own:time-wait-at-60s');
  assert.equal(o.jiffies, 7204);
  const c = sockOf(o, 'client');
  assert.equal(c.fields.state, TCP_TIME_WAIT);
  assert.deepEqual(c.timers.timer, { pending: 1, reason: TIME_CLOSE, expires: 7204 });
});

test('tcp_ack measures the round trip: rtt and rto change after the first acceptable ACK', () => {
  const c = sockOf(byName('four-way'), 'client');
  assert.notEqual(c.fields.rtt, 0, 'rtt measured');
  assert.notEqual(c.fields.rto, 300, 'rto no longer TCP_TIMEOUT_INIT');
  assert.ok(c.fields.rto < 300, `rto from the measured round trip: ${c.fields.rto}`);
});

test('the retransmit timer resends the first skb of send_head: data in flight and the FIN are two segments', () => {
  const c = sockOf(byName('own:data-and-fin-lost'), 'client');
  assert.deepEqual(c.sent.map((x) => [x.t, x.flags, x.seq, x.len, x.dropped]), [
    [0, 'P.', 1000, 100, 1],
    [0, 'F.', 1100, 0, 1],
    [301, 'P.', 1000, 100, 0], // the data skb alone
    [303, 'F.', 1100, 0, 0], // the FIN, its own skb, once the data is acknowledged
  ]);
});

test('data and a FIN in flight are the skbs on send_head; the ACK of both frees them', () => {
  const held = sockOf(byName('own:fin-in-flight'), 'client');
  assert.deepEqual(held.queues.send_head.map((x) => [x.flags, x.seq, x.data, x.end]), [
    ['P.', 1000, 10, 1010],
    ['F.', 1010, 0, 1011],
  ]);
  assert.equal(held.fields.packets_out, 2);
  const acked = sockOf(byName('own:fin-in-flight-acked'), 'client');
  assert.deepEqual(acked.queues.send_head, []);
  assert.equal(acked.fields.packets_out, 0);
  assert.equal(acked.fields.state, 5, 'FIN_WAIT2');
  assert.equal(acked.fields.wmem_alloc, 0, 'both buffers given back');
});

test('a zero window: data and the FIN wait on write_queue and TIME_PROBE0 sends window probes', () => {
  const c = sockOf(byName('own:zero-window-close'), 'client');
  assert.deepEqual(c.queues.write_queue.map((x) => [x.flags, x.seq, x.data]), [
    ['P.', 1000, 100],
    ['F.', 1100, 0],
  ]);
  assert.deepEqual(c.queues.send_head, []);
  const probes = c.sent.filter((x) => x.len === 0 && x.flags === '.' && x.seq === 999);
  assert.ok(probes.length >= 3, `window probes: ${JSON.stringify(c.sent)}`);
  assert.ok(!c.sent.some((x) => x.flags.includes('F')), 'the FIN has not gone out');
  assert.equal(c.timers.retransmit_timer.reason, TIME_PROBE0);
});

const sentOf = (o: ReleaseOutcome, name: string) => sockOf(o, name).sent.map((x) => [x.t, x.flags, x.seq, x.ack, x.len]);

test('from nothing over a link: listen, connect and accept make the three-way handshake through the real code, then both close', () => {
  const o = byName('own:handshake-linked-close');
  assert.equal(o.error, undefined);
  // tcp_connect's SYN: seq 10000 x jiffies (0), window 2 written without htons (512 read back), the MSS option
  // tcp_conn_request's SYN-ACK from the listener's port at the SYN's arrival (1), its seq 10000 x 1
  assert.deepEqual(sentOf(o, 'server'), [[1, 'S.', 10000, 1, 0]]);
  assert.equal(sockOf(o, 'client').sent[0].win, 512);
  assert.deepEqual(sentOf(o, 'client'), [
    [0, 'S', 0, 0, 0],
    [2, '.', 1, 10001, 0],
    [100, 'F.', 1, 10001, 0],
    [201, '.', 2, 10002, 0],
  ]);
  // the accepted sock is the listener's child: its port, its other end's, the rest of the close
  const conn = sockOf(o, 'conn');
  assert.equal(conn.fields.num, 80);
  assert.deepEqual(sentOf(o, 'conn'), [
    [101, '.', 10001, 2, 0],
    [200, 'F.', 10001, 2, 0],
  ]);
  assert.equal(sockOf(o, 'server').fields.state, 10, 'the listener still listens');
  assert.equal(conn.fields.state, 7, 'CLOSE after LAST_ACK');
});

test('a second close of a descriptor returns -EBADF and sends nothing; the record lists each close\'s value', () => {
  const o = byName('own:close-twice');
  assert.deepEqual(
    o.returns.filter((r) => r.call === 'close').map((r) => `${r.t} ${r.sock} ${r.ret}`),
    ['100 client 0', '200 client -9', '300 conn 0'],
  );
  assert.equal(sentOf(o, 'client').filter((s) => String(s[1]).includes('F')).length, 1, 'one FIN from the client');
});

test('connect with the scripted peer: the SYN goes out, the SYN-ACK of a `<` line makes ESTABLISHED, connect returned -EINPROGRESS', () => {
  const o = byName('own:handshake-peer-close');
  assert.equal(o.ret, -115);
  const c = sockOf(o, 'client');
  assert.equal(c.fields.num, 1024, 'bound to 1024+i before inet_connect');
  assert.deepEqual(sentOf(o, 'client').slice(0, 3), [
    [0, 'S', 0, 0, 0],
    [1, '.', 1, 5001, 0],
    [100, 'F.', 1, 5001, 0],
  ]);
});

test('a listener with a completed child not yet accepted: accept takes one, closing the listener closes the other (tcp_close_pending)', () => {
  const o = byName('own:listen-pending-accepted');
  // c2's connection was never accepted: the listener's close sends its FIN, from the listener's port
  assert.deepEqual(sentOf(o, 'server'), [
    [1, 'S.', 10000, 10001, 0],
    [2, 'S.', 20000, 20001, 0],
    [200, 'F.', 20001, 20001, 0],
  ]);
  assert.equal(sockOf(o, 'c2').fields.state, 8, 'CLOSE_WAIT');
  assert.equal(sockOf(o, 'conn').fields.num, 8080);
  assert.deepEqual(sentOf(o, 'conn')[0], [300, 'F.', 10001, 10001, 0]);
  // an accept with nothing completed returns -EAGAIN; after the handshake the next one takes the child
  const early = byName('own:accept-nothing-pending');
  assert.equal(early.ret, 0);
  assert.equal(sockOf(early, 'conn').fields.state, 1);
  assert.equal(sockOf(early, 'conn').fields.num, 80);
});

test('shutdown wr sends the FIN through tcp_shutdown and the socket still receives; write and read go through tcp_write and tcp_read', () => {
  const o = byName('own:shutdown-wr');
  assert.deepEqual(sentOf(o, 'client')[2], [100, 'F.', 1, 20001, 0]);
  // after its FIN the half-closed client still takes data: it acknowledges the 300 bytes conn writes
  assert.deepEqual(sentOf(o, 'conn')[1], [200, 'P.', 20001, 2, 300]);
  assert.deepEqual(sentOf(o, 'client')[3], [202, '.', 2, 20301, 0]);
  assert.equal(sockOf(o, 'client').fields.state, TCP_TIME_WAIT, 'then the FIN of conn: TIME_WAIT');
  assert.equal(o.ret, 300, 'the last call, read(1000), returned the 300 bytes there were');
  const rw = byName('own:write-read-close');
  assert.deepEqual(sentOf(rw, 'client')[2], [100, 'P.', 1, 10001, 1000]);
  assert.equal(rw.ret, 50, 'write(50) returned 50');
  // every call's value, in order: connect's -EINPROGRESS, what write and read moved, the closes'
  assert.deepEqual(
    rw.returns.map((r) => `${r.t} ${r.sock} ${r.call} ${r.ret}`),
    ['0 server listen 0', '0 client connect -115', '10 server accept 0', '100 client write 1000', '200 conn read 600', '300 conn write 50', '400 client close 0', '500 conn close 0'],
  );
  // shutdown rd sends nothing; rdwr sends the FIN
  const rd = byName('own:shutdown-rd-rdwr');
  assert.deepEqual(sentOf(rd, 'client').map((x) => [x[0], x[1]]), [[0, 'S'], [1, '.'], [200, 'F.']]);
});

test('an MSS option on the SYN: tcp_options takes the child\'s mtu = min(1436, 1000), and after the final ACK mss = min(max_window, mtu)', () => {
  const o = byName('own:mss-syn');
  assert.equal(o.error, undefined);
  const conn = sockOf(o, 'conn');
  assert.deepEqual([conn.fields.mtu, conn.fields.mss, conn.fields.max_window], [1000, 1000, 32792]);
  // the SYN-ACK, answered by the `<` ACK of 10001
  assert.deepEqual(sentOf(o, 'server')[0], [1, 'S.', 10000, 1, 0]);
  // a drop naming mss=1436 loses tcp_connect's SYN (it carries sk->mtu, 1500 - HEADER_SIZE); mss=536 matches nothing
  const d = byName('own:mss-drop');
  assert.deepEqual(sockOf(d, 'client').sent.filter((x) => x.flags === 'S').map((x) => [x.t, x.dropped]), [[0, 1], [301, 0]]);
});

test('without qemu-i386 or 32-bit gcc libraries the build refuses with what to install (no 64-bit fallback)', () => {
  const bin = mkdtempSync(join(tmpdir(), 'tcd-release-path-'));
  try {
    for (const tool of ['sh', 'cat', 'rm']) symlinkSync(execSync(`command -v ${tool}`, { shell: '/bin/sh', encoding: 'utf8' }).trim(), join(bin, tool));
    writeFileSync(join(bin, 'gcc'), '#!/bin/sh\necho "/usr/bin/ld: cannot find -lgcc: No such file or directory" >&2\nexit 1\n', { mode: 0o755 });
    const env = { PATH: bin };
    assert.throws(() => checkToolchain(env), (e: Error) => e instanceof ToolchainMissing && /qemu-i386 is missing.*apt-get install qemu-user/.test(e.message));
    writeFileSync(join(bin, 'qemu-i386'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    assert.throws(() => checkToolchain(env), (e: Error) => e instanceof ToolchainMissing && /gcc -m32 cannot build an i386 program \(Debian: apt-get install gcc-multilib\)/.test(e.message) && /cannot find -lgcc/.test(e.message));
    assert.throws(() => buildRelease('', INPUTS, env), ToolchainMissing);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
