// The explorer's results in words, as the command line prints them and the Outcomes view shows them.

import { formatJiffies } from '../../scenario/time';
import type { BoundScenario } from '../release/bind';
import { scheduleWords, signedTime, type Bounds } from './schedule';
import type { Tally } from './search';

/** A socket that never reached TCP_CLOSE (a listener listening is where it should be). */
export const isStuck = (s: { state: string }) => s.state !== 'TCP_CLOSE' && s.state !== 'TCP_LISTEN';

export const sockText = (t: Tally) => t.cls.socks.map((s) => `${s.name} ${s.state}${s.state !== 'TCP_CLOSE' ? ` (${s.timers.length ? `timers armed: ${s.timers.join(', ')}` : 'no timer armed'})` : ''}`).join(', ');

export function boundsText(b: Bounds): string {
  const parts = [`${b.drops} drop${b.drops === 1 ? '' : 's'}`];
  if (b.duplicates) parts.push(`${b.duplicates} duplicate${b.duplicates === 1 ? '' : 's'}`);
  if (b.reorders) parts.push(`${b.reorders} reorder${b.reorders === 1 ? '' : 's'}`);
  if (b.delays.length) parts.push(`${b.delayed} delayed by ${b.delays.map(formatJiffies).join(' or ')}`);
  if (b.closeTimes.length > 1) parts.push(`close() moved by ${b.closeTimes.filter((t) => t).map(signedTime).join(', ')}`);
  return parts.join(', ');
}

/** The replay file of outcome `i` (1-based), as --out names it. */
export const replayName = (file: string, i: number) => `${(file.split(/[\\/]/).pop() ?? file).replace(/\.tcpscenario$/, '')}.outcome-${i}.tcpscenario`;

/** The comment lines a replay file starts its added lines with. */
export function replayHeader(t: Tally, file: string, i: number, bound: BoundScenario): string[] {
  return [`Outcome ${i} of \`tcp-close-debugger explore ${file}\`: ${t.count} schedule${t.count === 1 ? '' : 's'} end this way:`, `  ${sockText(t)}${t.cls.rst ? '; an RST was sent' : ''}`, `the shortest: ${scheduleWords(t.shortest, bound)}`];
}
