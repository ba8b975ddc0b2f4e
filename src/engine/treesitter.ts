// Loads tree-sitter and the C grammar from wasm bytes the host supplies, and returns a C parser.

import { Language, Parser, type Range, type Tree } from 'web-tree-sitter';
import type { TreeParse } from './front/load';

export interface WasmSource {
  /** web-tree-sitter's own runtime (tree-sitter.wasm) */
  runtime: Uint8Array;
  /** the tree-sitter-c grammar (tree-sitter-c.wasm) */
  grammar: Uint8Array;
}

let ready: Promise<TreeParse> | undefined;

/** The C parser (given an edited earlier tree, it reparses only what changed); tree-sitter is initialised once per process. */
export function cParser(load: () => Promise<WasmSource>): Promise<TreeParse> {
  ready ??= (async () => {
    const wasm = await load();
    await Parser.init({ wasmBinary: wasm.runtime } as object);
    const C = await Language.load(wasm.grammar);
    const parser = new Parser();
    parser.setLanguage(C);
    return (text: string, old?: Tree, ranges?: Range[]) => {
      const tree = parser.parse(text, old, ranges && { includedRanges: ranges });
      if (!tree) throw new Error('tree-sitter returned no tree');
      return tree;
    };
  })();
  return ready;
}
