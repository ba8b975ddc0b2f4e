// The debug adapter session: translates Debug Adapter Protocol requests into calls on a model of
// the engine it runs (model.ts: the unmodified 1.2.13 release, releaseModel.ts) and its Controller
// (stepping and breakpoints), and stops back into DAP events.

import { basename, resolve } from 'node:path';
import {
  ContinuedEvent,
  Event,
  InitializedEvent,
  InvalidatedEvent,
  LoggingDebugSession,
  OutputEvent,
  Source,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { printable } from '../engine/code';
import { RunSetupError } from '../engine/setup';
import { CUSTOM_REQUESTS, STOP_EVENT, TIMELINE_EVENT } from '../common/ids';
import type { TimelineEventBody } from '../common/protocol';
import { loadReleaseRun } from '../host/load';
import { readText } from '../host/read';
import { Refs } from './refs';
import { LOOKAHEAD_SECONDS, LOOKAHEAD_STOPS, checkLaunchArguments, type LaunchArguments } from './config';
import { Controller, type BreakpointResult, type MotionKind, type Outcome, type StopReport } from './control';
import type { StopLike } from './debuggee';
import type { CFrameView, Container, SessionModel } from './model';
import { ReleaseModel } from './releaseModel';
import { runCapture } from '../engine/release/capture';
import { sequenceDiagram } from '../engine/release/sequence';
import { errorText } from './values';

/** A stack frame: a C activation, the agenda item at the bottom, or an idle socket. */
type FrameRef = { kind: 'c'; view: CFrameView; socket: string } | { kind: 'item'; socket: string } | { kind: 'idle'; socket: string };

/** Requests the adapter does not advertise (no capability says it answers them). */
const NOT_SUPPORTED = new Set(['attach', 'source', 'completions', 'stepInTargets', 'gotoTargets', 'goto', 'loadedSources', 'readMemory', 'writeMemory', 'disassemble', 'setExpression', 'modules', 'setInstructionBreakpoints', 'restartFrame', 'cancel']);

/** The highest line a breakpoint may name (the schema's integers; no source is longer). */
const MAX_LINE = 2 ** 31 - 1;

/** A request naming a frame or variables of an earlier stop (the client asked late). */
class StaleReference extends Error {}

export const EXCEPTION_FILTER = 'expectation';

/** The longest a slice of recording ahead runs before the session listens to the client again. */
const LOOKAHEAD_SLICE_MS = 8;

/** The last of `changes` (in stop order) before stop `here`, walking back from the end without copying. */
function lastBefore<T extends { stop: number }>(changes: readonly T[], here: number): T | undefined {
  for (let i = changes.length - 1; i >= 0; i--) if (changes[i].stop < here) return changes[i];
  return undefined;
}

export class TcpCloseSession extends LoggingDebugSession {
  private model: SessionModel | undefined;
  private ctl: Controller | undefined;
  private args: LaunchArguments | undefined;
  private motion: Generator<void, Outcome> | undefined;
  private configured = false;
  private onConfigured: (() => void) | undefined;
  private frames = new Refs<FrameRef>();
  private vars = new Refs<Container>();
  private lastReport: StopReport | undefined;
  private clientInvalidates = false;
  /** breakpoint requests kept to apply again on restart */
  private lineRequests = new Map<string, DebugProtocol.SetBreakpointsArguments>();
  private fnRequest: DebugProtocol.SetFunctionBreakpointsArguments | undefined;
  private dataRequest: DebugProtocol.SetDataBreakpointsArguments | undefined;
  private filters: string[] = [EXCEPTION_FILTER];
  /** kernel files run from one path (dist/kernel/linux-1.2.13/net/inet/tcp.c) but opened by the user at another with the same text */
  private aliases = new Map<string, string>();

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    // The library ends the session on any 'error': a broken stream, but also one message that is
    // not JSON (or not an object). Such a message is reported and skipped; the session goes on.
    this.removeAllListeners('error');
    this.on('error', (e: { body?: unknown }) => {
      const text = String(e?.body ?? '');
      if (text.startsWith('Error handling data')) this.sendEvent(new OutputEvent(`ignored a message that is not a DAP message (${text})\n`, 'stderr'));
      else this.shutdown();
    });
  }

  // ---- plumbing: every request answers, none throws ----

  protected override dispatchRequest(request: DebugProtocol.Request): void {
    if (typeof request.command !== 'string') {
      this.fail({ type: 'response', seq: 0, request_seq: typeof request.seq === 'number' ? request.seq : 0, command: String(request.command), success: false } as DebugProtocol.Response, `a request's command must be a string`, 1003, false);
      return;
    }
    if (NOT_SUPPORTED.has(request.command)) {
      // the base class would answer success with no body (invalid for most of these): say no
      this.fail({ type: 'response', seq: 0, request_seq: request.seq, command: request.command, success: false } as DebugProtocol.Response, `'${request.command}' is not supported by the tcp-close debugger`, 1002, false);
      return;
    }
    try {
      super.dispatchRequest(request);
    } catch (e) {
      this.fail({ type: 'response', seq: 0, request_seq: request.seq, command: request.command, success: false } as DebugProtocol.Response, errorText(e));
    }
  }

  private fail(response: DebugProtocol.Response, message: string, id = 1001, showUser = true): void {
    this.sendErrorResponse(response, { id, format: '{_reason}', variables: { _reason: printable(message) }, showUser });
  }

  /** Runs a handler; an exception becomes an error response. */
  private guard(response: DebugProtocol.Response, body: () => void): void {
    try {
      body();
    } catch (e) {
      // a request about a previous stop, arriving after the run moved on, is expected: no popup
      this.fail(response, errorText(e), 1001, !(e instanceof StaleReference));
    }
  }

  private need(): { model: SessionModel; ctl: Controller } {
    if (!this.model || !this.ctl) throw new Error('no scenario is running: launch one first');
    return { model: this.model, ctl: this.ctl };
  }

  /** A client path as the run knows it: a copy of a kernel file with the same text is that file. */
  private fromClient(path: string): string {
    const file = resolve(this.convertClientPathToDebugger(path));
    const model = this.model;
    if (!model || model.kernelFiles.has(file) || file === model.debuggee.scenarioFile) return file;
    let text: string | undefined;
    try {
      text = readText(file, 'kernel source');
    } catch {
      return file;
    }
    for (const [k, t] of model.kernelFiles) {
      if (t === text) {
        this.aliases.set(k, file);
        return k;
      }
    }
    return file;
  }

  /** A source for a run's file, under the path the user opened it at. */
  private source(file: string): Source {
    const shown = this.aliases.get(file) ?? file;
    return new Source(basename(shown), this.convertDebuggerPathToClient(shown));
  }

  // ---- start ----

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientInvalidates = !!args?.supportsInvalidatedEvent;
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsStepBack: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsFunctionBreakpoints: true,
      supportsDataBreakpoints: true,
      supportsSetVariable: true,
      supportsEvaluateForHovers: true,
      supportsRestartRequest: true,
      supportsExceptionInfoRequest: true,
      supportsTerminateRequest: true,
      supportsBreakpointLocationsRequest: true,
      exceptionBreakpointFilters: [{ filter: EXCEPTION_FILTER, label: 'Failed expectations', description: 'Stop when an expect line or a > line of the scenario does not hold', default: true }],
    };
    this.sendResponse(response);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configured = true;
    this.sendResponse(response);
    this.onConfigured?.();
  }

  /** a launch is being answered (it waits for configurationDone): a second one is refused */
  private launching = false;

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, raw: DebugProtocol.LaunchRequestArguments): Promise<void> {
    if (this.launching || this.model) {
      // the first launch keeps its run and gets its answer; this one is told why not
      return this.fail(response, this.launching ? 'a launch is already in progress in this session: one launch per session (restart to run again)' : 'this session already runs a scenario: restart it, or start another session', 1005);
    }
    this.launching = true;
    try {
      const args = checkLaunchArguments(raw);
      if (typeof args === 'string') return this.fail(response, args, 1002);
      this.args = args;
      if (!(await this.load(response))) return;
      this.sendEvent(new InitializedEvent());
      if (!this.configured) await new Promise<void>((done) => (this.onConfigured = done));
      this.sendResponse(response);
      this.begin();
    } catch (e) {
      this.fail(response, errorText(e));
    } finally {
      this.launching = false;
    }
  }

  /** Creates the Run; on setup errors answers with them, lists them as output, and terminates. */
  private async load(response: DebugProtocol.Response): Promise<boolean> {
    const args = this.args!;
    this.disposeRun();
    try {
      // `kernel: "reduced"` names the removed port: said once, then the release runs
      if (args.notice) this.sendEvent(new OutputEvent(args.notice + '\n', 'stderr'));
      const { run, text } = await loadReleaseRun({ scenarioPath: args.scenario, kernelPath: args.kernelSource, stepBudget: args.stepBudget });
      this.model = new ReleaseModel(run, text);
    } catch (e) {
      if (!(e instanceof RunSetupError)) throw e;
      const lines = [...e.diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column}: ${d.message}`), ...e.kernelErrors.map((k) => `${k.loc.file}:${k.loc.line}:${k.loc.column}: ${k.detail}`)];
      this.sendEvent(new OutputEvent(lines.join('\n') + '\n', 'stderr'));
      this.fail(response, `the scenario cannot run:\n${lines.join('\n')}`, 1003);
      this.sendEvent(new TerminatedEvent());
      return false;
    }
    const ctl = new Controller(this.model.debuggee);
    ctl.stepBy = args.stepBy ?? 'line';
    ctl.stopOnFailure = this.filters.includes(EXCEPTION_FILTER);
    ctl.onLog = (text) => this.sendEvent(new OutputEvent(text + '\n', 'console'));
    this.ctl = ctl;
    // breakpoints set before a restart apply to the new run
    this.aliases.clear();
    for (const req of this.lineRequests.values()) this.placeBreakpoints(this.fromClient(req.source.path!), this.lineSpecs(req));
    if (this.fnRequest) ctl.setFunctionBreakpoints(this.fnRequest.breakpoints);
    if (this.dataRequest) ctl.setDataBreakpoints(this.dataRequest.breakpoints);
    return true;
  }

  /** After launch or restart: stop on entry, or run to the first breakpoint. */
  private begin(): void {
    const fate = this.args!.stopAtFate ? this.model!.divergence() : undefined;
    if (fate) {
      // "Debug this outcome": where the schedule first differs from the scenario as written
      const stop = this.model!.debuggee.goto(fate.stop);
      this.finish({ kind: 'stopped', report: { stop, reason: 'entry', description: `where the run ${fate.what === 'fate' ? `leaves the scenario as written (the fate on line ${fate.line})` : `leaves the scenario as written (the close on line ${fate.line}, moved)`}` } });
      this.startLookahead();
      return;
    }
    const first = this.ctl!.entry(this.args!.stopOnEntry ?? true);
    if (first) this.finish(first);
    else this.startMotion('continue');
    this.startLookahead();
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
    try {
      if (!this.args) return this.fail(response, 'nothing to restart: launch first');
      const next = args?.arguments ? checkLaunchArguments(args.arguments) : this.args;
      if (typeof next === 'string') return this.fail(response, next, 1002);
      this.args = next;
      this.motion = undefined;
      if (!(await this.load(response))) return;
      this.sendResponse(response);
      this.begin();
    } catch (e) {
      this.fail(response, errorText(e));
    }
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.motion = undefined;
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments, request?: DebugProtocol.Request): void {
    this.motion = undefined;
    this.disposeRun();
    super.disconnectRequest(response, args, request);
  }

  private disposeRun(): void {
    this.ahead = undefined;
    this.model?.dispose();
    this.model = undefined;
    this.ctl = undefined;
  }

  // ---- recording ahead ----

  /** the look-ahead in progress (a new one, a restart or the end of the run drops it) */
  private ahead: object | undefined;

  /**
   * Records the run ahead of the stop shown, in slices of at most LOOKAHEAD_SLICE_MS between the
   * client's requests (which never wait for more than one), until the run's end or the launch's
   * budget (lookaheadStops, lookaheadSeconds); the panel hears how far the timeline reaches. A
   * motion records as it goes: no slice runs while one is under way.
   */
  private startLookahead(): void {
    const model = this.model;
    const maxStops = this.args?.lookaheadStops ?? LOOKAHEAD_STOPS;
    if (!model || maxStops === 0) return;
    const token = {};
    this.ahead = token;
    const deadline = performance.now() + (this.args?.lookaheadSeconds ?? LOOKAHEAD_SECONDS) * 1000;
    let told = -1;
    let toldAt = 0;
    const tell = (body: TimelineEventBody) => {
      told = body.stopCount;
      toldAt = performance.now();
      this.sendEvent(new Event(TIMELINE_EVENT, body));
    };
    const slice = () => {
      if (this.ahead !== token || this.model !== model) return;
      if (this.motion) return void setTimeout(slice, 20);
      const s = model.lookAhead({ maxStops, until: Math.min(deadline, performance.now() + LOOKAHEAD_SLICE_MS) });
      const timeUp = performance.now() >= deadline;
      const done = s.whole || s.capped || timeUp;
      const body: TimelineEventBody = { stopCount: s.stops, whole: s.whole, capped: s.capped || (timeUp && !s.whole) };
      // the whole run known: the stop shown gets what is still to come (later stops' snapshots carry theirs)
      const later = s.whole ? model.laterNow() : undefined;
      if (later) Object.assign(body, { index: model.debuggee.stopIndex, ...later });
      if (done || (s.stops !== told && performance.now() - toldAt > 250)) tell(body);
      if (done) {
        this.ahead = undefined;
        if (!s.summarized) this.summarizeWhenIdle();
      } else setImmediate(slice);
    };
    setImmediate(slice);
  }

  /** whether slices making the history's summaries are scheduled */
  private summarizing = false;

  /**
   * Makes the summaries of the history's whole chunks (History.summarize) in slices between the
   * client's requests, after a motion or the look-ahead recorded more: a far jump then crosses
   * each whole chunk at once instead of entry by entry. Nothing waits for it.
   */
  private summarizeWhenIdle(): void {
    if (this.summarizing) return;
    this.summarizing = true;
    const slice = () => {
      const model = this.model;
      if (!model) return void (this.summarizing = false);
      if (this.motion || this.ahead) return void setTimeout(slice, 20);
      if (model.summarize(performance.now() + LOOKAHEAD_SLICE_MS)) this.summarizing = false;
      else setImmediate(slice);
    };
    setImmediate(slice);
  }

  // ---- moving ----

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.move(response, 'continue');
  }
  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.move(response, 'next');
  }
  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.move(response, 'stepIn');
  }
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.move(response, 'stepOut');
  }
  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.move(response, 'stepBack');
  }
  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.move(response, 'reverseContinue');
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.guard(response, () => {
      const { model, ctl } = this.need();
      this.sendResponse(response);
      if (this.motion) ctl.pauseRequested = true;
      else this.finish({ kind: 'stopped', report: { stop: model.debuggee.stopInfo(model.debuggee.stopIndex), reason: 'pause' } });
    });
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown, request?: DebugProtocol.Request): void {
    if (command === CUSTOM_REQUESTS.stepToNextEvent) return this.move(response, 'stepToNextEvent');
    if (command === CUSTOM_REQUESTS.gotoStop) return this.gotoStop(response, args);
    if (command === CUSTOM_REQUESTS.runToStop) return this.runToStop(response, args);
    if (command === 'locations') return this.locations(response, args);
    if (command === CUSTOM_REQUESTS.fieldHistory) return this.fieldHistory(response, args);
    if (command === CUSTOM_REQUESTS.gotoFieldChange) return this.gotoFieldChange(response, args);
    if (command === CUSTOM_REQUESTS.why) return this.why(response, args);
    if (command === CUSTOM_REQUESTS.exportRun) return this.exportRun(response, args);
    super.customRequest(command, response, args, request);
  }

  /** What a field request names, checked: a socket's field, or a Variables entry (`variablesReference` of its container, `name`). */
  private fieldArgs(args: unknown, what: string): { socket: string; field: string } | { container: Container; name: string } {
    const a = (args ?? {}) as { socket?: unknown; field?: unknown; variablesReference?: unknown; name?: unknown };
    if (typeof a.variablesReference === 'number' && typeof a.name === 'string') {
      const container = this.vars.get(a.variablesReference);
      if (!container) throw new Error(`${what}: no variables ${a.variablesReference} at this stop`);
      return { container, name: a.name };
    }
    if (typeof a.socket !== 'string' || typeof a.field !== 'string' || !/^\w{1,64}$/.test(a.field)) throw new Error(`${what}: name a socket's field (\`{ "socket": "server", "field": "state" }\`) or a Variables entry (\`{ "variablesReference", "name" }\`)`);
    return { socket: a.socket, field: a.field };
  }

  /** Every value a socket's field took over the recorded run (the panel's field timeline). */
  private fieldHistory(response: DebugProtocol.Response, args: unknown): void {
    this.guard(response, () => {
      const { model } = this.need();
      response.body = { values: model.fieldHistory(this.fieldArgs(args, 'fieldHistory')), stopCount: model.stopCount };
      this.sendResponse(response);
    });
  }

  /** Why a field or a Variables entry holds its value: the chain of its writers back to the scenario (the panel's "Why?" view). */
  private why(response: DebugProtocol.Response, args: unknown): void {
    this.guard(response, () => {
      const { model } = this.need();
      if (this.motion) throw new Error('the run is moving: pause first');
      response.body = { chain: model.why(this.fieldArgs(args, 'why')), stop: model.debuggee.stopIndex };
      this.sendResponse(response);
    });
  }

  /**
   * The run's segments so far as a capture (`what: 'pcap'`: pcapng, base64) or a Mermaid sequence
   * diagram (`what: 'mermaid'`): the panel's "Save as pcap" and "Sequence diagram". Reading who sent
   * each segment visits its stop; the run is back at the current stop when the answer goes.
   */
  private exportRun(response: DebugProtocol.Response, args: unknown): void {
    this.guard(response, () => {
      const { model } = this.need();
      if (this.motion) throw new Error('the run is moving: pause first');
      const what = (args as { what?: unknown } | undefined)?.what;
      if (what !== 'pcap' && what !== 'mermaid') throw new Error("exportRun: what must be 'pcap' or 'mermaid'");
      if (!(model instanceof ReleaseModel)) throw new Error('exportRun: this session has no release run');
      const run = model.run;
      response.body = { what, segments: run.segs.length, data: what === 'pcap' ? Buffer.from(runCapture(run)).toString('base64') : sequenceDiagram(run) };
      this.sendResponse(response);
    });
  }

  /** "Previous / next change of this field": to the first stop that shows the field's previous or next value. */
  private gotoFieldChange(response: DebugProtocol.Response, args: unknown): void {
    this.guard(response, () => {
      const { model } = this.need();
      const at = this.fieldArgs(args, 'gotoFieldChange');
      const what = 'socket' in at ? `${at.socket}.${at.field}` : at.name;
      const direction = (args as { direction?: unknown }).direction;
      if (direction !== 'previous' && direction !== 'next') throw new Error("gotoFieldChange: direction must be 'previous' or 'next'");
      if (this.motion) throw new Error('the run is moving: pause first');
      const here = model.debuggee.stopIndex;
      const changes = model.fieldHistory(at).slice(1);
      const to = direction === 'next' ? changes.find((c) => c.stop > here) : lastBefore(changes, here);
      if (!to) throw new Error(direction === 'next' ? `no later change of ${what} in the ${model.stopCount} stops recorded` : `no earlier change of ${what}: it has held its value since the first stop`);
      const stop = model.debuggee.goto(to.stop);
      response.body = { stop: to.stop, value: to.value };
      this.sendResponse(response);
      this.movedByRequest();
      const by = to.writer ? `, written by ${to.writer.fn}:${to.writer.line}` : '';
      this.finish({ kind: 'stopped', report: { stop, reason: 'goto', description: `${direction} change of ${what}: ${to.value}${by}` } });
    });
  }

  /**
   * DAP 1.68's `locations`: a value's `valueLocationReference` (a Variables entry) resolves to the
   * kernel statement that last wrote it before this stop, so Ctrl+click on a field goes to its writer.
   */
  private locations(response: DebugProtocol.Response, args: unknown): void {
    this.guard(response, () => {
      const { model } = this.need();
      const ref = (args as { locationReference?: unknown })?.locationReference;
      if (typeof ref !== 'number' || !Number.isInteger(ref)) throw new Error('locations: locationReference must be a whole number');
      const c = this.vars.get(ref);
      if (!c) throw new Error(`no location ${ref} at this stop (a reference lives until the run moves)`);
      const at = model.writerLocation(c);
      if (typeof at === 'string') throw new Error(at);
      response.body = { source: this.source(at.file), line: at.line } satisfies DebugProtocol.LocationsResponse['body'];
      this.sendResponse(response);
    });
  }

  private move(response: DebugProtocol.Response, kind: MotionKind): void {
    this.guard(response, () => {
      this.need();
      if (this.motion) throw new Error('the run is already moving: pause first');
      this.sendResponse(response);
      this.startMotion(kind);
    });
  }

  /** Runs a motion in chunks, so a pause request can be heard between them. */
  private startMotion(kind: MotionKind): void {
    const gen = this.ctl!.move(kind);
    this.motion = gen;
    const tick = () => {
      if (this.motion !== gen) return;
      let r: IteratorResult<void, Outcome>;
      try {
        r = gen.next();
      } catch (e) {
        this.motion = undefined;
        this.sendEvent(new OutputEvent(`internal error while running: ${(e as Error).stack ?? e}\n`, 'stderr'));
        const d = this.model!.debuggee;
        this.finish({ kind: 'stopped', report: { stop: d.stopInfo(d.stopIndex), reason: 'exception', description: 'internal error of the debugger', text: errorText(e) } });
        return;
      }
      if (!r.done) return void setImmediate(tick);
      this.motion = undefined;
      this.finish(r.value);
    };
    setImmediate(tick);
  }

  /** Reports a motion's outcome: a stopped event and the panel's snapshot, or the end. */
  private finish(o: Outcome): void {
    this.frames.clear();
    this.vars.clear();
    this.summarizeWhenIdle();
    if (o.kind === 'finished') {
      this.sendEvent(new OutputEvent('the scenario has ended\n', 'console'));
      this.sendEvent(new TerminatedEvent());
      return;
    }
    const r = o.report;
    this.lastReport = r;
    const ev = new StoppedEvent(r.reason, this.threadOf(r.stop), r.text === undefined ? undefined : printable(r.text)) as DebugProtocol.StoppedEvent;
    ev.body.allThreadsStopped = true;
    if (r.description) ev.body.description = printable(r.description);
    if (r.hitBreakpointIds?.length) ev.body.hitBreakpointIds = r.hitBreakpointIds;
    this.sendEvent(ev);
    this.sendSnapshot();
  }

  /** The `tcpClose/stop` event for the panel: where we are, the sockets, what changed. */
  private sendSnapshot(): void {
    this.sendEvent(new Event(STOP_EVENT, this.model!.stopEvent()));
  }

  /** The panel's timeline: move to any stop already recorded. */
  private gotoStop(response: DebugProtocol.Response, args: unknown): void {
    this.guard(response, () => {
      const { model } = this.need();
      const n = (args as { stop?: unknown })?.stop;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n >= model.stopCount) throw new Error(`gotoStop: stop must be a whole number from 0 to ${model.stopCount - 1}`);
      if (this.motion) throw new Error('the run is moving: pause first');
      const stop = model.debuggee.goto(n);
      this.sendResponse(response);
      this.movedByRequest();
      this.finish({ kind: 'stopped', report: { stop, reason: 'goto', description: `went to stop ${n}` } });
    });
  }

  /**
   * A custom request moved the run: the client did not resume it itself, so say it continued
   * before it stopped again (else VS Code keeps showing the previous stop's reason).
   */
  private movedByRequest(): void {
    this.sendEvent(new ContinuedEvent(1, true));
  }

  /** Walkthroughs: move to stop `stop`, running the scenario forward when it is not recorded yet (to the end at most). */
  private runToStop(response: DebugProtocol.Response, args: unknown): void {
    this.guard(response, () => {
      const { model } = this.need();
      const n = (args as { stop?: unknown })?.stop;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new Error('runToStop: stop must be a whole number >= 0');
      if (this.motion) throw new Error('the run is moving: pause first');
      model.ensureStops(n);
      const target = Math.min(n, model.stopCount - 1);
      const stop = model.debuggee.goto(target);
      response.body = { stop: target };
      this.sendResponse(response);
      this.movedByRequest();
      this.finish({ kind: 'stopped', report: { stop, reason: 'goto', description: `went to stop ${target}` } });
    });
  }

  // ---- breakpoints ----

  private lineSpecs(args: DebugProtocol.SetBreakpointsArguments) {
    const bps: DebugProtocol.SourceBreakpoint[] = args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }));
    if (!Array.isArray(bps)) throw new Error('setBreakpoints: breakpoints must be a list');
    return bps.map((b) => {
      if (!b || typeof b.line !== 'number') throw new Error('setBreakpoints: each breakpoint needs a numeric line');
      const line = this.convertClientLineToDebugger(b.line);
      // a line the schema cannot carry back (1e300, 2.5, -1) is answered, never echoed
      if (!Number.isInteger(line) || line < 1 || line > MAX_LINE) return { line: 0, invalid: `line ${String(b.line).slice(0, 24)} is not a line number (a whole number from 1 to ${MAX_LINE})` };
      return { line, condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage };
    });
  }

  /** Breakpoints for the specs: the controller's for valid lines, unverified ones for invalid lines, in order. */
  private placeBreakpoints(file: string, specs: ReturnType<TcpCloseSession['lineSpecs']>): DebugProtocol.Breakpoint[] {
    const valid = specs.filter((b) => !b.invalid);
    const placed = this.ctl!.setBreakpoints(file, valid).map((r) => this.toProtocol(r));
    let k = 0;
    return specs.map((b) => (b.invalid ? { verified: false, message: b.invalid } : placed[k++]));
  }

  private toProtocol(r: BreakpointResult): DebugProtocol.Breakpoint {
    const b: DebugProtocol.Breakpoint = { id: r.id, verified: r.verified };
    if (r.line !== undefined) b.line = this.convertDebuggerLineToClient(r.line);
    if (r.file) b.source = this.source(r.file);
    if (r.message) b.message = printable(r.message);
    return b;
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    this.guard(response, () => {
      const path = args?.source?.path;
      if (typeof path !== 'string') throw new Error('setBreakpoints: source.path is required (the kernel C file or the .tcpscenario)');
      const specs = this.lineSpecs(args);
      this.lineRequests.set(resolve(path), args);
      if (!this.ctl) {
        response.body = { breakpoints: specs.map((b) => (b.invalid ? { verified: false, message: b.invalid } : { verified: false, line: this.convertDebuggerLineToClient(b.line), message: 'set when the scenario is loaded' })) };
        return this.sendResponse(response);
      }
      response.body = { breakpoints: this.placeBreakpoints(this.fromClient(path), specs) };
      this.sendResponse(response);
    });
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    this.guard(response, () => {
      if (!Array.isArray(args?.breakpoints) || args.breakpoints.some((b) => typeof b?.name !== 'string')) throw new Error('setFunctionBreakpoints: breakpoints must be a list of { name }');
      this.fnRequest = args;
      if (!this.ctl) {
        response.body = { breakpoints: args.breakpoints.map(() => ({ verified: false, message: 'set when the scenario is loaded' })) };
        return this.sendResponse(response);
      }
      const ctl = this.ctl;
      response.body = { breakpoints: ctl.setFunctionBreakpoints(args.breakpoints).map((r) => this.toProtocol(r)) };
      this.sendResponse(response);
    });
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.guard(response, () => {
      if (!Array.isArray(args?.filters)) throw new Error('setExceptionBreakpoints: filters must be a list');
      this.filters = args.filters.slice();
      if (this.ctl) this.ctl.stopOnFailure = this.filters.includes(EXCEPTION_FILTER);
      this.sendResponse(response);
    });
  }

  protected override breakpointLocationsRequest(response: DebugProtocol.BreakpointLocationsResponse, args: DebugProtocol.BreakpointLocationsArguments): void {
    this.guard(response, () => {
      const { ctl } = this.need();
      if (typeof args?.source?.path !== 'string' || typeof args.line !== 'number') throw new Error('breakpointLocations: source.path and line are required');
      const from = this.convertClientLineToDebugger(args.line);
      const to = typeof args.endLine === 'number' ? this.convertClientLineToDebugger(args.endLine) : from;
      response.body = { breakpoints: ctl.breakpointLocations(this.fromClient(args.source.path), from, to).map((l) => ({ line: this.convertDebuggerLineToClient(l) })) };
      this.sendResponse(response);
    });
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    this.guard(response, () => {
      const { model } = this.need();
      if (typeof args?.name !== 'string') throw new Error('dataBreakpointInfo: name is required');
      const c = typeof args.variablesReference === 'number' ? this.vars.get(args.variablesReference) : undefined;
      const info = model.dataInfo(c, args.name);
      response.body = 'dataId' in info ? { dataId: info.dataId, description: info.description, accessTypes: ['write'], canPersist: false } : { dataId: null, description: info.reason };
      this.sendResponse(response);
    });
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    this.guard(response, () => {
      if (!Array.isArray(args?.breakpoints) || args.breakpoints.some((b) => typeof b?.dataId !== 'string')) throw new Error('setDataBreakpoints: breakpoints must be a list of { dataId }');
      this.dataRequest = args;
      const { ctl } = this.need();
      response.body = { breakpoints: ctl.setDataBreakpoints(args.breakpoints).map((r) => this.toProtocol(r)) };
      this.sendResponse(response);
    });
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    this.guard(response, () => {
      const { model } = this.need();
      const d = model.debuggee;
      const s = d.stopInfo(d.stopIndex);
      if (s.kind !== 'failure' && s.kind !== 'error') throw new Error('not stopped on an exception');
      const failure = s.kind === 'failure';
      const errorLoc = model.errorLoc(s);
      response.body = {
        exceptionId: failure ? 'expectation' : 'fault',
        description: s.message ?? (failure ? 'an expectation failed' : 'a fault in the kernel C'),
        breakMode: failure ? 'userUnhandled' : 'always',
        details: {
          message: s.message,
          typeName: failure ? 'failed expectation' : 'fault in the kernel C',
          stackTrace: failure ? `${d.scenarioFile}:${s.item?.kind === 'event' ? s.item.event.line : '?'}` : errorLoc ? `${errorLoc.file}:${errorLoc.line}:${errorLoc.column}` : undefined,
        },
      };
      this.sendResponse(response);
    });
  }

  // ---- threads, stack, variables ----

  private threadOf(s: StopLike): number {
    const model = this.model!;
    let ids = this.threadIds.get(model);
    if (!ids) this.threadIds.set(model, (ids = new Map(model.socketOrder.map((n, i) => [n, i + 1]))));
    return ids.get(s.socket || s.item?.socket || '') ?? 1;
  }
  /** a socket's thread id, by run (a stop's thread is found at once, whatever the number of sockets) */
  private readonly threadIds = new WeakMap<SessionModel, Map<string, number>>();

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    this.guard(response, () => {
      const order = this.model?.socketOrder ?? [];
      response.body = { threads: order.length ? order.map((n, i) => new Thread(i + 1, n)) : [new Thread(1, 'scenario')] };
      this.sendResponse(response);
    });
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    this.guard(response, () => {
      const { model } = this.need();
      const d = model.debuggee;
      if (typeof args?.threadId !== 'number') throw new Error('stackTrace: threadId must be a number');
      const s = d.stopInfo(d.stopIndex);
      const order = model.socketOrder;
      const socket = order[args.threadId - 1] ?? (order.length ? undefined : '');
      if (socket === undefined) throw new Error(`no thread ${args.threadId}`);
      const frames: DebugProtocol.StackFrame[] = [];
      const scenarioSource = new Source(basename(d.scenarioFile), this.convertDebuggerPathToClient(d.scenarioFile));
      if (args.threadId !== this.threadOf(s)) {
        frames.push(new StackFrame(this.frames.create({ kind: 'idle', socket }), 'idle', scenarioSource, this.convertDebuggerLineToClient(model.socketLine(socket)), 1));
      } else {
        const owner = s.socket || socket;
        const errorLoc = model.errorLoc(s);
        model.cFrames().forEach((view, i) => {
          const id = this.frames.create({ kind: 'c', view, socket: owner });
          const loc = i === 0 && errorLoc ? errorLoc : view.loc;
          const sf = new StackFrame(id, view.name, this.source(loc.file), this.convertDebuggerLineToClient(loc.line), this.convertDebuggerColumnToClient(loc.column)) as DebugProtocol.StackFrame;
          sf.endLine = this.convertDebuggerLineToClient(loc.endLine);
          sf.endColumn = this.convertDebuggerColumnToClient(loc.endColumn);
          frames.push(sf);
        });
        frames.push(this.itemFrame(model, s, owner, scenarioSource));
      }
      const start = typeof args.startFrame === 'number' ? args.startFrame : 0;
      const levels = typeof args.levels === 'number' && args.levels > 0 ? args.levels : frames.length;
      response.body = { stackFrames: frames.slice(start, start + levels), totalFrames: frames.length };
      this.sendResponse(response);
    });
  }

  /** The bottom frame: the scenario event, timer or delivery being handled. */
  private itemFrame(model: SessionModel, s: StopLike, socket: string, scenarioSource: Source): DebugProtocol.StackFrame {
    const id = this.frames.create({ kind: 'item', socket });
    const it = s.item;
    const name = model.itemName(s);
    if (s.kind === 'end' || !it) return new StackFrame(id, name, scenarioSource, this.convertDebuggerLineToClient(model.lastLine), 1);
    if (it.kind === 'event') return new StackFrame(id, name, scenarioSource, this.convertDebuggerLineToClient(it.event.line), 1);
    const f = new StackFrame(id, name) as DebugProtocol.StackFrame;
    f.line = 0;
    f.column = 0;
    f.presentationHint = 'label';
    return f;
  }

  /** The C frame to evaluate in for a frame id (none: the top C frame; null: file scope). */
  private scopeOf(frameId: number | undefined): CFrameView | null {
    const model = this.model!;
    if (frameId === undefined) return model.cFrames()[0] ?? null;
    const ref = this.frameRef(frameId);
    return ref.kind === 'c' ? ref.view : null;
  }

  private frameRef(frameId: number): FrameRef {
    const ref = this.frames.get(frameId);
    if (!ref) throw this.frames.isStale(frameId) ? new StaleReference(`frame ${frameId} belongs to an earlier stop`) : new Error(`no frame ${frameId}`);
    return ref;
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.guard(response, () => {
      const { model } = this.need();
      if (typeof args?.frameId !== 'number') throw new Error('scopes: frameId must be a number');
      const ref = this.frameRef(args.frameId);
      response.body = { scopes: model.scopes(ref.kind === 'c' ? ref.view : null, ref.socket, this.vars) };
      this.sendResponse(response);
    });
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    this.guard(response, () => {
      const { model } = this.need();
      if (typeof args?.variablesReference !== 'number') throw new Error('variables: variablesReference must be a number');
      const c = this.vars.get(args.variablesReference);
      if (!c) throw this.vars.isStale(args.variablesReference) ? new StaleReference(`variables ${args.variablesReference} belong to an earlier stop`) : new Error(`no variables ${args.variablesReference}`);
      response.body = { variables: model.variables(c, this.vars, args) };
      this.sendResponse(response);
    });
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    this.guard(response, () => {
      const { model } = this.need();
      if (typeof args?.variablesReference !== 'number' || typeof args.name !== 'string' || typeof args.value !== 'string') throw new Error('setVariable: variablesReference, name and value are required');
      const c = this.vars.get(args.variablesReference);
      if (!c) throw new Error(`no variables ${args.variablesReference}`);
      response.body = { value: model.setVariable(c, args.name, args.value, { hex: !!args.format?.hex }) };
      this.sendResponse(response);
      this.changed();
    });
  }

  /** After a what-if write: the client refreshes its views, the panel gets a snapshot. */
  private changed(): void {
    if (this.clientInvalidates) this.sendEvent(new InvalidatedEvent(['variables']));
    this.sendSnapshot();
    // the future was forgotten: it is recorded again from here
    this.startLookahead();
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    this.guard(response, () => {
      const { model } = this.need();
      if (typeof args?.expression !== 'string') throw new Error('evaluate: expression must be a string');
      const at = this.scopeOf(typeof args.frameId === 'number' ? args.frameId : undefined);
      const text = args.expression.trim();
      try {
        const r = model.evaluate(text, at, args.context === 'repl', this.vars, { hex: !!args.format?.hex });
        response.body = { result: r.result, type: r.type, variablesReference: r.variablesReference };
        this.sendResponse(response);
        if (r.changed) this.changed();
      } catch (e) {
        this.fail(response, `cannot evaluate '${text}': ${errorText(e)}`, 1004);
      }
    });
  }
}
