// `fate` on the release: a segment lost, delivered twice, late, or overtaken by the next one its
// socket sends; a socket's close() moved. What each delivery carried is read from the run's stops.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadReleaseKernel } from '../../host/node';
import { parseScenario } from '../../scenario/parse';
import { bindScenario } from './bind';
import type { ReleaseImage } from './image';
import { ReleaseRun } from './run';

let image: ReleaseImage;
before(async () => {
  image = await loadReleaseKernel();
});

const FOUR_WAY = ['socket client TCP_ESTABLISHED write_seq=1000', 'socket server TCP_ESTABLISHED write_seq=5000', 'link client server delay=10ms'];
const EVENTS = ['0 client close', '+1s server close', '20s wait'];

function run(...fates: string[]): ReleaseRun {
  const sc = parseScenario([...FOUR_WAY, ...fates, ...EVENTS].join('\n'), 'f.tcpscenario');
  assert.deepEqual(sc.diagnostics, []);
  const { bound, diagnostics } = bindScenario(sc, image.kernel, image.constant);
  assert.deepEqual(diagnostics, []);
  return new ReleaseRun(image, bound);
}

/** Each delivery, in order: when, to whom, what (flags and seq of the segment it carried). */
function deliveries(r: ReleaseRun): string[] {
  const out: string[] = [];
  for (;;) {
    const s = r.forward();
    if (s.kind === 'event' && s.item?.kind === 'delivery') {
      const seg = r.segs[r.segmentOfDelivery(s.item.seg)];
      out.push(`${s.clock} ${r.socks[seg.to].name} ${seg.flags}${seg.seq}`);
    }
    if (s.kind === 'end' || s.kind === 'error') return out;
  }
}

test('as written: four segments, each 1 jiffy (10 ms) after it is sent', () => {
  assert.deepEqual(deliveries(run()), ['1 server F.1000', '2 client .5000', '101 client F.5000', '102 server .1001']);
});

test('drop: the client\'s FIN is lost, and its retransmission is what arrives', () => {
  const r = run('fate client 1 drop');
  const d = deliveries(r);
  assert.equal(r.segs.find((s) => s.from === 0)!.dropped, 1);
  assert.equal(d.filter((x) => x.endsWith('server F.1000')).length, 1);
  assert.ok(Number(d[0].split(' ')[0]) > 2, `the FIN arrives only once retransmitted: ${d[0]}`);
});

test('duplicate: the server gets the client\'s FIN twice, the second just after the first', () => {
  const d = deliveries(run('fate client 1 duplicate'));
  assert.deepEqual(d.slice(0, 2), ['1 server F.1000', '1 server F.1000']);
});

test('delay: the FIN arrives 500 ms later than the link\'s 10 ms', () => {
  const d = deliveries(run('fate client 1 delay=500ms'));
  assert.equal(d[0], '51 server F.1000');
});

test('reorder: the server\'s FIN is held back until its next segment, and arrives just after that one', () => {
  const r = run('fate server 2 reorder');
  const d = deliveries(r);
  // the FIN is not delivered at 101; the server retransmits it and the held one arrives right after the retransmission
  assert.ok(!d.includes('101 client F.5000'), d.join(', '));
  const fins = d.filter((x) => x.includes('client F.5000'));
  assert.equal(fins.length, 2);
  assert.equal(fins[0].split(' ')[0], fins[1].split(' ')[0]);
  assert.equal(r.segs.filter((s) => s.fate === 'reorder').length, 1);
});

test('close moved: the server closes 2 s after its line says, after the events already at that time', () => {
  const r = run('fate server close +2s');
  const closes = r.bound.events.filter((e) => e.action.kind === 'close').map((e) => [e.sock, e.time]);
  assert.deepEqual(closes, [
    [0, 0],
    [1, 300],
  ]);
  assert.deepEqual(deliveries(r).slice(2), ['301 client F.5000', '302 server .1001']);
});
