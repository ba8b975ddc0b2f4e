// The reduced port's Run (src/engine/run.ts, over src/kernel/tcp.c) as the controller steps it:
// its program's functions and lines, conditions compiled by its compiler, and data breakpoints on
// a CStruct's cells.

import { resolve } from 'node:path';
import type { CFunction } from '../engine/code';
import { type CStruct, isInt, type CType } from '../engine/ctypes';
import { displayField } from '../engine/inspect';
import type { Run, Stop } from '../engine/run';
import { RunDebuggee, type DataInfo, type Debuggee, type Watch } from './debuggee';
import { formatValue, topScope, truthy } from './values';

/** What a data breakpoint may watch: a socket's field, or a field of a struct reached by pointer. */
export type DataTarget = { kind: 'socket'; socket: string; field: string } | { kind: 'struct'; struct: CStruct; field: string };

/** The reduced Run as the controller steps it. */
export class ReducedDebuggee extends RunDebuggee<Stop, Run> implements Debuggee<Stop> {
  readonly scenarioFile: string;
  readonly eventLines: readonly number[];
  /** structs named by data breakpoint ids (`struct#ID:field`) */
  private readonly structs = new Map<number, CStruct>();

  constructor(run: Run) {
    super(run);
    this.scenarioFile = resolve(run.scenario.file);
    this.eventLines = run.scenario.events.map((e) => e.line);
  }

  get functions(): readonly CFunction[] {
    return this.run.prog.functions;
  }
  isKernelFile(file: string): boolean {
    return this.run.prog.files.has(file);
  }
  cfunction(name: string): CFunction | string {
    const fn = this.run.prog.fnByName.get(name);
    if (!fn || fn.kind !== 'c') return fn ? `${name} is a native primitive of the simulator, not kernel C` : `the kernel source has no function '${name}'`;
    return fn as CFunction;
  }
  executableLines(file: string): readonly number[] | undefined {
    const lines = this.run.prog.executableLines.get(file);
    return lines && [...lines].sort((a, b) => a - b);
  }
  top(): { fn: CFunction | null; pc: number } {
    const at = topScope(this.run);
    return { fn: at.fn, pc: at.pc };
  }
  condition(text: string, fn: CFunction | null, pc: number): () => boolean {
    const c = this.run.prog.compileExpression!(text, fn, pc, false);
    return () => truthy(c.ev(topScope(this.run).frame));
  }
  show(text: string): string {
    const at = topScope(this.run);
    const c = this.run.prog.compileExpression!(text, at.fn, at.pc, false);
    return formatValue(this.run, c.t, c.ev(at.frame));
  }

  /** The id a data breakpoint on this field would have, or why there can be none. */
  dataInfo(target: DataTarget): DataInfo {
    const st = target.kind === 'socket' ? this.run.world.sockets.get(target.socket)?.sk : target.struct;
    if (!st) return { reason: `no socket named '${(target as { socket: string }).socket}'` };
    const fl = st.type.byName.get(target.field);
    if (!fl) return { reason: `struct ${st.type.name} has no field '${target.field}'` };
    if (fl.type.k === 'struct') return { reason: `${target.field} is a struct: watch one of its fields` };
    if (target.kind === 'socket') return { dataId: `${target.socket}:${target.field}`, description: `${target.socket}.${target.field}` };
    this.structs.set(st.id, st);
    const owner = this.run.world.byStruct.get(st);
    return { dataId: `struct#${st.id}:${target.field}`, description: owner ? `${owner.name}.${target.field}` : `(struct ${st.type.name} #${st.id}).${target.field}` };
  }

  watch(dataId: string): Watch | string {
    const m = /^(?:struct#(\d+)|([^:#]+)):(\w+)$/.exec(dataId);
    if (!m) return `'${dataId}' is not a data breakpoint id of this debugger`;
    const field = m[3];
    let st: CStruct | undefined;
    let label: string;
    if (m[1]) {
      st = this.structs.get(Number(m[1]));
      if (!st) return `the struct of '${dataId}' is not known in this run`;
      const owner = this.run.world.byStruct.get(st);
      label = owner ? `${owner.name}.${field}` : `(struct ${st.type.name} #${st.id}).${field}`;
    } else {
      st = this.run.world.sockets.get(m[2])?.sk;
      if (!st) return `no socket named '${m[2]}'`;
      label = `${m[2]}.${field}`;
    }
    const fl = st.type.byName.get(field);
    if (!fl || fl.type.k === 'struct') return `struct ${st.type.name} has no scalar field '${field}'`;
    const t: CType = fl.type;
    const onSock = this.run.world.byStruct.has(st);
    const cells = st.f;
    const index = fl.index;
    return { label, read: () => cells[index], show: (v) => (onSock && isInt(t) && typeof v === 'number' ? displayField(this.run, field, v) : formatValue(this.run, t, v)) };
  }
}
