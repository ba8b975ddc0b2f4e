// A field's history from the store log: the same values, at the same stops, as reading the field
// at every stop, from wherever the run stands (the known future included), each change named by
// the statement that wrote it.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadReleaseKernel } from '../../host/node';
import type { ReleaseImage } from './image';
import { type ReleaseRun } from './run';
import { fieldHistory, type FieldPlace } from './fieldHistory';
import { startExample } from '../../host/startExample.testkit';

let image: ReleaseImage;
before(async () => {
  image = await loadReleaseKernel();
});



function place(run: ReleaseRun, sock: number, name: string): FieldPlace {
  const f = run.sock.byName.get(name)!;
  const t = f.type as { size: number; signed: boolean };
  return { addr: run.socks[sock].sk + f.offset, size: t.size, signed: t.signed, bits: f.bits, bitOffset: f.bitOffset };
}

/** The field's values read at every recorded stop, one entry per change: [first stop showing it, value]. */
function readAtEveryStop(run: ReleaseRun, sock: number, name: string): [number, number][] {
  const keep = run.stopIndex;
  const out: [number, number][] = [];
  for (let n = 0; n < run.stopCount; n++) {
    run.goto(n);
    const v = run.field(run.socks[sock].sk, name);
    if (!out.length || out[out.length - 1][1] !== v) out.push([n, v]);
  }
  run.goto(keep);
  return out;
}

for (const [file, fields] of [
  ['four-way.tcpscenario', ['state', 'shutdown', 'fin_seq', 'acked_seq', 'rcv_ack_seq', 'rto', 'dead']],
  ['lost-fin.tcpscenario', ['state', 'retransmits', 'backoff', 'rto', 'ip_xmit_timeout']],
] as const) {
  test(`${file}: each field's history is its values read at every stop, from the start, the middle or the end`, () => {
    const run = startExample(image, file);
    run.runFast();
    for (const at of [0, Math.floor(run.stopCount / 2), run.stopCount - 1]) {
      run.goto(at);
      for (let sock = 0; sock < run.socks.length; sock++) {
        for (const name of fields) {
          const h = fieldHistory(run, place(run, sock, name));
          assert.deepEqual(h.map((c) => [c.stop, c.value]), readAtEveryStop(run, sock, name), `${run.socks[sock].name}.${name} from stop ${at}`);
          assert.equal(run.stopIndex, at, 'the run stays where it is');
        }
      }
    }
  });
}

test('each change names the statement that wrote it: a state change is tcp_set_state\'s store (or net_timer\'s, when TIME_WAIT ends), in the step just before the stop that shows it', () => {
  const run = startExample(image, 'four-way.tcpscenario');
  run.runFast();
  run.goto(0);
  const h = fieldHistory(run, place(run, 0, 'state'));
  assert.ok(h.length >= 4, JSON.stringify(h));
  assert.equal(h[0].writer, undefined, 'the first stop\'s value: set before the run (the socket line)');
  for (const c of h.slice(1)) {
    assert.ok(c.writer, JSON.stringify(c));
    assert.equal(c.writer.stop, c.stop - 1);
    const line = readFileSync(c.writer.file, 'utf8').split('\n')[c.writer.line - 1];
    if (c.writer.fn === 'tcp_set_state') assert.match(line, /sk->state\s*=\s*state/);
    else {
      assert.equal(c.writer.fn, 'net_timer');
      assert.match(line, /sk->state\s*=\s*TCP_CLOSE/);
    }
  }
  assert.ok(h.slice(1).some((c) => c.writer!.fn === 'tcp_set_state'));
});

test('recorded only as far as the run went: the history ends at the last recorded stop', () => {
  const run = startExample(image, 'four-way.tcpscenario');
  for (let i = 0; i < 40; i++) run.forward();
  const h = fieldHistory(run, place(run, 0, 'state'));
  assert.deepEqual(h.map((c) => [c.stop, c.value]), readAtEveryStop(run, 0, 'state'));
  assert.ok(h.every((c) => c.stop < run.stopCount));
});
