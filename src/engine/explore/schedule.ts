// A schedule: one way the network and the applications may behave around a scenario. Each
// segment a socket sends over a link is delivered after the link's delay, unless the schedule
// gives it a fate (lost, delivered twice, overtaken by the next one, or later); each socket's
// close() lines may move in time. A schedule is written back as `fate` declarations
// (src/scenario/ast.ts FateDecl), so the scenario file that replays it is the scenario itself with
// those lines added.

import { formatJiffies } from '../../scenario/time';
import type { SegmentFate } from '../../scenario/ast';
import type { BoundScenario } from '../release/bind';

export interface Fate {
  sock: number;
  /** which of the segments `sock` sends over its link (from 1) */
  n: number;
  fate: SegmentFate;
  /** for a delay: jiffies more than the link's delay */
  extra: number;
}

/** How a close() of a socket moves: its index and the jiffies (negative: earlier). */
export interface CloseMove {
  sock: number;
  delta: number;
}

export interface Schedule {
  closes: CloseMove[];
  fates: Fate[];
}

/** The bounds of an exploration (the CLI's options). */
export interface Bounds {
  drops: number;
  duplicates: number;
  reorders: number;
  /** the extra delays a segment may meet, in jiffies */
  delays: number[];
  /** how many segments of a schedule may be delayed */
  delayed: number;
  /** the moves each socket's close() may make, in jiffies (0 included: as written) */
  closeTimes: number[];
  /** the clock runs to this jiffy (a `wait` there); 0: DEFAULT_UNTIL_AFTER past the scenario's last event */
  until: number;
  /** the most schedules to count before refusing (an estimate beyond it is refused before any work) */
  maxSchedules: number;
}

/** --until's default: 10 minutes past the scenario's last event (TIME_WAIT is one minute; 1.2 retransmits for longer). */
export const DEFAULT_UNTIL_AFTER = 60_000;

/** How many fates of each kind a schedule has used: the budgets left are the bounds minus these. */
export function used(fates: readonly Fate[]): { drop: number; duplicate: number; reorder: number; delay: number } {
  const u = { drop: 0, duplicate: 0, reorder: 0, delay: 0 };
  for (const f of fates) u[f.fate]++;
  return u;
}

/** A schedule's canonical text (its closes, then its fates by sock and number): the tie-break between equally short ones. */
export function scheduleKey(s: Schedule): string {
  const c = [...s.closes].sort((a, b) => a.sock - b.sock).map((m) => `c${m.sock}${m.delta >= 0 ? '+' : ''}${m.delta}`);
  const f = [...s.fates].sort((a, b) => a.sock - b.sock || a.n - b.n).map((x) => `${x.sock}.${String(x.n).padStart(4, '0')}${x.fate[0]}${x.extra || ''}`);
  return [...c, ...f].join(' ');
}

/** The size of a schedule: its fates and its moved closes. */
export function scheduleSize(s: Schedule): number {
  return s.fates.length + s.closes.filter((c) => c.delta !== 0).length;
}

/** Whether `a` is shorter than `b` (fewer changes; then the canonical text). */
export function shorter(a: Schedule, b: Schedule): boolean {
  const d = scheduleSize(a) - scheduleSize(b);
  return d < 0 || (d === 0 && scheduleKey(a) < scheduleKey(b));
}

/** A move in time as a `fate SOCK close` line writes it: +10ms, -1s. */
export const signedTime = (j: number): string => (j < 0 ? `-${formatJiffies(-j)}` : `+${formatJiffies(j)}`);

/** The `fate` lines of a schedule, in the scenario language. */
export function fateLines(s: Schedule, bound: BoundScenario): string[] {
  const name = (i: number) => bound.socks[i].name;
  const lines = s.closes.filter((c) => c.delta !== 0).map((c) => `fate ${name(c.sock)} close ${signedTime(c.delta)}`);
  for (const f of [...s.fates].sort((a, b) => a.sock - b.sock || a.n - b.n)) lines.push(`fate ${name(f.sock)} ${f.n} ${f.fate === 'delay' ? `delay=${formatJiffies(f.extra)}` : f.fate}`);
  return lines;
}

/** A schedule in words, one short phrase per change ("client's 2nd segment lost"). */
export function scheduleWords(s: Schedule, bound: BoundScenario): string {
  const name = (i: number) => bound.socks[i].name;
  const nth = (n: number) => `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`;
  const words = s.closes.filter((c) => c.delta !== 0).map((c) => `${name(c.sock)} closes ${signedTime(c.delta)}`);
  for (const f of [...s.fates].sort((a, b) => a.sock - b.sock || a.n - b.n)) {
    const what = f.fate === 'drop' ? 'lost' : f.fate === 'duplicate' ? 'delivered twice' : f.fate === 'reorder' ? 'overtaken by the next' : `${formatJiffies(f.extra)} late`;
    words.push(`${name(f.sock)}'s ${nth(f.n)} segment ${what}`);
  }
  return words.length ? words.join(', ') : 'as written';
}

/**
 * The scenario text that replays schedule `s` of `text`: the `fate` lines after the last
 * declaration, and a `wait` at `until` when the scenario ends before it. Lines are counted from 1.
 */
export function replayText(text: string, s: Schedule, bound: BoundScenario, until: number, header: string[]): string {
  const lines = text.split(/\r?\n/);
  const first = Math.min(...bound.events.map((e) => e.line));
  let at = 0;
  for (let i = 0; i < Math.min(lines.length, first - 1); i++) if (/^\s*(socket|link|fate)\b/.test(lines[i])) at = i + 1;
  const added = ['', ...header.map((h) => `# ${h}`), ...fateLines(s, bound), ''];
  const out = [...lines.slice(0, at), ...added, ...lines.slice(at)];
  const last = Math.max(0, ...bound.events.map((e) => e.time));
  if (until > last) {
    while (out.length && out[out.length - 1].trim() === '') out.pop();
    const at = `${until / 100}s`;
    out.push('', `# the explorer ran the clock to ${at}`, `${at} wait`, '');
  }
  return out.join('\n');
}
