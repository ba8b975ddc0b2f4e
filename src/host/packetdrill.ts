// A packetdrill script's run measured against the script: each `>` line no segment matched and
// each call whose result differs, said as "modern Linux: …; Linux 1.2 …" at the script's line,
// the segments written as packetdrill writes them.

import type { ReleaseRun, SegRec } from '../engine/release/run';
import type { PktImport } from '../scenario/packetdrill/translate';

/** A difference from the script: at its line, what a modern Linux does and what Linux 1.2 did. */
export interface PktDifference {
  file: string;
  line: number;
  /** the jiffies of the moment it shows */
  clock: number;
  message: string;
}

const FLAG_ORDER = 'SFRP.';

/** A segment Linux 1.2 sent, written as packetdrill writes it (relative to the two initial sequence numbers). */
function pktText(r: SegRec, localIsn: number, remoteIsn: number): string {
  const flags = [...FLAG_ORDER].filter((f) => r.flags.includes(f)).join('');
  const s = (r.seq - localIsn) >>> 0;
  return `${flags} ${s}:${(s + r.len) >>> 0}(${r.len})${r.flags.includes('.') ? ` ack ${(r.ack - remoteIsn) >>> 0}` : ''} win ${r.win}${r.mss ? ` <mss ${r.mss}>` : ''}`;
}

/**
 * A failed `>` line of a script, as the run records it: what the script wanted, as written, and
 * the segments Linux 1.2 sent instead since the last one that matched, written the same way
 * (relative numbers, window, options); undefined for another failure.
 */
export function pktFailureText(run: ReleaseRun, imp: PktImport, f: { line: number; sent?: [number, number] }): string | undefined {
  const x = imp.expectations.get(f.line);
  if (!x) return undefined;
  const idx = run.socks.findIndex((s) => s.name === x.socket);
  const [from, to] = f.sent ?? [0, run.segs.length];
  const sent = run.segs.slice(from, to).filter((r) => r.from === idx);
  const linux12 = sent.length ? sent.map((r) => `\`${pktText(r, x.localIsn, x.remoteIsn)}\``).join(', ') : 'nothing';
  return `modern Linux: \`${x.written.replace(/^\S+\s+/, '')}\`; Linux 1.2 sent ${linux12}${from > 0 ? ' since the last segment that matched' : ''}`;
}

/**
 * Where the run did not do what the script says: each `>` line no segment matched, and each
 * system call whose result differs (a blocking call packetdrill waits for returns at once in the
 * debugger: its EINPROGRESS/EAGAIN is not a difference).
 */
export function pktDifferences(run: ReleaseRun, imp: PktImport): PktDifference[] {
  const out: PktDifference[] = [];
  const failed = new Map(run.failures.map((f) => [f.line, f]));
  // a `>` line's failure is phrased so already (pktFailureText, given to the run at its load)
  for (const [line, x] of imp.expectations) {
    const f = failed.get(line);
    if (f) out.push({ file: imp.file, line: x.pktLine, clock: f.time, message: f.message });
  }
  for (const [line, want] of imp.results) {
    const got = run.returns.find((r) => r.line === line);
    if (!got) continue;
    const name = run.errnoName(got.ret);
    // accept's file descriptor is the child the scenario names: the call's value is its error, 0 when it succeeds
    const success = want.call === 'accept' ? 0 : want.value;
    const same = want.value < 0 ? (want.errno ? name === want.errno : got.ret < 0) : got.ret === success;
    const waits = want.blocking && (name === 'EINPROGRESS' || name === 'EAGAIN');
    if (same || waits) continue;
    const wanted = want.value < 0 ? `-1 ${want.errno ?? ''}`.trim() : String(want.value);
    const had = got.ret < 0 ? `-1 ${name ?? `(${got.ret})`}` : String(got.ret);
    out.push({ file: imp.file, line: want.pktLine, clock: got.t, message: `modern Linux: ${want.call}() = ${wanted}; Linux 1.2: ${want.call}() = ${had} (the kernel returned ${got.ret})` });
  }
  // any other failure (none today: the importer writes no `expect` lines) as the run has it
  for (const f of run.failures) if (!imp.expectations.has(f.line)) out.push({ file: imp.file, line: f.line, clock: f.time, message: f.message });
  return out.sort((a, b) => a.line - b.line);
}
