// "Why is this value this value?": the chain from a sock field back to the scenario, on the
// release. Its first link agrees with the field's history (made another way, from the store log
// alone); every value in memory it shows is the value there at its stop, written in the step of
// its origin and not stored to since; the run stays where it was.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadReleaseKernel } from '../../host/node';
import type { ReleaseImage } from './image';
import type { ReleaseRun } from './run';
import { fieldHistory } from './fieldHistory';
import { why, type WhyLink, type WhyTarget } from './why';
import { startExample } from '../../host/startExample.testkit';
import type { CT } from '../cmachine/types';

let image: ReleaseImage;
before(async () => {
  image = await loadReleaseKernel();
});

function target(run: ReleaseRun, sock: number, name: string): Extract<WhyTarget, { kind: 'memory' }> {
  const f = run.sock.byName.get(name)!;
  const bits = f.bits !== undefined ? { w: f.bits, bitOffset: f.bitOffset!, signed: (f.type as { signed: boolean }).signed } : undefined;
  return { kind: 'memory', name: `${run.socks[sock].name}.${name}`, addr: run.socks[sock].sk + f.offset, t: f.type as CT, bits };
}

function* links(l: WhyLink): Generator<WhyLink> {
  yield l;
  for (const r of l.reads) yield* links(r);
}

/** The little-endian bytes at [addr, addr+size) at stop n, as a number (unsigned). */
function bytesAt(run: ReleaseRun, n: number, addr: number, size: number): number {
  run.goto(n);
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + run.run.mem.u8(addr + i);
  return v;
}

test('passive-close: LAST_ACK is explained back through tcp_close_state and the switch on CLOSE_WAIT to tcp_fin, the FIN segment and the socket line', () => {
  const run = startExample(image, 'passive-close.tcpscenario');
  run.runFast();
  // the first stop showing LAST_ACK (9)
  const h = fieldHistory(run, { addr: target(run, 0, 'state').addr as number, size: 1, signed: false });
  const lastAck = h.find((c) => c.value === 9)!;
  run.goto(lastAck.stop + 3);
  const chain = why(run, target(run, 0, 'state'));
  assert.equal(run.stopIndex, lastAck.stop + 3, 'the run stays where it was');
  assert.equal(chain.value, '9');
  assert.equal(chain.origin.kind, 'statement');
  assert.equal(chain.origin.kind === 'statement' && chain.origin.fn, 'tcp_set_state');
  assert.match(chain.origin.kind === 'statement' ? chain.origin.during ?? '' : '', /close\(\) of server \(scenario line 11\)/);
  const all = [...links(chain)];
  const passed = all.find((l) => l.origin.kind === 'argument' && l.origin.fn === 'tcp_close_state');
  assert.ok(passed, 'tcp_close_state passed the state to tcp_set_state');
  // the switch in tcp_close_state read CLOSE_WAIT (8), which tcp_fin set
  const closeWait = all.find((l) => l.control && /switch at tcp_close_state/.test(l.control) && l.value === '8');
  assert.ok(closeWait, `the switch's read of CLOSE_WAIT is a control link: ${JSON.stringify(all.map((l) => [l.expr, l.value, l.control]))}`);
  assert.equal(closeWait.origin.kind, 'statement');
  const fin = all.find((l) => l.origin.kind === 'argument' && l.origin.fn === 'tcp_fin');
  assert.ok(fin, 'tcp_fin passed TCP_CLOSE_WAIT');
  const finStop = fin.origin.kind === 'argument' ? fin.origin.stop : -1;
  assert.match(JSON.stringify(all.filter((l) => l.origin.kind === 'statement' && l.origin.stop <= finStop + 4).map((l) => l.origin)), /the segment arriving of server \(scenario line 8\)/);
  // and tcp_fin's switch read ESTABLISHED, set by the socket line before the first stop
  assert.ok(all.some((l) => l.value === '1' && l.origin.kind === 'initial' && /setup/.test(l.origin.what)), 'ESTABLISHED came from the setup');
});

test('a segment field read by tcp_rcv ends at the segment that arrived', () => {
  const run = startExample(image, 'passive-close.tcpscenario');
  run.runFast();
  const h = fieldHistory(run, { addr: target(run, 0, 'acked_seq').addr as number, size: 4, signed: false });
  run.goto(h[1].stop);
  const chain = why(run, target(run, 0, 'acked_seq'));
  assert.equal(chain.value, '1001');
  const all = [...links(chain)];
  const seg = all.find((l) => l.expr === 'th->seq' && l.origin.kind === 'event');
  assert.ok(seg, 'th->seq was stored by the machine layer for the arriving segment');
  assert.match(seg.origin.kind === 'event' ? seg.origin.what : '', /segment arriving of server \(scenario line 8\)/);
  assert.equal(seg.origin.kind === 'event' && seg.origin.line, 8);
});

for (const file of ['four-way.tcpscenario', 'lost-fin.tcpscenario', 'simultaneous-close.tcpscenario']) {
  test(`${file}: each field's first link is its history's writer, and every value in memory on the chain is the value there, unchanged since its origin's step`, () => {
    const run = startExample(image, file);
    run.runFast();
    const fields = ['state', 'shutdown', 'fin_seq', 'acked_seq', 'rcv_ack_seq', 'rto', 'retransmits', 'window_seq', 'sent_seq'];
    let checked = 0;
    let slots = 0;
    for (const at of [Math.floor(run.stopCount / 3), Math.floor((2 * run.stopCount) / 3), run.stopCount - 1]) {
      for (let sock = 0; sock < run.socks.length; sock++) {
        for (const name of fields) {
          if (!run.sock.byName.get(name)) continue;
          run.goto(at);
          const t = target(run, sock, name);
          const f = run.sock.byName.get(name)!;
          const hist = fieldHistory(run, { addr: t.addr, size: (f.type as { size: number }).size, signed: false, bits: f.bits, bitOffset: f.bitOffset });
          const chain = why(run, t, { links: 40 });
          assert.equal(run.stopIndex, at, 'the run stays where it was');
          const last = [...hist].reverse().find((c) => c.stop <= at)!;
          const o = chain.origin;
          if (o.kind === 'statement') assert.equal(o.stop, last.writer?.stop, `${t.name} at ${at}: the writer is the history's`);
          else if (last.writer) assert.equal(o.kind, 'event', `${t.name} at ${at}: a writer the C beneath a statement (${JSON.stringify(o)})`);
          for (const l of links(chain)) {
            // a local in a slot: its origin's step wrote that value (into some cell: the log knows the write, not the name)
            if (l.addr === undefined && l.at && !l.returned && l.origin.kind === 'statement' && l.value !== '?' && !l.pointer) {
              const H = run.H;
              const written: string[] = [];
              H.forEachWrite(H.logPosition(l.origin.stop)!, H.logPosition(l.origin.stop + 1)!, (_o, _i, _v, pos) => written.push(String(H.valueWritten(pos))));
              assert.ok(written.includes(l.value), `${l.expr} = ${l.value} at stop ${l.stop}: its origin's step (stop ${l.origin.stop}) wrote ${written.join(', ')}`);
              slots++;
            }
            if (l.addr === undefined || l.size === undefined || l.value === '?' || l.origin.kind !== 'statement' || l.expr.startsWith(run.socks[sock].name + '.')) continue;
            const now = bytesAt(run, l.stop, l.addr, l.size);
            const after = bytesAt(run, l.origin.stop + 1, l.addr, l.size);
            assert.equal(after, now, `${l.expr} at stop ${l.stop}: as its origin's step (${l.origin.fn}:${l.origin.line}, stop ${l.origin.stop}) left it`);
            assert.ok(l.origin.stop < l.stop, 'an origin is earlier than the read');
            checked++;
          }
          run.goto(at);
        }
      }
    }
    assert.ok(checked > 20, `memory links checked: ${checked}`);
    assert.ok(slots > 5, `slot links checked: ${slots}`);
  });
}

test('the budget cuts the chain with a reason, and a chain at the first stop is the setup', () => {
  const run = startExample(image, 'four-way.tcpscenario');
  run.runFast();
  run.goto(run.stopCount - 1);
  const small = why(run, target(run, 0, 'state'), { links: 3 });
  assert.ok([...links(small)].length <= 3);
  assert.ok([...links(small)].some((l) => /cut at 3 links/.test(l.cut ?? '')));
  const shallow = why(run, target(run, 0, 'acked_seq'), { depth: 1 });
  assert.ok([...links(shallow)].every((l) => !l.reads.some((r) => r.reads.length)), 'one link deep');
  run.goto(0);
  const first = why(run, target(run, 0, 'state'));
  assert.equal(first.origin.kind, 'initial');
  assert.deepEqual(first.reads, []);
});
