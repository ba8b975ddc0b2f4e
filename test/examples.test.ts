// Runs every examples/*.tcpscenario on the unmodified Linux 1.2.13 release (loadReleaseRun: the
// scenario bound to the release image, the release's C run over the machine layer): no
// expectation may fail and no run may stop on an error. Each example also has checks of its own
// on the end of the run (each sock's fields, both timers, its queues, the segments on the wire,
// whether destroy_sock freed it) and on the states each socket went through.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadReleaseRun } from '../src/host/load';
import type { ReleaseRun } from '../src/engine/release/run';
import { runRecord, type RunRecord, type SockRecord } from '../src/engine/release/record';

const examplesDir = join(__dirname, '..', 'examples');
const exampleFiles = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.tcpscenario'))
  .sort();

/** The sock fields the checks read from the end record. */
const FIELDS = ['state', 'shutdown', 'write_seq', 'sent_seq', 'acked_seq', 'rcv_ack_seq', 'fin_seq', 'dead', 'rtt', 'rto', 'backoff', 'retransmits', 'packets_out', 'window_seq'];

interface Outcome {
  run: ReleaseRun;
  failures: string[];
  errors: string[];
  /** per socket, the states it went through (consecutive repeats collapsed), as names without TCP_ */
  paths: Map<string, string[]>;
  endClock: number;
  rec: RunRecord;
}

const MAX_STOPS = 2_000_000;

async function runExample(file: string): Promise<Outcome> {
  const { run } = await loadReleaseRun({ scenarioPath: join(examplesDir, file) });
  const failures: string[] = [];
  const errors: string[] = [];
  const paths = new Map<string, string[]>();
  const sample = () => {
    for (const s of run.socks) {
      const name = run.stateName(run.field(s.sk, 'state')).replace(/^TCP_/, '');
      const p = paths.get(s.name) ?? [];
      if (p[p.length - 1] !== name) p.push(name);
      paths.set(s.name, p);
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
  return { run, failures, errors, paths, endClock, rec: runRecord(run, file, FIELDS) };
}

function sock(o: Outcome, name: string): SockRecord {
  const s = o.rec.sockets.find((x) => x.name === name);
  assert.ok(s, `no socket '${name}'`);
  return s;
}

function field(o: Outcome, name: string, f: string): number {
  return sock(o, name).fields[f];
}

function state(o: Outcome, name: string): string {
  return o.run.stateName(field(o, name, 'state')).replace(/^TCP_/, '');
}

function constant(o: Outcome, name: string): number {
  const c = o.run.image.constant(name);
  assert.ok(c !== undefined, `no constant ${name}`);
  return c;
}

/** The reason of a socket's timer if it is pending ('TIME_CLOSE@6204'), else 'none'. */
function timer(o: Outcome, name: string, which: 'timer' | 'retransmit_timer'): string {
  const t = sock(o, name).timers[which];
  return t.pending ? `${o.run.reasonName(t.reason)}@${t.expires}` : 'none';
}

/** What a socket sent: `time flags seq ack len`, ` dropped` when the wire lost it. */
function sent(o: Outcome, name: string): string[] {
  return sock(o, name).sent.map((s) => `${s.t} ${s.flags} ${s.seq} ${s.ack} ${s.len}${s.dropped ? ' dropped' : ''}`);
}

/** Closed, dead and destroyed: CLOSE, dead, no timer left and its struct sock given back by destroy_sock. */
function destroyed(o: Outcome, name: string): void {
  assert.equal(state(o, name), 'CLOSE', name);
  assert.equal(field(o, name, 'dead'), 1, `${name} is dead`);
  assert.equal(timer(o, name, 'timer'), 'none', `${name}: no timer`);
  assert.equal(timer(o, name, 'retransmit_timer'), 'none', `${name}: no retransmit timer`);
  assert.equal(sock(o, name).freed, 1, `${name}: destroy_sock freed it`);
}

/** Checks of each example's outcome beyond its own expect lines. */
const checks: Record<string, (o: Outcome) => void> = {
  'passive-close.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('server'), ['ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSE']);
    assert.equal(field(o, 'server', 'shutdown'), constant(o, 'SHUTDOWN_MASK'));
    assert.equal(field(o, 'server', 'fin_seq'), 1001);
    assert.equal(field(o, 'server', 'write_seq'), 5001);
    assert.deepEqual(sent(o, 'server'), ['0 . 5000 1001 0', '2 F. 5000 1001 0']);
    // the run ends at the last ACK (0.07 s): the dead socket's TIME_DONE (2 * rtt 5) is still to come
    assert.equal(o.endClock, 7);
    assert.equal(timer(o, 'server', 'timer'), 'TIME_DONE@17');
    assert.equal(sock(o, 'server').freed, 0);
  },
  'out-of-order-fin.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('server'), ['ESTABLISHED', 'CLOSE_WAIT']);
    // tcp_data's loop passes the data segment, not the queued FIN, to tcp_fin: fin_seq is one short
    assert.equal(field(o, 'server', 'fin_seq'), 1010);
    assert.equal(field(o, 'server', 'acked_seq'), 1011);
    assert.deepEqual(sent(o, 'server'), ['0 . 5000 1000 0', '1 . 5000 1011 0']);
    // both segments were taken in order off the receive queue
    assert.equal(sock(o, 'server').queues.receive_queue.length, 2);
  },
  'active-close.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('client'), ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE']);
    // TIME_WAIT lasted 60 s from the repeated FIN (12.04 s) plus one jiffy, then TIME_DONE 2 * rtt (4)
    assert.equal(o.endClock, 7214);
    assert.equal(field(o, 'client', 'rtt'), 4);
    destroyed(o, 'client');
    assert.deepEqual(sent(o, 'client'), ['0 F. 1000 5000 0', '204 . 1001 5001 0', '1204 . 1001 5001 0']);
  },
  'four-way.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('client'), ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE']);
    assert.deepEqual(o.paths.get('server'), ['ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSE']);
    // the four segments of the four-way close, in order, none lost
    const wire = o.rec.segments.map((s) => `${s.time} ${s.from}>${s.to} ${s.flags} ${s.seq} ${s.ack}${s.dropped ? ' dropped' : ''}`);
    assert.deepEqual(wire, ['0 client>server F. 1000 5000', '1 server>client . 5000 1001', '102 server>client F. 5000 1001', '103 client>server . 1001 5001']);
    for (const s of ['client', 'server']) {
      assert.equal(field(o, s, 'rtt'), 2, `${s}: its FIN's round trip`);
      assert.equal(field(o, s, 'rto'), 20, `${s}: rto at tcp_ack's floor`);
      destroyed(o, s);
    }
  },
  'simultaneous-close.tcpscenario': (o) => {
    for (const s of ['a', 'b']) {
      assert.deepEqual(o.paths.get(s), ['ESTABLISHED', 'FIN_WAIT1', 'CLOSING', 'TIME_WAIT', 'CLOSE'], s);
      assert.equal(field(o, s, 'shutdown'), constant(o, 'SHUTDOWN_MASK'));
      destroyed(o, s);
    }
    assert.equal(o.rec.segments.filter((s) => s.flags.includes('F')).length, 2);
    assert.equal(o.endClock, 6008);
  },
  'lost-fin.tcpscenario': (o) => {
    destroyed(o, 'client');
    destroyed(o, 'server');
    const fins = sock(o, 'client').sent.filter((s) => s.flags.includes('F'));
    // lost at 0, resent one jiffy after the timer's expires (300)
    assert.deepEqual(fins.map((s) => [s.seq, s.t, s.dropped]), [[1000, 0, 1], [1000, 301, 0]]);
    assert.equal(field(o, 'client', 'rto'), 600, 'rto doubled by the retransmission');
    assert.equal(field(o, 'client', 'rtt'), 0, 'the retransmitted FIN was not timed (Karn)');
  },
  'listen-close.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('listener'), ['LISTEN', 'CLOSE']);
    assert.deepEqual(sock(o, 'listener').queues.receive_queue, [], 'the listener has no pending connection left');
    assert.equal(sock(o, 'listener').freed, 1, 'the closed listener was destroyed');
    assert.deepEqual(o.paths.get('done'), ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE']);
    assert.deepEqual(o.paths.get('half'), ['SYN_RECV', 'FIN_WAIT1']);
    destroyed(o, 'done');
    assert.equal(field(o, 'half', 'dead'), 1);
    // tcp_close_pending closed the children in queue order: done's FIN went out first
    const fins = o.rec.segments.filter((s) => s.flags.includes('F') && s.from !== 'peer').slice(0, 2);
    assert.deepEqual(fins.map((s) => s.from), ['done', 'half']);
    // the unanswered child keeps retransmitting its FIN, rto doubling from 3 s
    assert.deepEqual(sent(o, 'half'), [0, 301, 902, 2103, 4504].map((t) => `${t} F. 9000 4000 0`));
    assert.equal(timer(o, 'half', 'retransmit_timer'), 'TIME_WRITE@9304');
  },
  'fin-wait2-timeout.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('client'), ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'CLOSE']);
    destroyed(o, 'client');
    assert.equal(o.endClock, 19100);
    assert.equal(field(o, 'client', 'rtt'), 49);
  },
  'retransmitted-fin.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('server'), ['ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSE']);
    assert.deepEqual(o.paths.get('client'), ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE']);
    assert.deepEqual(sock(o, 'client').sent.filter((s) => s.flags.includes('F')).map((s) => s.t), [0, 301, 902], 'the client sent its FIN three times');
    assert.deepEqual(sock(o, 'server').sent.filter((s) => s.flags.includes('F')).map((s) => [s.t, s.dropped]), [[700, 1], [1204, 0]]);
    const texts = o.rec.printk.map((p) => p.text);
    assert.ok(texts.includes('rcv_ack_seq: 1388==1389, acked_seq: 3E9==3E9\n'), texts.join(' | '));
    assert.ok(texts.includes('rcv_ack_seq: 1389==1389, acked_seq: 3E9==3E9\n'), texts.join(' | '));
    destroyed(o, 'server');
    destroyed(o, 'client');
  },
  'unreachable-lines.tcpscenario': (o) => {
    assert.equal(state(o, 'rst'), 'CLOSE_WAIT');
    assert.equal(field(o, 'rst', 'shutdown'), constant(o, 'SHUTDOWN_MASK'));
    assert.equal(state(o, 'fw1'), 'CLOSING');
    assert.deepEqual(o.paths.get('la'), ['LAST_ACK', 'CLOSE']);
    assert.equal(state(o, 'to'), 'CLOSE');
    assert.deepEqual(sent(o, 'to'), [], 'tcp_close with a timeout sends nothing');
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
    const finners = Object.keys(after).filter((s) => sock(o, s).sent.some((x) => x.flags.includes('F')));
    assert.deepEqual(finners.sort(), ['c_closewait', 'c_est', 'c_synrecv']);
    // the deadline close() armed, kept (not restarted) by the second tcp_close_state
    assert.equal(timer(o, 'c_fw2', 'timer'), 'TIME_CLOSE@18000');
  },
  'close-partial.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('client'), ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2']);
    // the held data leaves before the FIN, with PSH
    assert.deepEqual(sent(o, 'client'), ['0 P. 1000 5000 100', '0 F. 1100 5000 0']);
    assert.equal(sock(o, 'client').partial, null);
    assert.deepEqual(sock(o, 'client').queues.send_head, [], 'the ACK freed both skbs');
  },
  'handshake-close.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('server'), ['CLOSE', 'LISTEN']);
    assert.deepEqual(o.paths.get('client'), ['CLOSE', 'SYN_SENT', 'ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE']);
    // conn is the socket accept(2) filled: a CLOSE sock until then, the accepted child after
    assert.deepEqual(o.paths.get('conn'), ['CLOSE', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSE']);
    const wire = o.rec.segments.map((s) => `${s.time} ${s.from}>${s.to} ${s.flags} ${s.seq} ${s.ack}`);
    // the handshake (before accept(2) the child has no name: its segments are put down to the
    // listener whose port it shares), then the four-way close between client and conn
    assert.deepEqual(wire, [
      '0 client>server S 0 0',
      '1 server>client S. 10000 1',
      '2 client>server . 1 10001',
      '100 client>conn F. 1 10001',
      '101 conn>client . 10001 2',
      '200 conn>client F. 10001 2',
      '201 client>conn . 2 10002',
    ]);
    destroyed(o, 'client');
    destroyed(o, 'conn');
    assert.equal(state(o, 'server'), 'LISTEN');
    assert.equal(sock(o, 'server').freed, 0);
  },
  'data-in-flight-close.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('client'), ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2']);
    assert.deepEqual(o.paths.get('server'), ['ESTABLISHED', 'CLOSE_WAIT']);
    // the data and the FIN, each lost once, each its own skb: the timer resends the first, tcp_ack the second
    assert.deepEqual(sent(o, 'client'), ['0 P. 1000 5000 100 dropped', '100 F. 1100 5000 0 dropped', '401 P. 1000 5000 100', '403 F. 1100 5000 0']);
    assert.deepEqual(sock(o, 'client').queues.send_head, []);
    assert.equal(field(o, 'server', 'fin_seq'), 1101);
  },
  'zero-window-close.tcpscenario': (o) => {
    assert.deepEqual(o.paths.get('client'), ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2']);
    // two window probes (seq = sent_seq - 1), then the data and the FIN once the window opened
    assert.deepEqual(sent(o, 'client'), ['301 . 999 5000 0', '902 . 999 5000 0', '2000 P. 1000 5000 100', '2001 F. 1100 5000 0']);
    assert.deepEqual(sock(o, 'client').queues.write_queue, [], 'nothing left waiting for the window');
    assert.equal(timer(o, 'client', 'retransmit_timer'), 'TIME_KEEPOPEN@92002');
  },
};

test('every example has its own checks', () => {
  assert.ok(exampleFiles.length >= 14, `only ${exampleFiles.length} examples`);
  for (const f of exampleFiles) assert.ok(checks[f], `no checks for examples/${f}: add some to test/examples.test.ts`);
  for (const f of Object.keys(checks)) assert.ok(exampleFiles.includes(f), `checks for a missing example: ${f}`);
});

for (const file of exampleFiles) {
  test(`examples/${file} runs on the release with every expectation holding`, async () => {
    const o = await runExample(file);
    assert.deepEqual(o.errors, [], `${file}: the run stopped on an error`);
    assert.deepEqual(o.failures, [], `${file}: expectations failed`);
    assert.equal(o.rec.error, undefined, `${file}: a machine fault`);
    checks[file]?.(o);
  });
}
