// Packetdrill importer fuzzing: the nine real scripts (../shared/packetdrill/) mutated by deleting,
// duplicating and swapping lines and corrupting tokens, and random text. Each input either
// translates into a scenario the scenario parser accepts whole, or is refused with diagnostics at
// a line and column inside the script; no exception escapes, and no input takes long.
//
// Run: node --import tsx --test test/robust/packetdrill-fuzz.test.ts   (FUZZ_SCALE, FUZZ_SEED)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { importPkt } from '../../src/scenario/packetdrill/translate';
import { parseScenario } from '../../src/scenario/parse';
import { formatDiagnostic } from '../../src/scenario/ast';
import { pktScripts } from '../../src/scenario/packetdrill/scripts.testkit';
import { SEED, Tally, scaled } from './common';
import { diagnosticProblems } from './scenarios';

const FILE = '/fuzz/fuzzed.pkt';
const SCRIPTS = pktScripts().map((s) => readFileSync(s.path, 'utf8'));

const TOKENS = ['<', '>', '(', ')', '<...>', '...', '~', '+', '*', ':', '=', '-1', '0', '4294967295', '99999999999', '.', 'S.', 'F.', 'R', 'P.', 'ack', 'win', 'mss', '%{', '}%', '`', '/*', '//', '"', 'socket(', 'close(', 'accept(', 'listen(', 'write(', 'EPIPE', '\n', '\t', ' ', '\u00e9', '\u0000'];

/** A real script with a few edits: lines deleted, duplicated or swapped, tokens inserted or replaced. */
const mutated = fc
  .record({
    script: fc.integer({ min: 0, max: SCRIPTS.length - 1 }),
    edits: fc.array(fc.record({ kind: fc.integer({ min: 0, max: 4 }), a: fc.nat(), b: fc.nat(), tok: fc.constantFrom(...TOKENS) }), { minLength: 1, maxLength: 6 }),
  })
  .map(({ script, edits }) => {
    const lines = SCRIPTS[script].split('\n');
    for (const e of edits) {
      const i = e.a % lines.length;
      const j = e.b % lines.length;
      if (e.kind === 0) lines.splice(i, 1);
      else if (e.kind === 1) lines.splice(i, 0, lines[j]);
      else if (e.kind === 2) [lines[i], lines[j]] = [lines[j], lines[i]];
      else {
        const l = lines[i] ?? '';
        const at = e.b % (l.length + 1);
        lines[i] = e.kind === 3 ? l.slice(0, at) + e.tok + l.slice(at) : l.slice(0, at) + e.tok + l.slice(at + 1 + (e.b % 5));
      }
      if (!lines.length) lines.push('');
    }
    return lines.join('\n');
  });

const noise = fc.array(fc.constantFrom(...TOKENS, 'x', '1.5', '+.01', 'SHUT_RD', ','), { maxLength: 80 }).map((t) => t.join(''));

test('the importer: every mutated or random script translates into a valid scenario or gets well-placed diagnostics, never an exception', () => {
  const tally = new Tally('packetdrill import');
  const property = (origin: string) => (text: string) => {
    const t0 = performance.now();
    const r = importPkt(text, FILE);
    const ms = performance.now() - t0;
    assert.ok(ms < 2000, `importing took ${ms.toFixed(0)} ms`);
    const problems = [...r.errors, ...r.notes].flatMap((d) => diagnosticProblems(d, FILE, text).map((p) => `${formatDiagnostic(d)}: ${p}`));
    assert.deepEqual(problems, [], `${origin}: bad diagnostics for ${JSON.stringify(text.slice(0, 400))}`);
    if (r.errors.length) {
      assert.equal(r.text, '');
      tally.add(`${origin}:refused`);
      return;
    }
    const sc = parseScenario(r.text, `${FILE}.tcpscenario`);
    const errs = sc.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    assert.deepEqual(errs, [], `${origin}: the translation of ${JSON.stringify(text.slice(0, 400))} does not parse:\n${r.text}`);
    tally.add(`${origin}:translated`);
  };
  fc.assert(fc.property(mutated, property('mutated')), { seed: SEED, numRuns: scaled(3_000) });
  fc.assert(fc.property(noise, property('noise')), { seed: SEED + 1, numRuns: scaled(3_000) });
  tally.print();
  assert.ok(tally.get('mutated:translated') > 0 && tally.get('mutated:refused') > 0, 'the mutations reach both outcomes');
});
