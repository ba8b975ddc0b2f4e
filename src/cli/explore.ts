// `tcp-close-debugger explore FILE.tcpscenario [bounds]`: every schedule of a scenario within the
// bounds run on the release (src/engine/explore/), the outcomes grouped by the sockets' end states,
// each with its count and the shortest schedule that reaches it, as `fate` lines (and, with --out,
// as a scenario file that replays it).

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { formatJiffies, parseDuration } from '../scenario/time';
import { formatDiagnostic } from '../scenario/ast';
import { RunSetupError } from '../engine/setup';
import { CError, formatLoc } from '../engine/code';
import { ExploreCancelled, ExploreLimit, type Tally } from '../engine/explore/search';
import { fateLines, replayText, scheduleWords, type Bounds } from '../engine/explore/schedule';
import { defaultJobs, ExploreRefused, exploreScenario, type ExploreResult } from '../host/explore/pool';

export const EXPLORE_USAGE = `  tcp-close-debugger explore FILE.tcpscenario [--drops N] [--duplicates N] [--reorders N] [--delays LIST] [--delayed N] [--close-times LIST] [--until TIME] [--jobs N] [--json] [--out DIR] [--kernel tcp.c] [--budget N] [--max-schedules N]
      (every schedule within the bounds, run on Linux 1.2.13: each segment a socket sends over a link
       delivered, lost (--drops, default 1), delivered twice (--duplicates), overtaken by the next one
       (--reorders), or late by one of --delays (e.g. 50ms,1s; --delayed of them, default 1); each
       close() moved by each of --close-times (e.g. -10ms,+10ms); the clock run to --until (default
       10 minutes after the last event). Outcomes are grouped by every socket's end state, with the
       count and the shortest schedule; --out writes each one's scenario file, which replays it)`;

interface ExploreArgs {
  file: string;
  bounds: Bounds;
  jobs: number;
  json: boolean;
  out?: string;
  kernel?: string;
  budget?: number;
}

const count = (flag: string, v: string | undefined, max: number): number | string => {
  if (v === undefined || !/^\d+$/.test(v) || Number(v) > max) return `${flag} takes a number from 0 to ${max}`;
  return Number(v);
};

function durations(flag: string, v: string | undefined, signed: boolean): number[] | string {
  if (!v) return `${flag} takes a list of times, e.g. ${signed ? '-10ms,+10ms' : '50ms,1s'}`;
  const out: number[] = [];
  for (const part of v.split(',')) {
    const sign = part.startsWith('-') ? -1 : 1;
    const text = /^[-+]/.test(part) ? part.slice(1) : part;
    if (!signed && part.startsWith('-')) return `${flag}: ${part} is before the link's delay: a segment cannot arrive early`;
    const d = parseDuration(text);
    if (!d.ok) return `${flag}: ${part}: ${d.message}`;
    if (!signed && d.jiffies === 0) return `${flag}: 0 is no delay at all`;
    out.push(sign * d.jiffies);
  }
  return out;
}

/** Parses explore's options; a string is the problem. */
export function parseExploreArgs(argv: string[]): ExploreArgs | string {
  const a: ExploreArgs = { file: '', bounds: { drops: 1, duplicates: 0, reorders: 0, delays: [], delayed: 1, closeTimes: [0], until: 0, maxSchedules: 100_000 }, jobs: defaultJobs(), json: false };
  const b = a.bounds;
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    const v = argv[i + 1];
    let r: number | number[] | string | undefined;
    switch (x) {
      case '--drops':
      case '--duplicates':
      case '--reorders':
      case '--delayed':
        r = count(x, v, 8);
        if (typeof r === 'number') b[x === '--drops' ? 'drops' : x === '--duplicates' ? 'duplicates' : x === '--reorders' ? 'reorders' : 'delayed'] = r;
        i++;
        break;
      case '--delays':
        r = durations(x, v, false);
        if (typeof r !== 'string') b.delays = r as number[];
        i++;
        break;
      case '--close-times':
        r = durations(x, v, true);
        if (typeof r !== 'string') b.closeTimes = [0, ...(r as number[])];
        i++;
        break;
      case '--until': {
        const d = v === undefined ? undefined : parseDuration(v);
        if (!d?.ok) r = `--until takes a time, e.g. 10m or 90s${d && !d.ok ? `: ${d.message}` : ''}`;
        else if (d.jiffies === 0) r = '--until takes a time after 0';
        else b.until = d.jiffies;
        i++;
        break;
      }
      case '--jobs':
        r = count(x, v, 64);
        if (r === 0) r = '--jobs takes a number from 1 to 64';
        if (typeof r === 'number') a.jobs = r;
        i++;
        break;
      case '--max-schedules':
        r = v !== undefined && /^\d+$/.test(v) && Number(v) >= 1 ? Number(v) : '--max-schedules takes a positive number';
        if (typeof r === 'number') b.maxSchedules = r;
        i++;
        break;
      case '--budget':
        r = Number(v) > 0 ? Number(v) : '--budget needs a positive number';
        if (typeof r === 'number') a.budget = r;
        i++;
        break;
      case '--json':
        a.json = true;
        break;
      case '--out':
      case '--kernel':
        if (!v || v.startsWith('-')) r = `${x} needs a ${x === '--out' ? 'folder' : 'file'} name`;
        else if (x === '--out') a.out = v;
        else a.kernel = v;
        i++;
        break;
      default:
        if (x.startsWith('-')) r = `unknown option ${x} for explore`;
        else if (a.file) r = 'explore takes one scenario';
        else a.file = x;
    }
    if (typeof r === 'string') return r;
  }
  if (!a.file) return 'no scenario file given';
  if (!a.file.endsWith('.tcpscenario')) return 'explore takes a scenario (FILE.tcpscenario)';
  if (b.delays.length === 0) b.delayed = 0;
  return a;
}

/** A socket that never reached TCP_CLOSE (a listener listening is where it should be). */
const isStuck = (s: { state: string }) => s.state !== 'TCP_CLOSE' && s.state !== 'TCP_LISTEN';

const sockText = (t: Tally) => t.cls.socks.map((s) => `${s.name} ${s.state}${s.state !== 'TCP_CLOSE' ? ` (${s.timers.length ? `timers armed: ${s.timers.join(', ')}` : 'no timer armed'})` : ''}`).join(', ');

function boundsText(b: Bounds): string {
  const parts = [`${b.drops} drop${b.drops === 1 ? '' : 's'}`];
  if (b.duplicates) parts.push(`${b.duplicates} duplicate${b.duplicates === 1 ? '' : 's'}`);
  if (b.reorders) parts.push(`${b.reorders} reorder${b.reorders === 1 ? '' : 's'}`);
  if (b.delays.length) parts.push(`${b.delayed} delayed by ${b.delays.map(formatJiffies).join(' or ')}`);
  if (b.closeTimes.length > 1) parts.push(`close() moved by ${b.closeTimes.filter((t) => t).map((t) => (t < 0 ? '-' : '+') + formatJiffies(Math.abs(t))).join(', ')}`);
  return parts.join(', ');
}

/** The replay file of outcome `i` (1-based), as --out names it. */
const replayName = (file: string, i: number) => `${basename(file, '.tcpscenario')}.outcome-${i}.tcpscenario`;

function writeReplays(r: ExploreResult, file: string, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return r.outcomes.map((t, i) => {
    const name = join(dir, replayName(file, i + 1));
    const header = [`Outcome ${i + 1} of \`tcp-close-debugger explore ${basename(file)}\`: ${t.count} schedule${t.count === 1 ? '' : 's'} end this way:`, `  ${sockText(t)}${t.cls.rst ? '; an RST was sent' : ''}`, `the shortest: ${scheduleWords(t.shortest, r.bound)}`];
    writeFileSync(name, replayText(r.text, t.shortest, r.bound, r.bounds.until, header));
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
  const until = r.bounds.until;
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
  out(`explore ${basename(a.file)} on Linux 1.2.13: ${r.schedules} schedules (${boundsText(r.bounds)}; the clock run to ${(until / 100).toFixed(2)} s), ${r.outcomes.length} outcome${r.outcomes.length === 1 ? '' : 's'}`);
  out(`  ${r.stats.runs} runs, ${r.stats.pruned} schedules counted without a run of their own (their state at a choice point was seen before), ${r.choicePoints} choice points in the first run${r.variants.length > 1 ? `s of ${r.variants.length} close-time variants` : ''}; ${(r.ms / 1000).toFixed(1)} s on ${r.jobs} job${r.jobs === 1 ? '' : 's'}`);
  if (r.stats.voided) out(`  ${r.stats.voided} reorder${r.stats.voided === 1 ? '' : 's'} left out: nothing followed the held segment (it is the drop's schedule)`);
  r.outcomes.forEach((t, i) => {
    out('');
    const notes = [t.failed ? `${t.failed} failed an expectation of the scenario` : '', t.cls.rst ? 'an RST was sent' : '', t.cls.error ? `the run stopped: ${t.cls.error}` : ''].filter(Boolean);
    out(`${i + 1}. ${t.count} schedule${t.count === 1 ? '' : 's'}: ${sockText(t)}${notes.length ? `  [${notes.join('; ')}]` : ''}`);
    const stuck = t.cls.socks.filter(isStuck);
    if (stuck.length) out(`   never reaches TCP_CLOSE by ${(until / 100).toFixed(2)} s: ${stuck.map((s) => `${s.name} sits in ${s.state}${s.timers.length ? ` with ${s.timers.join(', ')} armed` : ' with no timer armed: nothing will ever move it'}`).join('; ')}`);
    out(`   shortest: ${scheduleWords(t.shortest, r.bound)}`);
    for (const l of fateLines(t.shortest, r.bound)) out(`     ${l}`);
    if (files[i]) out(`   replay: ${files[i]}`);
  });
  return 0;
}
