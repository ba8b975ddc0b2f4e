// The release run (src/engine/release/: a ReleaseRun over the kernel's byte memory) as the
// controller steps it: the release's functions only (the machine layer's C never stops), its
// statement lines, conditions compiled read-only, and data breakpoints on values in memory.

import { resolve } from 'node:path';
import { Op, type CFunction, type Frame, type Instr } from '../engine/code';
import { CODE_END, CODE_ERROR, CODE_EVENT, CODE_FAILURE, type ReleaseRun, type ReleaseStop } from '../engine/release/run';
import { RUN } from '../engine/cmachine/runstate';
import { compileReadOnly, evaluate, machineArena, Values, type CValue } from '../engine/cvalues';
import { RunDebuggee, type DataInfo, type Debuggee, type StopPlace, type Watch } from './debuggee';

/**
 * Can execution arrive at instruction `pc`? Every statement can, but for the implicit return the
 * compiler puts at a function's closing brace: after a final `return`, nothing falls through to it,
 * unless a jump goes there (`if (x) return 1; }`).
 */
function reachable(code: readonly Instr[], pc: number): boolean {
  if (pc === 0 || code[pc - 1].op !== Op.RET) return true;
  return code.some((i) => i.target === pc || (i.cases !== undefined && [...i.cases.values()].includes(pc)));
}

/** The values of a run, in decimal and in hex (DAP's ValueFormat), made on first use. */
export class ValueReaders {
  private readonly made = new Map<boolean, Values>();
  constructor(private readonly run: ReleaseRun) {}
  get(hex = false): Values {
    let v = this.made.get(hex);
    if (!v) {
      const k = this.run.image.kernel;
      const socks = this.run.socks;
      v = new Values(k, this.run.run, { hex, heap: machineArena(k, () => this.run.run.mem), expandFreed: true, names: (a) => socks.find((s) => s.sk === a)?.name });
      this.made.set(hex, v);
    }
    return v;
  }
}

/** The release run as the controller steps it. */
export class ReleaseDebuggee extends RunDebuggee<ReleaseStop, ReleaseRun> implements Debuggee<ReleaseStop> {
  readonly scenarioFile: string;
  readonly eventLines: readonly number[];
  readonly functions: readonly CFunction[];
  private readonly lines = new Map<string, number[]>();
  /** the values data breakpoints watch, by id */
  private readonly watched = new Map<string, CValue>();
  private readonly labels = new Map<string, string>();

  constructor(
    run: ReleaseRun,
    private readonly values: ValueReaders,
  ) {
    super(run);
    this.scenarioFile = resolve(run.scenarioFile);
    this.eventLines = run.bound.events.map((e) => e.line);
    this.functions = (run.image.kernel.functions as unknown as CFunction[]).filter((f) => !f.hidden);
  }

  placeAt(code: number, pc: number): StopPlace {
    if (code < 0) {
      const kind = code === CODE_EVENT ? 'event' : code === CODE_FAILURE ? 'failure' : code === CODE_ERROR ? 'error' : code === CODE_END ? 'end' : undefined;
      return kind ? { kind, line: pc } : { kind: 'unknown' };
    }
    const fn = (this.run.image.kernel.functions as unknown as CFunction[])[code];
    const loc = fn?.code[pc]?.loc;
    return loc ? { kind: 'statement', fn, file: loc.file, line: loc.line } : { kind: 'unknown' };
  }

  isKernelFile(file: string): boolean {
    return this.run.image.texts.has(file) && !file.startsWith(`${this.run.image.machine}/`);
  }
  cfunction(name: string): CFunction | string {
    const fn = this.functions.find((f) => f.name === name);
    if (fn) return fn;
    const any = this.run.image.kernel.fnByName.get(name);
    if (any && any.kind === 'c') return `${name}() is the machine layer's (src/kernel/machine/): its C runs without stopping`;
    return any ? `${name} is a native of the machine layer, not kernel C` : `the kernel has no function '${name}'`;
  }
  /** Computed per file when first asked (a function's code is compiled when first needed). */
  executableLines(file: string): readonly number[] | undefined {
    if (!this.isKernelFile(file)) return undefined;
    let lines = this.lines.get(file);
    if (!lines) {
      const all = new Set<number>();
      for (const f of this.functions) {
        if (f.file !== file) continue;
        const code = f.code;
        code.forEach((ins, pc) => {
          if (ins.op === Op.STMT && ins.loc.file === file && reachable(code, pc)) all.add(ins.loc.line);
        });
      }
      lines = [...all].sort((a, b) => a - b);
      this.lines.set(file, lines);
    }
    return lines;
  }
  top(): { fn: CFunction | null; pc: number } {
    const fr = this.run.machine.top;
    return fr ? { fn: fr.fn, pc: this.run.machine.pc } : { fn: null, pc: 0 };
  }
  /** The top frame, or a frame of no function for file scope. */
  private frame(): Frame {
    return this.run.machine.top ?? ({ fn: null, s: [0, this.run.run] } as unknown as Frame);
  }
  condition(text: string, fn: CFunction | null, pc: number): () => boolean {
    const c = compileReadOnly(this.run.image.kernel, text, fn, pc);
    const H = this.run.H;
    return () => {
      const fr = this.frame();
      if (fr.s[RUN] !== this.run.run) throw new Error('the frame belongs to another run');
      H.seal();
      try {
        const v = c.ev(fr);
        return typeof v === 'bigint' ? v !== 0n : !!v;
      } finally {
        H.unseal();
      }
    };
  }
  show(text: string): string {
    const fr = this.run.machine.top ?? null;
    return evaluate(this.values.get(), this.run.run, text, fr, fr ? this.run.machine.pc : 0).value;
  }

  /** The id of a data breakpoint on `v` (a scalar in memory), or why there can be none. */
  dataInfo(v: CValue | undefined, name: string, label = v?.evaluateName ?? name): DataInfo {
    if (!v) return { reason: `no value '${name}' here` };
    if (v.place.k !== 'memory' || v.address === undefined || !v.size) return { reason: `${name} is not kept in memory (a register-like local or a computed value): watch a field of a struct` };
    if (v.expand.k === 'record' && v.place.t.k !== 'ptr') return { reason: `${name} is a struct: watch one of its fields` };
    if (v.place.t.k === 'array') return { reason: `${name} is an array: watch one of its elements` };
    const bits = v.place.bits ? `:${v.place.bits.offset}+${v.place.bits.width}` : '';
    const dataId = `mem#0x${v.address.toString(16)}/${v.size}${bits}:${label}`;
    this.watched.set(dataId, v);
    this.labels.set(dataId, label);
    return { dataId, description: `${label} (${v.size} bytes at 0x${v.address.toString(16)})` };
  }

  watch(dataId: string): Watch | string {
    const v = this.watched.get(dataId);
    if (!v) return /^mem#/.test(dataId) ? `the value of '${dataId}' is not known in this run` : `'${dataId}' is not a data breakpoint id of this debugger`;
    const values = this.values.get();
    // read as shown (`TCP_CLOSE_WAIT (8)`): two stops differ when what the Variables view shows differs
    return { label: this.labels.get(dataId) ?? v.name, read: () => values.reread(v).value, show: (x) => String(x) };
  }
}
