// The command line's capture import: `import FILE.pcap|FILE.pcapng [--linux client|server] [-o OUT]`
// writes the scenario a capture of one TCP connection translates to (src/scenario/pcap/).

import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readCapture, CaptureError } from '../scenario/pcap/read';
import { importCapture } from '../scenario/pcap/translate';
import { FileRefused, readBytes } from '../host/read';

type Out = (s: string) => void;

export const CAPTURE_SUFFIXES = ['.pcap', '.pcapng'];

/** 0, or 2 with the message naming the file and the packet where the capture cannot be read. */
export function importCaptureCommand(file: string, linux: 'client' | 'server', outPath: string | undefined, out: Out, err: Out): number {
  let text: string;
  let notes: string[];
  try {
    const r = importCapture(readCapture(readBytes(file, 'capture')), file, linux);
    text = r.text;
    notes = r.notes;
  } catch (e) {
    if (e instanceof FileRefused) err(`${file}: error: ${e.reason}`);
    else if (e instanceof CaptureError) err(`${file}: error: ${e.message}`);
    else throw e;
    return 2;
  }
  for (const n of notes) err(`${file}: note: ${n}`);
  if (!outPath) {
    out(text.trimEnd());
    return 0;
  }
  try {
    writeFileSync(outPath, text);
  } catch (e) {
    err(`${outPath}: cannot write the scenario: ${(e as Error).message}`);
    return 2;
  }
  err(`${basename(file)}: the scenario is in ${outPath}`);
  return 0;
}
