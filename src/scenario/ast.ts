// The scenario language's syntax tree: what the parser produces and the engine consumes.
// Positions are 1-based (line and column as an editor shows them); `end` is exclusive.

export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Diagnostic {
  file: string;
  range: Range;
  severity: 'error' | 'warning';
  message: string;
}

/** A value written in a scenario: a number, or a name the kernel header defines (TCP_CLOSE, TIME_WRITE, ...). */
export type Value =
  | { kind: 'number'; value: number; range: Range }
  | { kind: 'name'; name: string; range: Range }
  /** `a|b|c`: names or numbers or'ed together (shutdown=RCV_SHUTDOWN|SEND_SHUTDOWN). */
  | { kind: 'or'; parts: Value[]; range: Range };

/** `name=value`; `name` may be dotted (`timer.expires`). */
export interface Assignment {
  name: string;
  nameRange: Range;
  value: Value;
  range: Range;
}

/** tcpdump-style flags: S F R P, '.' = ACK. */
export interface Flags {
  syn: boolean;
  fin: boolean;
  rst: boolean;
  psh: boolean;
  ack: boolean;
  text: string;
  range: Range;
}

/** A segment written in a scenario: flags then fields (seq, ack, len, ...). */
export interface SegmentSpec {
  flags: Flags;
  fields: Assignment[];
  range: Range;
}

/**
 * `socket NAME STATE field=value ...` (options that are not sk fields: listener=NAME, partial=N),
 * or `socket NAME CLOSED`: a socket from nothing (`plain`, state TCP_CLOSE), as socket(2) makes it,
 * for listen, connect and accept.
 */
export interface SocketDecl {
  kind: 'socket';
  name: string;
  nameRange: Range;
  state: Value;
  plain?: boolean;
  fields: Assignment[];
  range: Range;
}

/** `link A B delay=10ms`: each socket is the other's peer over a simulated wire. */
export interface LinkDecl {
  kind: 'link';
  a: string;
  aRange: Range;
  b: string;
  bRange: Range;
  /** one-way delay in jiffies */
  delay: number;
  range: Range;
}

/** What happens to one segment on a link (a `fate` declaration; the explorer's schedules are made of them). */
export type SegmentFate = 'drop' | 'duplicate' | 'reorder' | 'delay';

/**
 * `fate SOCK N drop|duplicate|reorder|delay=TIME`: the Nth segment (from 1) SOCK sends over its
 * link is lost, delivered twice, delivered just after the next one SOCK sends, or delivered TIME
 * later than the link's delay; `fate SOCK close +TIME|-TIME`: SOCK's close() lines happen that much
 * later or earlier than written. One schedule of `tcp-close-debugger explore`, replayable.
 */
export type FateDecl =
  | { kind: 'fate'; socket: string; socketRange: Range; n: number; fate: SegmentFate; delay: number; range: Range; line: number }
  | { kind: 'fate'; socket: string; socketRange: Range; n: 0; fate: 'close'; delay: number; range: Range; line: number };

export type Action =
  /** `SOCK < FLAGS fields`: a segment arrives from the scripted peer (through tcp_rcv). */
  | { kind: 'receive'; segment: SegmentSpec }
  /** `SOCK > FLAGS fields`: expectation: the socket sends this segment now. */
  | { kind: 'send'; segment: SegmentSpec }
  /** `SOCK close [timeout=N]`: the application calls close(): tcp_close(sk, timeout). */
  | { kind: 'close'; timeout: number }
  /** `SOCK call FUNC [FLAGS] [fields]`: hand a segment (or arguments) straight to a kernel function. */
  | { kind: 'call'; function: string; functionRange: Range; segment?: SegmentSpec; args: Assignment[] }
  /** `expect SOCK field=value ...`: the socket's fields hold these values now. */
  | { kind: 'expect'; fields: Assignment[] }
  /** `drop SOCK > FLAGS fields`: on a link, lose the next matching segment the socket sends. */
  | { kind: 'drop'; segment: SegmentSpec }
  /** `set SOCK field=value ...`: change fields (a what-if). */
  | { kind: 'set'; fields: Assignment[] }
  /** `SOCK wait` or `wait`: only let time pass (timers that fall due fire). */
  | { kind: 'wait' }
  /** `SOCK listen PORT [backlog=N]`: listen(2), bound to PORT (the release kernel only). */
  | { kind: 'listen'; port: number; backlog: number }
  /** `SOCK connect [PEER]`: connect(2) to PEER's port, or to the scripted peer (the release kernel only). */
  | { kind: 'connect'; peer?: string; peerRange?: Range }
  /** `SOCK accept [CHILD]`: accept(2) on a listener; the new socket becomes CHILD, declared `socket CHILD CLOSED` (the release kernel only). */
  | { kind: 'accept'; child?: string; childRange?: Range }
  /** `SOCK shutdown rd|wr|rdwr`: shutdown(2) (the release kernel only). */
  | { kind: 'shutdown'; how: 'rd' | 'wr' | 'rdwr' }
  /** `SOCK write N` / `SOCK read N`: write(2) of N bytes, read(2) of at most N (the release kernel only). */
  | { kind: 'write' | 'read'; bytes: number };

/** The actions only the release kernel runs (a socket layer from nothing). */
export const SOCKET_LAYER_ACTIONS = ['listen', 'connect', 'accept', 'shutdown', 'write', 'read'] as const;

export interface ScenarioEvent {
  /** absolute time in jiffies (HZ=100) */
  time: number;
  /** the socket the event concerns ('' for `wait` without a socket) */
  socket: string;
  socketRange: Range;
  action: Action;
  /** the whole line's range */
  range: Range;
  line: number;
}

export interface Scenario {
  file: string;
  sockets: SocketDecl[];
  links: LinkDecl[];
  /** `fate` declarations: what happens to given segments on the links, and close() moved in time */
  fates: FateDecl[];
  events: ScenarioEvent[];
  /** every error and warning in the file; the scenario can run only when none is an error */
  diagnostics: Diagnostic[];
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.range.start.line}:${d.range.start.column}: ${d.severity}: ${d.message}`;
}
