// A run saved as a capture (`run FILE --pcap OUT.pcapng`, the bundled dist/cli.js) and read back
// by Debian's tshark: every segment the run sent or injected is there in order, with the fields
// the end record states, valid IP and TCP checksums (Wireshark's own check), the virtual clock's
// times and a comment naming the socket, its state and the release line that sent it.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PKT_ROOT } from '../src/scenario/packetdrill/scripts.testkit';
import { CLI, ROOT, buildCli } from './cli.testkit';

const root = ROOT;
const cli = CLI;
const RELEASE = join(root, 'src', 'kernel', 'linux-1.2.13');

before(buildCli);

const FIELDS = ['frame.time_relative', 'tcp.srcport', 'tcp.dstport', 'tcp.flags', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.len', 'tcp.window_size_value', 'ip.checksum.status', 'tcp.checksum.status', 'frame.comment'] as const;

/** The capture's packets as tshark dissects them, checksums checked. */
function tshark(file: string): Record<(typeof FIELDS)[number], string>[] {
  const r = spawnSync('tshark', ['-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=\t', ...FIELDS.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
  assert.equal(r.status, 0, `tshark: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => Object.fromEntries(l.split('\t').map((v, i) => [FIELDS[i], v])) as Record<(typeof FIELDS)[number], string>);
}

function run(file: string, ...extra: string[]) {
  const out = join(mkdtempSync(join(tmpdir(), 'tcp-pcap-')), 'run.pcapng');
  const r = spawnSync(process.execPath, [cli, 'run', file, '--json', '--pcap', out, ...extra], { encoding: 'utf8', timeout: 120_000 });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const end = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { out, end, err: r.stderr };
}

const FLAG_BITS: Record<string, number> = { F: 1, S: 2, R: 4, P: 8, '.': 16 };
const flagsOf = (f: string) => [...f].reduce((n, c) => n | (FLAG_BITS[c] ?? 0), 0);

test('the handshake and four-way close: each segment the sockets sent, with the end record\'s fields, good checksums, times and who sent it', () => {
  const { out, end, err } = run(join(root, 'examples', 'handshake-close.tcpscenario'));
  assert.match(err, /7 segments saved in .*run\.pcapng \(pcapng, \d+ bytes\)/);
  const pkts = tshark(out);
  // the end record's `sent` lists, merged in time order, are the capture's packets (no peer here)
  const sent = Object.entries(end.sockets as Record<string, { sent: { t: number; flags: string; seq: number; ack: number; len: number; win: number }[] }>)
    .flatMap(([name, s]) => s.sent.map((x) => ({ name, ...x })))
    .sort((a, b) => a.t - b.t);
  assert.equal(pkts.length, sent.length);
  assert.equal(pkts.length, 7);
  pkts.forEach((p, i) => {
    const s = sent[i];
    assert.equal(Number(p['frame.time_relative']), s.t / 100, `packet ${i + 1}: the time is the jiffy it was sent at`);
    assert.deepEqual(
      [Number(p['tcp.flags']), Number(p['tcp.seq_raw']), Number(p['tcp.ack_raw']), Number(p['tcp.len']), Number(p['tcp.window_size_value'])],
      [flagsOf(s.flags), s.seq, s.flags.includes('.') ? s.ack : Number(p['tcp.ack_raw']), s.len, s.win],
      `packet ${i + 1}`,
    );
    assert.equal(p['ip.checksum.status'], '1', `packet ${i + 1}: IP checksum good`);
    assert.equal(p['tcp.checksum.status'], '1', `packet ${i + 1}: TCP checksum good`);
    // the comment: the socket, its state, and a line of the release's C that exists and sends
    const m = /^(\w+) in (TCP_\w+): sent by (\w+):(\d+) \(([\w/.]+)\)/.exec(p['frame.comment']);
    assert.ok(m, p['frame.comment']);
    assert.equal(m[1], s.name);
    const text = readFileSync(join(RELEASE, m[5]), 'utf8').split('\n');
    assert.match(text[Number(m[4]) - 1], /queue_xmit|tcp_send_check|->/, `${m[3]}:${m[4]} is a line that sends`);
  });
  assert.match(pkts[0]['frame.comment'], /^client in TCP_SYN_SENT: sent by tcp_connect:\d+ \(net\/inet\/tcp\.c\) via ip_queue_xmit:\d+ \(net\/inet\/ip\.c\), called from inet_connect$/);
  assert.match(pkts[3]['frame.comment'], /^client in TCP_FIN_WAIT1: sent by tcp_send_fin:\d+ \(net\/inet\/tcp\.c\).*called from tcp_close < inet_release$/);
});

test('a packetdrill script: the scripted peer\'s segments too, payload included, its checksums good, a comment naming the script line', () => {
  const pkt = join(PKT_ROOT, 'shutdown', 'shutdown-rd-wr-close.pkt');
  const { out } = run(pkt);
  const pkts = tshark(out);
  const peer = pkts.filter((p) => p['frame.comment'].startsWith('scripted peer -> '));
  assert.ok(peer.length >= 5, `${peer.length} peer segments`);
  const data = peer.find((p) => p['tcp.len'] === '1000');
  assert.ok(data, 'the peer\'s 1000 bytes of data');
  const lines = readFileSync(pkt, 'utf8').split('\n');
  assert.equal(data['frame.comment'], `scripted peer -> conn: shutdown-rd-wr-close.pkt:${lines.findIndex((l) => l.includes('< . 1:1001(1000) ack 1 win 257')) + 1}`);
  for (const p of pkts) assert.deepEqual([p['ip.checksum.status'], p['tcp.checksum.status']], ['1', '1'], p['frame.comment']);
  // 1.2's own 1000 bytes after shutdown(SHUT_RD): written by tcp_write, sent by tcp_send_skb
  assert.ok(pkts.some((p) => p['tcp.len'] === '1000' && /^conn in TCP_ESTABLISHED: sent by tcp_send_skb:\d+ .*, called from tcp_write < /.test(p['frame.comment'])), pkts.map((p) => p['frame.comment']).join('\n'));
});

test('a dropped segment is in the capture, said so; --pcap to a folder that does not exist is exit 2 with a message', () => {
  const { out } = run(join(root, 'examples', 'lost-fin.tcpscenario'));
  const pkts = tshark(out);
  assert.ok(pkts.some((p) => p['frame.comment'].endsWith('; dropped on the wire (a drop line of the scenario)')));
  const r = spawnSync(process.execPath, [cli, 'run', join(root, 'examples', 'passive-close.tcpscenario'), '--quiet', '--pcap', '/nonexistent/dir/x.pcapng'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^\/nonexistent\/dir\/x\.pcapng: cannot write the capture: /m);
});

test('--mermaid: the same segments as a Mermaid sequence diagram, each arrow labelled with the release line that sent it', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'tcp-mmd-')), 'run.mmd');
  const r = spawnSync(process.execPath, [cli, 'run', join(root, 'examples', 'handshake-close.tcpscenario'), '--quiet', '--mermaid', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const text = readFileSync(out, 'utf8').trimEnd().split('\n');
  assert.deepEqual(text.slice(0, 4), ['sequenceDiagram', '  participant s0 as server', '  participant s1 as client', '  participant s2 as conn']);
  const arrows = text.slice(4);
  assert.equal(arrows.length, 7);
  const tcp = readFileSync(join(RELEASE, 'net', 'inet', 'tcp.c'), 'utf8').split('\n');
  for (const a of arrows) {
    const m = /^ {2}s\d->>s\d: \d+\.\d\d s [SFRP.]+ seq=\d+ ack=\d+( len=\d+)? win=\d+( mss=\d+)? \((\w+):(\d+)\)$/.exec(a);
    assert.ok(m, a);
    // the label's line is in that function of the release's tcp.c, and sends
    assert.match(tcp[Number(m[4]) - 1], /queue_xmit/, a);
  }
  assert.match(arrows[3], /^ {2}s1->>s2: 1\.00 s F\. seq=1 ack=10001 win=\d+ \(tcp_send_fin:\d+\)$/);
  // a lost segment is a cross-ended arrow
  const lost = spawnSync(process.execPath, [cli, 'run', join(root, 'examples', 'lost-fin.tcpscenario'), '--quiet', '--mermaid', '-'], { encoding: 'utf8' });
  assert.match(lost.stdout, /^ {2}s\d-xs\d: .* lost$/m);
});

test('round trip: a run saved as a capture, imported with its Linux end, runs to the same end state and the same segments', () => {
  const pkt = join(PKT_ROOT, 'close', 'close-local-close-then-remote-fin.pkt');
  const first = run(pkt);
  const dir = mkdtempSync(join(tmpdir(), 'tcp-rt-'));
  const scenario = join(dir, 'again.tcpscenario');
  const i = spawnSync(process.execPath, [cli, 'import', first.out, '--linux', 'client', '-o', scenario], { encoding: 'utf8' });
  assert.equal(i.status, 0, i.stderr);
  assert.match(i.stderr, /note: Linux 1\.2's application calls are read from what it sent: connect\(\) from its SYN/);
  const text = readFileSync(scenario, 'utf8');
  // the calls read back from the capture: connect, the 1000-byte write, close at the FIN
  assert.deepEqual(
    text.split('\n').filter((l) => /^\S+\s+client (connect|write|close)/.test(l)).map((l) => l.replace(/\s+/g, ' ').trim()),
    ['0.01s client connect', '0.01s client write 1000', '0.01s client close'],
  );
  const again = run(scenario);
  assert.deepEqual(again.end.failures, []);
  assert.deepEqual(again.end.sockets, first.end.sockets, 'the same end state, timers and sent segments');
  assert.equal(again.end.clock, first.end.clock);
  // and the capture of the second run holds the same datagrams as the first's
  const a = tshark(first.out).map((p) => [p['tcp.flags'], p['tcp.seq_raw'], p['tcp.ack_raw'], p['tcp.len'], p['frame.time_relative']]);
  const b = tshark(again.out).map((p) => [p['tcp.flags'], p['tcp.seq_raw'], p['tcp.ack_raw'], p['tcp.len'], p['frame.time_relative']]);
  assert.deepEqual(b, a);
});

test('a capture that is cut short: exit 2, the file and the packet named, nothing written', () => {
  const { out } = run(join(root, 'examples', 'handshake-close.tcpscenario'));
  const cut = join(mkdtempSync(join(tmpdir(), 'tcp-cut-')), 'cut.pcapng');
  const bytes = readFileSync(out);
  writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
  const r = spawnSync(process.execPath, [cli, 'import', cut, '-o', join(tmpdir(), 'never.tcpscenario')], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cut\.pcapng: error: the block at byte \d+ \(after packet 6\): a length of \d+ bytes, \d+ left in the file/);
  assert.equal(existsSync(join(tmpdir(), 'never.tcpscenario')), false);
  // the whole capture imports: the server end as Linux 1.2 (the default), the client scripted
  const whole = spawnSync(process.execPath, [cli, 'import', out], { encoding: 'utf8' });
  assert.equal(whole.status, 0, whole.stderr);
  assert.match(whole.stdout, /^0\.02s +server accept conn$/m);
});
