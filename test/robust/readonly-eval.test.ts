// Read-only evaluation as a property of the engine (issue 12, High 1): random C expressions built
// from the kernel's own identifiers (locals, sk fields, constants, natives and kernel functions,
// assignments and increments), evaluated as hovers, watches and conditions are (the program's
// compileExpression, read-only) at random stops, in the present and in the past, leave the run
// exactly as a run without them: the same end state, segments, kernel log and history length.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadRun } from '../../src/host/load';
import { CError, ReadOnlyRefusal, type CFunction, type Frame } from '../../src/engine/code';
import { type CStruct, isInt, typeName } from '../../src/engine/ctypes';
import type { Run } from '../../src/engine/run';
import { NATIVE_EFFECTS } from '../../src/engine/world';
import { ROOT, SEED, Tally, scaled } from './common';

const SCENARIOS = ['lost-fin', 'passive-close', 'simultaneous-close', 'listen-close'].map((n) => join(ROOT, 'examples', `${n}.tcpscenario`));

/** Everything a run's outcome is made of: every socket's fields and timers, the wire, the log, the history. */
function fingerprint(run: Run): string {
  const w = run.world;
  const sockets = [...w.sockets.values()].map((info) => {
    const fields = info.sk.type.fields.filter((f) => isInt(f.type)).map((f) => [f.name, info.sk.f[f.index]]);
    const timers = (['timer', 'retransmit_timer'] as const).map((t) => {
      const tm = info.sk.get(t) as CStruct;
      return [t, w.timerPending(tm), w.timerExpires(tm)];
    });
    return [info.name, fields, timers, info.sent.length, info.drops.length, info.cursor[0]];
  });
  return JSON.stringify({
    sockets,
    segments: w.segments,
    inflight: w.inflight.map((d) => [d.arrival, d.seg.id, d.to]),
    printk: w.printk,
    failures: w.failures,
    jiffies: w.jiffies,
    stops: run.H.stopCount,
    writes: run.H.writeCount,
    at: run.H.currentStop,
    frames: run.machine.frames.length,
    pc: run.machine.pc,
  });
}

/** The vocabulary of the expressions: the kernel's names, as a hover or a condition would use them. */
function vocabulary(run: Run) {
  const prog = run.prog;
  const locals = new Set<string>();
  for (const f of prog.functions) for (const v of f.vars) locals.add(v.name);
  const sk = run.world.skType;
  const intFields = sk.fields.filter((f) => isInt(f.type)).map((f) => `sk->${f.name}`);
  const structFields = sk.fields.filter((f) => f.type.k === 'struct').map((f) => `&sk->${f.name}`);
  // arguments as the kernel passes them, by parameter type; anything else is a random expression
  const typical: Record<string, string[]> = {
    'struct timer_list *': ['&sk->timer', '&sk->retransmit_timer'],
    'struct sk_buff_head *': ['&sk->receive_queue', '&sk->write_queue', '&sk->back_log'].filter((e) => sk.byName.has(e.slice(5))),
    'struct sock *': ['sk'],
    'struct sk_buff *': ['skb', 'sk->partial'],
    'struct tcphdr *': ['th'],
    'char *': ['"%d\\n"'],
  };
  const fns = [...prog.fnByName.values()].map((f) => ({ name: f.name, native: f.kind === 'native', params: f.type.params.map((t) => typical[typeName(t)] ?? ['len', 'sk->rto', '0', '1']) }));
  const constants = [...prog.constants.keys()].filter((k) => /^(TCP_|TIME_|SEND_|RCV_)/.test(k));
  return { leaves: [...locals, ...intFields, ...structFields, ...constants, 'jiffies', 'skb->len', 'th->fin', 'sk->timer.data', '0', '1', '5', '300'], natives: fns.filter((f) => f.native), kernelFns: fns.filter((f) => !f.native) };
}

function expressions(v: ReturnType<typeof vocabulary>): fc.Arbitrary<string> {
  const { expr } = fc.letrec<{ expr: string; call: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(...v.leaves),
      tie('call'),
      tie('call'),
      fc.tuple(fc.constantFrom('!', '-', '~', '(unsigned long) ', '(struct sock *) '), tie('expr')).map(([op, e]) => `${op}(${e})`),
      fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/', '&&', '||', '==', '!=', '<', '>=', '&', '|', '<<', '>>'), tie('expr')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
      fc.tuple(fc.constantFrom(...v.leaves), fc.constantFrom('=', '+=', '|='), tie('expr')).map(([a, op, b]) => `${a} ${op} ${b}`),
      fc.tuple(fc.constantFrom('++', '--'), fc.constantFrom(...v.leaves)).map(([op, a]) => `${op}${a}`),
      fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([c, a, b]) => `(${c}) ? (${a}) : (${b})`),
    ),
    call: fc
      .tuple(fc.constantFrom(...v.natives, ...v.natives, ...v.natives, ...v.kernelFns), fc.array(fc.oneof(fc.constant(''), tie('expr')), { maxLength: 5 }), fc.array(fc.nat(), { minLength: 5, maxLength: 5 }))
      .map(([f, random, picks]) => `${f.name}(${f.params.map((pool, i) => random[i] || pool[picks[i] % pool.length]).join(', ')})`),
  }));
  return expr;
}

/** One hover/watch/condition evaluation as the adapter makes it: compile read-only, evaluate, read the place. */
function evaluateAt(run: Run, text: string, tally: Tally): void {
  const top = run.machine.top;
  const fn: CFunction | null = top ? top.fn : null;
  const frame: Frame = top ?? { fn: null as unknown as CFunction, s: [] };
  const before = fingerprint(run);
  try {
    const c = run.prog.compileExpression!(text, fn, top ? run.machine.pc : 0, false);
    c.ev(frame);
    c.lvalue?.cells(frame);
    tally.add('evaluated');
  } catch (e) {
    if (e instanceof ReadOnlyRefusal) tally.add('refused');
    else if (e instanceof CError) tally.add('error');
    else throw new Error(`'${text}' threw something other than a CError: ${(e as Error).stack}`);
  }
  assert.equal(fingerprint(run), before, `evaluating '${text}' changed the run`);
}

interface Plan {
  scenario: number;
  /** per step of the run: evaluations to make there, and how far back to go to make more */
  visits: { at: number; exprs: string[]; back: number; pastExprs: string[] }[];
}

test('random read-only evaluations at random stops leave the run exactly as a run without them', async () => {
  const runs = await Promise.all(SCENARIOS.map((s) => loadRun({ scenarioPath: s })));
  const ends = runs.map((r) => {
    r.runFast();
    return fingerprint(r);
  });
  const vocab = vocabulary(runs[0]);
  const expr = expressions(vocab);
  const tally = new Tally('read-only evaluations');
  const plan: fc.Arbitrary<Plan> = fc.record({
    scenario: fc.nat({ max: SCENARIOS.length - 1 }),
    visits: fc.array(
      fc.record({
        at: fc.nat({ max: 400 }),
        exprs: fc.array(expr, { minLength: 1, maxLength: 4 }),
        back: fc.nat({ max: 30 }),
        pastExprs: fc.array(expr, { maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  });
  await fc.assert(
    fc.asyncProperty(plan, async (p) => {
      const run = await loadRun({ scenarioPath: SCENARIOS[p.scenario] });
      try {
        const visits = [...p.visits].sort((a, b) => a.at - b.at);
        for (const v of visits) {
          while (run.stopIndex < v.at && !run.finished) run.forward();
          for (const e of v.exprs) evaluateAt(run, e, tally);
          // in the past too: going back, evaluating and coming back changes nothing either
          const here = run.stopIndex;
          run.goto(Math.max(0, here - v.back));
          for (const e of v.pastExprs) evaluateAt(run, e, tally);
          run.goto(here);
        }
        run.runFast();
        assert.equal(fingerprint(run), ends[p.scenario]);
      } finally {
        run.dispose();
      }
    }),
    { numRuns: scaled(30), seed: SEED },
  );
  tally.print();
  assert.ok(tally.get('evaluated') > 0 && tally.get('refused') > 0, 'the expressions reach both outcomes');
  for (const r of runs) r.dispose();
});

test('every impure native, called in a read-only evaluation, is refused by name and changes nothing', async () => {
  const run = await loadRun({ scenarioPath: SCENARIOS[0] });
  run.runFast(200);
  const top = run.machine.top!;
  assert.ok(top, 'stopped inside kernel C');
  const world = new Set(run.world.natives().keys());
  assert.deepEqual([...world].sort(), Object.keys(NATIVE_EFFECTS).sort(), 'every native of the world declares whether it is pure');
  for (const [name, effect] of Object.entries(NATIVE_EFFECTS)) {
    const f = run.prog.fnByName.get(name);
    if (!f) continue;
    const args = f.type.params.map((t) => (t.k === 'ptr' ? ({ 'struct sk_buff_head *': '&sk->receive_queue', 'struct timer_list *': '&sk->timer', 'struct sk_buff *': 'sk->partial' }[typeName(t)] ?? 'sk') : '0'));
    const text = `${name}(${args.join(', ')})`;
    const before = fingerprint(run);
    if (effect === null) {
      run.prog.compileExpression!(text, top.fn, run.machine.pc, false).ev(top);
    } else {
      assert.throws(() => run.prog.compileExpression!(text, top.fn, run.machine.pc, false), (e: unknown) => e instanceof ReadOnlyRefusal && e.detail.startsWith(`${name}() is not allowed here: it ${effect}`));
    }
    assert.equal(fingerprint(run), before, text);
  }
  run.dispose();
});
