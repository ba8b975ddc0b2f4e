// Kernel C mutations: the shipped tcp.c with small edits (a statement deleted or duplicated, two
// case labels swapped, an operator changed, a number made huge, an endless loop added, a call to
// an unknown function, a preprocessor line, a token deleted, the file truncated). Each mutant is
// written beside a copy of tcp.h and loaded as `--kernel` would load it, with one of the examples:
// it either runs (to the end, to a fault, or to the step budget for an endless loop) or is refused
// with file:line:col messages that name the mutated file and a line inside it. Never an exception.
//
// Run: node --import tsx --test test/robust/kernel-mutations.test.ts   (FUZZ_SCALE, FUZZ_SEED)

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRun } from '../../src/host/load';
import { nodeCParser } from '../../src/host/node';
import { RunSetupError, type Run } from '../../src/engine/run';
import type { CParse } from '../../src/engine/compile';
import { ROOT, SEED, Tally, pick, rng, scaled } from './common';

const KERNEL = join(ROOT, 'src', 'kernel', 'tcp.c');
const HEADER = join(ROOT, 'src', 'kernel', 'tcp.h');
const SHIPPED = readFileSync(KERNEL, 'utf8');
// the mutants are of the reduced port: its examples are those written for it (examples/ teach the release)
const REDUCED_EXAMPLES = join(ROOT, 'test', 'fixtures', 'reduced-examples');
const EXAMPLES = readdirSync(REDUCED_EXAMPLES)
  .filter((f) => f.endsWith('.tcpscenario'))
  .sort()
  .map((f) => join(REDUCED_EXAMPLES, f));
const BUDGET = 20_000;
/** a run ends at its scenario's last event; a mutant that makes segments bounce (before() without its return) takes half a million stops to get there */
const MAX_STOPS = 2_000_000;

let dir: string;
let MAIN: string;
let parse: CParse;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tcp-mutants-'));
  MAIN = join(dir, 'tcp.c');
  copyFileSync(HEADER, join(dir, 'tcp.h'));
  parse = await nodeCParser();
});

after(() => rmSync(dir, { recursive: true, force: true }));

// ---- where mutations apply: found once with tree-sitter in the shipped source ----

interface Span {
  start: number;
  end: number;
}
interface Targets {
  statements: Span[];
  /** the `{` of each function body (insert after it) and the function's name */
  bodies: { at: number; name: string }[];
  /** groups of case values of one switch */
  caseGroups: Span[][];
  operators: (Span & { op: string })[];
  numbers: Span[];
  identifiers: Span[];
  tokens: Span[];
}

function targets(text: string): Targets {
  const tree = parse(text);
  const t: Targets = { statements: [], bodies: [], caseGroups: [], operators: [], numbers: [], identifiers: [], tokens: [] };
  const STATEMENTS = new Set(['expression_statement', 'return_statement', 'if_statement', 'while_statement', 'for_statement', 'do_statement', 'break_statement', 'continue_statement', 'switch_statement', 'declaration']);
  let inBody = 0;
  const visit = (n: any) => {
    const span = { start: n.startIndex, end: n.endIndex };
    if (n.type === 'function_definition') {
      const body = n.childForFieldName('body');
      const decl = n.childForFieldName('declarator');
      const name = /([A-Za-z_]\w*)\s*\(/.exec(decl?.text ?? '')?.[1] ?? '?';
      if (body) t.bodies.push({ at: body.startIndex + 1, name });
    }
    if (n.type === 'compound_statement') inBody++;
    if (inBody && STATEMENTS.has(n.type)) t.statements.push(span);
    if (n.type === 'switch_statement') {
      const cases = (n.childForFieldName('body')?.namedChildren ?? []).filter((c: any) => c.type === 'case_statement').map((c: any) => c.childForFieldName('value')).filter(Boolean);
      if (cases.length >= 2) t.caseGroups.push(cases.map((v: any) => ({ start: v.startIndex, end: v.endIndex })));
    }
    if (inBody && ['binary_expression', 'assignment_expression', 'unary_expression', 'update_expression'].includes(n.type)) {
      const op = n.childForFieldName('operator');
      if (op) t.operators.push({ start: op.startIndex, end: op.endIndex, op: op.text });
    }
    if (inBody && n.type === 'number_literal') t.numbers.push(span);
    if (inBody && (n.type === 'identifier' || n.type === 'field_identifier')) t.identifiers.push(span);
    if (n.childCount === 0 && n.type !== 'comment') t.tokens.push(span);
    for (let i = 0; i < n.childCount; i++) visit(n.child(i));
    if (n.type === 'compound_statement') inBody--;
  };
  visit(tree.rootNode);
  tree.delete();
  return t;
}

// ---- the mutations ----

const OPERATORS = ['==', '!=', '<', '>', '<=', '>=', '+', '-', '*', '/', '%', '&&', '||', '&', '|', '^', '<<', '>>', '=', '+=', '-=', '|=', '&=', '!', '~', '++', '--'];
const HUGE = ['0', '-1', '4294967295', '4294967296', '0x7fffffff', '0x80000000', '99999999999999999999', '0xffffffffffffffff', '1.5', "'x'"];
const LOOPS = ['while (1) ;', 'for (;;) { }', 'do { } while (1);', 'while (sk == sk) sk->rto++;', 'for (;;) continue;'];
const PREPROC = ['#include "tcp.c"', '#include "tcp.h"', '#include "no_such.h"', '#include <linux/tcp.h>', '#if 0', '#endif', '#define tcp_fin(a, b, c) tcp_fin(a, b, c)', '#define TCP_CLOSE TCP_CLOSE', '#define SHUTDOWN_MASK (SHUTDOWN_MASK + 1)', '#undef HZ', '#pragma once', '#define reset_timer(x,y,z) reset_timer(z,y,x)', '#ifdef X\n#else\n#else\n#endif'];
const JUNK = ['@', '$', '`', '"', "'", '\\', '/*', '*/', '{', '}', '(', ')', ';', 'goto out;', 'int a[3];', 'sizeof(int)', 'typedef int t;', '&sk->state', '\u0000', '\u00e9'];

export type Kind = 'deleteStatement' | 'duplicateStatement' | 'swapCases' | 'changeOperator' | 'hugeNumber' | 'endlessLoop' | 'unknownCall' | 'renameIdentifier' | 'preprocessor' | 'deleteToken' | 'insertJunk' | 'truncate';
const KINDS: Kind[] = ['deleteStatement', 'deleteStatement', 'duplicateStatement', 'swapCases', 'changeOperator', 'changeOperator', 'hugeNumber', 'endlessLoop', 'unknownCall', 'renameIdentifier', 'preprocessor', 'deleteToken', 'insertJunk', 'truncate'];

interface Mutant {
  kind: Kind;
  text: string;
  /** 1-based line of the edit in the mutated text */
  line: number;
  what: string;
  /** for unknownCall: the function's name; for endlessLoop: the function looped in */
  name?: string;
}

const lineOf = (text: string, at: number) => text.slice(0, at).split('\n').length;
const splice = (s: string, sp: Span, by: string) => s.slice(0, sp.start) + by + s.slice(sp.end);

function mutant(T: Targets, r: () => number, kind: Kind, serial: number): Mutant {
  const s = SHIPPED;
  const at = (sp: Span, by: string, what: string, name?: string): Mutant => ({ kind, text: splice(s, sp, by), line: lineOf(s, sp.start), what, name });
  switch (kind) {
    case 'deleteStatement': {
      const sp = pick(r, T.statements);
      return at(sp, '', `deleted '${s.slice(sp.start, sp.end).split('\n')[0].slice(0, 50)}'`);
    }
    case 'duplicateStatement': {
      const sp = pick(r, T.statements);
      const st = s.slice(sp.start, sp.end);
      return at(sp, `${st} ${st}`, `duplicated '${st.split('\n')[0].slice(0, 50)}'`);
    }
    case 'swapCases': {
      const g = pick(r, T.caseGroups);
      const i = Math.floor(r() * g.length);
      let j = Math.floor(r() * (g.length - 1));
      if (j >= i) j++;
      const [a, b] = i < j ? [g[i], g[j]] : [g[j], g[i]];
      const ta = s.slice(a.start, a.end);
      const tb = s.slice(b.start, b.end);
      const text = s.slice(0, a.start) + tb + s.slice(a.end, b.start) + ta + s.slice(b.end);
      return { kind, text, line: lineOf(s, a.start), what: `swapped case ${ta} and case ${tb}` };
    }
    case 'changeOperator': {
      const o = pick(r, T.operators);
      const by = pick(r, OPERATORS.filter((x) => x !== o.op));
      return at(o, by, `'${o.op}' -> '${by}'`);
    }
    case 'hugeNumber': {
      const sp = pick(r, T.numbers);
      const by = pick(r, HUGE);
      return at(sp, by, `${s.slice(sp.start, sp.end)} -> ${by}`);
    }
    case 'endlessLoop': {
      const b = pick(r, T.bodies);
      const loop = pick(r, LOOPS);
      return { ...at({ start: b.at, end: b.at }, ` ${loop} `, `'${loop}' at the start of ${b.name}()`, b.name) };
    }
    case 'unknownCall': {
      const sp = pick(r, T.statements);
      const name = `no_such_function_${serial}`;
      return at({ start: sp.start, end: sp.start }, `${name}(sk); `, `call of ${name}()`, name);
    }
    case 'renameIdentifier': {
      const sp = pick(r, T.identifiers);
      const id = s.slice(sp.start, sp.end);
      return at(sp, `${id}_x`, `renamed ${id}`);
    }
    case 'preprocessor': {
      // at the start of a line outside any function: before a top-level function
      const b = pick(r, T.bodies);
      const lineStart = s.lastIndexOf('\n', s.lastIndexOf('\n', b.at - 1) - 1) + 1;
      const d = pick(r, PREPROC);
      return at({ start: lineStart, end: lineStart }, `${d}\n`, `inserted '${d.replace(/\n/g, '\\n')}'`);
    }
    case 'deleteToken': {
      const sp = pick(r, T.tokens);
      return at(sp, '', `deleted token '${s.slice(sp.start, sp.end)}'`);
    }
    case 'insertJunk': {
      const sp = pick(r, T.tokens);
      const j = pick(r, JUNK);
      return at({ start: sp.start, end: sp.start }, j, `inserted '${JSON.stringify(j)}'`);
    }
    case 'truncate': {
      const n = Math.floor(r() * s.length);
      return { kind, text: s.slice(0, n), line: lineOf(s, n), what: `truncated at offset ${n}` };
    }
  }
}

// ---- running one mutant ----

type Outcome = 'refused' | 'refused(scenario)' | 'ran' | 'ran(expectation failed)' | 'fault-stop' | 'budget-stop';

function lineCount(text: string): number {
  return text.split('\n').length;
}

/** Loads the mutant with a scenario and runs it; asserts the contract; returns the outcome. */
async function tryMutant(m: Mutant, scenario: string): Promise<{ outcome: Outcome; messages: string[] }> {
  writeFileSync(MAIN, m.text);
  const ctx = () => `mutant (${m.kind}: ${m.what}, line ${m.line}) with ${scenario}`;
  let run: Run;
  try {
    run = await loadRun({ scenarioPath: scenario, kernelPath: MAIN, stepBudget: BUDGET });
  } catch (e) {
    assert.ok(e instanceof RunSetupError, `${ctx()}: an exception escaped loadRun: ${(e as Error)?.stack ?? e}`);
    const messages = e.message.split('\n');
    if (!e.kernelErrors.length) {
      // the kernel compiled but lacks what the scenario needs (a handler, a called function)
      assert.ok(e.diagnostics.length > 0, `${ctx()}: refused without any message`);
      for (const d of e.diagnostics) {
        assert.equal(d.file, scenario, `${ctx()}: ${d.message}`);
        assert.ok(d.range.start.line >= 1 && d.range.start.column >= 1, `${ctx()}: ${d.message}`);
      }
      return { outcome: 'refused(scenario)', messages };
    }
    const files = new Map([
      [MAIN, lineCount(m.text)],
      [join(dir, 'tcp.h'), lineCount(readFileSync(HEADER, 'utf8'))],
    ]);
    assert.ok(
      e.kernelErrors.some((k) => k.loc.file === MAIN),
      `${ctx()}: no error names the mutated file:\n${e.message}`,
    );
    for (const k of e.kernelErrors) {
      const n = files.get(k.loc.file);
      assert.ok(n !== undefined, `${ctx()}: error in an unexpected file: ${k.message}`);
      assert.ok(k.loc.line >= 1 && k.loc.line <= n + 1, `${ctx()}: line ${k.loc.line} outside 1..${n + 1}: ${k.message}`);
      assert.ok(k.loc.column >= 1, `${ctx()}: column ${k.loc.column}: ${k.message}`);
      assert.ok(k.message.startsWith(`${k.loc.file}:${k.loc.line}:${k.loc.column}: `), `${ctx()}: ${k.message}`);
      assert.ok(k.detail.trim().length > 0 && !/internal error|undefined|\[object/i.test(k.detail.replace(/call to undefined function/, '')), `${ctx()}: unclear message: ${k.message}`);
    }
    return { outcome: 'refused', messages };
  }
  try {
    let stop = run.stopInfo(run.stopIndex);
    let n = 0;
    let failures = 0;
    while (stop.kind !== 'end' && stop.kind !== 'error' && n < MAX_STOPS) {
      stop = run.forward();
      n++;
      if (stop.kind === 'failure') failures++;
      // (the budget stop counts the statement it refuses to run: budget + 1)
      if (stop.kind !== 'error') assert.ok(run.machine.statements <= BUDGET, `${ctx()}: ${run.machine.statements} statements in one chain`);
    }
    assert.ok(n < MAX_STOPS, `${ctx()}: no end after ${MAX_STOPS} stops`);
    if (stop.kind === 'error') {
      const msg = stop.message ?? '';
      assert.ok(msg.trim(), `${ctx()}: an error stop without a message`);
      assert.ok(!/internal error/.test(msg), `${ctx()}: ${msg}`);
      const loc = stop.errorLoc!;
      assert.ok(loc, `${ctx()}: an error stop without a place: ${msg}`);
      assert.ok([MAIN, join(dir, 'tcp.h'), scenario].includes(loc.file), `${ctx()}: error in ${loc.file}: ${msg}`);
      if (loc.file === MAIN) assert.ok(loc.line >= 1 && loc.line <= lineCount(m.text), `${ctx()}: line ${loc.line}: ${msg}`);
      if (/step budget/.test(msg)) {
        assert.match(msg, new RegExp(`step budget of ${BUDGET} statements`), ctx());
        return { outcome: 'budget-stop', messages: [msg] };
      }
      return { outcome: 'fault-stop', messages: [msg] };
    }
    return { outcome: failures ? 'ran(expectation failed)' : 'ran', messages: [] };
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    assert.fail(`${ctx()}: an exception escaped the run: ${(e as Error)?.stack ?? e}`);
  } finally {
    run.dispose();
  }
}

test('thousands of small edits of tcp.c: each runs, stops at a fault or the budget, or is refused with file:line:col', async () => {
  const T = targets(SHIPPED);
  assert.ok(T.statements.length > 300 && T.caseGroups.length > 3 && T.operators.length > 100, 'the shipped kernel has the expected shape');
  const r = rng(SEED);
  const count = scaled(700);
  const tally = new Tally('kernel mutants');
  const byKind = new Map<Kind, Tally>();
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length];
    const m = mutant(T, r, kind, i);
    const { outcome } = await tryMutant(m, EXAMPLES[Math.floor(r() * EXAMPLES.length)]);
    tally.add(outcome);
    if (!byKind.has(kind)) byKind.set(kind, new Tally(`  ${kind}`));
    byKind.get(kind)!.add(outcome);
  }
  tally.print();
  for (const t of byKind.values()) t.print();
  assert.equal(tally.total, count);
  assert.ok(tally.get('refused') > 0 && tally.get('ran') + tally.get('ran(expectation failed)') > 0 && tally.get('budget-stop') > 0);
});

test('an endless loop in any function the passive close runs stops at the step budget, in that function', async () => {
  const T = targets(SHIPPED);
  const passive = join(REDUCED_EXAMPLES, 'passive-close.tcpscenario');
  const tally = new Tally('endless loops (passive close)');
  for (const name of ['tcp_rcv', 'tcp_ack', 'tcp_data', 'tcp_fin', 'tcp_set_state', 'inet_release', 'tcp_close', 'tcp_close_state', 'tcp_send_fin', 'release_sock']) {
    for (const loop of LOOPS) {
      const b = T.bodies.find((x) => x.name === name);
      assert.ok(b, `no function ${name}`);
      const text = SHIPPED.slice(0, b.at) + ` ${loop} ` + SHIPPED.slice(b.at);
      const m: Mutant = { kind: 'endlessLoop', text, line: lineOf(SHIPPED, b.at), what: `'${loop}' in ${name}()`, name };
      const { outcome, messages } = await tryMutant(m, passive);
      tally.add(outcome);
      assert.equal(outcome, 'budget-stop', `${m.what}: ${outcome} ${messages.join(' ')}`);
      assert.match(messages[0], new RegExp(`used up in ${name}\\(\\)`));
    }
  }
  tally.print();
});

test('a call of an unknown function is refused at the line and column of the call', async () => {
  const T = targets(SHIPPED);
  const r = rng(SEED + 7);
  const tally = new Tally('unknown calls');
  for (let i = 0; i < scaled(40); i++) {
    const sp = pick(r, T.statements);
    const name = `no_such_function_${i}`;
    const text = splice(SHIPPED, { start: sp.start, end: sp.start }, `${name}(sk); `);
    const line = lineOf(SHIPPED, sp.start);
    const column = sp.start - SHIPPED.lastIndexOf('\n', sp.start - 1);
    const { outcome, messages } = await tryMutant({ kind: 'unknownCall', text, line, what: name, name }, EXAMPLES[i % EXAMPLES.length]);
    tally.add(outcome);
    assert.equal(outcome, 'refused', `${name} at ${line}:${column}`);
    assert.ok(messages.includes(`${MAIN}:${line}:${column}: call to undefined function '${name}'`), `${name} at ${line}:${column}: ${messages.join('\n')}`);
  }
  tally.print();
});

test('regression: a kernel that includes itself is refused at the #include, not with an exception', async () => {
  // before the fix: Error('#include nested too deeply at …/tcp.h') escaped loadRun
  const lines = SHIPPED.split('\n');
  const at = lines.findIndex((l) => l.startsWith('#include "tcp.h"'));
  assert.ok(at >= 0);
  lines.splice(at + 1, 0, '#include "tcp.c"');
  const { outcome, messages } = await tryMutant({ kind: 'preprocessor', text: lines.join('\n'), line: at + 2, what: 'self-include' }, join(REDUCED_EXAMPLES, 'passive-close.tcpscenario'));
  assert.equal(outcome, 'refused');
  assert.ok(messages.some((m) => m.startsWith(`${MAIN}:${at + 2}:10: `) && /nested too deeply/.test(m)), messages.join('\n'));
});

// ---- statement deletions the examples' expectations do not notice ----
//
// Deleting one statement of tcp.c often leaves every example's `expect` and `>` lines holding (a
// statement on a path no example takes, or whose effect no example looks at). Each entry below is
// such a survivor of the examples: either a scenario written for it, which holds on the shipped
// kernel and fails on the mutant, or the reason why no scenario can notice it (an equivalent mutant).

interface Survivor {
  fn: string;
  /** the statement deleted, as the shipped source has it (found once inside `fn`) */
  statement: string;
  scenario?: string;
  equivalent?: string;
}

const SURVIVORS: Survivor[] = [
  {
    fn: 'tcp_std_reset',
    statement: 'sk->err = ECONNRESET;',
    // a reset on an established connection: the error a read() would then return
    scenario: ['socket server TCP_ESTABLISHED write_seq=5000 acked_seq=1000', '0      server < R. seq=1000 ack=5000', '+0     expect server state=TCP_CLOSE err=ECONNRESET zapped=1', ''].join('\n'),
  },
  {
    fn: 'tcp_rcv',
    statement: 'sk->err=ECONNRESET;',
    // the BSD time wait: a new SYN for a dead socket in TIME_WAIT closes it with ECONNRESET
    scenario: ['socket old TCP_TIME_WAIT dead=1 write_seq=5000 acked_seq=1000', '0      old < S seq=2000 ack=0', '+0     expect old state=TCP_CLOSE err=ECONNRESET shutdown=SHUTDOWN_MASK', ''].join('\n'),
  },
  {
    fn: 'tcp_set_state',
    statement: 'if(sk->state==TCP_ESTABLISHED)\n\t\ttcp_statistics.TcpCurrEstab--;',
    equivalent: 'it only counts for SNMP (tcp_statistics.TcpCurrEstab): nothing in the kernel reads the counter, and a scenario can expect only struct sock fields and segments',
  },
  {
    fn: 'tcp_send_skb',
    statement: 'tcp_statistics.TcpOutSegs++;',
    equivalent: 'an SNMP counter as above: written, never read',
  },
];

/** Runs a scenario on a kernel text; the failed expectations and faults, as messages. */
async function problems(kernelText: string, scenarioText: string): Promise<string[]> {
  writeFileSync(MAIN, kernelText);
  const run = await loadRun({ scenarioPath: join(dir, 'survivor.tcpscenario'), scenarioText, kernelPath: MAIN, stepBudget: BUDGET });
  try {
    const out: string[] = [];
    let stop = run.stopInfo(run.stopIndex);
    for (let n = 0; stop.kind !== 'end' && stop.kind !== 'error'; n++) {
      assert.ok(n < MAX_STOPS, 'the scenario did not end');
      stop = run.forward();
      if (stop.kind === 'failure' || stop.kind === 'error') out.push(stop.message ?? stop.kind);
    }
    return out;
  } finally {
    run.dispose();
  }
}

test('statement deletions the examples miss: a scenario notices each one, or the test says why none can', async () => {
  const T = targets(SHIPPED);
  const fnOf = (at: number) => [...T.bodies].reverse().find((b) => b.at <= at)?.name;
  for (const s of SURVIVORS) {
    const hits = [...SHIPPED.matchAll(new RegExp(s.statement.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'))].filter((m) => fnOf(m.index!) === s.fn);
    assert.equal(hits.length, 1, `'${s.statement}' is not found once in ${s.fn}() any more: update this list`);
    const at = hits[0].index!;
    const mutantText = SHIPPED.slice(0, at) + SHIPPED.slice(at + s.statement.length);
    if (s.equivalent) {
      // equivalent: every example still holds without it (so the entry stays true as tcp.c changes)
      for (const ex of EXAMPLES) assert.deepEqual(await problems(mutantText, readFileSync(ex, 'utf8')), [], `${s.fn}: without '${s.statement}', ${ex}`);
      continue;
    }
    assert.deepEqual(await problems(SHIPPED, s.scenario!), [], `${s.fn}: the scenario fails on the shipped kernel`);
    const seen = await problems(mutantText, s.scenario!);
    assert.ok(seen.length > 0, `${s.fn}: deleting '${s.statement}' goes unnoticed by its scenario`);
  }
});
