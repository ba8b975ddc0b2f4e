// The launch configuration of the tcp-close debugger: its TypeScript type and the JSON schema that
// package.json's "debuggers" contribution repeats (a test keeps the two from drifting apart).

export type StepBy = 'line' | 'event';

/** Which kernel C a session runs: the unmodified 1.2.13 release (the only one: the reduced port of tcp.c was removed). */
export type KernelKind = 'release';

/**
 * What a launch that still says `kernel: "reduced"` is told: that port is gone, the release runs
 * (the launch goes on, on the release).
 */
export const REDUCED_REMOVED =
  "launch: 'kernel': \"reduced\" names the reduced port of tcp.c, which was removed: the unmodified Linux 1.2.13 release runs instead (remove 'kernel' from the launch configuration, or set it to \"release\")";

/** What a `launch` request of type `tcp-close` carries. */
export interface LaunchArguments {
  /** the .tcpscenario file (or .pkt packetdrill script) to run */
  scenario: string;
  /** an edited copy of one of the release's files to run instead of the shipped one */
  kernelSource?: string;
  /** the kernel C run: the release (the default and the only one) */
  kernel?: KernelKind;
  /** set when the launch named a kernel that was removed (`reduced`): the message the session shows before running the release */
  notice?: string;
  /** stop at the scenario's first event (default true) */
  stopOnEntry?: boolean;
  /** stop first where the run leaves the scenario as written: the first segment a `fate` line changes, or a moved close (the explorer's "Debug this outcome") */
  stopAtFate?: boolean;
  /** 'line': step through the kernel C; 'event': next/step in go from scenario event to event */
  stepBy?: StepBy;
  /** how many C statements one call chain may run before it is stopped as an endless loop */
  stepBudget?: number;
  /** the most stops recorded ahead of the user (the whole run when it fits); 0: none (default LOOKAHEAD_STOPS) */
  lookaheadStops?: number;
  /** the most seconds of work spent recording ahead, in slices between requests (default LOOKAHEAD_SECONDS) */
  lookaheadSeconds?: number;
}

/** By default the run is recorded ahead up to this many stops (about 40 MB of history)… */
export const LOOKAHEAD_STOPS = 1_000_000;
/** …and for at most this many seconds of work. */
export const LOOKAHEAD_SECONDS = 10;

/** package.json's contributes.debuggers[0].configurationAttributes.launch, as one source. */
export const LAUNCH_SCHEMA = {
  required: ['scenario'],
  properties: {
    scenario: {
      type: 'string',
      description: 'The .tcpscenario file (segments, close() calls, timers and expectations) or packetdrill script (.pkt) to run.',
      default: '${file}',
    },
    kernelSource: {
      type: 'string',
      description: "An edited copy of one of the release's files (tcp.c, sock.c, af_inet.c, timer.c, skbuff.c, ip.c or kernel/sched.c, keeping its name) to run in its place; includes are looked up beside it first.",
    },
    kernel: {
      type: 'string',
      enum: ['release'],
      enumDescriptions: ['The unmodified Linux 1.2.13 networking code (tcp.c, sock.c, af_inet.c, timer.c, skbuff.c) on the machine layer.'],
      description: 'Which kernel C the scenario runs on: the unmodified release (the reduced port of tcp.c, "reduced", was removed).',
      default: 'release',
    },
    stopOnEntry: {
      type: 'boolean',
      description: "Stop before the scenario's first event.",
      default: true,
    },
    stopAtFate: {
      type: 'boolean',
      description: "Stop first where the run leaves the scenario as written: at the statement that sent the first segment a 'fate' line changes (lost, duplicated, reordered, delayed), or at a moved close(). Without a fate line, as stopOnEntry.",
      default: false,
    },
    stepBy: {
      type: 'string',
      enum: ['line', 'event'],
      enumDescriptions: ['Step Over / Step Into go through the kernel C line by line.', 'Step Over / Step Into go from scenario event to event (timers and deliveries included), skipping the C.'],
      description: 'What one step is: a line of the kernel C, or a whole scenario event.',
      default: 'line',
    },
    stepBudget: {
      type: 'integer',
      minimum: 1,
      description: 'How many C statements one call chain may run before it is stopped as an endless loop (default: the setting tcpCloseDebugger.stepBudget).',
    },
    lookaheadStops: {
      type: 'integer',
      minimum: 0,
      description: 'After the first stop the whole run is recorded ahead in the background, so the timeline spans it and going anywhere is a jump: at most this many stops (0: record only as you go).',
      default: 1000000,
    },
    lookaheadSeconds: {
      type: 'number',
      exclusiveMinimum: 0,
      description: 'The most seconds of work spent recording the run ahead (in slices between your requests, which never wait for it).',
      default: 10,
    },
  },
} as const;

/** Checks a launch request's arguments; returns a message naming the first problem. */
export function checkLaunchArguments(a: unknown): LaunchArguments | string {
  if (!a || typeof a !== 'object') return 'launch needs arguments: { "scenario": "path/to/file.tcpscenario" }';
  const o = a as Record<string, unknown>;
  if (typeof o.scenario !== 'string' || !o.scenario) return "launch: 'scenario' must name a .tcpscenario file or a .pkt script";
  if (o.kernelSource !== undefined && typeof o.kernelSource !== 'string') return "launch: 'kernelSource' must be a path to an edited copy of a kernel file (tcp.c…)";
  if (o.kernel !== undefined && o.kernel !== 'release' && o.kernel !== 'reduced') return "launch: 'kernel' must be 'release' (the unmodified Linux 1.2.13; the reduced port was removed)";
  if (o.stopOnEntry !== undefined && typeof o.stopOnEntry !== 'boolean') return "launch: 'stopOnEntry' must be true or false";
  if (o.stopAtFate !== undefined && typeof o.stopAtFate !== 'boolean') return "launch: 'stopAtFate' must be true or false";
  if (o.stepBy !== undefined && o.stepBy !== 'line' && o.stepBy !== 'event') return "launch: 'stepBy' must be 'line' or 'event'";
  if (o.stepBudget !== undefined && !(typeof o.stepBudget === 'number' && Number.isInteger(o.stepBudget) && o.stepBudget >= 1)) return "launch: 'stepBudget' must be a whole number of statements, 1 or more";
  if (o.lookaheadStops !== undefined && !(typeof o.lookaheadStops === 'number' && Number.isInteger(o.lookaheadStops) && o.lookaheadStops >= 0)) return "launch: 'lookaheadStops' must be a whole number of stops, 0 or more";
  if (o.lookaheadSeconds !== undefined && !(typeof o.lookaheadSeconds === 'number' && Number.isFinite(o.lookaheadSeconds) && o.lookaheadSeconds > 0)) return "launch: 'lookaheadSeconds' must be a number of seconds above 0";
  return {
    scenario: o.scenario,
    kernelSource: o.kernelSource as string | undefined,
    kernel: o.kernel === undefined ? undefined : 'release',
    notice: o.kernel === 'reduced' ? REDUCED_REMOVED : undefined,
    stopOnEntry: o.stopOnEntry as boolean | undefined,
    stopAtFate: o.stopAtFate as boolean | undefined,
    stepBy: o.stepBy as StepBy | undefined,
    stepBudget: o.stepBudget as number | undefined,
    lookaheadStops: o.lookaheadStops as number | undefined,
    lookaheadSeconds: o.lookaheadSeconds as number | undefined,
  };
}
