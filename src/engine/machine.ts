// The machine: runs compiled C one statement at a time on a stack of frames, every write logged.

import { CError, Op, RuntimeFault, formatLoc, type CFunction, type Frame, type FunctionRef, type Instr, type Loc, type NativeFunction } from './code';
import type { History } from './history';
import { CFault } from './cmachine/support';
import { MemoryFault } from './memory/memory';

/** Why `advance` returned. */
export type Arrival =
  /** at a statement, about to run it */
  | 'statement'
  /** the bottom frame returned: the call chain is finished */
  | 'returned';

export const MAX_DEPTH = 200;

export class Machine {
  /** the call stack, bottom first (pushes and pops are logged) */
  readonly frames: Frame[] = [];
  /** the instruction the top frame is at */
  pc = -1;
  /** the value the last finished call chain returned */
  lastReturn: any;
  /** statements run since the step budget was last reset */
  statements = 0;
  /** statements run since the machine was made (never reset; for benchmarks) */
  executed = 0;
  budget = Infinity;

  constructor(
    /** the compiled kernel the frames' functions come from (the release's Kernel) */
    readonly prog: object,
    readonly H: History,
  ) {}

  get top(): Frame | undefined {
    return this.frames[this.frames.length - 1];
  }

  /** The instruction at the current position (a STMT when stopped at a statement). */
  get instr(): Instr | undefined {
    const fr = this.top;
    return fr ? fr.fn.code[this.pc] : undefined;
  }

  /** Start a call chain: `fn(args)` as the bottom frame. Then `advance` runs to its first statement. */
  enter(fn: CFunction, args: any[]): void {
    if (this.frames.length) throw new Error('machine: a call chain is already running');
    this.H.pushFrame(this.frames, this.newFrame(fn, args));
    this.pc = 0;
  }

  /** per function (by index): the initial slots of a frame, and the slots of its parameters */
  private layouts: ({ init: any[]; params: number[] } | undefined)[] = [];

  /** The initial slots of a frame of `fn` and the slots of its parameters (computed once). */
  private layout(fn: CFunction): { init: any[]; params: number[] } {
    let lay = this.layouts[fn.index];
    if (!lay || lay.init.length !== fn.nslots) {
      // slot 0: the caller's resume point; locals kept in slots start zeroed (an integer 0, anything else NULL), temporaries 0
      const init = new Array(fn.nslots);
      init[0] = -1;
      const params: number[] = [];
      for (const v of fn.vars) {
        if (v.param) params.push(v.slot);
        else init[v.slot] = v.type.k === 'int' ? 0 : null;
      }
      for (let i = 1; i < fn.nslots; i++) if (init[i] === undefined) init[i] = 0;
      lay = { init, params };
      this.layouts[fn.index] = lay;
    }
    return lay;
  }

  private newFrame(fn: CFunction, args: any[]): Frame {
    const lay = this.layout(fn);
    const s = lay.init.slice();
    const params = lay.params;
    for (let p = 0; p < params.length; p++) {
      const a = args[p];
      s[params[p]] = a === undefined ? 0 : a;
    }
    return { fn, s, hid: -1 };
  }

  /**
   * Run from the current position to the next statement (skipping the one we stand on when
   * `skipCurrent`), or until the chain returns. Faults are thrown as CError with the location.
   */
  advance(skipCurrent: boolean): Arrival {
    return this.runStops(skipCurrent, 0);
  }

  /** stops recorded by the last `runStops` */
  recorded = 0;

  /**
   * `advance`, repeated: each statement reached is recorded as a stop in the history (as the run
   * records it after `advance`) until `maxStops` are recorded, then it continues past it. Returns
   * 'statement' at the `maxStops`-th statement (or at the first with `maxStops` 0, recording
   * nothing), 'returned' when the chain returns first. `recorded` counts the stops recorded.
   */
  runStops(skipCurrent: boolean, maxStops: number): Arrival {
    const H = this.H;
    let recorded = 0;
    this.recorded = 0;
    const frames = this.frames;
    let fr = frames[frames.length - 1];
    let code = fr.fn.code;
    let pc = this.pc;
    if (skipCurrent && code[pc].op === Op.STMT) pc++;
    let stmtSeen = true;
    try {
      for (;;) {
        const ins = code[pc];
        switch (ins.op) {
          case Op.STMT:
            stmtSeen = true;
            this.pc = pc;
            this.executed++;
            if (++this.statements > this.budget) throw this.overBudget(ins.loc, fr);
            if (fr.fn.hidden) {
              pc++;
              break;
            }
            if (maxStops === 0) return 'statement';
            H.recordStop(fr.fn.index, pc);
            this.recorded = ++recorded;
            if (recorded === maxStops) return 'statement';
            pc++;
            break;
          case Op.EXPR:
            ins.ev!(fr);
            pc++;
            break;
          case Op.JUMP: {
            const to = ins.target!;
            // a jump back (a loop) with no statement run since the last one counts against the
            // budget as a statement: a loop whose body has none (`for (;;) { }`) stops at the
            // budget instead of hanging, and a loop with statements counts only those
            if (to <= pc) {
              if (!stmtSeen && ++this.statements > this.budget) throw this.overBudget(ins.loc, fr);
              stmtSeen = false;
            }
            pc = to;
            break;
          }
          case Op.JUMPF: {
            const to = ins.ev!(fr) ? pc + 1 : ins.target!;
            if (to <= pc) {
              if (!stmtSeen && ++this.statements > this.budget) throw this.overBudget(ins.loc, fr);
              stmtSeen = false;
            }
            pc = to;
            break;
          }
          case Op.JUMPT: {
            const to = ins.ev!(fr) ? ins.target! : pc + 1;
            if (to <= pc) {
              if (!stmtSeen && ++this.statements > this.budget) throw this.overBudget(ins.loc, fr);
              stmtSeen = false;
            }
            pc = to;
            break;
          }
          case Op.SWITCH: {
            const v = ins.ev!(fr);
            const t = ins.cases!.get(v);
            pc = t === undefined ? ins.target! : t;
            break;
          }
          case Op.CALL: {
            const callee = ins.callee!(fr) as FunctionRef | null | undefined;
            if (!callee) throw new RuntimeFault(ins.loc, `call through a NULL function pointer`);
            const args = ins.args!;
            if (callee.kind === 'native') {
              const vals = new Array(args.length);
              for (let i = 0; i < args.length; i++) vals[i] = args[i](fr);
              const r = (callee as NativeFunction).impl(vals, ins.loc);
              if (ins.dest! >= 0) H.set(fr.s, ins.dest!, r);
              pc++;
              break;
            }
            // the arguments go straight into the new frame's parameter slots
            const lay = this.layout(callee as CFunction);
            const s = lay.init.slice();
            const params = lay.params;
            const va = (callee as CFunction).varargsSlot;
            let extra: unknown[] | undefined;
            for (let i = 0; i < args.length; i++) {
              const v = args[i](fr);
              if (i < params.length) s[params[i]] = v === undefined ? 0 : v;
              else if (va !== undefined) (extra ??= []).push(v);
            }
            if (va !== undefined) s[va] = extra ?? [];
            if (frames.length >= MAX_DEPTH) throw new RuntimeFault(ins.loc, `call depth above ${MAX_DEPTH}: runaway recursion?`);
            H.set(fr.s, 0, pc);
            fr = { fn: callee as CFunction, s, hid: -1 };
            H.pushFrame(frames, fr);
            code = fr.fn.code;
            pc = 0;
            break;
          }
          case Op.RET: {
            const r = ins.ev ? ins.ev(fr) : undefined;
            H.popFrame(frames);
            if (!frames.length) {
              this.pc = -1;
              this.lastReturn = r;
              return 'returned';
            }
            fr = frames[frames.length - 1];
            code = fr.fn.code;
            pc = fr.s[0];
            const call = code[pc];
            if (call.dest! >= 0) H.set(fr.s, call.dest!, r);
            pc++;
            break;
          }
        }
      }
    } catch (e) {
      this.pc = pc;
      if (e instanceof CError) throw e;
      // a fault of the byte memory inside the instruction's closures, named at its C location
      const at = code[pc];
      if (e instanceof MemoryFault) throw new CFault(at?.floc ?? at?.loc ?? fr.fn.loc, e.message);
      throw new CError(at?.loc ?? fr.fn.loc, `internal error while running ${fr.fn.name}(): ${(e as Error).message}`);
    }
  }

  /** The refusal of a statement (or a jump back) past the step budget. */
  private overBudget(loc: Loc, fr: Frame): CError {
    return new CError(loc, `the step budget of ${this.budget} statements is used up in ${fr.fn.name}() — an endless loop? The run is stopped here.`);
  }

  /** After the history moved: put the position back to what the stop recorded. */
  restorePosition(pc: number): void {
    this.pc = this.frames.length ? pc : -1;
  }

  /** The source location of each frame, top first. */
  stack(): { fn: CFunction; loc: Loc; pc: number }[] {
    const out: { fn: CFunction; loc: Loc; pc: number }[] = [];
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const fr = this.frames[i];
      const pc = i === this.frames.length - 1 ? this.pc : fr.s[0];
      out.push({ fn: fr.fn, loc: fr.fn.code[pc].loc, pc });
    }
    return out;
  }
}

export function describeLoc(l: Loc): string {
  return formatLoc(l);
}
