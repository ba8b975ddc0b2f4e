// An edited copy of one of the release's files, run in its place (a debug session's kernelSource,
// the command line's --kernel): the image is loaded as the shipped one is, but the machine file that compiles that
// release file (src/kernel/machine/tcp_entries.c compiles net/inet/tcp.c) includes the copy
// instead, by its own path. So every stop, breakpoint and fault names the copy, and the shipped
// files stay unchanged. timer.c and skbuff.c, compiled as units of their own, are replaced as units.
// Its `#include "x"` look in the copy's folder first (an edited tcp.h beside it), then the
// release's folders.

import { basename, dirname, join, resolve } from 'node:path';
import { KERNEL_UNITS, loadReleaseImage, RELEASE_INSIDE, type ReleaseImage } from '../engine/release/image';
import type { PPHost } from '../engine/front/preprocess';
import { MAX_NESTING, tooDeep } from '../engine/front/nesting';
import { KernelReader, machineDir, nodeCParser, releaseRoot } from './node';
import { readError, readText } from './read';
import { defaultCacheStore, diskHash } from './cachestore';

/** The release files an edited copy may stand for, by the copy's base name: their path in the release. */
export const EDITABLE: Readonly<Record<string, string>> = {
  'tcp.c': 'net/inet/tcp.c',
  'sock.c': 'net/inet/sock.c',
  'af_inet.c': 'net/inet/af_inet.c',
  'ip.c': 'net/inet/ip.c',
  'sched.c': 'kernel/sched.c',
  'timer.c': 'net/inet/timer.c',
  'skbuff.c': 'net/inet/skbuff.c',
};

/**
 * Where a copy of the old reduced port's tcp.c shows it is one: the first function comment that
 * begins ` * reduced:` (each of its functions had one), at the word `reduced:`. Undefined for
 * anything else (no file of the release has such a line).
 */
export function reducedMarker(text: string): { line: number; column: number } | undefined {
  const m = /^([ \t]*\*[ \t]*)reduced:/m.exec(text);
  if (!m) return undefined;
  const before = text.slice(0, m.index);
  const line = before.split('\n').length;
  return { line, column: m.index - (before.lastIndexOf('\n') + 1) + m[1].length + 1 };
}

/** What a copy of the removed reduced port is told. */
export const REDUCED_COPY =
  "this is a copy of the reduced port of tcp.c (its functions' comments begin ' * reduced:'), which was removed: the debugger runs only the unmodified Linux 1.2.13 release. Edit a copy of the release's file instead (src/kernel/linux-1.2.13/net/inet/tcp.c, keeping the name tcp.c)";

/** A problem with the copy itself (named, read, or not one of the files above): the message says which. */
export class EditedCopyError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly line = 1,
    readonly column = 1,
  ) {
    super(message);
  }
}

/** The release image with `path` (an edited copy of tcp.c, sock.c, af_inet.c, ip.c, sched.c, timer.c or skbuff.c) in place of its release file. */
export async function loadEditedRelease(path: string): Promise<{ image: ReleaseImage; replaces: string }> {
  const file = resolve(path);
  // what is wrong with the file itself first (not C, a FIFO, a device, a folder, too big), then its name
  if (!file.endsWith('.c')) throw new EditedCopyError(file, 'the kernel source must be a C file (.c): it is not read');
  let text: string;
  try {
    text = readText(file, 'kernel source');
  } catch (e) {
    throw new EditedCopyError(file, readError(e));
  }
  const reduced = reducedMarker(text);
  if (reduced) throw new EditedCopyError(file, REDUCED_COPY, reduced.line, reduced.column);
  const rel = EDITABLE[basename(file)];
  if (!rel) throw new EditedCopyError(file, `an edited copy of a release file must keep its name (${Object.keys(EDITABLE).join(', ')}), to say which file it replaces`);
  // the compiler recurses over the syntax tree: C nested deeper than it takes is refused here, where it is written
  const parse = await nodeCParser();
  const tree = parse(text);
  try {
    const deep = tooDeep(tree.rootNode, MAX_NESTING);
    if (deep) throw new EditedCopyError(file, `nested too deeply: the interpreter takes C nested up to ${MAX_NESTING} levels (expressions, parentheses, blocks, ifs); simplify this`, deep.startPosition.row + 1, deep.startPosition.column + 1);
  } finally {
    tree.delete();
  }
  const release = resolve(releaseRoot());
  const machine = resolve(machineDir());
  const reader = new KernelReader([release, machine, dirname(file)]);
  const inner = reader.ppHost('the kernel tree (the release, the machine layer and the edited copy\'s folder)');
  // the other units' preprocessing comes from the disk cache (keyed by their texts: the copy's unit misses)
  const cache = { store: defaultCacheStore(), hash: diskHash };
  if (KERNEL_UNITS.includes(rel)) return { image: loadReleaseImage({ release, machine, host: inner, parse, cache, replace: new Map([[rel, file]]) }), replaces: rel };
  const include = `"../linux-1.2.13/${rel}"`;
  const compiling = RELEASE_INSIDE.map((f) => join(machine, f)).find((m) => (inner.read(m) as { text?: string }).text?.includes(include));
  if (!compiling) throw new EditedCopyError(file, `no machine file compiles ${rel}: it cannot be replaced`);
  const host: PPHost = {
    exists: inner.exists,
    read: (p) => {
      const r = inner.read(p);
      // the machine file that compiles the release file includes the copy instead
      return p === compiling && 'text' in r ? { text: r.text.replace(include, JSON.stringify(file)) } : r;
    },
  };
  return { image: loadReleaseImage({ release, machine, host, parse, cache }), replaces: rel };
}
