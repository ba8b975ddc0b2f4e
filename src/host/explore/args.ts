// The explorer's options, as the command line and VS Code's "Explore Schedules" take them
// (`--drops 2 --reorders 1 …`): parsed into Bounds, each problem a message naming the option.

import { parseDuration } from '../../scenario/time';
import type { Bounds } from '../../engine/explore/schedule';
import { defaultJobs } from './pool';

export interface ExploreArgs {
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

