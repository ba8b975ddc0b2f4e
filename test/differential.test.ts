// Differential test: the same kernel C compiled by gcc (test/differential/harness.c) and run by
// our interpreter, called with the same cases (every state × every entry point), must leave the
// same sk fields, timers, return value and segments sent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRun } from '../src/host/load';
import type { CStruct } from '../src/engine/ctypes';
import type { Run } from '../src/engine/run';
import { flagText } from '../src/engine/world';
import { cleanUpCase, prepareCase, readCases, type Case } from './differential/cases';

const here = join(__dirname, 'differential');
const FIELDS = ['ret', 'state', 'shutdown', 'fin_seq', 'write_seq', 'sent_seq', 'acked_seq', 'rcv_ack_seq', 'copied_seq', 'dead', 'inuse', 'keepopen', 'rto', 'retransmits', 'timeout', 'ip_xmit_timeout', 'timer_pending', 'timer_expires', 'retransmit_pending', 'retransmit_expires', 'sent', 'last_flags', 'last_seq', 'last_ack'];

function gccResults(cases: Case[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-diff-'));
  const bin = join(dir, 'harness');
  execFileSync('sh', [join(here, 'build.sh'), bin], { stdio: ['ignore', 'ignore', 'ignore'] });
  const input = cases.map((c) => c.text).join('\n') + '\n';
  return execFileSync(bin, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] }).trim().split('\n');
}

/** Runs one case through the interpreter on a fresh, zeroed sock, as the harness does. */
function interpret(run: Run, c: Case, n: number): string {
  const w = run.world;
  const { target, args, sk, info } = prepareCase(run, c, n);
  const m = run.machine;
  m.statements = 0;
  m.enter(target, args);
  let skip = false;
  while (m.advance(skip) === 'statement') skip = true;
  const ret = m.lastReturn ?? 0;
  const f = (k: string) => sk.get(k) as number;
  const t = sk.get('timer') as CStruct;
  const rt = sk.get('retransmit_timer') as CStruct;
  const last = info.sent[info.sent.length - 1];
  const vals: Record<string, string | number> = {
    ret,
    state: f('state'),
    shutdown: f('shutdown'),
    fin_seq: f('fin_seq'),
    write_seq: f('write_seq'),
    sent_seq: f('sent_seq'),
    acked_seq: f('acked_seq'),
    rcv_ack_seq: f('rcv_ack_seq'),
    copied_seq: f('copied_seq'),
    dead: f('dead'),
    inuse: f('inuse'),
    keepopen: f('keepopen'),
    rto: f('rto'),
    retransmits: f('retransmits'),
    timeout: f('timeout'),
    ip_xmit_timeout: f('ip_xmit_timeout'),
    timer_pending: +w.timerPending(t),
    timer_expires: w.timerPending(t) ? w.timerExpires(t) : 0,
    retransmit_pending: +w.timerPending(rt),
    retransmit_expires: w.timerPending(rt) ? w.timerExpires(rt) : 0,
    sent: info.sent.length,
    last_flags: last ? flagText(last.flags) : '-',
    last_seq: last ? last.seq : 0,
    last_ack: last ? last.ack : 0,
  };
  cleanUpCase(run);
  return FIELDS.map((k) => `${k}=${vals[k]}`).join(' ');
}

test('the interpreter and gcc leave the same sk fields for every case', async () => {
  const cases = readCases();
  assert.ok(cases.length > 100, `expected the full case list, found ${cases.length}`);
  const expected = gccResults(cases);
  assert.equal(expected.length, cases.length, 'the gcc harness printed one line per case');
  const run = await loadRun({ scenarioPath: join(__dirname, '..', 'examples', 'passive-close.tcpscenario') });
  const mismatches: string[] = [];
  cases.forEach((c, i) => {
    const got = interpret(run, c, i);
    if (got !== expected[i]) {
      const g = new Map(got.split(' ').map((p) => p.split('=') as [string, string]));
      const e = new Map(expected[i].split(' ').map((p) => p.split('=') as [string, string]));
      const diff = FIELDS.filter((k) => g.get(k) !== e.get(k)).map((k) => `${k}: interpreter ${g.get(k)}, gcc ${e.get(k)}`);
      mismatches.push(`cases.txt:${c.line} ${c.entry}: ${diff.join('; ')}`);
    }
  });
  assert.deepEqual(mismatches, [], `${mismatches.length} of ${cases.length} cases differ:\n${mismatches.join('\n')}`);
});
