// The command line, as a user runs it (the bundled dist/cli.js): traces, JSON, exit statuses,
// and the messages for bad scenarios and bad kernel C.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT, buildCli, runCli as runCliWith } from './cli.testkit';

const root = ROOT;
const cli = CLI;
const example = join(root, 'examples', 'passive-close.tcpscenario');

before(buildCli);

function runCli(...args: string[]) {
  return runCliWith(args, 60_000);
}

function tmp(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-cli-'));
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const RELEASE_TCP = join(root, 'src', 'kernel', 'linux-1.2.13', 'net', 'inet', 'tcp.c');

/** A copy of the release's tcp.c with one edit, in a temporary folder (its includes are found in the release). */
function editedKernel(edit: (text: string) => string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'tcp-kernel-')), 'tcp.c');
  const text = readFileSync(RELEASE_TCP, 'utf8');
  const edited = edit(text);
  assert.notEqual(edited, text, 'the edit applies');
  writeFileSync(p, edited);
  return p;
}

test('run prints a trace with function:line and source, the changed fields, and a summary', () => {
  const r = runCli('run', example);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /tcp_fin:\d+\s+sk->fin_seq = th->seq \+ skb->len \+ th->syn \+ th->fin;/);
  assert.match(r.out, /server\.state: TCP_ESTABLISHED \(1\) -> TCP_CLOSE_WAIT \(8\)/);
  assert.match(r.out, /server\.state: TCP_LAST_ACK \(9\) -> TCP_CLOSE \(7\)/);
  assert.match(r.out, /every expectation held/);
});

test('--json prints a step object per executed line and an end object with the sockets', () => {
  const r = runCli('run', example, '--json');
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
  const steps = lines.filter((l) => l.type === 'step');
  assert.ok(steps.length > 50);
  for (const s of steps) assert.deepEqual(Object.keys(s).sort(), ['clock', 'file', 'function', 'line', 'socket', 'type']);
  assert.ok(steps.some((s) => s.function === 'tcp_close_state'));
  const end = lines[lines.length - 1];
  assert.equal(end.type, 'end');
  assert.equal(end.sockets.server.state, 'TCP_CLOSE');
  assert.equal(end.sockets.server.shutdown, 3);
  assert.equal(end.sockets.server.fin_seq, 1001);
  assert.equal(end.sockets.server.write_seq, 5001);
  assert.deepEqual(end.failures, []);
  // every segment sent, with t in jiffies and absolute seq/ack: the ACK of the client's FIN at
  // 0, then the server's FIN when the application closes at 20 ms (2 jiffies)
  assert.deepEqual(
    end.sockets.server.sent.map((x: Record<string, unknown>) => [x.t, x.flags, x.seq, x.ack, x.len, x.dropped]),
    [
      [0, '.', 5000, 1001, 0, false],
      [2, 'F.', 5000, 1001, 0, false],
    ],
  );
  for (const x of end.sockets.server.sent) assert.deepEqual(Object.keys(x).sort(), ['ack', 'dropped', 'flags', 'len', 'seq', 't', 'win']);
  for (const k of ['rtt', 'rto', 'backoff', 'retransmits']) assert.equal(typeof end.sockets.server[k], 'number', k);
});

test('what each call returned: the trace says it with errno\'s name, the JSON end record lists it with the scenario line (a second close is -EBADF)', () => {
  const file = tmp('twice.tcpscenario', ['socket server CLOSED', 'socket client CLOSED', 'socket conn CLOSED', 'link client server delay=10ms', '0 server listen 80', '0 client connect server', '100ms server accept conn', '1s client close', '2s client close', '3s conn close', '70s wait', ''].join('\n'));
  const trace = runCli('run', file);
  assert.equal(trace.code, 0, trace.err);
  const said = trace.out.split('\n').filter((l) => l.includes('returned')).map((l) => l.trim());
  assert.deepEqual(said, ['server: listen() returned 0', 'client: connect() returned -115 (-EINPROGRESS)', 'server: accept() returned 0', 'client: close() returned 0', 'client: close() returned -9 (-EBADF)', 'conn: close() returned 0']);
  const json = runCli('run', '--json', file);
  const end = JSON.parse(json.out.trim().split('\n').pop()!) as { returns: { line: number; clock: number; socket: string; call: string; ret: number; errno?: string }[] };
  assert.deepEqual(end.returns[4], { line: 9, clock: 200, socket: 'client', call: 'close', ret: -9, errno: 'EBADF' });
  assert.deepEqual(end.returns.map((r) => r.line), [5, 6, 7, 8, 9, 10]);
});

test('run steps through the unmodified 1.2.13 release by default: each step at the real file and line; --kernel with a copy of the removed reduced port is refused at its first marker', () => {
  const release = join(root, 'src', 'kernel', 'linux-1.2.13');
  const tcp = readFileSync(join(release, 'net', 'inet', 'tcp.c'), 'latin1').split('\n');
  const r = runCli('run', example, '--json');
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
  const steps = lines.filter((l) => l.type === 'step');
  const fin = steps.filter((s) => s.function === 'tcp_fin');
  assert.ok(fin.length > 5, 'tcp_fin ran');
  // the bundle's shipped copy (dist/kernel/linux-1.2.13/), byte for byte the release
  for (const s of fin) assert.ok(s.file.endsWith(join('linux-1.2.13', 'net', 'inet', 'tcp.c')), s.file);
  assert.equal(readFileSync(fin[0].file, 'latin1'), tcp.join('\n'));
  // the step that sets fin_seq is at the release's own line for it
  const finSeq = tcp.findIndex((l) => l.includes('sk->fin_seq = th->seq + skb->len + th->syn + th->fin;')) + 1;
  assert.ok(fin.some((s) => s.line === finSeq), `a step at tcp.c:${finSeq}`);
  // the machine layer (src/kernel/machine/) is never a step; the release's other files are
  assert.ok(!steps.some((s) => s.file.includes(join('kernel', 'machine'))));
  assert.ok(steps.some((s) => s.file.endsWith(join('net', 'inet', 'skbuff.c'))), 'skbuff.c ran');
  assert.equal(lines[lines.length - 1].kernel, 'linux-1.2.13');
  // a copy of the reduced port's tcp.c (its functions' comments begin ` * reduced:`): the port is gone, the message says where the copy shows it
  const old = editedKernel((t) => t.replace('static __inline__ void tcp_set_state(struct sock *sk, int state)', '/*\n * reduced: tcp_set_state. Left out: the STATE_TRACE printk.\n */\nstatic __inline__ void tcp_set_state(struct sock *sk, int state)'));
  const marker = readFileSync(old, 'utf8').split('\n').findIndex((l) => l === ' * reduced: tcp_set_state. Left out: the STATE_TRACE printk.') + 1;
  for (const command of ['run', 'coverage']) {
    const r = runCli(command, example, '--kernel', old);
    assert.equal(r.code, 2, r.out + r.err);
    assert.equal(r.out, '');
    assert.match(r.err, new RegExp(`^${old.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${marker}:4: error: this is a copy of the reduced port of tcp\\.c .*which was removed: the debugger runs only the unmodified Linux 1\\.2\\.13 release`));
  }
});

test('a failed expectation exits 1 and names the scenario line', () => {
  const p = tmp('bad-expect.tcpscenario', 'socket server ESTABLISHED write_seq=5000 acked_seq=1000\n0 server < F. seq=1000 ack=5000\n+0 expect server state=LAST_ACK\n');
  const r = runCli('run', p);
  assert.equal(r.code, 1);
  assert.match(r.out, /FAILED .*bad-expect\.tcpscenario:3: expect server: state is TCP_CLOSE_WAIT, expected TCP_LAST_ACK/);
});

test('an invalid scenario exits 2 with every error at file:line:col', () => {
  const p = tmp('invalid.tcpscenario', 'socket server ESTABLISHED\n0 sever close\n+5ms server close\nbogus line\n+0 expect server nofield=1\n');
  const r = runCli('run', p);
  assert.equal(r.code, 2);
  assert.match(r.err, /invalid\.tcpscenario:2:3: error: .*sever/);
  assert.match(r.err, /invalid\.tcpscenario:3:1: error: .*5ms/);
  assert.match(r.err, /invalid\.tcpscenario:4:1: error: /);
  assert.equal(r.out, '');
});

test('a syntax error does not hide the kernel checks of the other lines: every error, exit 2', () => {
  const p = tmp('mixed.tcpscenario', 'socket server TCP_BOGUS write_seq=5000\n0 server < F. seq=1000 ack=\n+0 server call tcp_nope\n+0 expect server state=TCP_ALSO_BOGUS\n');
  const r = runCli('run', p);
  assert.equal(r.code, 2);
  const errs = r.err.trim().split('\n');
  assert.equal(errs.length, 4, r.err);
  assert.match(errs[0], /mixed\.tcpscenario:1:15: error: 'TCP_BOGUS' is not a constant/);
  assert.match(errs[1], /mixed\.tcpscenario:2:24: error: expected a value after 'ack='/);
  assert.match(errs[2], /mixed\.tcpscenario:3:16: error: the kernel source has no function 'tcp_nope'/);
  assert.match(errs[3], /mixed\.tcpscenario:4:24: error: 'TCP_ALSO_BOGUS' is not a constant/);
  assert.equal(r.out, '');
});

test('a name the kernel does not know is reported with its place', () => {
  const p = tmp('names.tcpscenario', 'socket server ESTABLISHED\n0 expect server nofield=1 state=NOT_A_STATE\n');
  const r = runCli('run', p);
  assert.equal(r.code, 2);
  assert.match(r.err, /names\.tcpscenario:2:17: error: struct sock has no field 'nofield'/);
  assert.match(r.err, /names\.tcpscenario:2:33: error: 'NOT_A_STATE' is not a constant/);
});

test('an edited kernel with an endless loop stops at the step budget with a message (exit 2)', () => {
  const k = editedKernel((t) => t.replace('sk->fin_seq = th->seq + skb->len + th->syn + th->fin;', 'while (1) sk->fin_seq++;'));
  const r = runCli('run', example, '--kernel', k, '--budget', '20000', '--quiet');
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.out, /ERROR .*tcp\.c:\d+:\d+: the step budget of 20000 statements is used up in tcp_fin\(\)/);
});

test('an edited kernel the interpreter cannot run is refused with file:line:col (exit 2)', () => {
  const k = editedKernel((t) => t.replace('int ns=TCP_CLOSE;', 'int ns=TCP_CLOSE; ns = no_such_name;'));
  const line = readFileSync(k, 'utf8').split('\n').findIndex((l) => l.includes('no_such_name')) + 1;
  const r = runCli('run', example, '--kernel', k, '--quiet');
  assert.equal(r.code, 2);
  assert.match(r.err, new RegExp(`tcp\\.c:${line}:\\d+: .*no_such_name`));
});

test('coverage lists the lines each kernel function ran', () => {
  const r = runCli('coverage', example);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^tcp_fin\s+\d+\/\d+\s+lines/m);
  assert.match(r.out, /^tcp_close_state\s+\d+\/\d+\s+lines/m);
});

test('usage errors exit 2 with the usage', () => {
  const r = runCli('frobnicate');
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown command 'frobnicate'/);
  assert.match(r.err, /usage:/);
  assert.equal(r.out, '');
  const none = runCli();
  assert.equal(none.code, 2);
  assert.match(none.err, /no command\nusage:/);
});

test('--help, -h and help print the usage of every command on stdout and exit 0', () => {
  for (const flag of ['--help', '-h', 'help']) {
    const r = runCli(flag);
    assert.equal(r.code, 0, `${flag}: ${r.err}`);
    assert.equal(r.err, '', flag);
    assert.match(r.out, /^usage:\n/, flag);
    for (const c of ['run', 'coverage', 'walkthrough export']) assert.match(r.out, new RegExp(`^  tcp-close-debugger ${c} `, 'm'), `${flag} lists ${c}`);
    assert.match(r.out, /exit status: 0 every expectation held/, flag);
  }
});

test('help COMMAND and COMMAND --help print the usage of that command only; help of an unknown command exits 2', () => {
  for (const args of [['help', 'run'], ['run', '--help'], ['run', '-h']]) {
    const r = runCli(...args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
    assert.match(r.out, /^ {2}tcp-close-debugger run FILE\.tcpscenario \[--json\]/m, args.join(' '));
    assert.doesNotMatch(r.out, /tcp-close-debugger coverage/, args.join(' '));
  }
  const w = runCli('help', 'walkthrough');
  assert.equal(w.code, 0);
  assert.match(w.out, /walkthrough export FILE\.walkthrough\.json/);
  const bad = runCli('help', 'frobnicate');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown command 'frobnicate'\nusage:/);
  assert.equal(bad.out, '');
});

test('a reader that stops early (| head) ends the trace quietly, without an EPIPE stack', () => {
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cli}" run "${example}" | head -n 2`], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.stdout.trim().split('\n').length, 2);
  assert.doesNotMatch(r.stderr, /EPIPE|internal error/);
});

test('coverage on the release: the lines of the release\'s C each function ran, with its file; never-run functions with --all', () => {
  const release = join(root, 'src', 'kernel', 'linux-1.2.13');
  const parse = (out: string) =>
    out
      .split('\n')
      .map((l) => /^(\w+)\s+(\d+)\/(\d+)\s+lines\s+(\S+)(?:\s+not run: ([\d, ]+))?$/.exec(l))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => ({ fn: m[1], ran: Number(m[2]), of: Number(m[3]), file: m[4], missed: m[5] ? m[5].split(', ').map(Number) : [] }));
  const some = runCli('coverage', example);
  assert.equal(some.code, 0, some.err);
  const s = parse(some.out);
  const all = runCli('coverage', example, '--all');
  assert.equal(all.code, 0, all.err);
  const a = parse(all.out);
  assert.ok(a.length > s.length + 50, `--all lists the functions that never ran (${a.length} against ${s.length})`);
  for (const f of ['tcp_fin', 'tcp_close', 'tcp_close_state', 'tcp_rcv', 'inet_release']) assert.ok(s.some((x) => x.fn === f && x.ran > 0), `${f} ran`);
  assert.ok(!s.some((x) => x.ran === 0));
  const text = new Map<string, string[]>();
  for (const x of a) {
    assert.ok(!x.file.startsWith('..') && !x.file.includes('machine'), `${x.fn}: ${x.file} is a release file`);
    if (!text.has(x.file)) text.set(x.file, readFileSync(join(release, x.file), 'latin1').split('\n'));
    assert.equal(x.missed.length, x.of - x.ran, x.fn);
    for (const line of x.missed) assert.ok(text.get(x.file)![line - 1].trim().length > 0, `${x.fn}: ${x.file}:${line} is a line of C`);
  }
  const state = s.find((x) => x.fn === 'tcp_close_state')!;
  assert.equal(state.file, join('net', 'inet', 'tcp.c'));
  // the examples together run every line of the seed's tcp_fin, tcp_close and tcp_close_state in the release
  const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.tcpscenario')).map((f) => join(root, 'examples', f));
  const every = parse(runCli('coverage', ...examples).out);
  for (const f of ['tcp_fin', 'tcp_close', 'tcp_close_state']) {
    const c = every.find((x) => x.fn === f && x.file === join('net', 'inet', 'tcp.c'))!;
    assert.deepEqual([c.ran, c.missed], [c.of, []], f);
  }
});

test('a NULL dereference in edited C exits 2 and names the file, line and column where it happened', () => {
  const kernel = editedKernel((t) => t.replace('{\n\tsk->fin_seq = th->seq + skb->len + th->syn + th->fin;', '{\n\tth = 0;\n\tsk->fin_seq = th->seq + skb->len + th->syn + th->fin;'));
  const line = readFileSync(kernel, 'utf8').split('\n').findIndex((l) => l.includes('sk->fin_seq = th->seq')) + 1;
  const r = runCli('run', example, '--kernel', kernel, '--quiet');
  assert.equal(r.code, 2, r.err);
  // on stderr, as every error of the command line (the trace on stdout ends with it too)
  // the release reads byte memory: th->seq is a 4-byte load at NULL + 4
  const where = new RegExp(`${kernel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+: NULL pointer dereference: a 4-byte load at 0x00000004`);
  assert.match(r.err, where);
  assert.match(r.out, where);
  assert.doesNotMatch(r.out + r.err, /\n\s+at /, 'no stack trace');
});
