// Bounded reading: every file the project reads (scenarios, kernel sources and their includes,
// notes, walkthroughs) comes through here. Only a regular file is read, never more than its cap,
// and never by a call that can block: the file is opened with O_NONBLOCK (a FIFO with no writer
// opens at once instead of waiting), the opened descriptor is checked with fstat (so a symlink to
// /dev/zero or to a FIFO is refused as what it points to), and at most cap + 1 bytes are read
// (a file that grows while it is read is still refused), within a time limit.

import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';

/** What a file is to the project: the kind names it in messages and sets its size cap. */
export type FileKind = 'scenario' | 'kernel source' | 'include file' | 'notes file' | 'walkthrough' | 'capture' | 'packetdrill script';

const MiB = 1024 * 1024;

/** The size caps, in bytes (stated in the README). */
export const FILE_CAPS: Readonly<Record<FileKind, number>> = {
  scenario: 8 * MiB,
  'kernel source': 4 * MiB,
  'include file': 4 * MiB,
  'notes file': 16 * MiB,
  walkthrough: 4 * MiB,
  capture: 64 * MiB,
  'packetdrill script': MiB,
};

/** How long one read may take before it is given up, in milliseconds. */
export const READ_TIMEOUT_MS = 10_000;

/** A file that is not read: the message says why, without a word of its content. */
export class FileRefused extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

function whatItIs(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function size(n: number): string {
  return n >= MiB ? `${+(n / MiB).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

const OPEN_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many levels of symbolic links (a symlink loop?)',
  ENOTDIR: 'a folder on the path is not a folder',
  ENAMETOOLONG: 'the path is too long',
  EISDIR: 'is a directory',
  ENXIO: 'not a regular file',
};

/** Why opening or reading failed, in words (the system's message when the code is not known). */
export function errnoReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return (err.code && OPEN_ERRORS[err.code]) ?? err.message ?? String(e);
}

/**
 * The bytes of a regular file of at most `cap` bytes. Throws FileRefused for anything else: a
 * directory, a FIFO, a device, a socket, a file over the cap, a read that takes too long.
 */
export function readBytes(path: string, kind: FileKind, cap = FILE_CAPS[kind], timeoutMs = READ_TIMEOUT_MS): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    throw new FileRefused(path, `cannot open the ${kind}: ${errnoReason(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new FileRefused(path, `the ${kind} is ${whatItIs(st)}, not a regular file`);
    const over = () => new FileRefused(path, `the ${kind} is over the ${size(cap)} limit for a ${kind}`);
    if (st.size > cap) throw new FileRefused(path, `the ${kind} is ${size(st.size)}, over the ${size(cap)} limit for a ${kind}`);
    // read up to cap + 1 bytes: the size fstat gave may be stale (a file that grows is still refused)
    const buf = Buffer.allocUnsafe(Math.min(cap + 1, Math.max(st.size + 1, 64 * 1024)));
    let got = 0;
    const deadline = Date.now() + timeoutMs;
    let out = buf;
    for (;;) {
      if (got === out.length) {
        if (out.length > cap) throw over();
        const bigger = Buffer.allocUnsafe(Math.min(cap + 1, out.length * 2));
        out.copy(bigger, 0, 0, got);
        out = bigger;
      }
      let n: number;
      try {
        n = readSync(fd, out, got, Math.min(out.length - got, 1024 * 1024), null);
      } catch (e) {
        throw new FileRefused(path, `cannot read the ${kind}: ${errnoReason(e)}`);
      }
      if (n === 0) break;
      got += n;
      if (got > cap) throw over();
      if (Date.now() > deadline) throw new FileRefused(path, `reading the ${kind} took more than ${timeoutMs / 1000} s`);
    }
    return out.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** The text of a regular file of at most `cap` bytes, as UTF-8, a leading byte-order mark dropped. */
export function readText(path: string, kind: FileKind, cap = FILE_CAPS[kind], timeoutMs = READ_TIMEOUT_MS): string {
  const text = readBytes(path, kind, cap, timeoutMs).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** `p` is `root` or inside it (compare real paths: symlinks resolved). */
export function isInside(p: string, root: string): boolean {
  const r = relative(root, p);
  return r === '' || (r !== '..' && !r.startsWith('..' + sep) && !isAbsolute(r));
}

/** The message of an error for the user: a FileRefused's reason, else the error's message. */
export function readError(e: unknown): string {
  return e instanceof FileRefused ? e.reason : e instanceof Error ? e.message : String(e);
}
