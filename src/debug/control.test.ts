// The controller's reverse continue: scanning the stop records back for the stops a breakpoint
// could stop at (Controller.reverseScanning) ends where walking back stop by stop ends, with the
// same report, for random breakpoints of every kind (kernel lines, with conditions, function
// breakpoints, scenario lines) from random stops of recorded examples.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { loadReleaseKernel } from '../host/node';
import { parseScenario } from '../scenario/parse';
import { bindScenario } from '../engine/release/bind';
import { ReleaseRun } from '../engine/release/run';
import { startExample } from '../host/startExample.testkit';
import { lookAhead } from '../engine/lookahead';
import type { ReleaseImage } from '../engine/release/image';
import { Controller, type Outcome } from './control';
import { ReleaseDebuggee, ValueReaders } from './releaseDebuggee';

let image: ReleaseImage;
before(async () => {
  image = await loadReleaseKernel();
});

function drive<T>(g: Generator<void, T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

const said = (o: Outcome, at: number): string => (o.kind === 'stopped' ? `${at} ${o.report.reason} ${o.report.description ?? ''} [${o.report.hitBreakpointIds ?? ''}]` : o.kind);

// passive-close with two expectations that fail: stops a reverse continue ends at when failures stop the run
const FAILING = [
  'socket server TCP_ESTABLISHED write_seq=5000 acked_seq=1000',
  '0 server < F. seq=1000 ack=5000',
  '+0 expect server state=CLOSE_WAIT fin_seq=999',
  '+20ms server close',
  '+0 server > F. seq=5001 ack=1001',
  '+10ms server < . seq=1001 ack=5001',
  '+0 expect server state=CLOSE',
].join('\n');

function startText(text: string): ReleaseRun {
  const sc = parseScenario(text, resolve('failing.tcpscenario'));
  const { bound, diagnostics } = bindScenario(sc, image.kernel, image.constant);
  assert.deepEqual(diagnostics, []);
  return new ReleaseRun(image, bound);
}

for (const example of ['passive-close.tcpscenario', 'four-way.tcpscenario', 'lost-fin.tcpscenario', 'data-in-flight-close.tcpscenario', 'handshake-close.tcpscenario', 'failing expectations']) {
  test(`${example}: reverse continue by scanning the stop records ends where walking back stop by stop ends`, () => {
    const run = example === 'failing expectations' ? startText(FAILING) : startExample(image, example);
    lookAhead(run, { maxStops: 1e7, until: Infinity });
    const d = new ReleaseDebuggee(run, new ValueReaders(run));
    let seed = 99;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return (seed >>> 8) % n;
    };
    const tcp = d.functions.find((f) => f.name === 'tcp_ack')!.file;
    const lines = d.executableLines(tcp)!;
    const fns = ['tcp_ack', 'tcp_fin', 'tcp_close', 'tcp_set_state', 'tcp_send_fin', 'release_sock', 'tcp_rcv'];
    let stoppedByBreakpoint = 0;
    let failures = 0;
    for (let trial = 0; trial < 40; trial++) {
      const scan = new Controller(d);
      const walk = new Controller(d);
      walk.reverseByScan = false;
      const kernel = Array.from({ length: rnd(4) }, () => ({ line: lines[rnd(lines.length)], condition: rnd(3) === 0 ? `sk->state == ${1 + rnd(11)}` : undefined }));
      const named = Array.from({ length: rnd(3) }, () => ({ name: fns[rnd(fns.length)] }));
      const scenario = d.eventLines.filter(() => rnd(6) === 0).map((line) => ({ line }));
      for (const c of [scan, walk]) {
        c.stopOnFailure = true;
        c.setBreakpoints(tcp, kernel);
        c.setFunctionBreakpoints(named);
        c.setBreakpoints(d.scenarioFile, scenario);
      }
      const from = 1 + rnd(run.stopCount - 1);
      run.goto(from);
      const a = said(drive(scan.move('reverseContinue')), run.stopIndex);
      run.goto(from);
      const b = said(drive(walk.move('reverseContinue')), run.stopIndex);
      assert.equal(a, b, `from stop ${from}, breakpoints ${JSON.stringify({ kernel, named, scenario })}`);
      if (/ breakpoint/.test(a)) stoppedByBreakpoint++;
      if (/ exception expectation failed/.test(a)) failures++;
    }
    assert.ok(stoppedByBreakpoint >= 5, `${stoppedByBreakpoint} of the 40 stopped at a breakpoint`);
    if (example === 'failing expectations') assert.ok(failures > 0, 'some stopped at a failed expectation');
  });
}
