// Reading a capture file: classic pcap (either byte order, microsecond or nanosecond times) and
// pcapng (sections of either byte order, interfaces with their time resolution, enhanced and simple
// packet blocks, the interface statistics' end time), with the link types a capture of one TCP
// connection comes in: Ethernet, raw IPv4, Linux cooked (SLL), BSD loopback. What it yields is each
// IPv4 datagram with its time; a file that is not a capture, or is cut short, is an error naming
// the packet (or block) and byte offset where it breaks.

/** One IPv4 datagram of the capture, from its IP header on, and when it was captured (µs). */
export interface CapturedDatagram {
  /** 1-based, in the file's order (what Wireshark numbers frames) */
  number: number;
  timeUs: number;
  bytes: Uint8Array;
}

export interface CaptureRead {
  datagrams: CapturedDatagram[];
  /** frames that are not IPv4 (ARP, IPv6, …): counted, not read */
  skipped: number;
  /** the capture's end (pcapng's isb_endtime), µs, when the file says it */
  endUs?: number;
  /** the application that wrote it (pcapng's shb_userappl), when the file says it */
  application?: string;
}

export class CaptureError extends Error {
  constructor(
    message: string,
    /** the frame (1-based), if the problem is in one */
    readonly frame?: number,
  ) {
    super(message);
  }
}

/** The most frames read from one file. */
export const MAX_FRAMES = 200_000;

const LINK_ETHERNET = 1;
const LINK_RAW = 101;
const LINK_IPV4 = 228;
const LINK_SLL = 113;
const LINK_NULL = 0;

/** The IPv4 datagram inside a frame of link type `link`, or undefined for another protocol. */
function ipOf(link: number, f: Uint8Array, frame: number): Uint8Array | undefined {
  let at: number;
  if (link === LINK_RAW || link === LINK_IPV4) at = 0;
  else if (link === LINK_ETHERNET) {
    if (f.length < 14) throw new CaptureError(`frame ${frame}: ${f.length} bytes, shorter than an Ethernet header`, frame);
    let type = (f[12] << 8) | f[13];
    at = 14;
    if (type === 0x8100 && f.length >= 18) {
      type = (f[16] << 8) | f[17];
      at = 18;
    }
    if (type !== 0x0800) return undefined;
  } else if (link === LINK_SLL) {
    if (f.length < 16) throw new CaptureError(`frame ${frame}: ${f.length} bytes, shorter than a Linux cooked header`, frame);
    if (((f[14] << 8) | f[15]) !== 0x0800) return undefined;
    at = 16;
  } else if (link === LINK_NULL) {
    if (f.length < 4) throw new CaptureError(`frame ${frame}: ${f.length} bytes, shorter than a loopback header`, frame);
    const family = f[0] | (f[1] << 8) | (f[2] << 16) | (f[3] << 24);
    const be = (f[0] << 24) | (f[1] << 16) | (f[2] << 8) | f[3];
    if (family !== 2 && be !== 2) return undefined;
    at = 4;
  } else throw new CaptureError(`frame ${frame}: link type ${link} is not read (Ethernet, raw IPv4, Linux cooked or loopback are)`, frame);
  const ip = f.subarray(at);
  if (ip.length === 0 || ip[0] >> 4 !== 4) return undefined;
  return ip;
}

/** Reads a capture file's bytes. Throws CaptureError. */
export function readCapture(b: Uint8Array): CaptureRead {
  if (b.length < 4) throw new CaptureError(`${b.length} bytes: not a capture file (pcap or pcapng)`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const magicLE = dv.getUint32(0, true);
  if (magicLE === 0x0a0d0d0a) return readPcapng(b, dv);
  if ([0xa1b2c3d4, 0xa1b23c4d, 0xd4c3b2a1, 0x4d3cb2a1].includes(magicLE)) return readPcap(b, dv);
  throw new CaptureError('not a capture file: its first bytes are neither a pcap nor a pcapng magic number');
}

function readPcap(b: Uint8Array, dv: DataView): CaptureRead {
  if (b.length < 24) throw new CaptureError(`the pcap header is cut short (${b.length} of 24 bytes)`);
  const m = dv.getUint32(0, true);
  const le = m === 0xa1b2c3d4 || m === 0xa1b23c4d;
  const nano = m === 0xa1b23c4d || m === 0x4d3cb2a1;
  const link = dv.getUint32(20, le) & 0x0fffffff;
  const out: CaptureRead = { datagrams: [], skipped: 0 };
  let at = 24;
  for (let n = 1; at < b.length; n++) {
    if (n > MAX_FRAMES) throw new CaptureError(`more than ${MAX_FRAMES} frames: not read further`, n);
    if (at + 16 > b.length) throw new CaptureError(`frame ${n} at byte ${at}: its record header is cut short`, n);
    const sec = dv.getUint32(at, le);
    const frac = dv.getUint32(at + 4, le);
    const incl = dv.getUint32(at + 8, le);
    if (at + 16 + incl > b.length) throw new CaptureError(`frame ${n} at byte ${at}: ${incl} bytes announced, ${b.length - at - 16} left in the file`, n);
    const ip = ipOf(link, b.subarray(at + 16, at + 16 + incl), n);
    if (ip) out.datagrams.push({ number: n, timeUs: sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac), bytes: ip });
    else out.skipped++;
    at += 16 + incl;
  }
  return out;
}

function readPcapng(b: Uint8Array, dv: DataView): CaptureRead {
  const out: CaptureRead = { datagrams: [], skipped: 0 };
  let le = true;
  // per interface of the current section: link type and time units per second
  let ifaces: { link: number; perSec: number }[] = [];
  let n = 0;
  for (let at = 0; at < b.length; ) {
    const after = n ? ` (after packet ${n})` : '';
    if (at + 12 > b.length) throw new CaptureError(`the block at byte ${at}${after} is cut short`, n + 1);
    const type = dv.getUint32(at, true) === 0x0a0d0d0a ? 0x0a0d0d0a : dv.getUint32(at, le);
    if (type === 0x0a0d0d0a) {
      const magic = dv.getUint32(at + 8, true);
      if (magic === 0x1a2b3c4d) le = true;
      else if (magic === 0x4d3c2b1a) le = false;
      else throw new CaptureError(`the section header at byte ${at} has no byte-order magic`);
      ifaces = [];
    }
    const sectionOpts = type === 0x0a0d0d0a;
    const len = dv.getUint32(at + 4, le);
    if (len < 12 || len % 4 !== 0 || at + len > b.length) throw new CaptureError(`the block at byte ${at}${after}: a length of ${len} bytes${at + len > b.length ? `, ${b.length - at} left in the file` : ''}`, n + 1);
    const body = at + 8;
    const end = at + len - 4;
    const opts = (from: number, f: (code: number, v: Uint8Array) => void) => {
      for (let o = from; o + 4 <= end; ) {
        const code = dv.getUint16(o, le);
        const l = dv.getUint16(o + 2, le);
        if (code === 0 || o + 4 + l > end) break;
        f(code, b.subarray(o + 4, o + 4 + l));
        o += 4 + ((l + 3) & ~3);
      }
    };
    if (sectionOpts) {
      opts(body + 16, (code, v) => {
        if (code === 4) out.application = new TextDecoder().decode(v);
      });
    } else if (type === 1) {
      const iface = { link: dv.getUint16(body, le), perSec: 1e6 };
      opts(body + 8, (code, v) => {
        if (code === 9 && v.length >= 1) iface.perSec = v[0] & 0x80 ? 2 ** (v[0] & 0x7f) : 10 ** v[0];
      });
      ifaces.push(iface);
    } else if (type === 6 || type === 3) {
      n++;
      if (n > MAX_FRAMES) throw new CaptureError(`more than ${MAX_FRAMES} frames: not read further`, n);
      const id = type === 6 ? dv.getUint32(body, le) : 0;
      const iface = ifaces[id];
      if (!iface) throw new CaptureError(`frame ${n} at byte ${at}: interface ${id} is not described before it`, n);
      let timeUs = 0;
      let data: Uint8Array;
      if (type === 6) {
        const t = dv.getUint32(body + 4, le) * 2 ** 32 + dv.getUint32(body + 8, le);
        timeUs = Math.round((t / iface.perSec) * 1e6);
        const incl = dv.getUint32(body + 12, le);
        if (body + 20 + incl > end) throw new CaptureError(`frame ${n} at byte ${at}: ${incl} bytes announced, more than its block holds`, n);
        data = b.subarray(body + 20, body + 20 + incl);
      } else data = b.subarray(body + 4, end);
      const ip = ipOf(iface.link, data, n);
      if (ip) out.datagrams.push({ number: n, timeUs, bytes: ip });
      else out.skipped++;
    } else if (type === 5) {
      // interface statistics: isb_endtime (code 3), in the interface's units
      const id = dv.getUint32(body, le);
      opts(body + 12, (code, v) => {
        if (code === 3 && v.length === 8 && ifaces[id]) {
          const w = new DataView(v.buffer, v.byteOffset, 8);
          out.endUs = Math.round(((w.getUint32(0, le) * 2 ** 32 + w.getUint32(4, le)) / ifaces[id].perSec) * 1e6);
        }
      });
    }
    at += len;
  }
  return out;
}
