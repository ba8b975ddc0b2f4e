// The session's model of the reduced port (src/engine/run.ts: a Run over src/kernel/tcp.c;
// reducedDebuggee.ts steps it): its values are cells of CStructs, its sockets the world's, its
// stop event the SnapshotBuilder's.

import type { DebugProtocol } from '@vscode/debugprotocol';
import { Scope } from '@vscode/debugadapter';
import type { CFunction, Frame, Loc } from '../engine/code';
import { CStruct, isInt, typeName, type CType } from '../engine/ctypes';
import { KEY_FIELDS, displayField, displayTimer, socketView } from '../engine/inspect';
import type { Run, Stop } from '../engine/run';
import { segmentText } from '../engine/world';
import type { StopEventBody, StopSnapshot } from '../common/protocol';
import { HZ, secondsValue } from '../common/clock';
import { ensureStops, hitAt } from '../engine/hits';
import { buildSnapshot } from './snapshot';
import type { Refs } from './refs';
import type { DataInfo } from './debuggee';
import { ReducedDebuggee } from './reducedDebuggee';
import type { CFrameView, Container, Evaluated, SessionModel } from './model';
import { assign, evaluate, formatValue, globalScope, writeInt, type Scope as EvalScope } from './values';

/** Something with children in the Variables view. */
type Box =
  | { kind: 'locals'; frame: Frame; pc: number }
  | { kind: 'socket'; socket: string; at: EvalScope }
  | { kind: 'clock' }
  | { kind: 'struct'; value: CStruct; at: EvalScope };

export class ReducedModel implements SessionModel {
  readonly debuggee: ReducedDebuggee;
  private prev: StopSnapshot | undefined;

  constructor(readonly run: Run) {
    this.debuggee = new ReducedDebuggee(run);
  }

  get socketOrder(): readonly string[] {
    return this.run.socketOrder;
  }
  get kernelFiles(): ReadonlyMap<string, string> {
    return this.run.prog.files;
  }
  get stopCount(): number {
    return this.run.stopCount;
  }
  get lastLine(): number {
    return this.run.scenario.events[this.run.scenario.events.length - 1]?.line ?? 1;
  }

  cFrames(): CFrameView[] {
    const m = this.run.machine;
    return m.stack().map((f, i) => ({ frame: m.frames[m.frames.length - 1 - i], pc: f.pc, name: f.fn.name, loc: f.loc }));
  }

  errorLoc(s: Stop): Loc | undefined {
    return s.kind === 'error' ? s.errorLoc : undefined;
  }

  itemName(s: Stop): string {
    return itemName(this.run, s);
  }

  socketLine(socket: string): number {
    return this.run.scenario.sockets.find((d) => d.name === socket)?.range.start.line ?? 1;
  }

  private scopeAt(at: CFrameView | null): EvalScope {
    return at ? { fn: at.frame.fn, pc: at.pc, frame: at.frame } : globalScope();
  }

  scopes(at: CFrameView | null, socket: string, vars: Refs<Container>): DebugProtocol.Scope[] {
    const run = this.run;
    const scope = this.scopeAt(at);
    const out: DebugProtocol.Scope[] = [];
    const box = (b: Box) => vars.create(b);
    if (at) out.push(new Scope('Locals', box({ kind: 'locals', frame: at.frame, pc: at.pc }), false));
    const own = run.world.sockets.has(socket) ? socket : run.socketOrder[0];
    if (own) out.push(new Scope('Socket', box({ kind: 'socket', socket: own, at: scope }), false));
    for (const name of run.socketOrder) if (name !== own) out.push(new Scope(`Socket ${name}`, box({ kind: 'socket', socket: name, at: scope }), false));
    out.push(new Scope('Clock', box({ kind: 'clock' }), false));
    return out;
  }

  variables(container: Container, vars: Refs<Container>): DebugProtocol.Variable[] {
    const run = this.run;
    const c = container as Box;
    switch (c.kind) {
      case 'locals': {
        const at: EvalScope = { fn: c.frame.fn, pc: c.pc, frame: c.frame };
        return visibleLocals(c.frame.fn, c.pc).map((v) => ({ ...this.variable(v.name, v.type, c.frame.s[v.slot], at, vars), evaluateName: v.name }));
      }
      case 'socket': {
        const info = run.world.sockets.get(c.socket)!;
        const sk = info.sk;
        const view = socketView(run, info);
        const fields = [...KEY_FIELDS.map((n) => sk.type.byName.get(n)!).filter(Boolean), ...sk.type.fields.filter((f) => !KEY_FIELDS.includes(f.name))];
        return fields.map((fl) => {
          const v = sk.f[fl.index];
          if (fl.name === 'timer' || fl.name === 'retransmit_timer') {
            return { name: fl.name, value: displayTimer(view[fl.name], run.world.jiffies), type: typeName(fl.type), variablesReference: vars.create({ kind: 'struct', value: v, at: c.at } satisfies Box) };
          }
          if (isInt(fl.type)) return { name: fl.name, value: displayField(run, fl.name, v), type: typeName(fl.type), variablesReference: 0 };
          return this.variable(fl.name, fl.type, v, c.at, vars);
        });
      }
      case 'clock': {
        const j = run.world.jiffies;
        return [
          { name: 'jiffies', value: String(j), type: 'unsigned long', variablesReference: 0, evaluateName: 'jiffies' },
          { name: 'seconds', value: secondsValue(j), variablesReference: 0 },
          { name: 'HZ', value: String(HZ), variablesReference: 0 },
        ];
      }
      case 'struct': {
        const st = c.value;
        const owner = run.world.byStruct.get(st);
        return st.type.fields.map((fl) => {
          const v = st.f[fl.index];
          if (owner && isInt(fl.type)) return { name: fl.name, value: displayField(run, fl.name, v), type: typeName(fl.type), variablesReference: 0 };
          return this.variable(fl.name, fl.type, v, c.at, vars);
        });
      }
    }
  }

  private variable(name: string, t: CType, v: unknown, at: EvalScope, vars: Refs<Container>): DebugProtocol.Variable {
    const expandable = v instanceof CStruct;
    return { name, value: formatValue(this.run, t, v), type: typeName(t), variablesReference: expandable ? vars.create({ kind: 'struct', value: v as CStruct, at } satisfies Box) : 0 };
  }

  setVariable(container: Container, name: string, value: string): string {
    const run = this.run;
    const c = container as Box;
    let place: { cells: any[]; index: number; type: CType; bits?: number; field?: string; onSock?: boolean };
    let at: EvalScope;
    if (c.kind === 'locals') {
      const v = visibleLocals(c.frame.fn, c.pc).find((x) => x.name === name);
      if (!v) throw new Error(`no local '${name}' here`);
      place = { cells: c.frame.s, index: v.slot, type: v.type };
      at = { fn: c.frame.fn, pc: c.pc, frame: c.frame };
    } else if (c.kind === 'socket' || c.kind === 'struct') {
      const st = c.kind === 'socket' ? run.world.sockets.get(c.socket)!.sk : c.value;
      const fl = st.type.byName.get(name);
      if (!fl) throw new Error(`struct ${st.type.name} has no field '${name}'`);
      place = { cells: st.f, index: fl.index, type: fl.type, bits: fl.bits, field: fl.name, onSock: run.world.byStruct.has(st) };
      at = c.at;
    } else throw new Error('the clock cannot be changed here: add a wait to the scenario');
    const v = writeInt(run, place, value, at);
    return place.onSock && place.field ? displayField(run, place.field, v) : formatValue(run, place.type, v);
  }

  evaluate(text: string, at: CFrameView | null, repl: boolean, vars: Refs<Container>): Evaluated {
    const run = this.run;
    const scope = this.scopeAt(at);
    if (repl) {
      const w = assign(run, text, scope);
      if (w) return { result: formatValue(run, w.type, w.value), type: typeName(w.type), variablesReference: 0, changed: true };
    }
    const { value, type } = evaluate(run, text, scope);
    return { result: formatValue(run, type, value), type: typeName(type), variablesReference: value instanceof CStruct ? vars.create({ kind: 'struct', value, at: scope } satisfies Box) : 0 };
  }

  dataInfo(container: Container | undefined, name: string): DataInfo {
    const c = container as Box | undefined;
    if (c?.kind === 'socket') return this.debuggee.dataInfo({ kind: 'socket', socket: c.socket, field: name });
    if (c?.kind === 'struct') return this.debuggee.dataInfo({ kind: 'struct', struct: c.value, field: name });
    return { reason: 'data breakpoints watch fields of a socket or of a struct (expand a pointer), not locals or expressions' };
  }

  stopEvent(): StopEventBody {
    const run = this.run;
    const snap = buildSnapshot(run, this.prev);
    this.prev = snap;
    const body: StopEventBody = { ...snap, item: itemName(run, run.stopInfo(run.stopIndex)) };
    const at = run.lineOf(run.stopIndex);
    if (at.file && at.line > 0) body.moment = { file: at.file, line: at.line, hit: hitAt(run, run.stopIndex) };
    return body;
  }

  ensureStops(n: number): void {
    ensureStops(this.run, n);
  }

  dispose(): void {
    this.run.dispose();
  }
}

/** What the run is handling: `scenario: server close`, `timer: sk->timer (TIME_CLOSE)`, a segment's arrival. */
export function itemName(run: Run, s: Stop): string {
  const it = s.item;
  if (s.kind === 'end' || !it) return 'end of scenario';
  if (it.kind === 'event') return `scenario: ${(run.scenarioLines[it.event.line - 1] ?? '').replace(/#.*$/, '').trim().replace(/^\S+\s+/, '')}`;
  if (it.kind === 'timer') return `timer: sk->${it.which} (${run.constantName(it.reason, 'TIME_')})`;
  return `segment from ${it.seg.from}: ${segmentText(it.seg)}`;
}

/** The locals and parameters of `fn` whose names are in scope at instruction `pc`. */
function visibleLocals(fn: CFunction, pc: number) {
  return fn.vars.filter((v) => v.from <= pc && pc < v.to);
}
