// A capture of one TCP connection translated into a scenario: one endpoint is Linux 1.2 (the
// client, which sent the first SYN, or the server), the other is the scripted peer, its segments
// sent at their captured times. The Linux side's segments become expectations, and the calls its
// application made are read from what it sent: connect from its SYN, listen and accept around the
// handshake, a write for each run of data it had not sent before, close from its first FIN.
//
// Numbers: the peer's are the capture's. Linux 1.2's start from what tcp_init_seq() returns when
// the connection starts (net/inet/tcp.c:2669-2674; 10000 x jiffies on the machine layer's clock),
// so the capture's Linux numbers, and the peer's acknowledgements of them, are moved by the
// difference between its initial sequence number there and that one.

import { decodeSegment, flagsText, type DecodedSegment } from '../../common/packet';
import { CaptureError, type CaptureRead } from './read';
import { MAX_USER_BYTES } from '../parse';

const JIFFY_US = 10_000;
const addr = (a: number) => [a >>> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255].join('.');

export interface CaptureImport {
  text: string;
  /** remarks on the translation, each once (what was inferred, rounded or left out) */
  notes: string[];
}

interface Seg extends DecodedSegment {
  number: number;
  jiffies: number;
  fromLinux: boolean;
}

/** Translates a capture read by readCapture; `linux` says which endpoint runs Linux 1.2. Throws CaptureError. */
export function importCapture(cap: CaptureRead, file: string, linux: 'client' | 'server'): CaptureImport {
  const notes: string[] = [];
  const tcp: (DecodedSegment & { number: number; timeUs: number })[] = [];
  let other = cap.skipped;
  for (const d of cap.datagrams) {
    if (d.bytes[9] !== 6) {
      other++;
      continue;
    }
    try {
      tcp.push({ ...decodeSegment(d.bytes), number: d.number, timeUs: d.timeUs });
    } catch (e) {
      throw new CaptureError(`packet ${d.number}: ${(e as Error).message}`, d.number);
    }
  }
  if (other) notes.push(`${other} packet${other === 1 ? '' : 's'} that are not IPv4 TCP left out`);
  if (!tcp.length) throw new CaptureError('the capture holds no IPv4 TCP segment');
  const end = (s: DecodedSegment, src: boolean) => (src ? `${addr(s.saddr)}:${s.sport}` : `${addr(s.daddr)}:${s.dport}`);
  const key = (s: DecodedSegment) => [end(s, true), end(s, false)].sort().join(' - ');
  const conns = [...new Set(tcp.map(key))];
  if (conns.length > 1) {
    throw new CaptureError(`the capture holds ${conns.length} TCP connections (${conns.slice(0, 4).join(', ')}${conns.length > 4 ? ', …' : ''}): one is imported; keep one first, e.g. tshark -r FILE -Y "tcp.stream==0" -w one.pcapng`);
  }
  const syn = tcp.find((s) => s.flags.syn && !s.flags.ack);
  if (!syn) throw new CaptureError('no SYN: the capture does not start at the connection\'s beginning, so its initial sequence numbers are unknown');
  const client = end(syn, true);
  // a capture this debugger saved has the virtual clock's times (from boot: jiffy 0), which the run
  // must keep (initial sequence numbers and timers are read from it); another one's time counts
  // from its first segment
  const own = cap.application?.startsWith('tcp-close-debugger') ?? false;
  const t0 = own ? 0 : tcp[0].timeUs;
  if (!own) notes.push("times count from the capture's first segment (jiffy 0)");
  let rounded = false;
  const segs: Seg[] = tcp.map((s) => {
    const us = s.timeUs - t0;
    if (us % JIFFY_US) rounded = true;
    return { ...s, jiffies: Math.max(0, Math.round(us / JIFFY_US)), fromLinux: (end(s, true) === client) === (linux === 'client') };
  });
  if (rounded) notes.push('times are rounded to whole jiffies (Linux 1.2 counts time in jiffies of 10 ms, HZ=100)');
  for (let i = 1; i < tcp.length; i++) if (tcp[i].timeUs < tcp[i - 1].timeUs) throw new CaptureError(`packet ${tcp[i].number}: its time goes back (the capture is not in time order)`, tcp[i].number);
  // Linux's initial sequence number in the capture and in the run
  const linuxSyn = segs.find((s) => s.fromLinux && s.flags.syn);
  if (!linuxSyn) throw new CaptureError(`the ${linux} (Linux 1.2's side) sends no SYN in the capture: its sequence numbers are unknown`);
  const openAt = linux === 'client' ? linuxSyn.jiffies : segs[tcp.indexOf(syn)].jiffies;
  const shift = ((openAt * JIFFY_US) >>> 0) - linuxSyn.seq;
  const mine = (n: number) => (n + shift) >>> 0;
  const name = linux === 'client' ? 'client' : 'server';
  const lines = [
    `# Imported from the capture ${file.split(/[\\/]/).pop()} by \`tcp-close-debugger import\`: the ${linux} is Linux 1.2, the other end`,
    `# (${linux === 'client' ? end(syn, false) : client}) is the scripted peer, its segments at their captured times. Linux 1.2's numbers`,
    "# start from tcp_init_seq() (10000 x jiffies here); the capture's are moved to them.",
  ];
  const time = (j: number) => (j === 0 ? '0' : `${(j / 100).toFixed(2)}s`).padEnd(8);
  lines.push(`socket ${name} CLOSED`);
  if (linux === 'server') {
    lines.push('socket conn CLOSED');
    lines.push(`${time(0)} server listen ${syn.dport} backlog=5`);
  }
  let target = name;
  let accepted = linux === 'client';
  let sawSynAck = false;
  let written = (linuxSyn.seq + 1) >>> 0; // the capture's next new byte of Linux's data
  let closed = false;
  const opts = (s: Seg) => (s.mss !== undefined ? ` mss=${s.mss}` : '');
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    const f = flagsText(s.flags);
    if (s.fromLinux) {
      if (s.flags.syn && linux === 'client' && s === linuxSyn) lines.push(`${time(s.jiffies)} ${target} connect`);
      if (s.flags.syn) sawSynAck = true;
      // data not sent before: a write (of every new byte the same moment sends, before a peer segment)
      const endSeq = (s.seq + s.len) >>> 0;
      if (s.len && ((endSeq - written) | 0) > 0) {
        let total = (endSeq - written) >>> 0;
        let k = i + 1;
        for (; k < segs.length && segs[k].fromLinux && segs[k].jiffies === s.jiffies; k++) {
          const e2 = (segs[k].seq + segs[k].len) >>> 0;
          if (segs[k].len && ((e2 - written - total) | 0) > 0) total = (e2 - written) >>> 0;
        }
        if (total > MAX_USER_BYTES) throw new CaptureError(`packet ${s.number}: Linux 1.2's data jumps by ${total} bytes past what it sent before: the capture is missing its segments`, s.number);
        lines.push(`${time(s.jiffies)} ${target} write ${total}`);
        written = (written + total) >>> 0;
      }
      if (s.flags.fin && !closed) {
        closed = true;
        lines.push(`${time(s.jiffies)} ${target} close`);
      }
      lines.push(`${time(s.jiffies)} ${target} > ${f} seq=${mine(s.seq)}${s.flags.ack ? ` ack=${s.ack}` : ''}${s.len ? ` len=${s.len}` : ''}${opts(s)}   # packet ${s.number}`);
    } else {
      lines.push(`${time(s.jiffies)} ${target} < ${f} seq=${s.seq}${s.flags.ack ? ` ack=${mine(s.ack)}` : ''} win=${s.win}${s.len ? ` len=${s.len}` : ''}${opts(s)}   # packet ${s.number}`);
      // the peer's ACK of the SYN-ACK completes the handshake: the application's accept()
      if (!accepted && sawSynAck && s.flags.ack && !s.flags.syn) {
        accepted = true;
        lines.push(`${time(s.jiffies)} server accept conn`);
        target = 'conn';
      }
    }
  }
  notes.push(`Linux 1.2's application calls are read from what it sent: ${linux === 'client' ? 'connect() from its SYN' : 'listen() before the first segment, accept() once the handshake completes'}, a write() for data it had not sent before, close() at its first FIN (a shutdown(SHUT_WR) sends the same FIN); its reads are not in a capture`);
  const last = segs[segs.length - 1].jiffies;
  if (cap.endUs !== undefined) {
    const j = Math.max(last, Math.round((cap.endUs - t0) / JIFFY_US));
    lines.push(`${time(j)} wait   # the capture's end (its interface statistics)`);
  }
  return { text: lines.join('\n') + '\n', notes };
}
