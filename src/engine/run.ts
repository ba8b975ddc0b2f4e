// A run: a scenario executed over the kernel C, one stop at a time, forward and backward.
// Stops are C statements, scenario events (before each event, timer firing or delivery),
// failed expectations, faults, and the end. Every stop is in the history and can be restored.

import type { Assignment, Diagnostic, Range, Scenario, ScenarioEvent, SegmentSpec, Value } from '../scenario/ast';
import { CError, Op, type CFunction, type Loc } from './code';
import { compileProgram, type CParse, type NativeSpec, type Program, type SourceFile } from './compile';
import { CStruct, isInt, type FunctionRef, type StructType } from './ctypes';
import { History } from './history';
import { RunSetupError } from './setup';
import { pointerText } from './inspect';
import { Machine } from './machine';
import { HIDDEN_SLOTS, NATIVE_EFFECTS, World, matches, segmentText, type Segment, type SegmentFlags, type SocketInfo } from './world';

export type StopKind = 'statement' | 'event' | 'failure' | 'error' | 'end';

const CODE_EVENT = -1;
const CODE_FAILURE = -2;
const CODE_ERROR = -3;
const CODE_END = -4;

/** What the run is doing between stops: the agenda item being handled. */
export type Item =
  | { kind: 'event'; event: ScenarioEvent; index: number; socket: string; time: number }
  | { kind: 'timer'; timer: CStruct; which: 'timer' | 'retransmit_timer'; socket: string; time: number; reason: number }
  | { kind: 'delivery'; seg: Segment; socket: string; time: number };

export interface Stop {
  index: number;
  kind: StopKind;
  /** the socket whose code runs (the thread) */
  socket: string;
  /** the agenda item being handled */
  item?: Item;
  /** for statements: the function and the statement's location */
  fn?: CFunction;
  loc?: Loc;
  /** for failures and errors */
  message?: string;
  errorLoc?: Loc;
  clock: number;
}

export interface RunOptions {
  scenario: Scenario;
  /** the scenario's text (for showing its lines) */
  scenarioText?: string;
  /** the kernel C files; `main` is the one compiled */
  kernel: { files: SourceFile[]; main: string; readInclude: (path: string) => string | undefined };
  parse: CParse;
  /** statements one call chain may run before it is stopped as an endless loop */
  stepBudget?: number;
  /**
   * false: record no history (no log of writes, only the current stop is kept): `backward`,
   * `goto` to another stop and `write` in the past are unavailable, `lastWriter` knows nothing.
   * For throughput measurements and batch runs; the default (true) records everything.
   */
  history?: boolean;
}

export const DEFAULT_STEP_BUDGET = 100_000;

export { RunSetupError };

export class Run {
  readonly H: History;
  readonly prog: Program;
  readonly world: World;
  readonly machine: Machine;
  readonly scenario: Scenario;
  /**
   * logged cells: [next scenario event index, current item, statements run by call chains since
   * the clock last moved or a scenario event started, the jiffy they are counted at]
   */
  private readonly cells: any[] = [0, undefined, 0, -1];
  private readonly errors = new Map<number, CError>();
  private readonly fnByIndex: CFunction[];
  readonly socketOrder: string[];
  /** the scenario's lines (1-based: scenarioLines[0] is line 1) */
  readonly scenarioLines: string[];

  constructor(opts: RunOptions) {
    // A scenario with errors does not run, but its good lines are still checked against the
    // kernel (states, constants, fields, functions), so one pass reports every error of the file.
    const scenarioErrors = opts.scenario.diagnostics.filter((d) => d.severity === 'error');
    this.scenario = scenarioErrors.length ? checkable(opts.scenario) : opts.scenario;
    this.H = new History({ record: opts.history !== false });
    this.scenarioLines = (opts.scenarioText ?? '').split(/\r?\n/);
    let world: World | undefined;
    const natives = new Map<string, NativeSpec>();
    // natives are bound to the world, which needs the compiled program: bind lazily
    for (const [name, effect] of Object.entries(NATIVE_EFFECTS)) {
      let impl: ((args: any[], loc: Loc) => any) | undefined;
      natives.set(name, {
        impl: (args, loc) => {
          impl ??= world!.natives().get(name)!.impl;
          return impl(args, loc);
        },
        ...(effect === null ? { pure: true } : { effect }),
      });
    }
    try {
      this.prog = compileProgram({
        files: opts.kernel.files,
        main: opts.kernel.main,
        parse: opts.parse,
        readInclude: opts.kernel.readInclude,
        history: this.H,
        natives,
        hiddenSlots: HIDDEN_SLOTS,
      });
    } catch (e) {
      if (e instanceof CError) throw new RunSetupError(scenarioErrors, [e]);
      if (e && (e as { errors?: CError[] }).errors) throw new RunSetupError(scenarioErrors, (e as { errors: CError[] }).errors);
      throw e;
    }
    try {
      world = new World(this.prog, this.H);
    } catch (e) {
      throw new RunSetupError(scenarioErrors, [new CError({ file: opts.kernel.main, line: 1, column: 1, endLine: 1, endColumn: 1 }, (e as Error).message)]);
    }
    this.world = world;
    world.actor = () => this.current?.socket ?? '';
    this.machine = new Machine(this.prog, this.H);
    this.machine.budget = opts.stepBudget ?? DEFAULT_STEP_BUDGET;
    this.fnByIndex = this.prog.functions;
    const diags = this.setup();
    if (diags.length || scenarioErrors.length) throw new RunSetupError(inFileOrder([...scenarioErrors, ...diags]));
    this.socketOrder = [...this.world.sockets.keys()];
    this.nextItem();
  }

  // ---- setting up the sockets, and checking what the scenario names against the kernel ----

  private diag(range: Range, message: string): Diagnostic {
    return { file: this.scenario.file, range, severity: 'error', message };
  }

  /** Resolves a value written in the scenario: numbers, kernel constants (TCP_ optional), or'ed. */
  resolveValue(v: Value, diags: Diagnostic[]): number | undefined {
    if (v.kind === 'number') return v.value;
    if (v.kind === 'or') {
      let acc = 0;
      for (const p of v.parts) {
        const x = this.resolveValue(p, diags);
        if (x === undefined) return undefined;
        acc |= x;
      }
      return acc >>> 0;
    }
    const c = this.prog.constants.get(v.name) ?? this.prog.constants.get(`TCP_${v.name}`);
    if (c === undefined) {
      diags.push(this.diag(v.range, `'${v.name}' is not a constant of the kernel header (a state such as TCP_CLOSE_WAIT, a timer reason such as TIME_CLOSE, or a number)`));
      return undefined;
    }
    return c;
  }

  private fieldIndex(t: StructType, a: Assignment, diags: Diagnostic[]): { cells: (sk: CStruct) => any[]; index: number; bits?: number; unsigned: boolean } | undefined {
    const parts = a.name.split('.');
    let st: StructType = t;
    const path: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const fl = st.byName.get(parts[i]);
      if (!fl) {
        const known = [...st.byName.values()].filter((f) => isInt(f.type) || f.type.k === 'struct').map((f) => f.name);
        diags.push(this.diag(a.nameRange, `struct ${st.name} has no field '${parts[i]}' (fields: ${known.join(', ')})`));
        return undefined;
      }
      if (i < parts.length - 1) {
        if (fl.type.k !== 'struct') {
          diags.push(this.diag(a.nameRange, `'${parts.slice(0, i + 1).join('.')}' is not a struct`));
          return undefined;
        }
        path.push(fl.index);
        st = fl.type;
      } else {
        if (!isInt(fl.type)) {
          diags.push(this.diag(a.nameRange, `'${a.name}' is not an integer field`));
          return undefined;
        }
        const p = path.slice();
        return {
          cells: (sk) => {
            let s = sk;
            for (const k of p) s = s.f[k];
            return s.f;
          },
          index: fl.index,
          bits: fl.bits,
          unsigned: !fl.type.signed,
        };
      }
    }
    return undefined;
  }

  private setup(): Diagnostic[] {
    const diags: Diagnostic[] = [];
    const H = this.H;
    const w = this.world;
    const sc = this.scenario;
    const fn = (name: string) => this.prog.fnByName.get(name);
    for (const d of sc.sockets) {
      const sk = new CStruct(w.skType);
      const info: SocketInfo = { name: d.name, sk, delay: 0, drops: [], cursor: [0], sent: [] };
      w.sockets.set(d.name, info);
      w.byStruct.set(sk, info);
    }
    for (const l of sc.links) {
      const a = w.sockets.get(l.a)!;
      const b = w.sockets.get(l.b)!;
      a.peer = l.b;
      b.peer = l.a;
      a.delay = b.delay = l.delay;
    }
    const setField = (sk: CStruct, name: string, v: any) => {
      const fl = sk.type.byName.get(name);
      if (fl) H.set(sk.f, fl.index, v);
    };
    const constant = (n: string, dflt: number) => this.prog.constants.get(n) ?? dflt;
    const netTimer = fn('net_timer');
    const rexmit = fn('retransmit_timer');
    const cb = fn('def_callback1');
    if (!netTimer) diags.push(this.diag(sc.sockets[0]?.range ?? zeroRange(), `the kernel source defines no net_timer(): sk->timer has no handler`));
    if (!rexmit) diags.push(this.diag(sc.sockets[0]?.range ?? zeroRange(), `the kernel source defines no retransmit_timer(): sk->retransmit_timer has no handler`));
    const socketType = this.prog.structs.get('struct socket');
    const declOf = new Map(sc.sockets.map((s) => [s.name, s]));
    for (const d of sc.sockets) {
      const info = w.sockets.get(d.name)!;
      const sk = info.sk;
      if (d.plain) diags.push(this.diag(d.state.range, `a socket from nothing (CLOSED, made by inet_create) needs the release kernel; this kernel source starts each socket in a state given with its fields (e.g. TCP_ESTABLISHED write_seq=1000)`));
      const state = this.resolveValue(d.state, diags);
      if (state !== undefined) setField(sk, 'state', state);
      setField(sk, 'rto', constant('TCP_TIMEOUT_INIT', 300));
      setField(sk, 'window', constant('MAX_WINDOW', 16384));
      setField(sk, 'state_change', cb ?? null);
      if (socketType?.complete) setField(sk, 'socket', new CStruct(socketType));
      w.initTimer(sk.get('timer'), sk, netTimer ?? null);
      w.initTimer(sk.get('retransmit_timer'), sk, rexmit ?? null);
      const given = new Set(d.fields.map((a) => a.name));
      for (const a of d.fields) {
        if (a.name === 'listener' || a.name === 'partial') continue;
        const v = this.resolveValue(a.value, diags);
        const f = this.fieldIndex(w.skType, a, diags);
        if (v === undefined || !f) continue;
        H.set(f.cells(sk), f.index, f.unsigned ? v >>> 0 : v | 0);
      }
      const get = (n: string) => sk.get(n);
      const peer = info.peer ? declOf.get(info.peer) : undefined;
      if (!given.has('acked_seq') && peer) {
        const pw = peer.fields.find((a) => a.name === 'write_seq');
        if (pw) {
          const v = this.resolveValue(pw.value, []);
          if (v !== undefined) setField(sk, 'acked_seq', v >>> 0);
        }
      }
      if (!given.has('sent_seq')) setField(sk, 'sent_seq', get('write_seq'));
      if (!given.has('rcv_ack_seq')) setField(sk, 'rcv_ack_seq', get('write_seq'));
      if (!given.has('copied_seq')) setField(sk, 'copied_seq', get('acked_seq'));
    }
    // options that are not fields: a pending child of a listener, a partly filled segment
    for (const d of sc.sockets) {
      const info = w.sockets.get(d.name)!;
      for (const a of d.fields) {
        if (a.name === 'listener' && a.value.kind === 'name') {
          const parent = w.sockets.get(a.value.name);
          if (!parent) {
            diags.push(this.diag(a.value.range, `no socket named '${a.value.name}'`));
            continue;
          }
          const skb = w.allocSkb();
          skb.f[skb.type.byName.get('sk')!.index] = info.sk;
          const q = parent.sk.get('receive_queue') as CStruct;
          w.natives().get('skb_queue_tail')!.impl([q, skb], this.declLoc(a.range));
        } else if (a.name === 'partial') {
          const n = this.resolveValue(a.value, diags);
          if (n === undefined) continue;
          // the application's bytes are already counted in write_seq (tcp_write does so as it
          // copies them): the held segment starts n bytes before it
          const seq = (info.sk.get('write_seq') - n) >>> 0;
          const skb = w.makeSkb({ flags: { syn: false, fin: false, rst: false, psh: false, ack: true }, seq, ack: info.sk.get('acked_seq'), len: n, win: 0 }, info.sk);
          setField(info.sk, 'partial', skb);
        }
      }
    }
    // events: check names against the kernel now, so a run never stops on a typo
    for (const e of sc.events) this.checkEvent(e, diags);
    return diags;
  }

  private declLoc(r: Range): Loc {
    return { file: this.scenario.file, line: r.start.line, column: r.start.column, endLine: r.end.line, endColumn: r.end.column };
  }

  private checkEvent(e: ScenarioEvent, diags: Diagnostic[]): void {
    const a = e.action;
    const sk = this.world.skType;
    switch (a.kind) {
      case 'expect':
        for (const f of a.fields) {
          if (f.name === 'timer' || f.name === 'retransmit_timer') {
            if (!(f.value.kind === 'name' && f.value.name === 'none')) this.resolveValue(f.value, diags);
            continue;
          }
          this.fieldIndex(sk, f, diags);
          this.resolveValue(f.value, diags);
        }
        break;
      case 'set':
        for (const f of a.fields) {
          this.fieldIndex(sk, f, diags);
          this.resolveValue(f.value, diags);
        }
        break;
      case 'call': {
        const fn = this.prog.fnByName.get(a.function);
        if (!fn || fn.kind !== 'c') {
          diags.push(this.diag(a.functionRange, fn ? `'${a.function}' is a native primitive, not kernel C to step into` : `the kernel source has no function '${a.function}'`));
          break;
        }
        this.callArgs(fn as CFunction, e, diags);
        break;
      }
      case 'listen':
      case 'connect':
      case 'accept':
      case 'shutdown':
      case 'write':
      case 'read':
        diags.push(this.diag(e.socketRange, `'${a.kind}' needs the release kernel (the real socket layer: inet_${a.kind}); this kernel source runs only the close path's functions, on sockets declared in a state`));
        break;
      default:
        break;
    }
  }

  /** The arguments for `call FUNC`, from the parameters' types and names. */
  private callArgs(fn: CFunction, e: ScenarioEvent, diags: Diagnostic[]): any[] | undefined {
    const a = e.action as Extract<ScenarioEvent['action'], { kind: 'call' }>;
    const info = this.world.sockets.get(e.socket)!;
    const params = fn.vars.filter((v) => v.param);
    const args: any[] = [];
    let skb: CStruct | undefined;
    const seg = a.segment ? this.segmentOf(a.segment, diags) : undefined;
    // skb->len is the TCP length (header + payload) for tcp_rcv and for functions that take the
    // length as a parameter; a function called later on the path (tcp_fin) sees the payload
    // length, as tcp_data leaves it
    const tcpLength = fn.name === 'tcp_rcv' || params.some((p) => p.name === 'len' && isInt(p.type));
    const makeSkb = () => {
      if (!skb) {
        skb = this.world.makeSkb(seg!, info.sk);
        if (!tcpLength) skb.f[skb.type.byName.get('len')!.index] = seg!.len;
      }
      return skb;
    };
    let ok = true;
    for (const p of params) {
      const t = p.type;
      if (t.k === 'ptr' && t.to.k === 'struct') {
        const sname = t.to.name;
        if (sname === 'sock') args.push(info.sk);
        else if ((sname === 'sk_buff' || sname === 'tcphdr') && seg) {
          const b = makeSkb();
          args.push(sname === 'sk_buff' ? b : (b.get('h') as CStruct).get('th'));
        } else {
          ok = false;
          diags.push(this.diag(a.functionRange, `${fn.name}() takes 'struct ${sname} *${p.name}': ${sname === 'sk_buff' || sname === 'tcphdr' ? 'write a segment after the function name, e.g. F. seq=1000' : 'a scenario cannot supply it'}`));
        }
      } else if (isInt(t)) {
        const given = a.args.find((x) => x.name === p.name);
        if (given) args.push(this.resolveValue(given.value, diags));
        else if (p.name === 'len' && seg) args.push(20 + seg.len);
        else {
          ok = false;
          diags.push(this.diag(a.functionRange, `${fn.name}() needs '${p.name}=' (its parameter '${p.name}')`));
        }
      } else {
        ok = false;
        diags.push(this.diag(a.functionRange, `${fn.name}() has a parameter '${p.name}' a scenario cannot supply`));
      }
    }
    for (const x of a.args) {
      if (!params.some((p) => p.name === x.name)) diags.push(this.diag(x.nameRange, `${fn.name}() has no parameter '${x.name}' (parameters: ${params.map((p) => p.name).join(', ')})`));
    }
    return ok ? args : undefined;
  }

  private segmentOf(s: SegmentSpec, diags: Diagnostic[]): { flags: SegmentFlags; seq: number; ack: number; len: number; win: number } {
    const get = (n: string, d: number) => {
      const a = s.fields.find((f) => f.name === n);
      return a ? (this.resolveValue(a.value, diags) ?? d) : d;
    };
    const { syn, fin, rst, psh, ack } = s.flags;
    return { flags: { syn, fin, rst, psh, ack }, seq: get('seq', 0) >>> 0, ack: get('ack', 0) >>> 0, len: get('len', 0), win: get('win', 16384) };
  }

  // ---- the agenda ----

  get current(): Item | undefined {
    return this.cells[1];
  }

  /** The next thing that happens: timers due first, then deliveries, then scenario events. */
  private pickNext(): Item | undefined {
    const events = this.scenario.events;
    const next = events[this.cells[0]] as ScenarioEvent | undefined;
    const horizon = next ? next.time : undefined;
    const w = this.world;
    const t = w.nextTimer();
    const d = w.nextDelivery();
    const due = (time: number) => horizon === undefined || time <= horizon;
    // when the scenario is over, nothing more happens: the run ends at the last event
    if (t && horizon !== undefined && due(w.timerExpires(t)) && (!d || w.timerExpires(t) <= d.arrival)) {
      const owner = w.byStruct.get(t.f[t.type.byName.get('data')!.index]);
      const sk = owner?.sk;
      const which = sk && sk.get('timer') === t ? 'timer' : 'retransmit_timer';
      const reason = sk ? sk.get(which === 'timer' ? 'timeout' : 'ip_xmit_timeout') : 0;
      return { kind: 'timer', timer: t, which, socket: owner?.name ?? '?', time: w.timerExpires(t), reason };
    }
    if (d && horizon !== undefined && due(d.arrival)) return { kind: 'delivery', seg: d.seg, socket: d.to, time: d.arrival };
    if (next) return { kind: 'event', event: next, index: this.cells[0], socket: next.socket, time: next.time };
    return undefined;
  }

  /** Picks the next agenda item and records its stop (or the end); returns the stop's index. */
  private nextItem(): number {
    const item = this.pickNext();
    this.H.set(this.cells, 1, item);
    if (!item) return this.H.recordStop(CODE_END, 0);
    if (item.time > this.world.jiffies) this.world.jiffies = item.time;
    if (this.livelocked(item)) {
      const last = this.scenario.events[this.cells[0] - 1];
      const line = last?.line ?? 1;
      const n = this.H.recordStop(CODE_ERROR, -1);
      this.errors.set(
        n,
        new CError(
          { file: this.scenario.file, line, column: 1, endLine: line, endColumn: 1 },
          `the step budget of ${this.machine.budget} statements (per socket) is used up at jiffy ${this.world.jiffies}: ${this.cells[2]} statements of timers and segment deliveries since the last scenario event, and the clock does not move — an endless exchange (a timer re-armed for now, or segments answered over a link with delay=0)? The run is stopped here.`,
        ),
      );
      return n;
    }
    return this.H.recordStop(CODE_EVENT, item.kind === 'event' ? item.event.line : 0);
  }

  /**
   * Each call chain has the step budget, but timers re-armed for the current jiffy, or two sockets
   * answering each other over a link with delay=0, make endless work of short chains without the
   * clock moving. Counts the statements of the chains since the clock last moved or a scenario
   * event started; true when timers and deliveries have used the budget once per socket (and once more).
   */
  private livelocked(item: Item): boolean {
    const H = this.H;
    const m = this.machine;
    const ran = m.statements;
    m.statements = 0;
    if (item.kind === 'event' || this.world.jiffies !== this.cells[3]) {
      H.set(this.cells, 2, 0);
      H.set(this.cells, 3, this.world.jiffies);
      return false;
    }
    H.set(this.cells, 2, this.cells[2] + ran);
    return this.cells[2] > m.budget * (this.world.sockets.size + 1);
  }

  /** Starts the current item; returns the index of the stop it reaches. */
  private startItem(): number {
    const item = this.current!;
    const w = this.world;
    const H = this.H;
    const enter = (fn: FunctionRef | null | undefined, args: any[]): number => {
      if (!fn) return this.nextItem();
      if (fn.kind === 'native') {
        (fn as any).impl(args, { file: this.scenario.file, line: 0, column: 0, endLine: 0, endColumn: 0 });
        return this.nextItem();
      }
      this.machine.statements = 0;
      this.machine.enter(fn as CFunction, args);
      return this.advance(false);
    };
    switch (item.kind) {
      case 'timer': {
        const { fn, data } = w.detachForFiring(item.timer);
        return enter(fn, [data]);
      }
      case 'delivery': {
        w.takeDelivery(item.seg);
        const to = w.sockets.get(item.socket)!;
        return enter(this.prog.fnByName.get('tcp_rcv'), [w.makeSkb(item.seg, to.sk), to.sk]);
      }
      case 'event': {
        H.set(this.cells, 0, item.index + 1);
        const e = item.event;
        const a = e.action;
        const info = w.sockets.get(e.socket);
        switch (a.kind) {
          case 'receive': {
            const seg = this.segmentOf(a.segment, []);
            const rec = w.record({ from: 'peer', to: e.socket, time: w.jiffies, ...seg, dropped: false, line: e.line });
            return enter(this.prog.fnByName.get('tcp_rcv'), [w.makeSkb(rec, info!.sk), info!.sk]);
          }
          case 'close': {
            // close() on the descriptor: inet_release, which calls tcp_close(sk, 0), marks the
            // socket dead and releases it; `close timeout=N` is a protocol close: tcp_close(sk, N)
            const release = this.prog.fnByName.get('inet_release');
            if (a.timeout === 0 && release?.kind === 'c') return enter(release, [info!.sk]);
            return enter(this.prog.fnByName.get('tcp_close'), [info!.sk, a.timeout]);
          }
          case 'call': {
            const fn = this.prog.fnByName.get(a.function) as CFunction;
            const args = this.callArgs(fn, e, [])!;
            if (a.segment) {
              const seg = this.segmentOf(a.segment, []);
              w.record({ from: 'peer', to: e.socket, time: w.jiffies, ...seg, dropped: false, line: e.line });
            }
            return enter(fn, args);
          }
          case 'expect':
            return this.check(e, this.expectFailures(e, a.fields));
          case 'send':
            return this.check(e, this.sendFailure(e, a.segment));
          case 'drop': {
            const seg = this.segmentOf(a.segment, []);
            const fields: Record<string, number> = {};
            for (const f of a.segment.fields) fields[f.name] = (seg as any)[f.name];
            H.push(info!.drops, { flags: seg.flags, fields, line: e.line });
            return this.nextItem();
          }
          case 'set': {
            for (const f of a.fields) {
              const fi = this.fieldIndex(w.skType, f, [])!;
              const v = this.resolveValue(f.value, [])!;
              H.set(fi.cells(info!.sk), fi.index, fi.unsigned ? v >>> 0 : v | 0);
            }
            return this.nextItem();
          }
          case 'wait':
            return this.nextItem();
          case 'listen': // the socket layer's statements are refused in setup (checkEvent): never reached
          case 'connect':
          case 'accept':
          case 'shutdown':
          case 'write':
          case 'read':
            return this.nextItem();
        }
      }
    }
  }

  private check(e: ScenarioEvent, message: string | undefined): number {
    if (!message) return this.nextItem();
    this.H.push(this.world.failures, { line: e.line, time: this.world.jiffies, message });
    return this.H.recordStop(CODE_FAILURE, e.line);
  }

  private expectFailures(e: ScenarioEvent, fields: Assignment[]): string | undefined {
    const info = this.world.sockets.get(e.socket)!;
    const sk = info.sk;
    const bad: string[] = [];
    for (const f of fields) {
      if (f.name === 'timer' || f.name === 'retransmit_timer') {
        const t = sk.get(f.name) as CStruct;
        const pending = this.world.timerPending(t);
        const reason = sk.get(f.name === 'timer' ? 'timeout' : 'ip_xmit_timeout');
        const actual = pending ? this.constantName(reason, 'TIME_') : 'none';
        const want = f.value.kind === 'name' && f.value.name === 'none' ? 'none' : this.constantName(this.resolveValue(f.value, [])!, 'TIME_');
        if (actual !== want) bad.push(`${f.name} is ${actual}${pending ? ` (expires at ${this.world.timerExpires(t)})` : ''}, expected ${want}`);
        continue;
      }
      const fi = this.fieldIndex(this.world.skType, f, [])!;
      const v = this.resolveValue(f.value, [])!;
      const actual = fi.cells(sk)[fi.index];
      const want = fi.unsigned ? v >>> 0 : v | 0;
      if (actual !== want) {
        const show = (x: number) => (typeof x !== 'number' ? pointerText(this, x) : f.name === 'state' ? `${this.constantName(x, 'TCP_')}` : String(x));
        bad.push(`${f.name} is ${show(actual)}, expected ${show(want)}`);
      }
    }
    return bad.length ? `expect ${e.socket}: ${bad.join('; ')}` : undefined;
  }

  private sendFailure(e: ScenarioEvent, spec: SegmentSpec): string | undefined {
    const info = this.world.sockets.get(e.socket)!;
    const seg = this.segmentOf(spec, []);
    const fields: Record<string, number> = {};
    for (const f of spec.fields) fields[f.name] = (seg as any)[f.name];
    const from = info.cursor[0] as number;
    for (let i = from; i < info.sent.length; i++) {
      if (matches({ flags: seg.flags, fields }, info.sent[i])) {
        this.H.set(info.cursor, 0, i + 1);
        return undefined;
      }
    }
    const unmatched = info.sent.slice(from).map((s) => segmentText(s));
    const want = `${spec.flags.text}${spec.fields.map((f) => ` ${f.name}=${(seg as any)[f.name]}`).join('')}`;
    return `${e.socket} did not send ${want}: ${unmatched.length ? `it sent ${unmatched.join(', ')}` : 'it sent nothing since the last match'}`;
  }

  /** The name of a kernel constant with this value and prefix (TCP_CLOSE, TIME_WRITE), else the number. */
  constantName(v: number, prefix: string): string {
    for (const [k, c] of this.prog.constants) if (c === v && k.startsWith(prefix) && this.isStateOrReason(k, prefix)) return k;
    return String(v);
  }

  private isStateOrReason(k: string, prefix: string): boolean {
    if (prefix === 'TCP_') return /^TCP_(ESTABLISHED|SYN_SENT|SYN_RECV|FIN_WAIT1|FIN_WAIT2|TIME_WAIT|CLOSE|CLOSE_WAIT|LAST_ACK|LISTEN|CLOSING)$/.test(k);
    if (prefix === 'TIME_') return /^TIME_(WRITE|CLOSE|KEEPOPEN|DESTROY|DONE|PROBE0)$/.test(k);
    return true;
  }

  // ---- moving ----

  private advance(skip: boolean): number {
    const m = this.machine;
    let arrival;
    try {
      arrival = m.advance(skip);
    } catch (e) {
      if (!(e instanceof CError)) throw e;
      const n = this.H.recordStop(CODE_ERROR, m.pc);
      this.errors.set(n, e);
      return n;
    }
    if (arrival === 'statement') return this.H.recordStop(m.frames[m.frames.length - 1].fn.index, m.pc);
    return this.nextItem();
  }

  /** The next stop's index: replayed from history when we are in the past, else computed. */
  private step(): number {
    const H = this.H;
    const cur = H.currentStop;
    if (!H.atEnd) {
      this.goto(cur + 1);
      return cur + 1;
    }
    const code = H.codeAt(cur);
    if (code >= 0) return this.advance(true);
    if (code === CODE_END || code === CODE_ERROR) return cur;
    if (code === CODE_EVENT) return this.startItem();
    return this.nextItem(); // after a failure
  }

  /** The next stop: replayed from history when we are in the past, else computed. */
  forward(): Stop {
    return this.stopInfo(this.step());
  }

  /**
   * The fast path: moves forward up to `maxStops` stops exactly as that many `forward()` calls
   * would, without describing each stop (no Stop objects). Returns early at the end of the run
   * or at a fault (the stop reached is then the last one), or after reaching a stop `n` for which
   * `until(n)` is true (it is then the current stop). Returns the number of stops moved; read
   * the stop reached with `stopInfo(stopIndex)`.
   */
  runFast(maxStops = Infinity, until?: (stop: number) => boolean): number {
    const H = this.H;
    let moved = 0;
    while (moved < maxStops) {
      const cur = H.currentStop;
      if (!until && H.atEnd && H.codeAt(cur) >= 0) {
        // inside a call chain: the machine records the statements itself
        moved += this.advanceMany(Math.min(maxStops - moved, 0x3fffffff));
        continue;
      }
      const next = this.step();
      if (next === cur) break; // the end, or a fault
      moved++;
      if (until && until(next)) break;
    }
    return moved;
  }

  /** `advance(true)` up to `max` times (at least once); returns the number of stops recorded. */
  private advanceMany(max: number): number {
    const m = this.machine;
    let arrival;
    try {
      arrival = m.runStops(true, max);
    } catch (e) {
      if (!(e instanceof CError)) throw e;
      const n = this.H.recordStop(CODE_ERROR, m.pc);
      this.errors.set(n, e);
      return m.recorded + 1;
    }
    if (arrival === 'statement') return m.recorded;
    this.nextItem();
    return m.recorded + 1;
  }

  backward(): Stop {
    const n = Math.max(0, this.H.currentStop - 1);
    this.goto(n);
    return this.stopInfo(n);
  }

  /** Restores the world exactly as it was at stop `n` (which must have been reached). */
  goto(n: number): Stop {
    this.H.goto(n);
    const { code, pc } = this.H.stopAt(n);
    this.machine.restorePosition(code >= 0 || code === CODE_ERROR ? pc : -1);
    return this.stopInfo(n);
  }

  /**
   * A what-if: write `value` into `cells[index]` at the current stop. The future is forgotten and
   * a new stop at the same place records the change, so going back shows the value as it was.
   */
  write(cells: any[], index: number, value: unknown): Stop {
    this.branch();
    this.H.set(cells, index, value);
    const { code, pc } = this.H.stopAt(this.H.currentStop);
    if (code === CODE_ERROR) this.errors.set(this.H.stopCount, this.errors.get(this.H.currentStop)!);
    return this.stopInfo(this.H.recordStop(code, pc));
  }

  /** Forget the future (after a change in the past): the run continues live from here. */
  branch(): void {
    this.H.truncate();
    this.generation++;
    for (const k of [...this.errors.keys()]) if (k > this.H.currentStop) this.errors.delete(k);
  }

  /** Counts the branches of history: what was computed about later stops before a branch is stale. */
  generation = 0;

  get stopIndex(): number {
    return this.H.currentStop;
  }
  get stopCount(): number {
    return this.H.stopCount;
  }
  get finished(): boolean {
    const c = this.H.stopAt(this.H.currentStop).code;
    return c === CODE_END || c === CODE_ERROR;
  }

  /** Describes stop `n` (which must be the current one for locations deeper than the top frame). */
  stopInfo(n: number): Stop {
    const { code, pc } = this.H.stopAt(n);
    const item = n === this.H.currentStop ? this.current : undefined;
    const clock = this.world.jiffies;
    const socket = item?.socket ?? '';
    if (code >= 0) {
      const fn = this.fnByIndex[code];
      return { index: n, kind: 'statement', socket, item, fn, loc: fn.code[pc].loc, clock };
    }
    if (code === CODE_EVENT) return { index: n, kind: 'event', socket, item, clock };
    if (code === CODE_FAILURE) return { index: n, kind: 'failure', socket, item, clock, message: this.world.failures[this.world.failures.length - 1]?.message };
    if (code === CODE_ERROR) {
      const err = this.errors.get(n);
      const top = this.machine.top;
      return { index: n, kind: 'error', socket, item, clock, message: err?.detail, errorLoc: err?.loc, fn: top?.fn, loc: err?.loc };
    }
    return { index: n, kind: 'end', socket: '', clock };
  }

  /** The line a stop is at, without moving there (for timelines and transcripts). */
  /** the scenario's path (as given) */
  get scenarioFile(): string {
    return this.scenario.file;
  }

  lineOf(n: number): { fn?: string; file?: string; line: number } {
    const { code, pc } = this.H.stopAt(n);
    if (code >= 0) {
      const fn = this.fnByIndex[code];
      return { fn: fn.name, file: fn.file, line: fn.code[pc].loc.line };
    }
    return { file: this.scenario.file, line: pc };
  }

  /** Is the statement at stop `n` the implicit return at a function's closing brace? */
  isImplicitReturn(n: number): boolean {
    const { code, pc } = this.H.stopAt(n);
    if (code < 0) return false;
    const ins = this.fnByIndex[code].code[pc];
    return ins.op === Op.STMT && ins.what === 'return' && this.fnByIndex[code].code[pc + 1]?.ev === undefined && ins.loc.endColumn - ins.loc.column === 1;
  }

  dispose(): void {
    this.prog.dispose?.();
  }
}

/**
 * The part of a scenario with errors that can still be checked against the kernel: the sockets
 * whose declarations parsed, the links between them and the events on them (the parser has left
 * out the lines that failed; a name declared by a failed line is known but has no socket).
 */
function checkable(sc: Scenario): Scenario {
  const built = new Set(sc.sockets.map((s) => s.name));
  return {
    ...sc,
    sockets: sc.sockets.map((d) => ({ ...d, fields: d.fields.filter((a) => !(a.name === 'listener' && a.value.kind === 'name' && !built.has(a.value.name))) })),
    links: sc.links.filter((l) => built.has(l.a) && built.has(l.b)),
    events: sc.events.filter((e) => built.has(e.socket)),
  };
}

function inFileOrder(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
}

function zeroRange(): Range {
  return { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
}
