// Node's side of the engine's seams: finds the wasm files and the shipped kernel C on disk,
// whether running from the bundle (dist/) or from the sources (tests through tsx).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CParse, SourceFile } from '../engine/compile';
import { cParser } from '../engine/treesitter';

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

/** Reads a kernel C file; #include "x" is resolved beside it. */
export function readKernel(path: string): { files: SourceFile[]; main: string; readInclude: (p: string) => string | undefined } {
  const main = resolve(path);
  return {
    files: [{ path: main, text: readFileSync(main, 'utf8') }],
    main,
    readInclude: (p) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined),
  };
}
