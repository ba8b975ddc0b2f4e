// Kernel C mutations on the release: the unmodified 1.2.13 tcp.c with small edits (a statement
// deleted or duplicated, two case labels swapped, an operator changed, a number made huge, an
// endless loop added, a call to an unknown function, a preprocessor line, a token deleted, junk
// inserted, the file truncated), each loaded as an edited copy is (`--kernel`, `kernelSource`:
// tcp.c in a folder of its own, the release's headers found past it) with one of the examples. It
// either runs (to the end, to a fault, or to the step budget for an endless loop) or is refused
// with file:line:col messages that name a file and a line inside it. Never an exception.
//
// Run: node --import tsx --test test/robust/kernel-mutations.test.ts   (FUZZ_SCALE, FUZZ_SEED)

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReleaseRun } from '../../src/host/load';
import { nodeCParser } from '../../src/host/node';
import { RunSetupError } from '../../src/engine/setup';
import type { ReleaseRun } from '../../src/engine/release/run';
import { ROOT, SEED, Tally, pick, rng, scaled } from './common';

const SHIPPED_PATH = join(ROOT, 'src', 'kernel', 'linux-1.2.13', 'net', 'inet', 'tcp.c');
const SHIPPED = readFileSync(SHIPPED_PATH, 'latin1');
const EXAMPLES = ['passive-close', 'active-close', 'lost-fin', 'simultaneous-close', 'four-way'].map((n) => join(ROOT, 'examples', `${n}.tcpscenario`));
const BUDGET = 50_000;
const MAX_STOPS = 2_000_000;

let dir: string;
let MAIN: string;
let parse: Awaited<ReturnType<typeof nodeCParser>>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tcp-release-mutants-'));
  MAIN = join(dir, 'tcp.c');
  parse = await nodeCParser();
});

after(() => rmSync(dir, { recursive: true, force: true }));

interface Span {
  start: number;
  end: number;
}
interface Targets {
  statements: Span[];
  bodies: { at: number; name: string }[];
  caseGroups: Span[][];
  operators: (Span & { op: string })[];
  numbers: Span[];
  identifiers: Span[];
  tokens: Span[];
}

/** Where mutations apply, found with tree-sitter in the release's own tcp.c (before preprocessing). */
function targets(text: string): Targets {
  const tree = parse(text);
  const t: Targets = { statements: [], bodies: [], caseGroups: [], operators: [], numbers: [], identifiers: [], tokens: [] };
  const STATEMENTS = new Set(['expression_statement', 'return_statement', 'if_statement', 'while_statement', 'for_statement', 'do_statement', 'break_statement', 'continue_statement', 'switch_statement', 'declaration']);
  let inBody = 0;
  const visit = (n: any) => {
    const span = { start: n.startIndex, end: n.endIndex };
    if (n.type === 'function_definition') {
      const body = n.childForFieldName('body');
      const name = /([A-Za-z_]\w*)\s*\(/.exec(n.childForFieldName('declarator')?.text ?? '')?.[1] ?? '?';
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

const OPERATORS = ['==', '!=', '<', '>', '<=', '>=', '+', '-', '*', '/', '%', '&&', '||', '&', '|', '^', '<<', '>>', '=', '+=', '-=', '|=', '&=', '!', '~', '++', '--'];
const HUGE = ['0', '-1', '4294967295', '4294967296', '0x7fffffff', '0x80000000', '99999999999999999999', '0xffffffffffffffff', '1.5', "'x'"];
const LOOPS = ['while (1) ;', 'for (;;) { }', 'do { } while (1);', 'for (;;) continue;'];
const PREPROC = ['#include "tcp.c"', '#include "no_such.h"', '#include <linux/tcp.h>', '#if 0', '#endif', '#define TCP_CLOSE TCP_CLOSE', '#undef HZ', '#pragma once', '#ifdef X\n#else\n#else\n#endif', '#error mutated'];
const JUNK = ['@', '$', '`', '"', "'", '\\', '/*', '*/', '{', '}', '(', ')', ';', 'goto out;', 'int a[3];', 'sizeof(int)', 'typedef int t;', '&sk->state', '\u0000', '\u00e9'];

type Kind = 'deleteStatement' | 'duplicateStatement' | 'swapCases' | 'changeOperator' | 'hugeNumber' | 'endlessLoop' | 'unknownCall' | 'renameIdentifier' | 'preprocessor' | 'deleteToken' | 'insertJunk' | 'truncate';
const KINDS: Kind[] = ['deleteStatement', 'deleteStatement', 'duplicateStatement', 'swapCases', 'changeOperator', 'changeOperator', 'hugeNumber', 'endlessLoop', 'unknownCall', 'renameIdentifier', 'preprocessor', 'deleteToken', 'insertJunk', 'truncate'];

interface Mutant {
  kind: Kind;
  text: string;
  line: number;
  what: string;
}

const lineOf = (text: string, at: number) => text.slice(0, at).split('\n').length;
const splice = (s: string, sp: Span, by: string) => s.slice(0, sp.start) + by + s.slice(sp.end);

function mutant(T: Targets, r: () => number, kind: Kind, serial: number): Mutant {
  const s = SHIPPED;
  const at = (sp: Span, by: string, what: string): Mutant => ({ kind, text: splice(s, sp, by), line: lineOf(s, sp.start), what });
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
      return { kind, text: s.slice(0, a.start) + tb + s.slice(a.end, b.start) + ta + s.slice(b.end), line: lineOf(s, a.start), what: `swapped case ${ta} and case ${tb}` };
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
      return at({ start: b.at, end: b.at }, ` ${loop} `, `'${loop}' at the start of ${b.name}()`);
    }
    case 'unknownCall': {
      const sp = pick(r, T.statements);
      const name = `no_such_function_${serial}`;
      return at({ start: sp.start, end: sp.start }, `${name}(sk); `, `call of ${name}()`);
    }
    case 'renameIdentifier': {
      const sp = pick(r, T.identifiers);
      return at(sp, `${s.slice(sp.start, sp.end)}_x`, `renamed ${s.slice(sp.start, sp.end)}`);
    }
    case 'preprocessor': {
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

type Outcome = 'refused' | 'refused(scenario)' | 'ran' | 'ran(expectation failed)' | 'fault-stop' | 'budget-stop';

/** Loads the mutant with a scenario and runs it; asserts the contract; returns the outcome. */
async function tryMutant(m: Mutant, scenario: string): Promise<{ outcome: Outcome; messages: string[] }> {
  writeFileSync(MAIN, m.text, 'latin1');
  const ctx = () => `mutant (${m.kind}: ${m.what}, line ${m.line}) with ${scenario}`;
  let run: ReleaseRun;
  try {
    run = (await loadReleaseRun({ scenarioPath: scenario, kernelPath: MAIN, stepBudget: BUDGET })).run;
  } catch (e) {
    assert.ok(e instanceof RunSetupError, `${ctx()}: an exception escaped the load: ${(e as Error)?.stack ?? e}`);
    const messages = e.message.split('\n');
    assert.ok(e.diagnostics.length + e.kernelErrors.length > 0, `${ctx()}: refused without any message`);
    for (const d of e.diagnostics) assert.ok(d.range.start.line >= 1 && d.range.start.column >= 1 && d.message.trim(), `${ctx()}: ${d.file}: ${d.message}`);
    if (!e.kernelErrors.length) return { outcome: 'refused(scenario)', messages };
    for (const k of e.kernelErrors) {
      assert.ok(k.loc.line >= 1 && k.loc.column >= 1, `${ctx()}: ${k.message}`);
      if (k.loc.file === MAIN) assert.ok(k.loc.line <= m.text.split('\n').length + 1, `${ctx()}: line ${k.loc.line} past the end: ${k.message}`);
      assert.ok(k.message.startsWith(`${k.loc.file}:${k.loc.line}:${k.loc.column}: `), `${ctx()}: ${k.message}`);
      assert.ok(k.detail.trim().length > 0 && !/internal error|\[object/i.test(k.detail), `${ctx()}: unclear message: ${k.message}`);
    }
    return { outcome: 'refused', messages };
  }
  let stop = run.forward();
  let n = 0;
  let failures = 0;
  try {
    while (stop.kind !== 'end' && stop.kind !== 'error' && n < MAX_STOPS) {
      if (stop.kind === 'failure') failures++;
      stop = run.forward();
      n++;
    }
  } catch (e) {
    assert.fail(`${ctx()}: an exception escaped the run: ${(e as Error)?.stack ?? e}`);
  }
  assert.ok(n < MAX_STOPS, `${ctx()}: no end after ${MAX_STOPS} stops`);
  if (stop.kind === 'error') {
    const msg = stop.message ?? '';
    assert.ok(msg.trim(), `${ctx()}: an error stop without a message`);
    assert.ok(!/internal error/.test(msg), `${ctx()}: ${msg}`);
    assert.ok(stop.loc, `${ctx()}: an error stop without a place: ${msg}`);
    if (stop.loc.file === MAIN) assert.ok(stop.loc.line >= 1 && stop.loc.line <= m.text.split('\n').length, `${ctx()}: line ${stop.loc.line}: ${msg}`);
    if (/step budget/.test(msg)) return { outcome: 'budget-stop', messages: [msg] };
    return { outcome: 'fault-stop', messages: [msg] };
  }
  return { outcome: failures ? 'ran(expectation failed)' : 'ran', messages: [] };
}

test('small edits of the release tcp.c: each runs, stops at a fault or the budget, or is refused with file:line:col', async () => {
  const T = targets(SHIPPED);
  assert.ok(T.statements.length > 1000 && T.caseGroups.length > 3 && T.operators.length > 500, 'the release tcp.c has the expected shape');
  const r = rng(SEED);
  const count = scaled(42);
  const tally = new Tally('release tcp.c mutants');
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length];
    const { outcome } = await tryMutant(mutant(T, r, kind, i), EXAMPLES[Math.floor(r() * EXAMPLES.length)]);
    tally.add(`${kind}: ${outcome}`);
  }
  tally.print();
  assert.equal(tally.total, count);
});

test('an endless loop in a function the passive close runs stops at the step budget, in that function', async () => {
  const T = targets(SHIPPED);
  const passive = join(ROOT, 'examples', 'passive-close.tcpscenario');
  for (const name of ['tcp_rcv', 'tcp_ack', 'tcp_fin', 'tcp_set_state', 'tcp_close', 'tcp_send_fin']) {
    const b = T.bodies.find((x) => x.name === name);
    assert.ok(b, `no function ${name}`);
    const text = SHIPPED.slice(0, b.at) + ' for (;;) { } ' + SHIPPED.slice(b.at);
    const { outcome, messages } = await tryMutant({ kind: 'endlessLoop', text, line: lineOf(SHIPPED, b.at), what: `a loop in ${name}()` }, passive);
    assert.equal(outcome, 'budget-stop', `${name}: ${outcome} ${messages.join(' ')}`);
    assert.match(messages[0], new RegExp(`step budget of ${BUDGET} statements`));
  }
});

test('a call of an unknown function stops where it is called, naming it', async () => {
  const T = targets(SHIPPED);
  const at = T.bodies.find((x) => x.name === 'tcp_close')!.at;
  const text = splice(SHIPPED, { start: at, end: at }, ' no_such_function(sk); ');
  const line = lineOf(SHIPPED, at);
  const { outcome, messages } = await tryMutant({ kind: 'unknownCall', text, line, what: 'no_such_function' }, join(ROOT, 'examples', 'active-close.tcpscenario'));
  assert.ok(outcome === 'refused' || outcome === 'fault-stop', `${outcome}: ${messages.join('\n')}`);
  assert.ok(messages.some((m) => m.includes('no_such_function')), messages.join('\n'));
});

test('an endless loop in what the setup runs (an edited af_inet.c looping in put_sock) is refused at its line, not a hang', async () => {
  const AF = join(ROOT, 'src', 'kernel', 'linux-1.2.13', 'net', 'inet', 'af_inet.c');
  const src = readFileSync(AF, 'latin1');
  const m = /\nvoid put_sock\(unsigned short num, struct sock \*sk\)\n\{/.exec(src)!;
  const at = m.index + m[0].length;
  const copy = join(dir, 'af_inet.c');
  writeFileSync(copy, src.slice(0, at) + ' for (;;) { } ' + src.slice(at), 'latin1');
  await assert.rejects(
    loadReleaseRun({ scenarioPath: join(ROOT, 'examples', 'passive-close.tcpscenario'), kernelPath: copy, stepBudget: BUDGET }),
    (e: unknown) => e instanceof RunSetupError && e.kernelErrors.some((k) => k.loc.file === copy && k.loc.line === lineOf(src, at) && /step budget .* used up in put_sock\(\)/.test(k.message)),
  );
});
