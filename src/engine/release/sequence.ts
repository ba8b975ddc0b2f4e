// A run's segments as a sequence diagram in Mermaid's text (mermaid.js.org, sequenceDiagram): a
// participant per socket (and the scripted peer), an arrow per segment in the order sent, labelled
// with the segment as tcpdump writes it and the release's function and line that sent it; a lost
// one is a cross-ended arrow.

import type { ReleaseRun } from './run';
import { builder } from './capture';

/** Mermaid's text for the segments of `run` so far. */
export function sequenceDiagram(run: ReleaseRun): string {
  const id = (i: number) => (i < 0 ? 'peer' : `s${i}`);
  const lines = ['sequenceDiagram'];
  const used = new Set<number>();
  for (const r of run.segs) {
    used.add(r.from);
    if (r.to >= 0 || r.from >= 0) used.add(r.to);
  }
  // the participants in the scenario's order, the scripted peer last
  for (const i of [...used].filter((x) => x >= 0).sort((a, b) => a - b)) lines.push(`  participant ${id(i)} as ${run.socks[i].name}`);
  if (used.has(-1)) lines.push('  participant peer as scripted peer');
  run.segs.forEach((r, i) => {
    const what = `${r.flags} seq=${r.seq} ack=${r.ack}${r.len ? ` len=${r.len}` : ''} win=${r.win}${r.mss ? ` mss=${r.mss}` : ''}`;
    let by = '';
    if (r.from >= 0) {
      const who = run.senderOf(i);
      const tcp = who?.frames.length ? builder(who.frames) : undefined;
      if (tcp) by = ` (${tcp.fn}:${tcp.line})`;
    } else by = ` (line ${r.line ?? 0})`;
    // Mermaid ends a message at a newline and reads '#' and ';' as entity and statement marks
    const label = `${(r.time / 100).toFixed(2)} s ${what}${by}${r.dropped ? ' lost' : ''}`.replace(/[#;\n]/g, ' ');
    lines.push(`  ${id(r.from)}${r.dropped ? '-x' : '->>'}${id(r.to)}: ${label}`);
  });
  return lines.join('\n') + '\n';
}
