// The interface of natives: TypeScript functions the C calls by name (the machine layer's
// stand-ins for what is not C in the release: kmalloc, printk, the asm of cli/sti...).

import type { Loc } from '../code';
import type { Memory } from '../memory/memory';

export interface NativeDef {
  /** the native: arguments as numbers (pointers are addresses; long long a BigInt), result a number */
  fn: (mem: Memory, args: any[], loc: Loc) => any;
  /** it only reads: a read-only evaluation (hover, watch, condition) may call it */
  pure?: boolean;
  /** what an impure native changes, for the refusal's message ("removes a pending timer") */
  effect?: string;
}

/**
 * A native standing in for inline assembly written through a macro (`cli()`, `save_flags(x)`):
 * it receives the asm's input operands' values and its result goes to the first output operand.
 */
export type AsmNativeDef = NativeDef;
