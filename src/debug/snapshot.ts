// The panel's view of a stop (src/common/protocol.ts): how much of a run one snapshot carries, and
// the stop's own part of it. releaseSnapshot.ts builds the rest from the release's memory.

import type { StopSnapshot } from '../common/protocol';

/** At most this many segments and scenario events go into one snapshot. */
export const MAX_SEGMENTS = 500;
export const MAX_EVENTS = 1000;

/**
 * At most this many sockets go into one snapshot. A scenario of more (a generated run of
 * thousands) shows a window: the socket whose code runs and its peer, the sockets the step
 * changed, those of the previous snapshot, then the first declared; `socketCount` says how many
 * there are. With the caches below, a snapshot costs the same at any number of sockets.
 */
export const MAX_SOCKETS = 16;
/** What a stop says of itself, as the snapshot carries it. */
export function stopHeader(
  stop: { index: number; kind: StopSnapshot['kind']; clock: number; socket: string; fn?: { name: string }; loc?: { file: string; line: number }; message?: string },
  stopCount: number,
): Pick<StopSnapshot, 'index' | 'stopCount' | 'kind' | 'clock' | 'socket' | 'fn' | 'file' | 'line' | 'message'> {
  return { index: stop.index, stopCount, kind: stop.kind, clock: stop.clock, socket: stop.socket, fn: stop.fn?.name, file: stop.loc?.file, line: stop.loc?.line, message: stop.message };
}
