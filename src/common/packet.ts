// IPv4 + TCP segments as bytes on the wire (network byte order): what a capture holds (the pcap
// importer reads them with it), as the machine layer builds and sends them. The layouts are
// Linux 1.2.13's `struct iphdr` (include/linux/ip.h) and `struct tcphdr` (include/linux/tcp.h);
// the checksum is RFC 1071's one's-complement sum, over the pseudo-header for TCP, as the
// release's `tcp_check` computes it.

export const IP_HEADER = 20;
export const TCP_HEADER = 20;
export const IPPROTO_TCP = 6;

export interface TcpFlags {
  fin: boolean;
  syn: boolean;
  rst: boolean;
  psh: boolean;
  ack: boolean;
  urg: boolean;
}

/** One segment's fields; addresses are host-order 32-bit numbers (127.0.0.1 is 0x7f000001). */
export interface SegmentFields {
  saddr: number;
  daddr: number;
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: TcpFlags;
  win: number;
  urgPtr?: number;
  /** the MSS option (kind 2, length 4), if sent */
  mss?: number;
  /** payload bytes (len = payload.length) */
  payload?: Uint8Array;
  /** the IP header's id and ttl (defaults 0 and 64) */
  id?: number;
  ttl?: number;
}

/** The one's-complement sum of `n` bytes at `off` added to `sum` (not folded, not complemented). */
export function onesSum(b: Uint8Array, off: number, n: number, sum = 0): number {
  let i = 0;
  for (; i + 1 < n; i += 2) sum += (b[off + i] << 8) | b[off + i + 1];
  if (i < n) sum += b[off + i] << 8;
  return sum;
}

/** Folds a sum to 16 bits and complements it: the checksum field's value (host order). */
export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** The TCP checksum of the segment at `off` (`len` bytes: header and data) with its pseudo-header. */
export function tcpChecksum(b: Uint8Array, off: number, len: number, saddr: number, daddr: number): number {
  let sum = (saddr >>> 16) + (saddr & 0xffff) + (daddr >>> 16) + (daddr & 0xffff) + IPPROTO_TCP + len;
  sum = onesSum(b, off, len, sum);
  return fold(sum);
}

const put16 = (b: Uint8Array, o: number, v: number) => {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
};
const put32 = (b: Uint8Array, o: number, v: number) => {
  put16(b, o, v >>> 16);
  put16(b, o + 2, v & 0xffff);
};
const get16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const get32 = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;

/** The IP datagram carrying the segment: 20-byte IP header, TCP header (with options), payload. */
export function encodeSegment(s: SegmentFields): Uint8Array {
  const opt = s.mss === undefined ? 0 : 4;
  const payload = s.payload ?? new Uint8Array(0);
  const tcpLen = TCP_HEADER + opt + payload.length;
  const b = new Uint8Array(IP_HEADER + tcpLen);
  b[0] = 0x45; // version 4, ihl 5
  put16(b, 2, b.length);
  put16(b, 4, s.id ?? 0);
  b[8] = s.ttl ?? 64;
  b[9] = IPPROTO_TCP;
  put32(b, 12, s.saddr);
  put32(b, 16, s.daddr);
  put16(b, 10, fold(onesSum(b, 0, IP_HEADER)));
  const t = IP_HEADER;
  put16(b, t, s.sport);
  put16(b, t + 2, s.dport);
  put32(b, t + 4, s.seq >>> 0);
  put32(b, t + 8, s.ack >>> 0);
  const f = s.flags;
  b[t + 12] = ((TCP_HEADER + opt) / 4) << 4;
  b[t + 13] = (f.fin ? 1 : 0) | (f.syn ? 2 : 0) | (f.rst ? 4 : 0) | (f.psh ? 8 : 0) | (f.ack ? 16 : 0) | (f.urg ? 32 : 0);
  put16(b, t + 14, s.win);
  put16(b, t + 18, s.urgPtr ?? 0);
  if (s.mss !== undefined) {
    b[t + 20] = 2;
    b[t + 21] = 4;
    put16(b, t + 22, s.mss);
  }
  b.set(payload, t + TCP_HEADER + opt);
  put16(b, t + 16, tcpChecksum(b, t, tcpLen, s.saddr, s.daddr));
  return b;
}

export interface DecodedSegment extends Required<Omit<SegmentFields, 'mss' | 'payload'>> {
  mss?: number;
  /** payload length */
  len: number;
  /** TCP header length in bytes (doff * 4) */
  headerLength: number;
  /** whether the IP and TCP checksums verify */
  ipChecksumOk: boolean;
  tcpChecksumOk: boolean;
}

/** Reads an IP datagram carrying TCP; throws a message when it is not one. */
export function decodeSegment(b: Uint8Array): DecodedSegment {
  if (b.length < IP_HEADER + TCP_HEADER) throw new Error(`a ${b.length}-byte packet is too short for IP and TCP headers`);
  if (b[0] >> 4 !== 4) throw new Error(`IP version ${b[0] >> 4}, not 4`);
  const ihl = (b[0] & 15) * 4;
  const total = get16(b, 2);
  if (ihl < IP_HEADER || total > b.length || total < ihl + TCP_HEADER) throw new Error(`bad IP lengths (header ${ihl}, total ${total}, ${b.length} bytes)`);
  if (b[9] !== IPPROTO_TCP) throw new Error(`IP protocol ${b[9]}, not TCP`);
  const saddr = get32(b, 12);
  const daddr = get32(b, 16);
  const t = ihl;
  const doff = (b[t + 12] >> 4) * 4;
  if (doff < TCP_HEADER || t + doff > total) throw new Error(`bad TCP header length ${doff}`);
  const fl = b[t + 13];
  const mss = mssOf(b.subarray(t + TCP_HEADER, t + doff));
  return {
    saddr,
    daddr,
    sport: get16(b, t),
    dport: get16(b, t + 2),
    seq: get32(b, t + 4),
    ack: get32(b, t + 8),
    flags: { fin: !!(fl & 1), syn: !!(fl & 2), rst: !!(fl & 4), psh: !!(fl & 8), ack: !!(fl & 16), urg: !!(fl & 32) },
    win: get16(b, t + 14),
    urgPtr: get16(b, t + 18),
    id: get16(b, 4),
    ttl: b[8],
    ...(mss === undefined ? {} : { mss }),
    len: total - ihl - doff,
    headerLength: doff,
    ipChecksumOk: fold(onesSum(b, 0, ihl)) === 0,
    tcpChecksumOk: tcpChecksum(b, t, total - ihl, saddr, daddr) === 0,
  };
}

/**
 * The value of the MSS option among the TCP options `opts` (the bytes after the 20-byte header),
 * undefined if none: kind 0 ends the list, kind 1 is one byte of padding, any other is kind,
 * length, value (tcp_options' walk). The MSS option is kind 2, length 4, the value in network order.
 */
export function mssOf(opts: Uint8Array): number | undefined {
  for (let i = 0; i < opts.length; ) {
    const kind = opts[i];
    if (kind === 0) return undefined;
    if (kind === 1) {
      i++;
      continue;
    }
    const len = opts[i + 1];
    if (len === undefined || len < 2 || i + len > opts.length) return undefined;
    if (kind === 2 && len === 4) return (opts[i + 2] << 8) | opts[i + 3];
    i += len;
  }
  return undefined;
}

/** mssOf, with 0 for none (a segment record's `mss`). */
export function mssOption(opts: Uint8Array): number {
  return mssOf(opts) ?? 0;
}

/** Flags as tcpdump writes them, in the scenario language's order: S F R P and '.' for ACK; '-' for none. */
export function flagsText(f: { syn: boolean; fin: boolean; rst: boolean; psh: boolean; ack: boolean }): string {
  return (f.syn ? 'S' : '') + (f.fin ? 'F' : '') + (f.rst ? 'R' : '') + (f.psh ? 'P' : '') + (f.ack ? '.' : '') || '-';
}
