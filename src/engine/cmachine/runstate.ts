// What compiled code reaches of the run it runs in: every frame holds its run in slot RUN (a
// hidden first parameter every call passes on), so one compile serves any number of runs, each
// with its own Memory and History, interleaved or not.

import type { History } from '../history';
import type { Memory } from '../memory/memory';

/** the frame slot holding the run (slot 0 is the caller's resume point) */
export const RUN = 1;

export interface RunState {
  readonly mem: Memory;
  readonly H: History;
  /** the C stack pointer, a History-logged cell */
  readonly sp: number[];
  /** the lowest address of the stack block */
  readonly stackBase: number;
}
