// The controller's continue and reverse continue through recorded history: scanning the stop
// records for the stops a breakpoint could stop at (Controller.reverseScanning, continueScanning)
// ends where going stop by stop ends, with the same report and the same logpoint output, for random
// breakpoints of every kind (kernel lines with conditions, hit counts and log messages, function
// breakpoints, scenario lines) from random stops of recorded examples, forward past the end of
// what is recorded too.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { loadReleaseKernel } from '../host/node';
import { parseScenario } from '../scenario/parse';
import { bindScenario } from '../engine/release/bind';
import { ReleaseRun, type ReleaseStop } from '../engine/release/run';
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

type Spec = { kernel: { line: number; condition?: string; hitCondition?: string; logMessage?: string }[]; named: { name: string; hitCondition?: string }[]; scenario: { line: number }[] };

/** Two controllers on `runs` (one each, or one shared), the first scanning the recorded stops, the second walking stop by stop, with the same breakpoints. */
function pair(runs: [ReleaseRun, ReleaseRun], spec: Spec): { c: Controller<ReleaseStop>; d: ReleaseDebuggee; logs: string[] }[] {
  return runs.map((run, i) => {
    const d = new ReleaseDebuggee(run, new ValueReaders(run));
    const c = new Controller(d);
    c.scanRecorded = i === 0;
    c.stopOnFailure = true;
    const logs: string[] = [];
    c.onLog = (text, stop) => logs.push(`${stop.index}: ${text}`);
    const tcp = d.functions.find((f) => f.name === 'tcp_ack')!.file;
    c.setBreakpoints(tcp, spec.kernel);
    c.setFunctionBreakpoints(spec.named);
    c.setBreakpoints(d.scenarioFile, spec.scenario);
    return { c, d, logs };
  });
}

for (const example of ['passive-close.tcpscenario', 'four-way.tcpscenario', 'lost-fin.tcpscenario', 'data-in-flight-close.tcpscenario', 'handshake-close.tcpscenario', 'failing expectations']) {
  test(`${example}: continue and reverse continue by scanning the recorded stops end where going stop by stop ends, with the same logpoints`, () => {
    const start = (): ReleaseRun => (example === 'failing expectations' ? startText(FAILING) : startExample(image, example));
    const whole = start();
    lookAhead(whole, { maxStops: 1e7, until: Infinity });
    const d0 = new ReleaseDebuggee(whole, new ValueReaders(whole));
    let seed = 99;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return (seed >>> 8) % n;
    };
    const tcp = d0.functions.find((f) => f.name === 'tcp_ack')!.file;
    const lines = d0.executableLines(tcp)!;
    // and the lines this run runs (a breakpoint on one is reached)
    const ran = [...new Set(Array.from({ length: whole.stopCount }, (_, k) => whole.lineOf(k)).filter((l) => l.file === tcp).map((l) => l.line))];
    const fns = ['tcp_ack', 'tcp_fin', 'tcp_close', 'tcp_set_state', 'tcp_send_fin', 'release_sock', 'tcp_rcv'];
    const hits = [undefined, undefined, '>= 2', '% 3', '1'];
    const tally = { breakpoint: 0, failure: 0, logs: 0 };
    for (let trial = 0; trial < 40; trial++) {
      const spec: Spec = {
        kernel: Array.from({ length: rnd(4) }, () => ({
          line: rnd(3) ? ran[rnd(ran.length)] : lines[rnd(lines.length)],
          condition: rnd(3) === 0 ? `sk->state == ${1 + rnd(11)}` : undefined,
          hitCondition: hits[rnd(hits.length)],
          logMessage: rnd(2) === 0 ? 'state {sk->state}' : undefined,
        })),
        named: Array.from({ length: rnd(3) }, () => ({ name: fns[rnd(fns.length)], hitCondition: hits[rnd(hits.length)] })),
        scenario: d0.eventLines.filter(() => rnd(6) === 0).map((line) => ({ line })),
      };
      const what = `breakpoints ${JSON.stringify(spec)}`;
      // back, on the whole run
      const back = pair([whole, whole], spec);
      const from = 1 + rnd(whole.stopCount - 1);
      const ends = back.map(({ c }) => {
        whole.goto(from);
        return said(drive(c.move('reverseContinue')), whole.stopIndex);
      });
      assert.equal(ends[0], ends[1], `reverse continue from stop ${from}, ${what}`);
      if (/ breakpoint/.test(ends[0])) tally.breakpoint++;
      if (/ exception expectation failed/.test(ends[0])) tally.failure++;
      // forward, on two runs recorded as far (some wholly, some to a stop the motion then runs past)
      const known = rnd(2) ? whole.stopCount : 1 + rnd(whole.stopCount);
      const runs: [ReleaseRun, ReleaseRun] = [start(), start()];
      for (const r of runs) lookAhead(r, { maxStops: known, until: Infinity });
      const at = rnd(known);
      const fwd = pair(runs, spec);
      const went = fwd.map(({ c }, i) => {
        runs[i].goto(at);
        return said(drive(c.move('continue')), runs[i].stopIndex);
      });
      assert.equal(went[0], went[1], `continue from stop ${at} of ${known} recorded, ${what}`);
      assert.deepEqual(fwd[0].logs, fwd[1].logs, `continue from stop ${at}: the logpoints, ${what}`);
      tally.logs += fwd[0].logs.length;
      if (/ breakpoint/.test(went[0])) tally.breakpoint++;
    }
    assert.ok(tally.breakpoint >= 10, `${tally.breakpoint} of the 80 motions stopped at a breakpoint`);
    assert.ok(tally.logs > 0, 'logpoints logged');
    if (example === 'failing expectations') assert.ok(tally.failure > 0, 'some stopped at a failed expectation');
  });
}
