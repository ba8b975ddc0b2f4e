// The command line's packetdrill side: `import FILE.pkt [-o FILE.tcpscenario]` writes the scenario a
// script translates to; `run FILE.pkt` translates it and runs it on Linux 1.2.13, then says, at the
// script's own lines, where Linux 1.2 did not do what the script says a modern Linux does.

import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { formatDiagnostic } from '../scenario/ast';
import { importPkt, type PktImport } from '../scenario/packetdrill/translate';
import type { ReleaseRun, SegRec } from '../engine/release/run';
import { FileRefused, readText } from '../host/read';

type Out = (s: string) => void;

/** A script read and translated; on a read error or a script that does not translate, the messages are printed and undefined returned. */
export function loadPkt(file: string, err: Out): PktImport | undefined {
  let text: string;
  try {
    text = readText(file, 'packetdrill script');
  } catch (e) {
    err(`${file}:1:1: error: ${e instanceof FileRefused ? e.reason : (e as Error).message}`);
    return undefined;
  }
  const r = importPkt(text, file);
  for (const d of [...r.errors, ...r.notes].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column)) err(formatDiagnostic(d));
  return r.errors.length ? undefined : r;
}

/** `import FILE.pkt [-o OUT]`: the scenario on stdout or in OUT; 0, or 2 when the script does not translate. */
export function importCommand(file: string, outPath: string | undefined, out: Out, err: Out): number {
  const r = loadPkt(file, err);
  if (!r) return 2;
  if (outPath) {
    try {
      writeFileSync(outPath, r.text);
    } catch (e) {
      err(`${outPath}: cannot write the scenario: ${(e as Error).message}`);
      return 2;
    }
    err(`${basename(file)}: ${r.notes.length} note${r.notes.length === 1 ? '' : 's'}; the scenario is in ${outPath}`);
  } else out(r.text.trimEnd());
  return 0;
}

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
 * Where the run did not do what the script says: each `>` line no segment matched, and each
 * system call whose result differs (a blocking call packetdrill waits for returns at once in the
 * debugger: its EINPROGRESS/EAGAIN is not a difference).
 */
export function pktDifferences(run: ReleaseRun, imp: PktImport): PktDifference[] {
  const out: PktDifference[] = [];
  const failed = new Map(run.failures.map((f) => [f.line, f]));
  for (const [line, x] of imp.expectations) {
    const f = failed.get(line);
    if (!f) continue;
    const idx = run.socks.findIndex((s) => s.name === x.socket);
    const [from, to] = f.sent ?? [0, run.segs.length];
    const sent = run.segs.slice(from, to).filter((r) => r.from === idx);
    const linux12 = sent.length ? sent.map((r) => `\`${pktText(r, x.localIsn, x.remoteIsn)}\``).join(', ') : 'nothing';
    out.push({ file: imp.file, line: x.pktLine, clock: f.time, message: `modern Linux: \`${x.written.replace(/^\S+\s+/, '')}\`; Linux 1.2 sent ${linux12}${from > 0 ? ' since the last segment that matched' : ''}` });
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
