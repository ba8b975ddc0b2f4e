// DAP latency over stdio against the bundled adapter (dist/adapter.js), as an editor drives it:
//   step:  `next` request -> `stopped` event + stackTrace + scopes + variables replies
//   goto:  the `gotoStop` custom request -> `stopped` event + stackTrace + scopes + variables,
//          from stop 10, 10,000 and 1,000,000 to an arbitrary earlier stop (a long two-socket run)
//   back:  `stepBack` from those stops, the same four messages
//   reverse (BENCH_DAP_REVERSE=1): `reverseContinue` from those stops to the first stop (the one
//          breakpoint lies after them), the same four messages
// Prints one JSON line. Usage: node scripts/bench/dap.mjs ROOT SHORT.tcpscenario LONG.tcpscenario LONG_BREAK_LINE

import { spawn } from 'node:child_process';
import { join } from 'node:path';

const [root, shortScenario, longScenario, longLine] = process.argv.slice(2);

class Dap {
  constructor() {
    this.p = spawn(process.execPath, [...(process.env.BENCH_ADAPTER_FLAGS ?? '').split(' ').filter(Boolean), join(root, 'dist', 'adapter.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.buf = Buffer.alloc(0);
    this.seq = 1;
    this.pending = new Map();
    this.waiters = [];
    this.p.stdout.on('data', (d) => this.data(d));
  }
  data(d) {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const h = this.buf.indexOf('\r\n\r\n');
      if (h < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(this.buf.subarray(0, h).toString())[1]);
      if (this.buf.length < h + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(h + 4, h + 4 + len).toString());
      this.buf = this.buf.subarray(h + 4 + len);
      if (msg.type === 'response') {
        const r = this.pending.get(msg.request_seq);
        this.pending.delete(msg.request_seq);
        if (r && msg.success) r.ok(msg);
        else if (r) r.fail(new Error(`${msg.command}: ${msg.message}`));
      } else if (msg.type === 'event') {
        const i = this.waiters.findIndex((w) => w.event === msg.event);
        if (i >= 0) this.waiters.splice(i, 1)[0].ok(msg);
      }
    }
  }
  send(command, args = {}) {
    const seq = this.seq++;
    const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
    this.p.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    return new Promise((ok, fail) => this.pending.set(seq, { ok, fail }));
  }
  event(event) {
    return new Promise((ok) => this.waiters.push({ event, ok }));
  }
  async launch(scenario) {
    await this.send('initialize', { adapterID: 'tcp-close', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const initialized = this.event('initialized');
    const stopped = this.event('stopped');
    const launched = this.send('launch', { scenario, stopOnEntry: true });
    await initialized;
    await this.send('configurationDone');
    await launched;
    return stopped;
  }
  /** A request that stops, then what an editor asks at once: the stack, the scopes, the variables of the first scope. */
  async stopAndInspect(command, args) {
    const t = performance.now();
    const stopped = this.event('stopped');
    const ended = this.event('terminated').then(() => {
      throw new Error('the scenario ended');
    });
    let timer;
    const late = new Promise((_, fail) => (timer = setTimeout(() => fail(new Error(`${command}: no stopped event within 120 s`)), 120_000)));
    await this.send(command, args);
    const ev = await Promise.race([stopped, ended, late]).finally(() => clearTimeout(timer));
    this.waiters = this.waiters.filter((w) => w.event !== 'stopped' && w.event !== 'terminated');
    const threadId = ev.body.threadId ?? 1;
    const st = await this.send('stackTrace', { threadId, startFrame: 0, levels: 20 });
    const frame = st.body.stackFrames[0];
    this.lastFrame = frame;
    const sc = await this.send('scopes', { frameId: frame.id });
    await this.send('variables', { variablesReference: sc.body.scopes[0].variablesReference });
    return performance.now() - t;
  }
  /** The number of stops recorded: the adapter states its range when refusing a stop outside it. */
  async stopCount() {
    const refused = await this.send('gotoStop', { stop: -1 }).then(
      () => undefined,
      (e) => e.message,
    );
    const m = /from 0 to (\d+)/.exec(refused ?? '');
    if (!m) throw new Error(`gotoStop -1 was not refused with the range: ${refused}`);
    return Number(m[1]) + 1;
  }
  async close() {
    try {
      await Promise.race([this.send('disconnect', {}), new Promise((r) => setTimeout(r, 2000))]);
    } finally {
      this.p.kill();
    }
  }
}

async function stepLatency() {
  const d = new Dap();
  await d.launch(shortScenario);
  const ms = [];
  // `next` over the C statements: at a scenario-event stop (the bottom frame is the scenario
  // line) a `stepIn` enters the C first; every 30 measured steps, back to the first stop
  let inC = false;
  let n = 0;
  const steps = Number(process.env.BENCH_DAP_STEPS ?? 420);
  while (ms.length < steps) {
    if (n % 30 === 29) {
      await d.stopAndInspect('gotoStop', { stop: 0 });
      inC = false;
    }
    const t = await d.stopAndInspect(inC ? 'next' : 'stepIn', { threadId: 1 });
    if (inC) ms.push(t);
    inC = !d.lastFrame?.source?.path?.endsWith('.tcpscenario');
    n++;
  }
  await d.close();
  return ms.slice(Math.min(20, steps >> 2)); // the first 20: warm-up
}

async function depth() {
  const d = new Dap();
  // stop before the long scenario's closing FIN (a breakpoint on that scenario line): every
  // stop before it is then recorded; then stand at stop 10, 10,000 and 1,000,000 in turn
  await d.send('initialize', { adapterID: 'tcp-close', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const initialized = d.event('initialized');
  const entry = d.event('stopped');
  const launched = d.send('launch', { scenario: longScenario, stopOnEntry: true });
  await initialized;
  await d.send('setBreakpoints', { source: { path: longScenario }, breakpoints: [{ line: Number(longLine) }] });
  await d.send('configurationDone');
  await launched;
  await entry;
  const t = performance.now();
  await d.stopAndInspect('continue', { threadId: 1 });
  const recordMs = performance.now() - t;
  // the adapter makes the history's summaries between requests once a motion has recorded (far
  // jumps then cross whole chunks at once): a user reading the stop leaves it that idle time
  const idleMs = Number(process.env.BENCH_DAP_IDLE_MS ?? 10000);
  await new Promise((r) => setTimeout(r, idleMs));
  const stops = await d.stopCount();
  const res = [];
  const depths = (process.env.BENCH_DAP_DEPTHS ?? '10,10000,1000000').split(',').map(Number);
  const reverse = !!process.env.BENCH_DAP_REVERSE;
  for (const depth of depths) {
    if (depth >= stops) throw new Error(`depth ${depth}: the run recorded only ${stops} stops`);
    await d.stopAndInspect('gotoStop', { stop: depth });
    const back = [];
    const jump = [];
    for (let i = 0; i < 11; i++) {
      back.push(await d.stopAndInspect('stepBack', { threadId: 1 }));
      await d.stopAndInspect('gotoStop', { stop: depth });
      // an arbitrary earlier stop (spread over the first half), and back
      jump.push(await d.stopAndInspect('gotoStop', { stop: (i * 7919) % Math.max(1, Math.floor(depth / 2)) }));
      await d.stopAndInspect('gotoStop', { stop: depth });
    }
    // reverseContinue: back to the previous breakpoint hit; the one breakpoint is on a line after
    // every depth, so it travels back to the first stop, the farthest move, checking every stop it passes
    const rc = [];
    for (let i = 0; reverse && i < 5; i++) {
      rc.push(await d.stopAndInspect('reverseContinue', { threadId: 1 }));
      await d.stopAndInspect('gotoStop', { stop: depth });
    }
    res.push({ depth, stepBackMs: back, gotoStopMs: jump, ...(reverse ? { reverseContinueMs: rc } : {}) });
  }
  await d.close();
  return { recordMs, idleMs, stops, depths: res };
}

const step = process.env.BENCH_DAP_DEPTH_ONLY ? [] : await stepLatency();
if (process.env.BENCH_DAP_STEP_ONLY) { console.log(JSON.stringify({ stepMs: step })); process.exit(0); }
const deep = await depth();
console.log(JSON.stringify({ stepMs: step, ...deep }));
process.exit(0);
