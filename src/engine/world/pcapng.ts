// A capture file in pcapng (the format Wireshark and tshark write: IETF draft-ietf-opsawg-pcapng):
// one section, one interface of raw IPv4 datagrams (LINKTYPE_IPV4, 228) with microsecond
// timestamps, and an Enhanced Packet Block per datagram carrying a comment. Little-endian, as the
// byte-order magic says; every block and option padded to 32 bits.

/** One datagram for the file: its time in microseconds, its bytes from the IP header on, a comment. */
export interface CapturedPacket {
  timeUs: number;
  bytes: Uint8Array;
  comment?: string;
}

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const ISB = 0x00000005;
const ISB_ENDTIME = 3;
const LINKTYPE_IPV4 = 228;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_TSRESOL = 9;

const pad4 = (n: number) => (n + 3) & ~3;

/** An option: code, length, value, padding. */
function option(code: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + pad4(value.length));
  const dv = new DataView(out.buffer);
  dv.setUint16(0, code, true);
  dv.setUint16(2, value.length, true);
  out.set(value, 4);
  return out;
}

function options(list: Uint8Array[]): Uint8Array {
  return list.length ? concat([...list, new Uint8Array(4) /* opt_endofopt: code 0, length 0 */]) : new Uint8Array(0);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A block: type, total length, body, total length again. */
function block(type: number, body: Uint8Array): Uint8Array {
  const len = 12 + body.length;
  const out = new Uint8Array(len);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, type, true);
  dv.setUint32(4, len, true);
  out.set(body, 8);
  dv.setUint32(len - 4, len, true);
  return out;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** A timestamp in microseconds as pcapng writes it: the high 32 bits, then the low. */
function stamp(us: number): Uint8Array {
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  const t = BigInt(Math.max(0, Math.round(us)));
  dv.setUint32(0, Number(t >> 32n), true);
  dv.setUint32(4, Number(t & 0xffffffffn), true);
  return out;
}

/**
 * The capture file of `packets`, in their order; `application` names the writer in the section
 * header; `endUs`, when given, is when the capture ended (an interface statistics block's
 * isb_endtime: a run goes on after its last segment).
 */
export function pcapng(packets: CapturedPacket[], application: string, interfaceName: string, endUs?: number): Uint8Array {
  const shbFixed = new Uint8Array(16);
  const s = new DataView(shbFixed.buffer);
  s.setUint32(0, 0x1a2b3c4d, true); // byte-order magic
  s.setUint16(4, 1, true); // major version
  s.setUint16(6, 0, true); // minor version
  s.setBigInt64(8, -1n, true); // section length: not given
  const parts = [block(SHB, concat([shbFixed, options([option(SHB_USERAPPL, utf8(application))])]))];
  const idbFixed = new Uint8Array(8);
  const i = new DataView(idbFixed.buffer);
  i.setUint16(0, LINKTYPE_IPV4, true);
  i.setUint32(4, 0, true); // snaplen: no limit
  parts.push(block(IDB, concat([idbFixed, options([option(IF_NAME, utf8(interfaceName)), option(IF_TSRESOL, Uint8Array.of(6))])])));
  for (const p of packets) {
    const fixed = new Uint8Array(20);
    const e = new DataView(fixed.buffer);
    e.setUint32(0, 0, true); // interface 0
    fixed.set(stamp(p.timeUs), 4);
    e.setUint32(12, p.bytes.length, true); // captured
    e.setUint32(16, p.bytes.length, true); // on the wire
    const data = new Uint8Array(pad4(p.bytes.length));
    data.set(p.bytes);
    parts.push(block(EPB, concat([fixed, data, options(p.comment ? [option(OPT_COMMENT, utf8(p.comment))] : [])])));
  }
  if (endUs !== undefined) parts.push(block(ISB, concat([new Uint8Array(4) /* interface 0 */, stamp(endUs), options([option(ISB_ENDTIME, stamp(endUs))])])));
  return concat(parts);
}
