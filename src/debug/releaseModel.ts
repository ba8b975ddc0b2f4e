// The session's model of the unmodified 1.2.13 release (src/engine/release/: a ReleaseRun over the
// kernel's byte memory; releaseDebuggee.ts steps it): frames and variables come from the values
// layer (src/engine/cvalues), the machine layer's C is left out of the call stack (it never stops),
// the stop event is the ReleaseSnapshotBuilder's, and a what-if write forgets the future and
// records a new stop.

import type { DebugProtocol } from '@vscode/debugprotocol';
import { Scope } from '@vscode/debugadapter';
import type { Frame, Loc } from '../engine/code';
import type { ReleaseRun, ReleaseStop } from '../engine/release/run';
import { KEY_FIELDS, displayTimer } from '../engine/inspect';
import { ensureStops, hitAt } from '../engine/hits';
import { lookAhead, type LookaheadBudget, type LookaheadState } from '../engine/lookahead';
import { fieldHistory, type FieldPlace } from '../engine/release/fieldHistory';
import { why, type WhyLink, type WhyTarget } from '../engine/release/why';
import { evaluate, frameVariables, setValue, type CValue, type Values, type WriteHooks } from '../engine/cvalues';
import type { StopEventBody, StopSnapshot } from '../common/protocol';
import { HZ, secondsValue } from '../common/clock';
import { ReleaseSnapshotBuilder } from './releaseSnapshot';
import type { Refs } from './refs';
import type { DataInfo } from './debuggee';
import { ReleaseDebuggee, ValueReaders } from './releaseDebuggee';
import type { CFrameView, Container, Evaluated, FieldValue, Format, SessionModel } from './model';
import { splitAssignment } from './values';

/** Something with children in the Variables view, or a value whose writer can be asked for (`valueLocationReference`). */
type Box = { kind: 'locals'; view: CFrameView } | { kind: 'value'; v: CValue } | { kind: 'clock' } | { kind: 'writer'; v: CValue };

export class ReleaseModel implements SessionModel {
  readonly debuggee: ReleaseDebuggee;
  readonly socketOrder: readonly string[];
  readonly kernelFiles: ReadonlyMap<string, string>;
  private readonly values: ValueReaders;
  private readonly snapshots: ReleaseSnapshotBuilder;
  private readonly lines: string[];
  private prev: StopSnapshot | undefined;

  constructor(
    readonly run: ReleaseRun,
    scenarioText: string,
  ) {
    this.values = new ValueReaders(run);
    this.debuggee = new ReleaseDebuggee(run, this.values);
    this.socketOrder = run.bound.socks.map((s) => s.name);
    const files = new Map<string, string>();
    for (const [k, t] of run.image.texts) if (!k.startsWith(`${run.image.machine}/`)) files.set(k, t);
    this.kernelFiles = files;
    this.snapshots = new ReleaseSnapshotBuilder(run, scenarioText);
    this.lines = scenarioText.split(/\r?\n/);
  }

  get stopCount(): number {
    return this.run.stopCount;
  }
  get lastLine(): number {
    const ev = this.run.bound.events;
    return ev[ev.length - 1]?.line ?? 1;
  }

  divergence(): { stop: number; line: number; what: 'fate' | 'close' } | undefined {
    const d = this.run.divergence();
    if (d) this.divergenceMark = { stop: d.stop, text: `leaves the scenario as written: ${d.what === 'fate' ? `the fate on line ${d.line}` : `the close on line ${d.line}, moved`}` };
    return d;
  }

  /** the panel's mark on the timeline, once divergence() found the moment */
  private divergenceMark: { stop: number; text: string } | undefined;

  cFrames(): CFrameView[] {
    return this.run.visibleFrames();
  }

  errorLoc(s: ReleaseStop): Loc | undefined {
    return s.kind === 'error' ? s.loc : undefined;
  }

  itemName(s: ReleaseStop): string {
    const it = s.item;
    if (s.kind === 'end' || !it) return 'end of scenario';
    if (it.kind === 'event') return `scenario: ${(this.lines[it.event.line - 1] ?? '').replace(/#.*$/, '').trim().replace(/^\S+\s+/, '')}`;
    if (it.kind === 'timer') {
      if (!it.which) return `timer: jiffy ${it.time}`;
      const sock = this.run.socks.find((x) => x.name === it.socket);
      const reason = sock ? this.run.timerReason(sock.sk, it.which) : '?';
      return `timer: sk->${it.which} (${reason})`;
    }
    const seg = this.run.segs[this.run.segmentOfDelivery(it.seg)];
    if (!seg) return 'segment arrives';
    const from = seg.from < 0 ? 'peer' : (this.run.socks[seg.from]?.name ?? 'peer');
    return `segment from ${from}: ${seg.flags} seq=${seg.seq} ack=${seg.ack} len=${seg.len} win=${seg.win}`;
  }

  socketLine(socket: string): number {
    const re = new RegExp(`^\\s*socket\\s+${socket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
    const i = this.lines.findIndex((l) => re.test(l));
    return i < 0 ? 1 : i + 1;
  }

  // ---- the Variables view ----

  private sockValue(name: string): CValue | undefined {
    const s = this.run.socks.find((x) => x.name === name);
    if (!s?.sk) return undefined;
    const sock = this.run.image.kernel.records.get('sock')!;
    return this.values.get().at(name, sock, s.sk, `*(struct sock *)0x${s.sk.toString(16)}`);
  }

  scopes(at: CFrameView | null, socket: string, vars: Refs<Container>): DebugProtocol.Scope[] {
    const out: DebugProtocol.Scope[] = [];
    const box = (b: Box) => vars.create(b);
    if (at) out.push(new Scope('Locals', box({ kind: 'locals', view: at }), false));
    // the socks made so far: the frame's own first, then the others in the scenario's order
    const made = new Map(this.socketOrder.flatMap((n) => { const v = this.sockValue(n); return v ? [[n, v] as const] : []; }));
    const own = made.has(socket) ? socket : [...made.keys()][0];
    if (own) out.push(new Scope('Socket', box({ kind: 'value', v: made.get(own)! }), false));
    for (const [name, v] of made) if (name !== own) out.push(new Scope(`Socket ${name}`, box({ kind: 'value', v }), false));
    out.push(new Scope('Clock', box({ kind: 'clock' }), false));
    return out;
  }

  /** The values a container holds, read now (the run may have moved since it was made: the ids are per stop). */
  private childrenOf(b: Box, format: Format, start?: number, count?: number): CValue[] {
    const values = this.values.get(format.hex);
    if (b.kind === 'locals') {
      const { args, locals } = frameVariables(values, b.view.frame, b.view.pc);
      return [...args, ...locals];
    }
    if (b.kind === 'value') {
      const kids = values.children(values.reread(b.v), start, count);
      // a sock's key fields first, as the panel shows them, and its timers summed up
      if (b.v.expand.k === 'record' && b.v.expand.r.tag === 'sock' && start === undefined) {
        const sk = b.v.expand.addr;
        const key = (n: string) => KEY_FIELDS.indexOf(n);
        const shown = kids.map((c) => (c.name === 'timer' || c.name === 'retransmit_timer' ? { ...c, value: this.timerText(sk, c.name) } : c));
        return [...shown.filter((c) => key(c.name) >= 0).sort((x, y) => key(x.name) - key(y.name)), ...shown.filter((c) => key(c.name) < 0)];
      }
      return kids;
    }
    return [];
  }

  /** `TIME_WRITE, expires at 302 (in 300 jiffies = 3.00 s)`, or `not pending`: one of a sock's two timers. */
  private timerText(sk: number, which: 'timer' | 'retransmit_timer'): string {
    const run = this.run;
    const t = run.timerAddress(sk, which);
    if (!run.timerPending(t)) return displayTimer(null, run.jiffies);
    return displayTimer({ reason: run.timerReason(sk, which), expires: run.timerExpires(t) }, run.jiffies);
  }

  private variable(v: CValue, vars: Refs<Container>): DebugProtocol.Variable {
    const expandable = v.expand.k !== 'none';
    const out: DebugProtocol.Variable = { name: v.name, value: v.problem && !v.value ? `<${v.problem}>` : v.value, type: v.type, variablesReference: expandable ? vars.create({ kind: 'value', v } satisfies Box) : 0 };
    if (v.evaluateName) out.evaluateName = v.evaluateName;
    // a value kept in memory or a slot has a writer to go to (DAP 1.68: Ctrl+click in the Variables view)
    if (!expandable && (v.place.k === 'memory' || v.place.k === 'slot')) out.valueLocationReference = vars.create({ kind: 'writer', v } satisfies Box);
    if (v.named) out.namedVariables = v.named;
    if (v.indexed) out.indexedVariables = v.indexed;
    return out;
  }

  variables(container: Container, vars: Refs<Container>, args: DebugProtocol.VariablesArguments): DebugProtocol.Variable[] {
    const b = container as Box;
    if (b.kind === 'clock') {
      const j = this.run.jiffies;
      return [
        { name: 'jiffies', value: String(j), type: 'unsigned long', variablesReference: 0, evaluateName: 'jiffies' },
        { name: 'seconds', value: secondsValue(j), variablesReference: 0 },
        { name: 'HZ', value: String(HZ), variablesReference: 0 },
      ];
    }
    const start = typeof args.start === 'number' ? args.start : undefined;
    const count = typeof args.count === 'number' && args.count > 0 ? args.count : undefined;
    return this.childrenOf(b, { hex: !!args.format?.hex }, start, count).map((v) => this.variable(v, vars));
  }

  fieldHistory(at: { socket: string; field: string } | { container: Container; name: string }): FieldValue[] {
    const run = this.run;
    let place: FieldPlace;
    let field: string;
    if ('socket' in at) {
      const s = run.socks.find((x) => x.name === at.socket);
      if (!s) throw new Error(`no socket '${at.socket}' in this scenario (${run.socks.map((x) => x.name).join(', ')})`);
      const f = run.sock.byName.get(at.field);
      if (!f) throw new Error(`struct sock has no field '${at.field}'`);
      if (f.type.k !== 'int') throw new Error(`${at.socket}.${at.field} is not an integer field: its history is of integers (state, fin_seq, rto…)`);
      const t = f.type as { size: number; signed: boolean };
      place = { addr: s.sk + f.offset, size: t.size, signed: t.signed, bits: f.bits, bitOffset: f.bitOffset };
      field = at.field;
    } else {
      // a Variables entry: an integer in memory (a sock's field, a struct's, a global)
      const b = at.container as Box;
      const v = b && b.kind !== 'clock' && b.kind !== 'writer' ? this.childrenOf(b, {}).find((c) => c.name === at.name) : undefined;
      if (!v) throw new Error(`no variable '${at.name}' here`);
      const p = v.place;
      if (p.k !== 'memory' || p.t.k !== 'int' || v.address === undefined || v.size === undefined) throw new Error(`${at.name} is not an integer kept in memory: the history is kept for fields and globals (a local in a register-like slot has none)`);
      place = { addr: v.address, size: v.size, signed: p.t.signed, bits: p.bits?.width, bitOffset: p.bits?.offset };
      field = at.name;
    }
    return fieldHistory(run, place).map((c) => ({ stop: c.stop, value: this.snapshots.displayField(field, c.value), ...(c.writer ? { writer: c.writer } : {}) }));
  }

  why(at: { socket: string; field: string } | { container: Container; name: string }): WhyLink {
    const run = this.run;
    let target: WhyTarget;
    if ('socket' in at) {
      const s = run.socks.find((x) => x.name === at.socket);
      if (!s) throw new Error(`no socket '${at.socket}' in this scenario (${run.socks.map((x) => x.name).join(', ')})`);
      const f = run.sock.byName.get(at.field);
      if (!f) throw new Error(`struct sock has no field '${at.field}'`);
      if (f.type.k !== 'int' && f.type.k !== 'ptr') throw new Error(`${at.socket}.${at.field} is not an integer or a pointer: the chain explains scalar values (state, fin_seq, rto…)`);
      const bits = f.bits !== undefined ? { w: f.bits, bitOffset: f.bitOffset!, signed: (f.type as { signed: boolean }).signed } : undefined;
      target = { kind: 'memory', name: `${at.socket}.${at.field}`, addr: s.sk + f.offset, t: f.type, bits };
    } else {
      const b = at.container as Box;
      const v = b && b.kind !== 'clock' && b.kind !== 'writer' ? this.childrenOf(b, {}).find((c) => c.name === at.name) : undefined;
      if (!v) throw new Error(`no variable '${at.name}' here`);
      const p = v.place;
      const name = v.evaluateName ?? v.name;
      if (p.k === 'memory' && (p.t.k === 'int' || p.t.k === 'ptr')) target = { kind: 'memory', name, addr: p.addr, t: p.t, bits: p.bits && { w: p.bits.width, bitOffset: p.bits.offset, signed: p.bits.signed } };
      else if (p.k === 'slot' && (p.t.k === 'int' || p.t.k === 'ptr')) {
        const frame = run.machine.frames.findIndex((fr) => fr.s === p.cells);
        if (frame < 0) throw new Error(`${name} is in no frame of this stop`);
        target = { kind: 'slot', name, frame, slot: p.index, t: p.t };
      } else throw new Error(`${name} is not an integer or a pointer: the chain explains scalar values`);
    }
    return why(run, target);
  }

  writerLocation(container: Container): { file: string; line: number; stop: number } | string {
    const b = container as Box;
    if (b.kind !== 'writer') return 'not a value with a writer';
    const run = this.run;
    const p = b.v.place;
    let stop: number | undefined;
    if (p.k === 'memory') stop = this.snapshots.writerOf(p.addr, b.v.size ?? 1)?.stop;
    else if (p.k === 'slot') stop = run.H.lastWriter(p.cells, p.index, run.stopIndex);
    if (stop === undefined) return `nothing in the run wrote ${b.v.name} before this stop: it holds its initial value`;
    const at = run.lineOf(stop);
    if (!at.file || !at.fn) return `${b.v.name} was last written by the scenario's driver (an event), not by a statement of the kernel C`;
    return { file: at.file, line: at.line, stop };
  }

  /** The write hooks of a what-if: the future is forgotten, and a new stop at this place records the change. */
  private hooks(): WriteHooks {
    return { branch: () => this.run.branch(), record: () => void this.run.recordAgain() };
  }

  setVariable(container: Container, name: string, value: string, format: Format): string {
    const b = container as Box;
    if (b.kind === 'clock') throw new Error('the clock cannot be changed here: add a wait to the scenario');
    const v = this.childrenOf(b, format).find((c) => c.name === name) ?? (b.kind === 'value' ? this.values.get(format.hex).child(this.values.get().reread(b.v), name) : undefined);
    if (!v) throw new Error(b.kind === 'locals' ? `no local '${name}' here` : `${b.v.type} has no field '${name}'`);
    // the value may be an expression (`sk->rto * 2`), read in the frame of the locals, else the top one
    const at = b.kind === 'locals' ? b.view : this.cFrames()[0];
    const text = rhsText(this.values.get(), value, at?.frame ?? null, at?.pc ?? 0, this.run);
    return setValue(this.values.get(format.hex), v, text, this.run.H, this.hooks()).value;
  }

  evaluate(text: string, at: CFrameView | null, repl: boolean, vars: Refs<Container>, format: Format): Evaluated {
    const values = this.values.get(format.hex);
    const frame = at?.frame ?? null;
    const pc = at?.pc ?? 0;
    if (repl) {
      const parts = splitAssignment(text);
      if (parts) {
        const target = evaluate(values, this.run.run, parts.lhs, frame, pc);
        const written = setValue(values, target, rhsText(values, parts.rhs, frame, pc, this.run), this.run.H, this.hooks());
        return { result: written.value, type: written.type, variablesReference: 0, changed: true };
      }
    }
    const v = evaluate(values, this.run.run, text, frame, pc);
    const shown = this.variable(v, vars);
    return { result: shown.value, type: v.type, variablesReference: shown.variablesReference };
  }

  dataInfo(container: Container | undefined, name: string): DataInfo {
    const b = container as Box | undefined;
    if (!b || b.kind === 'clock') return { reason: 'data breakpoints watch values kept in memory: a field of a socket or of a struct, or a global' };
    // a socket's field is named after the socket (server.state), anything else by its C expression
    const sock = b.kind === 'value' && this.socketOrder.includes(b.v.name) ? b.v.name : undefined;
    return this.debuggee.dataInfo(this.childrenOf(b, {}).find((c) => c.name === name), name, sock ? `${sock}.${name}` : undefined);
  }

  stopEvent(): StopEventBody {
    const run = this.run;
    const snap = this.snapshots.build(this.prev);
    this.prev = snap;
    const body: StopEventBody = { ...snap, item: this.itemName(run.stopInfo(run.stopIndex)), ...(this.divergenceMark ? { divergence: this.divergenceMark } : {}) };
    const at = run.lineOf(run.stopIndex);
    if (at.file && at.line > 0) body.moment = { file: at.file, line: at.line, hit: hitAt(run, run.stopIndex) };
    return body;
  }

  ensureStops(n: number): void {
    ensureStops(this.run, n);
  }

  lookAhead(budget: LookaheadBudget): LookaheadState {
    return lookAhead(this.run, budget);
  }

  summarize(until: number): boolean {
    return this.run.H.summarize(until);
  }

  laterNow(): Pick<StopSnapshot, 'later' | 'laterTimers'> | undefined {
    const l = this.snapshots.later();
    return l.later ? l : undefined;
  }

  dispose(): void {}
}

/**
 * The right-hand side of an assignment as setValue reads it: a number as it is; else the C
 * expression's integer value in the frame (`sk->rto * 2`, a local, an enum constant); else, for
 * what only setValue knows (a #define'd constant such as TIME_WRITE, `A|B` of them), the text.
 */
function rhsText(values: Values, rhs: string, frame: Frame | null, pc: number, run: ReleaseRun): string {
  if (/^\s*-?(0[xX][0-9a-fA-F]+|\d+)\s*$/.test(rhs)) return rhs;
  let v: CValue;
  try {
    v = evaluate(values, run.run, rhs, frame, pc);
  } catch (e) {
    if (/^\s*[A-Za-z_]\w*(\s*\|\s*[A-Za-z_]\w*)*\s*$/.test(rhs)) return rhs; // constants setValue looks up
    throw e;
  }
  const r = values.read(v.place);
  if (!r.ok) throw new Error(`'${rhs}' cannot be read: ${r.why}`);
  if (typeof r.v !== 'number' && typeof r.v !== 'bigint') throw new Error(`'${rhs}' is not an integer`);
  return String(r.v);
}
