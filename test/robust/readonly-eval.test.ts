// Read-only evaluation as a property of the release engine ("a hover must never change a run"):
// random C expressions built from the kernel's own names (the stopped function's locals and
// parameters, sk fields, jiffies, constants, kernel functions and natives, with assignments,
// increments and calls among them), evaluated as hovers, watches and conditions are (cvalues'
// `evaluate`: compiled read-only, the History sealed) at random stops, in the present and after
// stepping back into the past, leave the run exactly as a run without them: every stop at the same
// line, the same segments, failures and fault, the same bytes of memory at the end.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { loadReleaseRun } from '../../src/host/load';
import { Values, evaluate, EvaluationError } from '../../src/engine/cvalues';
import { machineArena } from '../../src/engine/cvalues/heap';
import type { ReleaseRun } from '../../src/engine/release/run';
import { ROOT, SEED, Tally, scaled } from './common';

const SCENARIOS = ['lost-fin', 'passive-close', 'simultaneous-close', 'listen-close'].map((n) => join(ROOT, 'examples', `${n}.tcpscenario`));
const MAX_STOPS = 200_000;

/** Everything a run's outcome is made of, with the line of every stop. */
function drive(run: ReleaseRun, at?: (run: ReleaseRun, stop: number) => void): string {
  const lines: string[] = [];
  for (let i = 0; i < MAX_STOPS; i++) {
    const s = run.forward();
    if (s.kind === 'statement') {
      lines.push(`${s.fn?.name}:${s.loc?.line}`);
      at?.(run, lines.length - 1);
    }
    if (s.kind === 'end' || s.kind === 'error') {
      lines.push(s.kind);
      break;
    }
  }
  const mem = run.run.mem;
  const bytes = createHash('sha256').update(mem.bytes.subarray(0, mem.top)).digest('hex');
  return JSON.stringify({ lines, segments: run.segs, failures: run.failures, fault: run.fault, jiffies: run.jiffies, stops: run.stopCount, bytes });
}

/** C expressions over what is in scope at most stops of the close path, harmless and not. */
const ATOMS = ['sk', 'sk->state', 'sk->fin_seq', 'sk->shutdown', 'sk->rtt', 'sk->timer.expires', 'jiffies', 'TCP_CLOSE', 'TCP_TIME_WAIT', 'th', 'skb', 'len', '1', '0x10', "'a'", 'tcp_statistics.TcpOutSegs'];
const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(...ATOMS),
    fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^', '&&', '||', '==', '<', '!='), tie('e')).map(([a, o, b]) => `(${a} ${o} ${b})`),
    fc.tuple(fc.constantFrom(...ATOMS.slice(0, 7)), fc.constantFrom('=', '+=', '|=', '-='), tie('e')).map(([a, o, b]) => `${a} ${o} ${b}`),
    fc.tuple(fc.constantFrom('++', '--'), fc.constantFrom('jiffies', 'sk->state', 'len')).map(([o, a]) => `${o}${a}`),
    fc.constantFrom('del_timer(&sk->timer)', 'tcp_send_ack(sk->sent_seq, sk->acked_seq, sk, th, sk->daddr)', 'kfree_s(sk, sizeof(*sk))', 'printk("x")', 'tcp_set_state(sk, TCP_CLOSE)', 'memset(sk, 0, 4)', 'alloc_skb(10, 0)', 'reset_timer(sk, TIME_CLOSE, 10)'),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, b, c]) => `(${a} ? ${b} : ${c})`),
    tie('e').map((a) => `!(${a})`),
    tie('e').map((a) => `*(int *)&(${a})`),
  ),
})).e;

test('random expressions evaluated read-only at random stops, present and past, leave the release run as it was', async () => {
  const tally = new Tally('read-only evaluations on the release');
  for (const [k, file] of SCENARIOS.entries()) {
    const plain = drive((await loadReleaseRun({ scenarioPath: file })).run);
    const stops = JSON.parse(plain).lines.length - 1;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(stops - 1), expr, fc.nat(5)), { minLength: 1, maxLength: 6 }), async (probes) => {
        const { run } = await loadReleaseRun({ scenarioPath: file });
        const values = new Values(run.image.kernel, run.run, { heap: machineArena(run.image.kernel, () => run.run.mem) });
        const eval1 = (text: string) => {
          const top = run.machine.frames.length ? run.machine.stack()[0] : undefined;
          const frame = top ? run.machine.frames[run.machine.frames.length - 1] : null;
          try {
            evaluate(values, run.run, text, frame, top?.pc ?? 0);
            tally.add('evaluated');
          } catch (e) {
            if (!(e instanceof EvaluationError)) throw e;
            tally.add(/not allowed here/.test(e.message) ? 'refused: would change the run' : 'refused: other');
          }
        };
        const got = drive(run, (r, stop) => {
          for (const [at, text, back] of probes) {
            if (at !== stop) continue;
            eval1(text);
            // into the past, evaluate there, then back to the present
            const to = Math.max(0, r.stopIndex - back);
            if (back && to !== r.stopIndex) {
              const here = r.stopIndex;
              r.goto(to);
              eval1(text);
              r.goto(here);
            }
          }
        });
        assert.equal(got, plain);
      }),
      { numRuns: scaled(12), seed: SEED + k },
    );
  }
  console.log(`# ${[...tally.counts].map(([o, n]) => `${o}: ${n}`).join(', ')}`);
  assert.ok(tally.get('evaluated') > 0 && tally.get('refused: would change the run') > 0, 'both kinds were tried');
});
