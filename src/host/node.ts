// Node's side of the engine's seams: finds the wasm files and the shipped kernel C on disk,
// whether running from the bundle (dist/) or from the sources (tests through tsx).

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CParse, SourceFile } from '../engine/compile';
import { cParser } from '../engine/treesitter';
import { errnoReason, FileRefused, isInside, readError, readText } from './read';

function firstExisting(candidates: string[]): string {
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`none of these files exists: ${candidates.join(', ')}`);
}

/** The folder holding the package (where package.json is), from the bundle or the sources. */
export function packageRoot(): string {
  let d = __dirname;
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(d, 'package.json'))) return d;
    d = dirname(d);
  }
  return resolve(__dirname, '..', '..');
}

export function wasmPaths(): { runtime: string; grammar: string } {
  const root = packageRoot();
  return {
    runtime: firstExisting([join(__dirname, 'tree-sitter.wasm'), join(root, 'dist', 'tree-sitter.wasm'), join(root, 'node_modules', 'web-tree-sitter', 'tree-sitter.wasm')]),
    grammar: firstExisting([join(__dirname, 'tree-sitter-c.wasm'), join(root, 'dist', 'tree-sitter-c.wasm'), join(root, 'node_modules', 'tree-sitter-c', 'tree-sitter-c.wasm')]),
  };
}

export function nodeCParser(): Promise<CParse> {
  return cParser(async () => {
    const p = wasmPaths();
    return { runtime: readFileSync(p.runtime), grammar: readFileSync(p.grammar) };
  });
}

/** The shipped kernel source: src/kernel/tcp.c (or dist/kernel/tcp.c in the bundle). */
export function shippedKernelPath(): string {
  const root = packageRoot();
  return firstExisting([join(__dirname, 'kernel', 'tcp.c'), join(root, 'src', 'kernel', 'tcp.c'), join(root, 'dist', 'kernel', 'tcp.c')]);
}

/** Every kernel file read for one compilation together stays under this many bytes (README). */
export const KERNEL_TREE_CAP = 16 * 1024 * 1024;

const C_SOURCE = /\.[ch]$/;


/**
 * Reads a kernel C file, and gives the compiler a reader for its `#include "x"` files. An include
 * is confined to the kernel tree: the edited file's own folder and the shipped kernel's folder,
 * symlinks resolved; it must be a C source (.c or .h). Anything else is refused by name, never
 * read (so no message can quote a file outside the tree). Every file is read bounded (read.ts).
 */
export function readKernel(path: string): { files: SourceFile[]; main: string; readInclude: (p: string) => string | undefined } {
  const main = resolve(path);
  if (!C_SOURCE.test(main)) throw new FileRefused(main, 'the kernel source must be a C file (.c or .h)');
  const text = readText(main, 'kernel source');
  const roots: string[] = [];
  const addRoot = (dir: string) => {
    try {
      roots.push(realpathSync(dir));
    } catch {
      // a folder that does not exist holds nothing to include
    }
  };
  addRoot(dirname(main));
  try {
    addRoot(dirname(shippedKernelPath()));
  } catch {
    // no shipped kernel beside the bundle: the edited file's folder alone
  }
  let total = Buffer.byteLength(text);
  return {
    files: [{ path: main, text }],
    main,
    readInclude: (p) => {
      let real: string;
      try {
        real = realpathSync(p);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new Error(errnoReason(e));
      }
      if (!roots.some((r) => isInside(real, r))) throw new Error(`it is outside the kernel tree (the edited file's folder${roots.length > 1 ? ' and the shipped kernel' : ''}): it is not read`);
      if (!C_SOURCE.test(real)) throw new Error('it is not a C source (.c or .h): it is not read');
      let t: string;
      try {
        t = readText(real, 'include file');
      } catch (e) {
        throw new Error(readError(e));
      }
      total += Buffer.byteLength(t);
      if (total > KERNEL_TREE_CAP) throw new Error(`the kernel sources together are over the ${KERNEL_TREE_CAP / (1024 * 1024)} MiB limit`);
      return t;
    },
  };
}
