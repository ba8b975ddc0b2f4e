// The messages between the panel's host side (src/panel) and its browser side (media/):
// one discriminated union each way, checked on arrival by `parseFromWebview`.

/** One socket at a stop. */
export interface SocketSnapshot {
  /** integer fields of `struct sock` by name (state, shutdown, fin_seq, write_seq, ...) */
  fields: Record<string, number>;
  /** how a reader wants to see them (`TCP_CLOSE_WAIT (8)`, `RCV_SHUTDOWN|SEND_SHUTDOWN (3)`) */
  display: Record<string, string>;
  /** for each field, the statement that last wrote it before this stop, if any */
  writers: Record<string, { stop: number; fn: string; file: string; line: number }>;
  timer: TimerSnapshot | null;
  retransmit_timer: TimerSnapshot | null;
}

export interface TimerSnapshot {
  reason: string;
  /** absolute jiffies */
  expires: number;
}

/** A socket's timer that runs later in the known run. */
export interface LaterTimer {
  time: number;
  socket: string;
  timer: 'timer' | 'retransmit_timer';
  reason: string;
}

export interface SegmentSnapshot {
  id: number;
  from: string;
  to: string;
  time: number;
  flags: string;
  seq: number;
  ack: number;
  len: number;
  dropped: boolean;
  /** the IP and TCP header bytes the kernel built, in hex (a segment it sent; not the scripted peer's) */
  bytes?: string;
}

/** A stop of the debugger, as the panel needs it. */
export interface StopSnapshot {
  index: number;
  /** stops recorded so far (the timeline's length) */
  stopCount: number;
  kind: 'statement' | 'event' | 'failure' | 'error' | 'end';
  /** jiffies (HZ=100) */
  clock: number;
  /** the socket whose code runs */
  socket: string;
  fn?: string;
  file?: string;
  line?: number;
  /** for failures and errors */
  message?: string;
  sockets: Record<string, SocketSnapshot>;
  /** set when `sockets` shows only some of the run's sockets: how many there are */
  socketCount?: number;
  /** fields changed since the previous stop shown */
  changed: { socket: string; field: string; before: string; after: string }[];
  /** every segment exchanged up to this stop (few: a close is a handful of segments) */
  segments: SegmentSnapshot[];
  /** the id of the segment being processed at this stop, if any */
  currentSegment?: number;
  /** state transitions taken since the previous stop: which function and line took them */
  transitions: { socket: string; from: string; to: string; fn?: string; line?: number }[];
  /** scenario events on the time axis: jiffies and text */
  events: { time: number; line: number; text: string }[];
  /** notes attached to the current line (from the notes feature), markdown */
  notes?: string[];
  /** the segments the run sends after this stop, once its end is recorded (the whole run known): at most MAX_SEGMENTS, ids continuing `segments`' */
  later?: SegmentSnapshot[];
  /** the sockets' timers the run runs after this stop, once its end is recorded: when (jiffies, expires + 1), which, for what reason; at most MAX_EVENTS */
  laterTimers?: LaterTimer[];
  /** how much of the run `stopCount` is, once the adapter has recorded it ahead (the TIMELINE_EVENT): the whole run, or as far as the look-ahead's budget went */
  timeline?: 'whole' | 'capped';
  /** the moment the run leaves the scenario as written (its first `fate`: "Debug this outcome"), marked on the timeline */
  divergence?: { stop: number; text: string };
}

/**
 * The adapter's `tcpClose/stop` event body (STOP_EVENT in ./ids): the panel's snapshot, the agenda
 * item, and the moment for notes: the line that runs at this stop (kernel C, or the scenario line
 * of an event) and how many times it has run so far, this time included.
 */
export type StopEventBody = StopSnapshot & { item: string; moment?: { file: string; line: number; hit: number } };

/**
 * The adapter's `tcpClose/timeline` event body (TIMELINE_EVENT in ./ids): how many stops are
 * recorded (the timeline spans them), whether that is the whole run, and whether the look-ahead's
 * budget (of stops, or of seconds) ended it first.
 */
export interface TimelineEventBody {
  stopCount: number;
  whole: boolean;
  /** the look-ahead stopped at its budget before the run's end */
  capped: boolean;
  /** once the whole run is known: the stop shown when it became known, and what is still to come from it (its snapshot's `later` and `laterTimers`) */
  index?: number;
  later?: SegmentSnapshot[];
  laterTimers?: LaterTimer[];
}

/**
 * One link of a "Why?" chain (the adapter's `why` response, src/engine/release/why.ts): a value,
 * where it came from, and what its origin read. `origin.stop` is the moment to step back to.
 */
export interface WhyLinkSnapshot {
  expr: string;
  value: string;
  stop: number;
  at?: { file: string; line: number; column: number };
  origin:
    | { kind: 'statement'; stop: number; fn: string; file: string; line: number; column: number; during?: string }
    | { kind: 'argument'; stop: number; fn: string; file: string; line: number; column: number; callee: string; index: number }
    | { kind: 'event'; stop: number; line: number; what: string }
    | { kind: 'initial'; what: string };
  reads: WhyLinkSnapshot[];
  control?: string;
  returned?: boolean;
  pointer?: boolean;
  cut?: string;
}

/** One value of a field's history: shown from stop `stop` on, written by `writer` (none for the value at the first stop). */
export interface FieldChangeSnapshot {
  stop: number;
  value: string;
  writer?: { stop: number; fn: string; file: string; line: number };
}

export type HostToWebview =
  | { type: 'session'; name: string; sockets: string[]; scenario: string }
  /** the answer to a `why` message: the chain of a socket's field at stop `stop` (or why there is none) */
  | { type: 'why'; socket: string; field: string; stop: number; chain?: WhyLinkSnapshot; error?: string }
  /** every value a socket's field took over the recorded run (the adapter's `fieldHistory`), each from the stop that first shows it */
  | { type: 'history'; socket: string; field: string; values: FieldChangeSnapshot[] }
  | { type: 'stop'; stop: StopSnapshot }
  | { type: 'ended' };

export type WebviewToHost =
  | { type: 'ready' }
  /** the first stop after a `session` message is painted (the debugger's first stop waits for it) */
  | { type: 'painted'; stop: number }
  /** move the debugger to stop `stop` (the timeline scrubber, "step back to when it was written") */
  | { type: 'goto'; stop: number }
  /** show a source line in the editor */
  | { type: 'reveal'; file: string; line: number }
  /** move the debugger to the previous or next change of a socket's field */
  | { type: 'fieldChange'; socket: string; field: string; direction: 'previous' | 'next' }
  /** why a socket's field holds its value at this stop (answered by a `why` message) */
  | { type: 'why'; socket: string; field: string }
  /** save the run's segments so far as a capture, or open them as a Mermaid sequence diagram */
  | { type: 'export'; what: 'pcap' | 'mermaid' };

/** Checks a message from the webview; anything not matching exactly is refused (returns a reason). */
export function parseFromWebview(m: unknown): WebviewToHost | string {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return 'not an object';
  const o = m as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  switch (o.type) {
    case 'ready':
      return keys === 'type' ? { type: 'ready' } : `unexpected keys ${keys}`;
    case 'goto':
    case 'painted':
      if (keys !== 'stop,type') return `unexpected keys ${keys}`;
      if (typeof o.stop !== 'number' || !Number.isInteger(o.stop) || o.stop < 0) return 'stop must be a whole number >= 0';
      return { type: o.type, stop: o.stop };
    case 'fieldChange':
      if (keys !== 'direction,field,socket,type') return `unexpected keys ${keys}`;
      if (typeof o.socket !== 'string' || o.socket.length > 64 || typeof o.field !== 'string' || !/^\w{1,64}$/.test(o.field)) return 'socket and field must be names';
      if (o.direction !== 'previous' && o.direction !== 'next') return "direction must be 'previous' or 'next'";
      return { type: 'fieldChange', socket: o.socket, field: o.field, direction: o.direction };
    case 'why':
      if (keys !== 'field,socket,type') return `unexpected keys ${keys}`;
      if (typeof o.socket !== 'string' || o.socket.length > 64 || typeof o.field !== 'string' || !/^\w{1,64}$/.test(o.field)) return 'socket and field must be names';
      return { type: 'why', socket: o.socket, field: o.field };
    case 'export':
      if (keys !== 'type,what') return `unexpected keys ${keys}`;
      if (o.what !== 'pcap' && o.what !== 'mermaid') return "what must be 'pcap' or 'mermaid'";
      return { type: 'export', what: o.what };
    case 'reveal':
      if (keys !== 'file,line,type') return `unexpected keys ${keys}`;
      if (typeof o.file !== 'string' || o.file.length > 4096) return 'file must be a string';
      if (typeof o.line !== 'number' || !Number.isInteger(o.line) || o.line < 1) return 'line must be a whole number >= 1';
      return { type: 'reveal', file: o.file, line: o.line };
    default:
      return `unknown message type ${JSON.stringify(o.type)}`;
  }
}
