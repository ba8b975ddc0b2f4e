// `tcp-close-debugger explore` as a user runs it (the bundle, its worker threads): the same outcomes
// on one job or two, each outcome's replay file running to that outcome, and bad bounds refused
// before any work with what is wrong.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, ROOT, runCli } from './cli.testkit';

const FOUR_WAY = join(ROOT, 'examples', 'four-way.tcpscenario');

before(buildCli);

interface Explored {
  schedules: number;
  runs: number;
  pruned: number;
  jobs: number;
  outcomes: { key: string; count: number; failed: number; rst: boolean; sockets: { name: string; state: string }[]; shortest: { fates: string[] }; replay?: string }[];
}

function explore(...args: string[]): Explored {
  const r = runCli(['explore', FOUR_WAY, '--json', ...args], 300_000);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as Explored;
}

test('one job or two: the same outcomes, counts and shortest schedules, in the same order', () => {
  const one = explore('--drops', '2', '--duplicates', '1', '--jobs', '1');
  const two = explore('--drops', '2', '--duplicates', '1', '--jobs', '2');
  assert.equal(one.jobs, 1);
  assert.equal(two.jobs, 2);
  assert.deepEqual(two.outcomes, one.outcomes);
  assert.equal(two.schedules, one.schedules);
  // each task explored on its own: the same runs and the same pruning whichever worker ran it
  assert.deepEqual([two.runs, two.pruned], [one.runs, one.pruned]);
  assert.ok(one.outcomes.some((o) => o.rst) && one.outcomes.some((o) => !o.rst));
  assert.equal(one.outcomes.reduce((n, o) => n + o.count, 0), one.schedules);
});

test('each outcome\'s replay file runs to that outcome', () => {
  const dir = mkdtempSync(join(tmpdir(), 'explore-'));
  try {
    const r = explore('--drops', '1', '--duplicates', '1', '--jobs', '1', '--out', dir);
    assert.equal(readdirSync(dir).length, r.outcomes.length);
    for (const o of r.outcomes) {
      const run = runCli(['run', o.replay!, '--json']);
      assert.notEqual(run.code, 2, run.err);
      const end = JSON.parse(run.out.trim().split('\n').at(-1)!) as { sockets: Record<string, { state: string; sent: { flags: string }[] }> };
      for (const s of o.sockets) assert.equal(end.sockets[s.name].state, s.state, `${o.replay}: ${s.name}`);
      const rst = Object.values(end.sockets).some((s) => s.sent.some((x) => x.flags.includes('R')));
      assert.equal(rst, o.rst, o.replay);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad bounds and a scenario with nothing to vary are refused, saying why, before any work', () => {
  const refused = (args: string[], re: RegExp) => {
    const r = runCli(['explore', ...args]);
    assert.equal(r.code, 2, r.out);
    assert.match(r.err, re);
  };
  refused([FOUR_WAY, '--drops', 'two'], /--drops takes a number from 0 to 8/);
  refused([FOUR_WAY, '--frobs'], /unknown option --frobs for explore/);
  refused([FOUR_WAY, '--delays', '-5ms'], /a segment cannot arrive early/);
  refused([FOUR_WAY, '--until', '1s'], /--until is before the scenario's last event/);
  refused([FOUR_WAY, '--drops', '8', '--duplicates', '8', '--reorders', '8', '--delays', '10ms,20ms,30ms', '--delayed', '8', '--max-schedules', '1000'], /these bounds allow about 2,401 schedules \(4 choice points in the first runs\), more than the limit of 1,000/);
  // past the first runs' estimate (each loss makes retransmissions: more choice points), the limit stops the work
  refused([FOUR_WAY, '--drops', '3', '--max-schedules', '40', '--jobs', '2'], /the bounds allow more than 40 schedules/);
  refused([join(ROOT, 'examples', 'passive-close.tcpscenario')], /nothing to vary: no socket sends a segment over a link/);
  refused([join(ROOT, 'examples', 'missing.tcpscenario')], /missing\.tcpscenario/);
  // a scenario with a bad line: each problem at its file, line and column, nothing explored
  const dir = mkdtempSync(join(tmpdir(), 'explore-bad-'));
  try {
    const bad = join(dir, 'bad.tcpscenario');
    writeFileSync(bad, ['socket a TCP_ESTABLISHED', 'socket b TCP_ESTABLISHED', 'link a b', 'fate a 1 vanish', '0 a close'].join('\n'));
    refused([bad], new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:10: error: expected drop, duplicate, reorder or delay=TIME, found 'vanish'`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the shipped explorations (examples/explored/) are what explore finds today: the same text, the same replay files', () => {
  for (const name of readdirSync(join(ROOT, 'examples', 'explored'))) {
    const dir = join(ROOT, 'examples', 'explored', name);
    const shipped = readFileSync(join(dir, 'explore.txt'), 'utf8');
    const command = shipped.split('\n')[0].replace(/^\$ tcp-close-debugger /, '').split(' ');
    const out = mkdtempSync(join(tmpdir(), 'explored-'));
    try {
      const args = command.map((a) => (a === `examples/explored/${name}` ? out : a === 'examples/four-way.tcpscenario' ? join(ROOT, a) : a));
      const r = runCli([...args, '--jobs', '2'], 300_000);
      assert.equal(r.code, 0, r.err);
      const text = r.out.replace(/; [0-9.]+ s on [0-9]+ jobs?$/m, '').split(out).join(`examples/explored/${name}`);
      assert.equal(`${shipped.split('\n')[0]}\n${text}`, shipped, `${name}: run \`${shipped.split('\n')[0].slice(2)}\` again and commit it`);
      const files = readdirSync(out).sort();
      assert.deepEqual(files, readdirSync(dir).filter((f) => f.endsWith('.tcpscenario')).sort());
      for (const f of files) assert.equal(readFileSync(join(out, f), 'utf8'), readFileSync(join(dir, f), 'utf8'), `${name}/${f}`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
});
