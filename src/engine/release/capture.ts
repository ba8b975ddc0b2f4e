// A run's segments as a capture: every datagram the kernel put on the wire (dropped ones too) and
// every one the scripted peer sent, with the bytes as built (IP and TCP headers, checksums,
// payload), the virtual clock's time (a jiffy is 10 ms) and a comment naming the socket, its
// state and the release's function and line that sent it.

import { pcapng, type CapturedPacket } from '../world/pcapng';
import type { ReleaseRun } from './run';

/** A jiffy in microseconds (HZ = 100). */
const JIFFY_US = 10_000;

/** Of a sender's frames (innermost first), the TCP function that built the segment: the innermost outside ip.c (whose ip_queue_xmit put it on the wire). */
export function builder<F extends { file: string }>(frames: F[]): F {
  return frames.find((f) => !f.file.endsWith('ip.c')) ?? frames[0];
}

/** The packets of `run`'s segments so far, in the order sent. */
export function capturedPackets(run: ReleaseRun): CapturedPacket[] {
  const out: CapturedPacket[] = [];
  const basename = (file: string) => file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const shown = (file: string) => (file.startsWith(run.image.release) ? file.slice(run.image.release.length).replace(/^[\\/]/, '') : basename(file));
  run.segs.forEach((r, i) => {
    const bytes = run.datagramOf(i);
    if (!bytes) return;
    let comment: string;
    if (r.from < 0) comment = `scripted peer -> ${run.socks[r.to]?.name ?? '?'}: ${basename(run.bound.file)}:${r.line ?? 0}`;
    else {
      const who = run.senderOf(i);
      const name = run.socks[r.from].name;
      if (!who || !who.frames.length) comment = `${name}: sent`;
      else {
        const top = who.frames[0];
        const tcp = builder(who.frames);
        const via = tcp === top ? '' : ` via ${top.fn}:${top.line} (${shown(top.file)})`;
        const callers = who.frames.slice(who.frames.indexOf(tcp) + 1).map((f) => f.fn);
        comment = `${name} in ${who.state >= 0 ? run.stateName(who.state) : '?'}: sent by ${tcp.fn}:${tcp.line} (${shown(tcp.file)})${via}${callers.length ? `, called from ${callers.join(' < ')}` : ''}`;
      }
    }
    if (r.dropped) comment += '; dropped on the wire (a drop line of the scenario)';
    out.push({ timeUs: r.time * JIFFY_US, bytes, comment });
  });
  return out;
}

/** The run's capture as a pcapng file. */
export function runCapture(run: ReleaseRun): Uint8Array {
  return pcapng(capturedPackets(run), 'tcp-close-debugger (Linux 1.2.13 on its machine layer)', 'the machine layer\'s wire (lo)', run.jiffies * JIFFY_US);
}
