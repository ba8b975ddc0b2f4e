// Preprocesses C files into the compiler's translation units (the host reads the files).

import { KERNEL_DEFINES } from '../front/kernel';
import type { PPHost, PPOptions } from '../front/preprocess';
import { CError } from '../code';
import { HostMemo, preprocessCached, textHash, type PPCache } from '../front/cache';
import { LoadError, type Unit } from './kernel';

/** The release files the kernel runs, relative to the release folder. */
export const RELEASE_FILES = ['net/inet/tcp.c', 'net/inet/sock.c', 'net/inet/af_inet.c', 'net/inet/timer.c', 'net/inet/skbuff.c', 'kernel/sched.c', 'net/inet/ip.c'];

/** What gcc predefines for the kernel build the project mirrors (the front end's list). */
export const RELEASE_DEFINES = KERNEL_DEFINES;

/** A persistent cache for preprocessUnits (src/engine/front/cache.ts): the store, and the hash its entries use. */
export type UnitCache = PPCache;

/**
 * Each file preprocessed into a unit; a preprocessor error is a LoadError naming file:line:col.
 * With `cache`, a file whose every include probe and read answers as when its entry was stored
 * comes from the store instead (an entry is stored for each file preprocessed without errors).
 */
export function preprocessUnits(paths: string[], host: PPHost, options: PPOptions, machine: (path: string) => boolean = () => false, cache?: UnitCache): Unit[] {
  const errors: CError[] = [];
  const units: Unit[] = [];
  const memo = cache && new HostMemo(host, cache.hash ?? textHash);
  for (const path of paths) {
    const r = preprocessCached(path, host, options, cache, memo);
    for (const d of r.diagnostics) if (d.severity === 'error') errors.push(new CError({ file: d.file, line: d.line, column: d.col, endLine: d.line, endColumn: d.col + 1 }, d.message));
    units.push({ path, text: r.text, map: r.map, texts: r.texts, machine: machine(path) });
  }
  if (errors.length) throw new LoadError(errors);
  return units;
}
