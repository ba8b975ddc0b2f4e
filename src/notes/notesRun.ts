// What walkthroughs and the markdown export read of a run, the same for either engine: the
// unmodified 1.2.13 release (ReleaseRun, the default) or the reduced port (Run, for an edited
// tcp.c). Pure: no vscode, no I/O.

import type { StopSnapshot } from '../common/protocol';
import type { HitRun } from '../engine/hits';
import type { Run } from '../engine/run';
import type { ReleaseRun } from '../engine/release/run';
import { segmentText } from '../engine/world';
import { buildSnapshot } from '../debug/snapshot';
import { ReleaseSnapshotBuilder } from '../debug/releaseSnapshot';

/** One stop, as the notes show it. */
export interface NotesStop {
  kind: 'statement' | 'event' | 'failure' | 'error' | 'end';
  clock: number;
  socket: string;
  fn?: { name: string };
  loc?: { file: string; line: number };
  message?: string;
  /** what the stop handles: a scenario line, a timer firing or a segment arriving */
  item?: { kind: 'event'; line: number } | { kind: 'timer'; socket: string; which: string; reason?: string } | { kind: 'delivery'; socket: string; from: string; segment: string };
}

export interface NotesRun extends HitRun {
  /** the engine's own run (Run or ReleaseRun), to dispose of */
  readonly engine: 'release' | 'reduced';
  readonly scenarioLines: string[];
  stopInfo(n: number): NotesStop;
  lineOf(n: number): { fn?: string; file?: string; line: number };
  /** the text of a kernel source file, by the path its stops carry */
  source(file: string): string | undefined;
  /** the file a C function of the kernel is defined in */
  functionFile(name: string): string | undefined;
  /** how many C frames are active at the current stop */
  readonly depth: number;
  /** the panel's view of the current stop, with what changed since `prev` */
  snapshot(prev?: StopSnapshot): StopSnapshot;
  dispose(): void;
}

/** The notes' view of a reduced-port run. */
export function reducedNotesRun(run: Run): NotesRun {
  return {
    engine: 'reduced',
    get H() {
      return run.H;
    },
    get generation() {
      return run.generation;
    },
    get stopIndex() {
      return run.stopIndex;
    },
    get stopCount() {
      return run.stopCount;
    },
    get finished() {
      return run.finished;
    },
    scenarioFile: run.scenario.file,
    scenarioLines: run.scenarioLines,
    goto: (n) => run.goto(n),
    forward: () => run.forward(),
    lineOf: (n) => run.lineOf(n),
    stopInfo(n) {
      const s = run.stopInfo(n);
      const it = n === run.stopIndex ? s.item : undefined;
      const item: NotesStop['item'] = !it
        ? undefined
        : it.kind === 'event'
          ? { kind: 'event', line: it.event.line }
          : it.kind === 'timer'
            ? { kind: 'timer', socket: it.socket, which: it.which, reason: run.constantName(it.reason, 'TIME_') }
            : { kind: 'delivery', socket: it.socket, from: it.seg.from, segment: segmentText(it.seg) };
      return { kind: s.kind, clock: s.clock, socket: s.socket, fn: s.fn, loc: s.loc, message: s.message, item };
    },
    source: (file) => run.prog.files.get(file),
    functionFile(name) {
      const fn = run.prog.fnByName.get(name);
      return fn && fn.kind === 'c' ? fn.file : undefined;
    },
    get depth() {
      return run.machine.frames.length;
    },
    snapshot: (prev) => buildSnapshot(run, prev),
    dispose: () => run.dispose(),
  };
}

/** The notes' view of a run on the release; `scenarioText` is the scenario's text (loadReleaseRun's `text`). */
export function releaseNotesRun(run: ReleaseRun, scenarioText: string): NotesRun {
  const builder = new ReleaseSnapshotBuilder(run, scenarioText);
  const lines = scenarioText.split(/\r?\n/);
  const nameOf = (i: number) => (i < 0 ? 'peer' : run.socks[i].name);
  return {
    engine: 'release',
    get H() {
      return run.H;
    },
    get generation() {
      return run.generation;
    },
    get stopIndex() {
      return run.stopIndex;
    },
    get stopCount() {
      return run.stopCount;
    },
    get finished() {
      return run.finished;
    },
    scenarioFile: run.scenarioFile,
    scenarioLines: lines,
    goto: (n) => run.goto(n),
    forward: () => run.forward(),
    lineOf: (n) => run.lineOf(n),
    stopInfo(n) {
      const s = run.stopInfo(n);
      const it = s.item;
      let item: NotesStop['item'];
      if (it?.kind === 'event') item = { kind: 'event', line: it.event.line };
      else if (it?.kind === 'timer') item = { kind: 'timer', socket: it.socket, which: it.which || 'timer' };
      else if (it?.kind === 'delivery') {
        const r = run.segs[run.segmentOfDelivery(it.seg)];
        item = { kind: 'delivery', socket: it.socket, from: nameOf(r.from), segment: `${r.flags} seq=${r.seq} ack=${r.ack}${r.len ? ` len=${r.len}` : ''}` };
      }
      return { kind: s.kind, clock: s.clock, socket: s.socket, fn: s.fn, loc: s.loc, message: s.message, item };
    },
    source: (file) => run.image.texts.get(file),
    functionFile(name) {
      const fn = run.image.kernel.fnByName.get(name);
      return fn && 'file' in fn && typeof fn.file === 'string' ? fn.file : undefined;
    },
    get depth() {
      return run.machine.frames.length;
    },
    snapshot: (prev) => builder.build(prev),
    dispose: () => undefined,
  };
}
