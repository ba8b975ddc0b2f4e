// The examples together must execute every statement line of the seed's code in the unmodified
// 1.2.13 net/inet/tcp.c: tcp_fin, tcp_close, tcp_close_state, and the
// `if (sk->state == TCP_LAST_ACK)` block of tcp_ack. The lines executed are the statement stops
// of every example's run on the release (loadReleaseRun); the executable lines are the compiled
// functions' STMT instructions (a closing brace's implicit return only when it runs, as the
// CLI's `coverage` counts them: after a last `return` it never can); the tcp_ack block is found
// in the release's source text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadReleaseRun } from '../src/host/load';
import { Op, type CFunction } from '../src/engine/code';
import type { ReleaseImage } from '../src/engine/release/image';

const examplesDir = join(__dirname, '..', 'examples');
const exampleFiles = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.tcpscenario'))
  .sort();

const TCP_C = 'net/inet/tcp.c';
const SEED_FUNCTIONS = ['tcp_fin', 'tcp_close', 'tcp_close_state'];
const MAX_STOPS = 2_000_000;

/** Runs one example on the release to its end; returns its image and the lines of tcp.c it stopped on. */
async function executedLines(file: string): Promise<{ image: ReleaseImage; lines: Set<number> }> {
  const { run } = await loadReleaseRun({ scenarioPath: join(examplesDir, file) });
  const lines = new Set<number>();
  for (let i = 0; ; i++) {
    assert.ok(i < MAX_STOPS, `${file}: no end after ${MAX_STOPS} stops`);
    const stop = run.forward();
    if (stop.kind === 'statement' && stop.loc && stop.loc.file === `${run.image.release}/${TCP_C}`) lines.add(stop.loc.line);
    if (stop.kind === 'error') assert.fail(`${file}: the run stopped on an error: ${stop.message}`);
    if (stop.kind === 'end') break;
  }
  return { image: run.image, lines };
}

function fnNamed(image: ReleaseImage, name: string): CFunction {
  const fn = image.kernel.functions.find((f) => f.name === name && f.file === `${image.release}/${TCP_C}`) as unknown as CFunction | undefined;
  assert.ok(fn, `the release's ${TCP_C} has no function ${name}`);
  return fn;
}

/** The function's statement lines in its own file; its closing brace's implicit return counts only if `ran` has it. */
function statementLines(fn: CFunction, ran: Set<number>): number[] {
  const implicit = (i: CFunction['code'][number]) => i.what === 'return' && i.loc.endColumn - i.loc.column === 1 && !ran.has(i.loc.line);
  return [...new Set(fn.code.filter((i) => i.op === Op.STMT && i.loc.file === fn.file && !implicit(i)).map((i) => i.loc.line))].sort((a, b) => a - b);
}

/**
 * The lines [first, last] of tcp_ack's `if (sk->state == TCP_LAST_ACK) { ... }`, found in the
 * source text: the `if` line inside tcp_ack, then the brace that closes the block it opens.
 */
function lastAckBlock(image: ReleaseImage, tcpAck: CFunction): { first: number; last: number } {
  const text = image.texts.get(tcpAck.file);
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

test('the examples execute, on the release, every statement line of the seed pieces of tcp.c', async () => {
  assert.ok(exampleFiles.length > 0, 'no examples');
  const ran = new Set<number>();
  let image: ReleaseImage | undefined;
  for (const file of exampleFiles) {
    const r = await executedLines(file);
    image = r.image;
    for (const l of r.lines) ran.add(l);
  }
  const required = new Map<string, number[]>();
  for (const name of SEED_FUNCTIONS) required.set(name, statementLines(fnNamed(image!, name), ran));
  const ack = fnNamed(image!, 'tcp_ack');
  const { first, last } = lastAckBlock(image!, ack);
  const block = statementLines(ack, ran).filter((l) => l >= first && l <= last);
  // the block holds the if itself, the state_change, the debug printk and the close
  assert.ok(block.length >= 6, `the TCP_LAST_ACK block (lines ${first}-${last}) has only ${block.length} statement lines`);
  required.set(`tcp_ack's TCP_LAST_ACK block (lines ${first}-${last})`, block);
  // the seed's tcp_fin, tcp_close and tcp_close_state are whole functions of some size in 1.2.13
  for (const name of SEED_FUNCTIONS) assert.ok(required.get(name)!.length >= 15, `${name} has only ${required.get(name)!.length} statement lines`);
  const missing: string[] = [];
  for (const [what, lines] of required) {
    const notRun = lines.filter((l) => !ran.has(l));
    if (notRun.length) missing.push(`${what}: lines of ${TCP_C} not run: ${notRun.join(', ')}`);
  }
  assert.ok(missing.length === 0, `statement lines no example executes:\n  ${missing.join('\n  ')}`);
});
