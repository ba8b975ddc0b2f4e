// What walkthroughs and the markdown export read of a run of the unmodified 1.2.13 release
// (ReleaseRun; an edited copy of one of its files may run in its place). Pure: no vscode, no I/O.

import type { StopSnapshot } from '../common/protocol';
import type { HitRun } from '../engine/hits';
import type { ReleaseRun } from '../engine/release/run';
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
  /** the engine run (the release's: the only one) */
  readonly engine: 'release';
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
      // a static function (tcp_fin) is not in fnByName: the release's C functions, the machine layer's left out
      const fn = run.image.kernel.functions.find((f) => f.name === name && !f.hidden);
      return fn?.file;
    },
    get depth() {
      return run.machine.frames.length;
    },
    snapshot: (prev) => builder.build(prev),
    dispose: () => undefined,
  };
}
