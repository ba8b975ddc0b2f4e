// Protocol abuse: the standalone adapter (`node dist/adapter.js` over stdio) fed unknown commands,
// wrong argument types, requests before `initialize`, huge payloads, bad Content-Length headers,
// invalid JSON and a client that disappears mid-session. Every request is answered (an error
// response where it makes no sense) and every message the adapter sends is valid DAP; the process
// stays alive while the stream is open, and exits by itself within a few seconds once stdin ends.
//
// Run: node --import tsx --test test/robust/adapter-protocol.test.ts   (FUZZ_SCALE, FUZZ_SEED)

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { validate } from '../debug/harness';
import { ROOT, SEED, Tally, scaled } from './common';

const ADAPTER = join(ROOT, 'dist', 'adapter.js');
const PASSIVE = join(ROOT, 'examples', 'passive-close.tcpscenario');
const KERNEL = join(ROOT, 'src', 'kernel', 'linux-1.2.13', 'net', 'inet', 'tcp.c');
const EXIT_TIMEOUT = 5000;

before(() => {
  if (!existsSync(ADAPTER)) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
});

const live = new Set<Adapter>();
after(async () => {
  // no adapter outlives the suite
  for (const a of live) a.kill();
});

/** The adapter as a child process, spoken to in raw bytes. */
class Adapter {
  readonly proc: ChildProcess;
  readonly messages: any[] = [];
  readonly invalid: string[] = [];
  knownInvalid = 0;
  stderr = '';
  private buf = Buffer.alloc(0);
  private seq = 1;
  private waiters: (() => void)[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor() {
    this.proc = spawn(process.execPath, [ADAPTER], { stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(this);
    this.proc.stdin!.on('error', () => undefined); // writing to an adapter that has gone: the test sees it through `exited`
    this.proc.stdout!.on('data', (d: Buffer) => this.data(d));
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) =>
      this.proc.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        live.delete(this);
        resolve({ code, signal });
        this.wake();
      }),
    );
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private data(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const m = /Content-Length: (\d+)/.exec(this.buf.subarray(0, end).toString());
      assert.ok(m, `the adapter wrote a header without Content-Length: ${this.buf.subarray(0, end)}`);
      const len = Number(m[1]);
      if (this.buf.length < end + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(end + 4, end + 4 + len).toString('utf8'));
      this.buf = this.buf.subarray(end + 4 + len);
      this.invalid.push(...validate(msg));
      this.messages.push(msg);
      this.wake();
    }
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  raw(bytes: string | Buffer): void {
    this.proc.stdin!.write(bytes);
  }

  frame(json: string): void {
    this.raw(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`);
  }

  /** Sends a request; returns its seq. */
  send(command: unknown, args?: unknown, extra: Record<string, unknown> = {}): number {
    const seq = this.seq++;
    const msg: Record<string, unknown> = { seq, type: 'request', command, ...extra };
    if (args !== undefined) msg.arguments = args;
    this.frame(JSON.stringify(msg));
    return seq;
  }

  async waitFor<T>(pred: () => T | undefined, what: string, timeout = 10000): Promise<T> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const v = pred();
      if (v !== undefined && v !== false) return v;
      if (!this.alive) throw new Error(`the adapter exited (${JSON.stringify(this.exitInfo)}) while waiting for ${what}; stderr: ${this.stderr.slice(0, 2000)}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeout} ms`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 100);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  response(seq: number, timeout?: number): Promise<any> {
    return this.waitFor(() => this.messages.find((m) => m.type === 'response' && m.request_seq === seq), `a response to request ${seq}`, timeout);
  }

  event(name: string, after = 0, timeout?: number): Promise<any> {
    return this.waitFor(() => this.messages.slice(after).find((m) => m.type === 'event' && m.event === name), `a '${name}' event`, timeout);
  }

  async request(command: unknown, args?: unknown, timeout?: number): Promise<any> {
    return this.response(this.send(command, args), timeout);
  }

  /** initialize, launch, configurationDone; resolves at the first stop. */
  async launch(args: Record<string, unknown> = { scenario: PASSIVE, stopOnEntry: true }): Promise<void> {
    const init = await this.request('initialize', { adapterID: 'tcp-close', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    assert.equal(init.success, true);
    const mark = this.messages.length;
    const l = this.send('launch', args);
    await this.event('initialized', mark);
    assert.equal((await this.request('configurationDone')).success, true);
    assert.equal((await this.response(l)).success, true);
    await this.event('stopped', mark);
  }

  /** Ends stdin and expects the process to exit by itself, cleanly, within the timeout. */
  async endAndExpectExit(timeout = EXIT_TIMEOUT): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.proc.stdin!.end();
    return this.expectExit(timeout);
  }

  async expectExit(timeout = EXIT_TIMEOUT): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const t0 = Date.now();
    const r = await Promise.race([this.exited, new Promise<undefined>((res) => setTimeout(() => res(undefined), timeout))]);
    if (!r) {
      this.kill();
      assert.fail(`the adapter (pid ${this.proc.pid}) did not exit within ${timeout} ms`);
    }
    assert.equal(r.signal, null, `killed by ${r.signal}`);
    assert.equal(r.code, 0, `exit code ${r.code}; stderr: ${this.stderr.slice(0, 2000)}`);
    assert.throws(() => process.kill(this.proc.pid!, 0), /ESRCH/, 'the process is gone');
    void t0;
    return r;
  }

  kill(): void {
    if (this.alive) this.proc.kill('SIGKILL');
  }

  assertValid(): void {
    // Requests for capabilities the adapter does not advertise (source, completions, ...) are
    // refused with an error, and an error response never echoes a non-string command: nothing
    // the adapter sends is outside the protocol.
    const known = (_m: string) => false;
    this.knownInvalid += this.invalid.filter(known).length;
    assert.deepEqual(this.invalid.filter((m) => !known(m)), [], 'every message the adapter sent is valid DAP');
    assert.ok(!/Error|at .*\.js:\d+/.test(this.stderr) || /^\s*$/.test(this.stderr), `stderr: ${this.stderr.slice(0, 2000)}`);
  }
}

/** Every command of the DAP the adapter might see, and a few it never should. */
const COMMANDS = [
  'initialize', 'configurationDone', 'setBreakpoints', 'setFunctionBreakpoints', 'setExceptionBreakpoints', 'setDataBreakpoints', 'dataBreakpointInfo',
  'breakpointLocations', 'threads', 'stackTrace', 'scopes', 'variables', 'setVariable', 'evaluate', 'exceptionInfo', 'source', 'continue', 'next',
  'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'pause', 'restartFrame', 'goto', 'gotoTargets', 'stepInTargets', 'completions', 'loadedSources',
  'modules', 'setExpression', 'readMemory', 'writeMemory', 'disassemble', 'cancel', 'attach', 'stepToNextEvent', 'gotoStop', 'runToStop',
  'unknownCommand', '', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'dispatchRequest', 'shutdown',
];

/** Arguments of the wrong shape: random JSON, and the right keys with wrong types. */
const argsArb = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      threadId: fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.double()),
      frameId: fc.oneof(fc.integer({ min: -5, max: 100000 }), fc.string(), fc.constant(null)),
      variablesReference: fc.oneof(fc.integer({ min: -5, max: 100000 }), fc.string(), fc.array(fc.integer())),
      expression: fc.oneof(fc.string(), fc.constantFrom('sk->state', 'sk->', '*(int*)0', 'sk->state = 99', '((((((((', 'tcp_fin(0,0,0)', 'jiffies++', '1/0', 'sk->rto << 40'), fc.integer()),
      source: fc.oneof(fc.record({ path: fc.oneof(fc.constantFrom(KERNEL, PASSIVE, '/nonexistent', '', '../../etc/passwd'), fc.string()) }), fc.string(), fc.constant(null)),
      breakpoints: fc.oneof(fc.array(fc.record({ line: fc.oneof(fc.integer({ min: -10, max: 3000 }), fc.string()), condition: fc.option(fc.string()), hitCondition: fc.option(fc.constantFrom('3', '>= 2', '% 0', 'x', '-1')), logMessage: fc.option(fc.string()), name: fc.option(fc.string()), dataId: fc.option(fc.string()) }), { maxLength: 5 }), fc.string(), fc.constant(null)),
      filters: fc.oneof(fc.array(fc.string()), fc.string()),
      name: fc.oneof(fc.string(), fc.integer()),
      value: fc.oneof(fc.string(), fc.integer(), fc.constantFrom('TCP_CLOSE', '0x', '99999999999999999999', '-1')),
      stop: fc.oneof(fc.integer({ min: -5, max: 10000 }), fc.double(), fc.string()),
      scenario: fc.oneof(fc.constantFrom(PASSIVE, '/nonexistent.tcpscenario', ''), fc.integer()),
      startFrame: fc.oneof(fc.integer({ min: -5, max: 50 }), fc.string()),
      levels: fc.oneof(fc.integer({ min: -5, max: 50 }), fc.string()),
      context: fc.constantFrom('hover', 'watch', 'repl', 'clipboard', 42),
    },
    { requiredKeys: [] },
  ),
);

test('requests before initialize, unknown commands and wrong argument types are answered; the adapter stays up', async () => {
  const tally = new Tally('DAP requests');
  // before initialize and before any launch
  const a = new Adapter();
  for (const c of COMMANDS.filter((x) => x !== 'initialize' && x !== 'attach')) {
    const r = await a.request(c, { threadId: 1, frameId: 1, variablesReference: 1, expression: 'sk->state', source: { path: KERNEL }, breakpoints: [{ line: 1 }] });
    tally.add(`before-initialize:${r.success ? 'ok' : 'error'}`);
    if (c === 'unknownCommand' || c === '' || c === '__proto__') assert.equal(r.success, false, `'${c}' before initialize`);
  }
  assert.ok(a.alive);
  // then a normal session, abused with random requests at every step
  await a.launch();
  const samples = fc.sample(fc.tuple(fc.constantFrom(...COMMANDS.filter((x) => !['launch', 'attach', 'initialize'].includes(x))), argsArb), { seed: SEED, numRuns: scaled(400) });
  for (const [command, args] of samples) {
    const r = await a.request(command, args, 20000);
    tally.add(`${r.success ? 'ok' : 'error'}`);
    assert.equal(typeof r.success, 'boolean');
    if (!r.success) assert.ok(typeof r.message === 'string' && r.message.length > 0, `${command}: an error response without a message`);
    // a motion runs in the background: let it finish or pause it, as a client would
    if (['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'stepToNextEvent', 'gotoStop', 'runToStop'].includes(command) && r.success) {
      await a.request('pause', { threadId: 1 });
    }
  }
  // requests with the wrong message shape
  for (const extra of [{ command: 42 }, { command: null }, { command: { x: 1 } }, { arguments: 'string' }, { arguments: [1, 2] }, { arguments: null }]) {
    const seq = a.send(extra.command ?? 'threads', undefined, extra);
    const r = await a.response(seq);
    tally.add(`bad-shape:${r.success ? 'ok' : 'error'}`);
  }
  // still a working debugger
  const th = await a.request('threads');
  assert.equal(th.success, true);
  assert.ok(th.body.threads.length >= 1);
  a.assertValid();
  const exit = await a.endAndExpectExit();
  tally.add('bodyless-or-echoed (known)', a.knownInvalid);
  tally.print();
  console.log(`[robust] adapter exit after stdin closed: ${JSON.stringify(exit)}`);
});

test('huge payloads are answered', async () => {
  const a = new Adapter();
  await a.launch();
  const tally = new Tally('huge payloads');
  const big = 'x'.repeat(scaled(4) * 1024 * 1024);
  const cases: [string, unknown][] = [
    ['evaluate', { expression: big, context: 'repl' }],
    ['evaluate', { expression: '('.repeat(200_000) + '1' + ')'.repeat(200_000), context: 'repl' }],
    ['evaluate', { expression: '-'.repeat(500_000) + '1', context: 'repl' }],
    ['setBreakpoints', { source: { path: KERNEL }, breakpoints: Array.from({ length: 50_000 }, (_, i) => ({ line: (i % 2100) + 1, condition: i % 3 ? undefined : 'sk->state == 1' })) }],
    ['setFunctionBreakpoints', { breakpoints: Array.from({ length: 20_000 }, (_, i) => ({ name: `f${i}` })) }],
    ['threads', { padding: big }],
    ['setBreakpoints', { source: { path: big }, breakpoints: [{ line: 1 }] }],
    ['stackTrace', { threadId: 1, levels: 1e9, startFrame: 0 }],
  ];
  for (const [command, args] of cases) {
    const t0 = Date.now();
    const r = await a.request(command, args, 60000);
    tally.add(`${command}:${r.success ? 'ok' : 'error'}`);
    console.log(`[robust]   ${command} (${JSON.stringify(args).length} bytes): ${r.success ? 'ok' : 'error: ' + String(r.message).slice(0, 80)} in ${Date.now() - t0} ms`);
    assert.ok(Date.now() - t0 < 60000);
  }
  // the cleared breakpoints leave a working session
  await a.request('setBreakpoints', { source: { path: KERNEL }, breakpoints: [] });
  await a.request('setFunctionBreakpoints', { breakpoints: [] });
  const mark = a.messages.length;
  assert.equal((await a.request('next', { threadId: 1 })).success, true);
  await a.event('stopped', mark);
  a.assertValid();
  await a.endAndExpectExit();
  tally.print();
});

test('bad Content-Length headers and invalid JSON: the adapter answers later requests or exits cleanly, never hangs or crashes', async () => {
  const tally = new Tally('bad framing');
  // framing errors: the adapter cannot know where the bad frame ends
  const framing: [string, (a: Adapter) => void][] = [
    ['non-numeric length', (a) => a.raw('Content-Length: abc\r\n\r\n{"seq":1,"type":"request","command":"threads"}')],
    ['negative length', (a) => a.raw('Content-Length: -5\r\n\r\n{}')],
    ['LF only', (a) => a.raw('Content-Length: 2\n\n{}')],
    ['length too long', (a) => a.raw('Content-Length: 100\r\n\r\n{"seq":1,"type":"request","command":"threads"}')],
    ['length too short', (a) => a.raw('Content-Length: 10\r\n\r\n{"seq":1,"type":"request","command":"threads"}')],
    ['binary garbage', (a) => a.raw(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)))],
    ['huge declared length', (a) => a.raw('Content-Length: 99999999999\r\n\r\n{}')],
  ];
  // well-framed messages with a bad content: skipped (and reported), the session goes on
  const content: [string, (a: Adapter) => void][] = [
    ['zero length', (a) => a.raw('Content-Length: 0\r\n\r\n')],
    ['no header', (a) => a.raw('{"seq":1,"type":"request","command":"threads"}\r\n\r\n')],
    ['other header', (a) => a.raw('Content-Type: application/json\r\n\r\n')],
    ['invalid JSON', (a) => a.frame('{"seq":1,"type":"request","command":')],
    ['JSON null', (a) => a.frame('null')],
    ['JSON number', (a) => a.frame('42')],
    ['JSON array', (a) => a.frame('[1,2,3]')],
    ['JSON string', (a) => a.frame('"threads"')],
    ['not a request', (a) => a.frame('{"seq":1,"type":"event","event":"stopped"}')],
    ['no type', (a) => a.frame('{"seq":1,"command":"threads"}')],
    ['response to nothing', (a) => a.frame('{"seq":1,"type":"response","request_seq":999,"success":true,"command":"runInTerminal"}')],
    ['invalid UTF-8 body', (a) => a.raw(Buffer.concat([Buffer.from('Content-Length: 4\r\n\r\n'), Buffer.from([0xff, 0xfe, 0xc3, 0x28])]))],
    ['truncated UTF-8 in JSON', (a) => a.raw(Buffer.concat([Buffer.from('Content-Length: 3\r\n\r\n'), Buffer.from([0x22, 0xe2, 0x82])]))],
  ];
  const outcome = new Map<string, string>();
  for (const [name, abuse] of [...framing, ...content]) {
    const a = new Adapter();
    const init = await a.request('initialize', { adapterID: 'tcp-close', pathFormat: 'path' });
    assert.equal(init.success, true);
    abuse(a);
    // give it time to exit if it is going to (the library exits 100 ms after a fatal error)
    await new Promise((r) => setTimeout(r, 250));
    // then a request; after a framing error the adapter may need a frame or two to find the next
    // header, so ask up to three times
    let answered = false;
    for (let i = 0; i < 3 && a.alive && !answered; i++) {
      const seq = a.send('threads');
      answered = await a.response(seq, 600).then(
        () => true,
        () => false,
      );
    }
    const o = !a.alive ? 'exited' : answered ? 'answered' : 'deaf';
    outcome.set(name, o);
    tally.add(`${name}:${o}`);
    if (o === 'exited') await a.expectExit();
    else await a.endAndExpectExit();
    assert.deepEqual(a.invalid, [], name);
  }
  tally.print();
  // a well-framed message never ends or deafens the session
  for (const [name] of content) assert.equal(outcome.get(name), 'answered', `after '${name}' the adapter ${outcome.get(name)}`);
  // a framing error never makes the adapter exit while the client is there (it may stay deaf to
  // the rest of the stream: the library's framing cannot find the next header again)
  for (const [name] of framing) assert.notEqual(outcome.get(name), 'exited', `after '${name}' the adapter exited`);
});

test('a client that disappears mid-session: the adapter exits by itself, no orphan process', async () => {
  const tally = new Tally('vanishing clients');
  // 1. stdin closed before anything
  {
    const a = new Adapter();
    await a.endAndExpectExit();
    tally.add('before-initialize:exited');
  }
  // 2. stdin closed while stopped in a session
  {
    const a = new Adapter();
    await a.launch();
    await a.endAndExpectExit();
    tally.add('while-stopped:exited');
  }
  // 3. stdin closed while a long continue runs (a link exchanging ACKs for a minute of scenario)
  {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'tcp-adapter-'));
    const storm = join(dir, 'storm.tcpscenario');
    writeFileSync(storm, ['socket s0 TCP_CLOSING write_seq=4294967283 acked_seq=1651019685', 'socket s1 TCP_CLOSE_WAIT write_seq=1175549892 acked_seq=4294967285', 'link s0 s1 delay=10ms', '0 s1 close', '+60s wait', ''].join('\n'));
    const a = new Adapter();
    await a.launch({ scenario: storm, stopOnEntry: true });
    assert.equal((await a.request('continue', { threadId: 1 })).success, true);
    await new Promise((r) => setTimeout(r, 300));
    await a.endAndExpectExit();
    tally.add('while-running:exited');
  }
  // 4. the client stops reading (stdout closed) and then goes
  {
    const a = new Adapter();
    await a.launch();
    a.proc.stdout!.destroy();
    for (let i = 0; i < 50; i++) a.send('stackTrace', { threadId: 1 });
    await a.endAndExpectExit();
    tally.add('stdout-closed:exited');
  }
  // 5. disconnect in the middle of a launch (before configurationDone)
  {
    const a = new Adapter();
    await a.request('initialize', { adapterID: 'tcp-close', pathFormat: 'path' });
    a.send('launch', { scenario: PASSIVE });
    await a.event('initialized');
    const r = await a.request('disconnect', {});
    assert.equal(r.success, true);
    await a.expectExit();
    tally.add('disconnect-mid-launch:exited');
  }
  tally.print();
});
