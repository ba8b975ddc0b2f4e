// Builds the panel's view of a stop (src/common/protocol.ts) from a run: every socket's fields,
// who last wrote each, the timers, the segments and the transitions since the previous view.

import type { Run } from '../engine/run';
import { displayField, socketView } from '../engine/inspect';
import { flagText } from '../engine/world';
import type { SegmentSnapshot, SocketSnapshot, StopSnapshot } from '../common/protocol';

/** At most this many segments and scenario events go into one snapshot. */
export const MAX_SEGMENTS = 500;
export const MAX_EVENTS = 1000;

/** The scenario's events for the time axis: all of them, or the MAX_EVENTS nearest to `clock`. */
function eventsNear(run: Run, clock: number) {
  const ev = run.scenario.events;
  if (ev.length <= MAX_EVENTS) return ev;
  let i = ev.findIndex((e) => e.time >= clock);
  if (i < 0) i = ev.length;
  const from = Math.max(0, Math.min(i - MAX_EVENTS / 2, ev.length - MAX_EVENTS));
  return ev.slice(from, from + MAX_EVENTS);
}

export function buildSnapshot(run: Run, prev?: StopSnapshot): StopSnapshot {
  const stop = run.stopInfo(run.stopIndex);
  const sockets: Record<string, SocketSnapshot> = {};
  for (const [name, info] of run.world.sockets) {
    const v = socketView(run, info);
    const display: Record<string, string> = {};
    const writers: SocketSnapshot['writers'] = {};
    for (const [k, x] of Object.entries(v.fields)) {
      display[k] = displayField(run, k, x);
      const fl = info.sk.type.byName.get(k);
      const w = fl ? run.H.lastWriter(info.sk.f, fl.index, run.stopIndex) : undefined;
      if (w !== undefined) {
        const at = run.lineOf(w);
        if (at.fn) writers[k] = { stop: w, fn: at.fn, file: at.file!, line: at.line };
      }
    }
    sockets[name] = { fields: v.fields, display, writers, timer: v.timer, retransmit_timer: v.retransmit_timer };
  }
  // a close is a handful of segments; a generated run of thousands of sockets has thousands:
  // the panel gets the latest MAX_SEGMENTS, which is all a sequence diagram can show anyway
  const all = run.world.segments;
  const segments: SegmentSnapshot[] = all.slice(Math.max(0, all.length - MAX_SEGMENTS)).map((s) => ({
    id: s.id,
    from: s.from,
    to: s.to,
    time: s.time,
    flags: flagText(s.flags),
    seq: s.seq,
    ack: s.ack,
    len: s.len,
    dropped: s.dropped,
  }));
  const item = stop.item;
  let currentSegment: number | undefined;
  if (item?.kind === 'delivery') currentSegment = item.seg.id;
  else if (item?.kind === 'event' && (item.event.action.kind === 'receive' || item.event.action.kind === 'call')) {
    currentSegment = [...run.world.segments].reverse().find((s) => s.line === item.event.line)?.id;
  }
  const changed: StopSnapshot['changed'] = [];
  const transitions: StopSnapshot['transitions'] = [];
  if (prev) {
    for (const [name, s] of Object.entries(sockets)) {
      const p = prev.sockets[name];
      if (!p) continue;
      for (const k of Object.keys(s.display)) if (p.display[k] !== s.display[k]) changed.push({ socket: name, field: k, before: p.display[k], after: s.display[k] });
      for (const k of ['timer', 'retransmit_timer'] as const) {
        const a = p[k] ? `${p[k]!.reason} @${p[k]!.expires}` : 'none';
        const b = s[k] ? `${s[k]!.reason} @${s[k]!.expires}` : 'none';
        if (a !== b) changed.push({ socket: name, field: k, before: a, after: b });
      }
      if (p.fields.state !== s.fields.state) {
        const w = transitionTaker(run, s.writers.state);
        transitions.push({ socket: name, from: run.constantName(p.fields.state, 'TCP_'), to: run.constantName(s.fields.state, 'TCP_'), fn: w?.fn, line: w?.line });
      }
    }
  }
  const events = eventsNear(run, stop.clock).map((e) => ({ time: e.time, line: e.line, text: (run.scenarioLines[e.line - 1] ?? '').replace(/#.*$/, '').trim() }));
  return {
    index: stop.index,
    stopCount: run.stopCount,
    kind: stop.kind,
    clock: stop.clock,
    socket: stop.socket,
    fn: stop.fn?.name,
    file: stop.loc?.file,
    line: stop.loc?.line,
    message: stop.message,
    sockets,
    changed,
    segments,
    currentSegment,
    transitions,
    events,
  };
}

/**
 * Who took a state transition: tcp_set_state only carries it out, so when it wrote the state
 * and is still on the stack, the transition is its caller's (tcp_fin:1210, tcp_close_state:708).
 */
function transitionTaker(run: Run, w: { fn: string; line: number } | undefined): { fn: string; line: number } | undefined {
  if (!w || w.fn !== 'tcp_set_state') return w;
  const stack = run.machine.stack();
  const i = stack.findIndex((f) => f.fn.name === w.fn);
  const caller = i >= 0 ? stack[i + 1] : undefined;
  return caller ? { fn: caller.fn.name, line: caller.loc.line } : w;
}
