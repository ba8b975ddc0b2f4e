// `tcp-close-debugger explore FILE.tcpscenario [bounds]`: every schedule of a scenario within the
// bounds run on the release (src/engine/explore/), the outcomes grouped by the sockets' end states,
// each with its count and the shortest schedule that reaches it, as `fate` lines (and, with --out,
// as a scenario file that replays it).

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { formatDiagnostic } from '../scenario/ast';
import { RunSetupError } from '../engine/setup';
import { CError, formatLoc } from '../engine/code';
import { ExploreCancelled, ExploreLimit } from '../engine/explore/search';
import { fateLines, replayText, scheduleWords } from '../engine/explore/schedule';
import { boundsText, isStuck, replayHeader, replayName, sockText } from '../engine/explore/words';
import { ExploreRefused, exploreScenario, type ExploreResult } from '../host/explore/pool';
import { parseExploreArgs } from '../host/explore/args';

export const EXPLORE_USAGE = `  tcp-close-debugger explore FILE.tcpscenario [--drops N] [--duplicates N] [--reorders N] [--delays LIST] [--delayed N] [--close-times LIST] [--until TIME] [--jobs N] [--json] [--out DIR] [--kernel tcp.c] [--budget N] [--max-schedules N]
      (every schedule within the bounds, run on Linux 1.2.13: each segment a socket sends over a link
       delivered, lost (--drops, default 1), delivered twice (--duplicates), overtaken by the next one
       (--reorders), or late by one of --delays (e.g. 50ms,1s; --delayed of them, default 1); each
       close() moved by each of --close-times (e.g. -10ms,+10ms); the clock run to --until (default
       10 minutes after the last event). Outcomes are grouped by every socket's end state, with the
       count and the shortest schedule; --out writes each one's scenario file, which replays it)`;

function writeReplays(r: ExploreResult, file: string, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return r.outcomes.map((t, i) => {
    const name = join(dir, replayName(file, i + 1));
    writeFileSync(name, replayText(r.text, t.shortest, r.bound, r.bounds.until, replayHeader(t, basename(file), i + 1, r.bound)));
    return name;
  });
}

export async function exploreCommand(argv: string[], usage: string): Promise<number> {
  const a = parseExploreArgs(argv);
  const err = (s: string) => process.stderr.write(s + '\n');
  if (typeof a === 'string') {
    err(`${a}\n${usage}`);
    return 2;
  }
  const abort = new AbortController();
  const onInt = () => abort.abort();
  process.once('SIGINT', onInt);
  const tty = process.stderr.isTTY;
  let shown = 0;
  let r: ExploreResult;
  try {
    r = await exploreScenario({
      scenarioPath: a.file,
      kernelPath: a.kernel,
      stepBudget: a.budget,
      bounds: a.bounds,
      jobs: a.jobs,
      signal: abort.signal,
      progress: ({ done, estimate }) => {
        const now = performance.now();
        if (!tty || now - shown < 250) return;
        shown = now;
        process.stderr.write(`\rexplored ${done.runs + done.pruned} schedules (about ${estimate} from the first runs), ${done.runs} runs, ${done.pruned} pruned   `);
      },
    });
  } catch (e) {
    if (tty && shown) process.stderr.write('\n');
    if (e instanceof ExploreCancelled) {
      err('explore: cancelled');
      return 130;
    }
    if (e instanceof ExploreRefused || e instanceof ExploreLimit) {
      err(`${a.file}: ${e.message}`);
      return 2;
    }
    if (e instanceof RunSetupError) {
      for (const d of e.diagnostics) err(formatDiagnostic(d));
      for (const k of e.kernelErrors) err(k.message);
      return 2;
    }
    if (e instanceof CError) {
      err(`${formatLoc(e.loc)}: ${e.detail}`);
      return 2;
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', onInt);
  }
  if (tty && shown) process.stderr.write('\r' + ' '.repeat(90) + '\r');
  let files: string[] = [];
  if (a.out) {
    try {
      files = writeReplays(r, a.file, a.out);
    } catch (e) {
      err(`${a.out}: cannot write the replay files: ${(e as Error).message}`);
      return 2;
    }
  }
  const until = `${(r.bounds.until / 100).toFixed(2)} s`;
  const out = (s: string) => process.stdout.write(s + '\n');
  if (a.json) {
    out(
      JSON.stringify({
        type: 'explore',
        kernel: 'linux-1.2.13',
        scenario: a.file,
        bounds: r.bounds,
        schedules: r.schedules,
        runs: r.stats.runs,
        pruned: r.stats.pruned,
        voided: r.stats.voided,
        choicePoints: r.choicePoints,
        jobs: r.jobs,
        outcomes: r.outcomes.map((t, i) => ({
          key: t.cls.key,
          count: t.count,
          failed: t.failed,
          sockets: t.cls.socks,
          stuck: t.cls.socks.filter(isStuck).map((s) => s.name),
          rst: t.cls.rst,
          ...(t.cls.error ? { error: t.cls.error } : {}),
          shortest: { words: scheduleWords(t.shortest, r.bound), fates: fateLines(t.shortest, r.bound) },
          ...(files[i] ? { replay: files[i] } : {}),
        })),
      }),
    );
    return 0;
  }
  out(`explore ${basename(a.file)} on Linux 1.2.13: ${r.schedules} schedules (${boundsText(r.bounds)}; the clock run to ${until}), ${r.outcomes.length} outcome${r.outcomes.length === 1 ? '' : 's'}`);
  out(`  ${r.stats.runs} runs, ${r.stats.pruned} schedules counted without a run of their own (their state at a choice point was seen before), ${r.choicePoints} choice points in the first run${r.variants.length > 1 ? `s of ${r.variants.length} close-time variants` : ''}; ${(r.ms / 1000).toFixed(1)} s on ${r.jobs} job${r.jobs === 1 ? '' : 's'}`);
  if (r.stats.voided) out(`  ${r.stats.voided} reorder${r.stats.voided === 1 ? '' : 's'} left out: nothing followed the held segment (it is the drop's schedule)`);
  r.outcomes.forEach((t, i) => {
    out('');
    const notes = [t.failed ? `${t.failed} failed an expectation of the scenario` : '', t.cls.rst ? 'an RST was sent' : '', t.cls.error ? `the run stopped: ${t.cls.error}` : ''].filter(Boolean);
    out(`${i + 1}. ${t.count} schedule${t.count === 1 ? '' : 's'}: ${sockText(t)}${notes.length ? `  [${notes.join('; ')}]` : ''}`);
    const stuck = t.cls.socks.filter(isStuck);
    if (stuck.length) out(`   never reaches TCP_CLOSE by ${until}: ${stuck.map((s) => `${s.name} sits in ${s.state}${s.timers.length ? ` with ${s.timers.join(', ')} armed` : ' with no timer armed: nothing will ever move it'}`).join('; ')}`);
    out(`   shortest: ${scheduleWords(t.shortest, r.bound)}`);
    for (const l of fateLines(t.shortest, r.bound)) out(`     ${l}`);
    if (files[i]) out(`   replay: ${files[i]}`);
  });
  return 0;
}
