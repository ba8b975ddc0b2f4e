// Shape checks for what flows towards the webview: the adapter's `tcpClose/stop` bodies (checked
// by the host) and the host's messages (checked again by the webview, which trusts nothing).
// No imports but types: the browser bundle uses this file too.

import type { FieldChangeSnapshot, HostToWebview, SegmentSnapshot, SocketSnapshot, StopSnapshot, TimerSnapshot, WhyLinkSnapshot } from './protocol';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const optStr = (x: unknown) => x === undefined || isStr(x);
const optInt = (x: unknown) => x === undefined || isInt(x);
const KINDS = new Set(['statement', 'event', 'failure', 'error', 'end']);

function record(x: unknown, each: (v: unknown) => boolean): boolean {
  if (!isObj(x)) return false;
  for (const k in x) if (!each(x[k])) return false;
  return true;
}

function timer(x: unknown): x is TimerSnapshot | null {
  return x === null || (isObj(x) && isStr(x.reason) && isNum(x.expires));
}

function socket(x: unknown): x is SocketSnapshot {
  return (
    isObj(x) &&
    record(x.fields, isNum) &&
    record(x.display, isStr) &&
    record(x.writers, (w) => isObj(w) && isInt(w.stop) && w.stop >= 0 && isStr(w.fn) && isStr(w.file) && isInt(w.line)) &&
    timer(x.timer) &&
    timer(x.retransmit_timer)
  );
}

/** A segment's header bytes: hex pairs, at most an IP and a TCP header of 60 bytes each. */
const HEADER_BYTES = /^(?:[0-9a-f]{2}){1,120}$/;

function segment(x: unknown): x is SegmentSnapshot {
  return isObj(x) && isInt(x.id) && isStr(x.from) && isStr(x.to) && isNum(x.time) && isStr(x.flags) && isNum(x.seq) && isNum(x.ack) && isNum(x.len) && typeof x.dropped === 'boolean' && (x.bytes === undefined || (isStr(x.bytes) && HEADER_BYTES.test(x.bytes)));
}

function array(x: unknown, each: (v: unknown) => boolean): boolean {
  return Array.isArray(x) && x.every(each);
}

/** Why `x` is not a StopSnapshot, or undefined when it is one. */
/** A timer still to come: a whole jiffy, a socket, which timer, a reason. */
function laterTimer(t: unknown): boolean {
  return isObj(t) && isInt(t.time) && t.time >= 0 && isStr(t.socket) && (t.timer === 'timer' || t.timer === 'retransmit_timer') && isStr(t.reason);
}

export function stopProblem(x: unknown): string | undefined {
  if (!isObj(x)) return 'not an object';
  if (!isInt(x.index) || x.index < 0) return 'index';
  if (!isInt(x.stopCount) || x.stopCount < 1) return 'stopCount';
  if (!isStr(x.kind) || !KINDS.has(x.kind)) return 'kind';
  if (!isNum(x.clock)) return 'clock';
  if (!isStr(x.socket)) return 'socket';
  if (!optStr(x.fn) || !optStr(x.file) || !optInt(x.line) || !optStr(x.message)) return 'location or message';
  if (!record(x.sockets, socket)) return 'sockets';
  if (!optInt(x.socketCount)) return 'socketCount';
  if (!array(x.changed, (c) => isObj(c) && isStr(c.socket) && isStr(c.field) && isStr(c.before) && isStr(c.after))) return 'changed';
  if (!array(x.segments, segment)) return 'segments';
  if (x.later !== undefined && !array(x.later, segment)) return 'later';
  if (x.laterTimers !== undefined && !array(x.laterTimers, laterTimer)) return 'laterTimers';
  if (!optInt(x.currentSegment)) return 'currentSegment';
  if (!array(x.transitions, (t) => isObj(t) && isStr(t.socket) && isStr(t.from) && isStr(t.to) && optStr(t.fn) && optInt(t.line))) return 'transitions';
  if (!array(x.events, (e) => isObj(e) && isNum(e.time) && isInt(e.line) && isStr(e.text))) return 'events';
  if (x.notes !== undefined && !array(x.notes, isStr)) return 'notes';
  if (x.timeline !== undefined && x.timeline !== 'whole' && x.timeline !== 'capped') return 'timeline';
  if (x.divergence !== undefined && !(isObj(x.divergence) && isInt(x.divergence.stop) && x.divergence.stop >= 0 && isStr(x.divergence.text))) return 'divergence';
  return undefined;
}

/** What is wrong with a `tcpClose/timeline` event body (TimelineEventBody), or undefined. */
export function timelineProblem(x: unknown): string | undefined {
  if (!isObj(x)) return 'not an object';
  if (!isInt(x.stopCount) || x.stopCount < 1) return 'stopCount';
  if (typeof x.whole !== 'boolean' || typeof x.capped !== 'boolean') return 'whole and capped must be true or false';
  if (x.whole && x.capped) return 'whole and capped at once';
  if (x.index !== undefined && (!isInt(x.index) || x.index < 0 || x.index >= x.stopCount)) return 'index';
  if (x.later !== undefined && (x.index === undefined || !array(x.later, segment))) return 'later';
  if (x.laterTimers !== undefined && (x.index === undefined || !array(x.laterTimers, laterTimer))) return 'laterTimers';
  return undefined;
}

export function isStopSnapshot(x: unknown): x is StopSnapshot {
  return stopProblem(x) === undefined;
}

/** A "Why?" chain at most this deep and with at most this many links (the engine cuts at 12 and 60). */
const WHY_DEPTH = 32;
const WHY_LINKS = 500;

const isStop = (x: unknown) => isInt(x) && x >= 0;
const place = (x: Obj) => isStr(x.fn) && isStr(x.file) && isInt(x.line) && isInt(x.column);

function whyOrigin(o: unknown): boolean {
  if (!isObj(o)) return false;
  switch (o.kind) {
    case 'statement':
      return isStop(o.stop) && place(o) && optStr(o.during);
    case 'argument':
      return isStop(o.stop) && place(o) && isStr(o.callee) && isInt(o.index);
    case 'event':
      return isStop(o.stop) && isInt(o.line) && isStr(o.what);
    case 'initial':
      return isStr(o.what);
    default:
      return false;
  }
}

/** Why `x` is not a "Why?" chain (WhyLinkSnapshot), or undefined: each link checked, the tree bounded. */
export function whyProblem(x: unknown): string | undefined {
  let links = 0;
  const check = (l: unknown, depth: number): string | undefined => {
    if (++links > WHY_LINKS) return `more than ${WHY_LINKS} links`;
    if (depth > WHY_DEPTH) return `deeper than ${WHY_DEPTH} links`;
    if (!isObj(l)) return 'a link is not an object';
    if (!isStr(l.expr) || !isStr(l.value) || !isStop(l.stop)) return 'a link needs expr, value and stop';
    if (l.at !== undefined && !(isObj(l.at) && isStr(l.at.file) && isInt(l.at.line) && isInt(l.at.column))) return 'at';
    if (!whyOrigin(l.origin)) return 'origin';
    if (!optStr(l.control) || !optStr(l.cut)) return 'control or cut';
    if ((l.returned !== undefined && typeof l.returned !== 'boolean') || (l.pointer !== undefined && typeof l.pointer !== 'boolean')) return 'returned or pointer';
    if (!Array.isArray(l.reads)) return 'reads';
    for (const r of l.reads) {
      const p = check(r, depth + 1);
      if (p) return p;
    }
    return undefined;
  };
  return check(x, 0);
}

/** A field's history holds at most this many values (the panel shows them as a strip). */
const HISTORY_VALUES = 10_000;

/** Why `x` is not a field's history (FieldChangeSnapshot[] in stop order), or undefined. */
export function historyProblem(x: unknown): string | undefined {
  if (!Array.isArray(x)) return 'values must be a list';
  if (x.length > HISTORY_VALUES) return `more than ${HISTORY_VALUES} values`;
  let last = -1;
  for (const v of x) {
    if (!isObj(v) || !isStop(v.stop) || !isStr(v.value)) return 'a value needs stop and value';
    if ((v.stop as number) <= last) return 'values must be in stop order';
    last = v.stop as number;
    if (v.writer !== undefined && !(isObj(v.writer) && isStop(v.writer.stop) && isStr(v.writer.fn) && isStr(v.writer.file) && isInt(v.writer.line))) return 'writer';
  }
  return undefined;
}

/** Checks a message from the host; returns it, or the reason it is refused. */
export function parseFromHost(m: unknown): HostToWebview | string {
  if (!isObj(m)) return 'not an object';
  switch (m.type) {
    case 'session':
      if (!isStr(m.name) || !isStr(m.scenario) || !array(m.sockets, isStr)) return 'bad session message';
      return { type: 'session', name: m.name, scenario: m.scenario, sockets: m.sockets as string[] };
    case 'stop': {
      const p = stopProblem(m.stop);
      return p ? `bad stop: ${p}` : { type: 'stop', stop: m.stop as StopSnapshot };
    }
    case 'ended':
      return { type: 'ended' };
    case 'history': {
      if (!isStr(m.socket) || !isStr(m.field)) return 'bad history message';
      const p = historyProblem(m.values);
      return p ? `bad history: ${p}` : { type: 'history', socket: m.socket, field: m.field, values: m.values as FieldChangeSnapshot[] };
    }
    case 'why': {
      if (!isStr(m.socket) || !isStr(m.field) || !isStop(m.stop)) return 'bad why message';
      if (m.chain === undefined) return isStr(m.error) ? { type: 'why', socket: m.socket, field: m.field, stop: m.stop as number, error: m.error } : 'a why message needs a chain or an error';
      const p = whyProblem(m.chain);
      return p ? `bad why chain: ${p}` : { type: 'why', socket: m.socket, field: m.field, stop: m.stop as number, chain: m.chain as WhyLinkSnapshot };
    }
    default:
      return `unknown message type ${JSON.stringify(m.type)}`;
  }
}
