// The command line's packetdrill side: `import FILE.pkt [-o FILE.tcpscenario]` writes the scenario a
// script translates to; `run FILE.pkt` translates it and runs it on Linux 1.2.13, then says, at the
// script's own lines, where Linux 1.2 did not do what the script says a modern Linux does.

import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { formatDiagnostic } from '../scenario/ast';
import { importPkt, type PktImport } from '../scenario/packetdrill/translate';
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
