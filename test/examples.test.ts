// Runs every examples/*.tcpscenario through the engine: no expectation may fail and no run may
// stop on an error. Each example also has a few checks of its own on the final world (states,
// timers, segments on the wire) and on the states each socket went through.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadRun } from '../src/host/load';
import type { Run } from '../src/engine/run';
import type { CStruct } from '../src/engine/ctypes';
import type { Segment } from '../src/engine/world';

const examplesDir = join(__dirname, '..', 'examples');
const exampleFiles = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.tcpscenario'))
  .sort();

interface Outcome {
  run: Run;
  failures: string[];
  errors: string[];
  /** per socket, the states it went through (consecutive repeats collapsed), as names */
  paths: Map<string, string[]>;
  endClock: number;
}

const MAX_STOPS = 2_000_000;

async function runExample(file: string): Promise<Outcome> {
  const run = await loadRun({ scenarioPath: join(examplesDir, file) });
  const failures: string[] = [];
  const errors: string[] = [];
  const paths = new Map<string, string[]>();
  const sample = () => {
    for (const [name, info] of run.world.sockets) {
      const s = stateName(run, info.sk.get('state') as number);
      const p = paths.get(name) ?? [];
      if (p[p.length - 1] !== s) p.push(s);
      paths.set(name, p);
    }
  };
  sample();
  let endClock = 0;
  for (let i = 0; ; i++) {
    assert.ok(i < MAX_STOPS, `${file}: no end after ${MAX_STOPS} stops`);
    const stop = run.forward();
    sample();
    if (stop.kind === 'failure') failures.push(stop.message ?? '(no message)');
    if (stop.kind === 'error') {
      errors.push(`${stop.message ?? '(no message)'} at ${stop.loc ? `${stop.loc.file}:${stop.loc.line}` : '?'}`);
      break;
    }
    if (stop.kind === 'end') {
      endClock = stop.clock;
      break;
    }
  }
  return { run, failures, errors, paths, endClock };
}

function stateName(run: Run, v: number): string {
  return run.constantName(v, 'TCP_').replace(/^TCP_/, '');
}

function sock(o: Outcome, name: string): CStruct {
  const info = o.run.world.sockets.get(name);
  assert.ok(info, `no socket '${name}'`);
  return info.sk;
}

function field(o: Outcome, name: string, f: string): number {
  return sock(o, name).get(f) as number;
}

function state(o: Outcome, name: string): string {
  return stateName(o.run, field(o, name, 'state'));
}

function constant(o: Outcome, name: string): number {
  const c = o.run.prog.constants.get(name);
  assert.ok(c !== undefined, `no constant ${name}`);
  return c;
}

/** The reason of a socket's timer ('timer' or 'retransmit_timer') if it is pending, else 'none'. */
function timer(o: Outcome, name: string, which: 'timer' | 'retransmit_timer'): string {
  const sk = sock(o, name);
  const t = sk.get(which) as CStruct;
  if (!o.run.world.timerPending(t)) return 'none';
  return o.run.constantName(sk.get(which === 'timer' ? 'timeout' : 'ip_xmit_timeout') as number, 'TIME_');
}

function sent(o: Outcome, name: string): Segment[] {
  return o.run.world.sockets.get(name)!.sent;
}

const flags = (s: Segment) => (s.flags.syn ? 'S' : '') + (s.flags.fin ? 'F' : '') + (s.flags.rst ? 'R' : '') + (s.flags.ack ? '.' : '');

/** Checks of each example's outcome beyond its own expect lines. */
const checks: Record<string, (o: Outcome) => void> = {
  'passive-close.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('server'), ['ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSE']);
    assert.equal(field(o, 'server', 'shutdown'), constant(o, 'SHUTDOWN_MASK'));
    assert.equal(field(o, 'server', 'fin_seq'), 1001);
    assert.equal(field(o, 'server', 'write_seq'), 5001);
    assert.deepEqual(sent(o, 'server').map((s) => `${flags(s)} ${s.seq} ${s.ack}`), ['. 5000 1001', 'F. 5000 1001']);
  },
  'out-of-order-fin.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('server'), ['ESTABLISHED', 'CLOSE_WAIT']);
    // tcp_data's loop passes the data segment, not the queued FIN, to tcp_fin: fin_seq is one short
    assert.equal(field(o, 'server', 'fin_seq'), 1010);
    assert.equal(field(o, 'server', 'acked_seq'), 1011);
    assert.deepEqual(sent(o, 'server').map((s) => `${flags(s)} ${s.seq} ${s.ack}`), ['. 5000 1000', '. 5000 1011']);
  },
  'active-close.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('client'), ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE']);
    // closed by the application (dead): destroyed at once when TIME_WAIT ends, no timer left
    assert.equal(timer(o, 'client', 'timer'), 'none');
    assert.equal(field(o, 'client', 'dead'), 1);
    // TIME_WAIT lasted 60 s from the repeated FIN (at 12.04 s): closed at 72.04 s
    assert.equal(o.endClock, 7204);
    assert.deepEqual(sent(o, 'client').map(flags), ['F.', '.', '.']);
  },
  'four-way.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('client'), ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE']);
    assert.deepEqual(o.paths.get('server'), ['ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSE']);
    // the four segments of the four-way close, in order, none lost
    const wire = o.run.world.segments.map((s) => `${s.from}>${s.to} ${flags(s)} ${s.seq} ${s.ack}${s.dropped ? ' dropped' : ''}`);
    assert.deepEqual(wire, ['client>server F. 1000 5000', 'server>client . 5000 1001', 'server>client F. 5000 1001', 'client>server . 1001 5001']);
  },
  'simultaneous-close.tcpscenario': (o) => {
    for (const s of ['a', 'b']) {
      assert.deepEqual(o.paths.get(s), ['ESTABLISHED', 'FIN_WAIT1', 'CLOSING', 'TIME_WAIT', 'CLOSE'], s);
      assert.equal(field(o, s, 'shutdown'), constant(o, 'SHUTDOWN_MASK'));
    }
    assert.equal(o.run.world.segments.filter((s) => s.flags.fin).length, 2);
  },
  'lost-fin.tcpscenario': (o) => {
    assert.equal(state(o, 'client'), 'CLOSE');
    assert.equal(state(o, 'server'), 'CLOSE');
    const fins = sent(o, 'client').filter((s) => s.flags.fin);
    assert.deepEqual(fins.map((s) => [s.seq, s.time, s.dropped]), [[1000, 0, true], [1000, 300, false]]);
    assert.equal(field(o, 'client', 'rto'), 600, 'rto doubled by the retransmission');
  },
  'listen-close.tcpscenario': (o) => {
    assert.equal(state(o, 'listener'), 'CLOSE');
    const q = sock(o, 'listener').get('receive_queue') as CStruct;
    // an empty queue: a zeroed head, or (once used) a circular head pointing at itself, as in the kernel
    assert.ok(q.get('next') === null || q.get('next') === q, 'the listener has no pending connection left');
    assert.deepEqual(o.paths.get('done'), ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE']);
    assert.deepEqual(o.paths.get('half'), ['SYN_RECV', 'FIN_WAIT1']);
    assert.equal(field(o, 'done', 'dead'), 1);
    assert.equal(field(o, 'half', 'dead'), 1);
    // tcp_close_pending closed the children in queue order: done's FIN went out first
    const fins = o.run.world.segments.filter((s) => s.flags.fin && s.from !== 'peer').slice(0, 2);
    assert.deepEqual(fins.map((s) => s.from), ['done', 'half']);
    // the unanswered child keeps retransmitting its FIN
    assert.ok(sent(o, 'half').filter((s) => s.flags.fin).length > 1);
  },
  'fin-wait2-timeout.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('client'), ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'CLOSE']);
    assert.equal(timer(o, 'client', 'timer'), 'none');
    assert.equal(timer(o, 'client', 'retransmit_timer'), 'none');
    assert.equal(o.endClock, 19100);
  },
  'retransmitted-fin.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('server'), ['ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSE']);
    assert.deepEqual(o.paths.get('client'), ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE']);
    assert.equal(sent(o, 'client').filter((s) => s.flags.fin).length, 3, 'the client sent its FIN three times');
    const texts = o.run.world.printk.map((p) => p.text);
    assert.ok(texts.includes('rcv_ack_seq: 1388==1389, acked_seq: 3E9==3E9\n'), texts.join(' | '));
    assert.ok(texts.includes('rcv_ack_seq: 1389==1389, acked_seq: 3E9==3E9\n'), texts.join(' | '));
  },
  'unreachable-lines.tcpscenario': (o) => {
    assert.equal(state(o, 'rst'), 'CLOSE_WAIT');
    assert.equal(field(o, 'rst', 'shutdown'), constant(o, 'SHUTDOWN_MASK'));
    assert.equal(state(o, 'fw1'), 'CLOSING');
    assert.deepEqual(o.paths.get('la'), ['LAST_ACK', 'CLOSE']);
    assert.equal(state(o, 'to'), 'CLOSE');
    assert.equal(sent(o, 'to').length, 0, 'tcp_close with a timeout sends nothing');
    const after: Record<string, string> = {
      c_synsent: 'CLOSE',
      c_synrecv: 'FIN_WAIT1',
      c_est: 'FIN_WAIT1',
      c_fw1: 'FIN_WAIT1',
      c_fw2: 'FIN_WAIT2',
      c_closing: 'CLOSING',
      c_timewait: 'CLOSE',
      c_close: 'CLOSE',
      c_closewait: 'LAST_ACK',
      c_lastack: 'CLOSE',
      c_listen: 'CLOSE',
    };
    for (const [s, want] of Object.entries(after)) assert.equal(state(o, s), want, s);
    // a FIN only where tcp_close_state asked for one
    const finners = Object.keys(after).filter((s) => sent(o, s).some((x) => x.flags.fin));
    assert.deepEqual(finners.sort(), ['c_closewait', 'c_est', 'c_synrecv']);
    assert.equal(timer(o, 'c_fw2', 'timer'), 'TIME_CLOSE');
    assert.equal(o.run.world.timerExpires(sock(o, 'c_fw2').get('timer') as CStruct), 18000);
  },
  'close-partial.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('client'), ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2']);
    // the held data leaves before the FIN
    assert.deepEqual(sent(o, 'client').map((s) => `${flags(s)} ${s.len}`), ['. 100', 'F. 0']);
    assert.equal(sock(o, 'client').get('partial'), null);
  },
};

test('every example has its own checks', () => {
  assert.ok(exampleFiles.length >= 8, `only ${exampleFiles.length} examples`);
  for (const f of exampleFiles) assert.ok(checks[f], `no checks for examples/${f}: add some to test/examples.test.ts`);
  for (const f of Object.keys(checks)) assert.ok(exampleFiles.includes(f), `checks for a missing example: ${f}`);
});

for (const file of exampleFiles) {
  test(`examples/${file} runs with every expectation holding`, async () => {
    const o = await runExample(file);
    try {
      assert.deepEqual(o.errors, [], `${file}: the run stopped on an error`);
      assert.deepEqual(o.failures, [], `${file}: expectations failed`);
      checks[file]?.(o);
    } finally {
      o.run.dispose();
    }
  });
}
