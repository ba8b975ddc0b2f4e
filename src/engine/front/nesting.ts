// How deep C may nest before the compilers refuse it (they recurse over the syntax tree), and the
// check, made without recursion.

import type { Node as TSNode } from 'web-tree-sitter';
import { isDeclNode, type CNode } from './decltree';

/**
 * How deep C may nest: levels of the syntax tree (an expression of 3,000 terms `a + b + …`, 10^4
 * parentheses, blocks, ifs or `!`s would otherwise run the recursive compiler out of JavaScript
 * stack). The release's deepest file (include/linux/sched.h) nests 75 levels. Stated in the README.
 */
export const MAX_NESTING = 256;

/** The first node more than `max` levels below `root`, found without recursion (a tree cursor, or a declaration tree's arrays). */
export function tooDeep(root: TSNode, max: number): TSNode | undefined;
export function tooDeep(root: CNode, max: number): CNode | undefined;
export function tooDeep(root: CNode, max: number): CNode | undefined {
  if (isDeclNode(root)) return root.deeperThan(max);
  const c = (root as TSNode).walk();
  try {
    let depth = 0;
    for (;;) {
      if (depth > max) return c.currentNode;
      if (c.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!c.gotoNextSibling()) {
        if (depth === 0 || !c.gotoParent()) return undefined;
        depth--;
      }
      if (depth === 0) return undefined; // a sibling of the root: outside it
    }
  } finally {
    c.delete();
  }
}

