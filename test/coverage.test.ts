// The examples together must execute every statement line of the seed's code: tcp_fin,
// tcp_close, tcp_close_state, and the `if (sk->state == TCP_LAST_ACK)` block of tcp_ack.
// The lines executed are the statement stops of every example's run; the executable lines are
// the compiled functions' STMT instructions; the tcp_ack block is found in the source text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadRun } from '../src/host/load';
import { Op, type CFunction } from '../src/engine/code';
import type { Run } from '../src/engine/run';

const examplesDir = join(__dirname, '..', 'examples');
const exampleFiles = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.tcpscenario'))
  .sort();

const SEED_FUNCTIONS = ['tcp_fin', 'tcp_close', 'tcp_close_state'];
const MAX_STOPS = 2_000_000;

/** Runs one example to its end; returns the run and, per function, the kernel lines executed. */
async function executedLines(file: string): Promise<{ run: Run; lines: Map<string, Set<number>> }> {
  const run = await loadRun({ scenarioPath: join(examplesDir, file) });
  const lines = new Map<string, Set<number>>();
  for (let i = 0; ; i++) {
    assert.ok(i < MAX_STOPS, `${file}: no end after ${MAX_STOPS} stops`);
    const stop = run.forward();
    if (stop.kind === 'statement' && stop.fn && stop.loc && stop.loc.file === stop.fn.file) {
      let set = lines.get(stop.fn.name);
      if (!set) lines.set(stop.fn.name, (set = new Set()));
      set.add(stop.loc.line);
    }
    if (stop.kind === 'error') assert.fail(`${file}: the run stopped on an error: ${stop.message}`);
    if (stop.kind === 'end') break;
  }
  return { run, lines };
}

function fnNamed(run: Run, name: string): CFunction {
  const fn = run.prog.functions.find((f) => f.name === name);
  assert.ok(fn, `the kernel has no function ${name}`);
  return fn;
}

function statementLines(fn: CFunction): number[] {
  return [...new Set(fn.code.filter((i) => i.op === Op.STMT && i.loc.file === fn.file).map((i) => i.loc.line))].sort((a, b) => a - b);
}

/**
 * The lines [first, last] of tcp_ack's `if (sk->state == TCP_LAST_ACK) { ... }`, found in the
 * source text: the `if` line inside tcp_ack, then the brace that closes the block it opens.
 */
function lastAckBlock(run: Run, tcpAck: CFunction): { first: number; last: number } {
  const text = run.prog.files.get(tcpAck.file);
  assert.ok(text !== undefined, `no source text for ${tcpAck.file}`);
  const src = text.split('\n');
  const fnLines = tcpAck.code.map((i) => i.loc.line);
  const lo = Math.min(...fnLines);
  const hi = Math.max(...fnLines);
  const ifRe = /\bif\s*\(\s*sk->state\s*==\s*TCP_LAST_ACK\s*\)/;
  const found: number[] = [];
  for (let l = lo; l <= hi; l++) if (ifRe.test(src[l - 1])) found.push(l);
  assert.equal(found.length, 1, `expected one 'if (sk->state == TCP_LAST_ACK)' in tcp_ack (lines ${lo}-${hi}), found ${found.length}`);
  const first = found[0];
  // from the `if`, find the opening brace of its block, then its matching close
  let depth = 0;
  let opened = false;
  for (let l = first; l <= src.length; l++) {
    const line = src[l - 1].replace(/\/\*.*?\*\//g, '').replace(/\/\/.*$/, '');
    const from = l === first ? line.search(ifRe) : 0;
    for (const ch of line.slice(from)) {
      if (ch === '{') {
        depth++;
        opened = true;
      } else if (ch === '}') {
        depth--;
        if (opened && depth === 0) return { first, last: l };
      }
    }
  }
  assert.fail('the TCP_LAST_ACK block of tcp_ack has no closing brace');
}

test('the examples execute every statement line of the seed functions', async () => {
  assert.ok(exampleFiles.length > 0, 'no examples');
  const executed = new Map<string, Set<number>>();
  let required: Map<string, number[]> | undefined;
  for (const file of exampleFiles) {
    const { run, lines } = await executedLines(file);
    try {
      for (const [fn, set] of lines) {
        const all = executed.get(fn) ?? new Set<number>();
        for (const l of set) all.add(l);
        executed.set(fn, all);
      }
      if (!required) {
        required = new Map();
        for (const name of SEED_FUNCTIONS) required.set(name, statementLines(fnNamed(run, name)));
        const ack = fnNamed(run, 'tcp_ack');
        const { first, last } = lastAckBlock(run, ack);
        const block = statementLines(ack).filter((l) => l >= first && l <= last);
        // the block holds the if itself, the state_change, the debug printk and the close
        assert.ok(block.length >= 6, `the TCP_LAST_ACK block (lines ${first}-${last}) has only ${block.length} statement lines`);
        required.set(`tcp_ack (TCP_LAST_ACK block, lines ${first}-${last})`, block);
      }
    } finally {
      run.dispose();
    }
  }
  const missing: string[] = [];
  for (const [what, lines] of required!) {
    assert.ok(lines.length > 0, `${what} has no statement lines`);
    const fn = what.split(' ')[0];
    const done = executed.get(fn) ?? new Set<number>();
    const notRun = lines.filter((l) => !done.has(l));
    if (notRun.length) missing.push(`${what}: lines not run: ${notRun.join(', ')}`);
  }
  assert.ok(missing.length === 0, `statement lines no example executes:\n  ${missing.join('\n  ')}`);
});
