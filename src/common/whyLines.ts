// A "Why?" chain (the adapter's `why` answer) as lines to read in order: each link indented by its
// depth, what it is and where it came from, and the stop to step back to. The panel draws the tree;
// the Variables view's "Why Does It Hold This Value?" lists these lines in a quick pick.
// No imports but types: pure.

import type { WhyLinkSnapshot } from './protocol';

export interface WhyLine {
  depth: number;
  /** `sk->state = 8` (a test's read: `test sk->state = 8`) */
  label: string;
  /** where it came from: `written by tcp_set_state:287 during the close() of server (scenario line 11)` */
  origin: string;
  /** the moment its origin made it, to step back to (none for a value from the setup) */
  stop?: number;
  /** why the chain stops below it */
  cut?: string;
}

export function whyOriginText(o: WhyLinkSnapshot['origin']): string {
  switch (o.kind) {
    case 'statement':
      return `written by ${o.fn}:${o.line}${o.during ? ` during ${o.during}` : ''}`;
    case 'argument':
      return `passed to ${o.callee}() as argument ${o.index + 1} by ${o.fn}:${o.line}`;
    case 'event':
    case 'initial':
      return o.what;
  }
}

/** The chain's links depth first, as read top to bottom. */
export function whyLines(chain: WhyLinkSnapshot): WhyLine[] {
  const out: WhyLine[] = [];
  const walk = (l: WhyLinkSnapshot, depth: number) => {
    const line: WhyLine = { depth, label: `${l.control ? 'test ' : ''}${l.expr} = ${l.value}${l.returned ? ' (returned)' : ''}`, origin: whyOriginText(l.origin) };
    if (l.origin.kind !== 'initial') line.stop = l.origin.stop;
    if (l.cut) line.cut = l.cut;
    out.push(line);
    for (const r of l.reads) walk(r, depth + 1);
  };
  walk(chain, 0);
  return out;
}
