// Segments as bytes: RFC 1071's checksum on its own numerical example, a published IPv4 header,
// a SYN written out byte by byte from RFC 791/793's layouts, and encode/decode round trips.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeSegment, encodeSegment, fold, onesSum, tcpChecksum } from './packet';

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((x) => parseInt(x, 16)));

test("RFC 1071's numerical example: the sum of 00 01 f2 03 f4 f5 f6 f7 is ddf2, the checksum 220d", () => {
  const b = hex('0001 f203 f4f5 f6f7');
  assert.equal(fold(onesSum(b, 0, 8)), 0x220d);
  assert.equal(~0x220d & 0xffff, 0xddf2);
});

test('a published IPv4 header (checksum b861) verifies, and recomputing it gives b861', () => {
  // the worked example of the IPv4 header checksum: 192.168.0.1 -> 192.168.0.199, UDP
  const b = hex('4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7');
  assert.equal(fold(onesSum(b, 0, 20)), 0);
  b[10] = b[11] = 0;
  assert.equal(fold(onesSum(b, 0, 20)), 0xb861);
});

test('a SYN written out byte by byte from the RFCs encodes and decodes to the same fields', () => {
  // 10.0.0.1:40000 -> 10.0.0.2:80, SYN seq 0x11223344, window 29200, MSS option 1460; the IP
  // header's checksum (66c9) was computed by hand, the TCP one is filled in below
  const ip = hex('4500 002c 0001 0000 4006 66c9 0a00 0001 0a00 0002');
  const tcp = hex('9c40 0050 1122 3344 0000 0000 6002 7210 0000 0000 0204 05b4');
  const sum = tcpChecksum(tcp, 0, tcp.length, 0x0a000001, 0x0a000002);
  tcp[16] = sum >> 8;
  tcp[17] = sum & 0xff;
  const pkt = new Uint8Array([...ip, ...tcp]);
  const d = decodeSegment(pkt);
  assert.equal(d.ipChecksumOk, true);
  assert.equal(d.tcpChecksumOk, true);
  assert.equal(d.mss, 1460);
  assert.equal(d.flags.syn, true);
  assert.equal(d.seq, 0x11223344);
  assert.equal(d.win, 29200);
  // our encoder builds the same TCP bytes from the fields
  const ours = encodeSegment({ saddr: 0x0a000001, daddr: 0x0a000002, sport: 40000, dport: 80, seq: 0x11223344, ack: 0, flags: { fin: false, syn: true, rst: false, psh: false, ack: false, urg: false }, win: 29200, mss: 1460, id: 1 });
  assert.deepEqual([...ours.subarray(20)], [...tcp]);
  assert.deepEqual([...ours.subarray(0, 20)], [...ip]);
});

const fields = fc.record({
  saddr: fc.nat({ max: 0xffffffff }),
  daddr: fc.nat({ max: 0xffffffff }),
  sport: fc.nat({ max: 0xffff }),
  dport: fc.nat({ max: 0xffff }),
  seq: fc.nat({ max: 0xffffffff }),
  ack: fc.nat({ max: 0xffffffff }),
  flags: fc.record({ fin: fc.boolean(), syn: fc.boolean(), rst: fc.boolean(), psh: fc.boolean(), ack: fc.boolean(), urg: fc.boolean() }),
  win: fc.nat({ max: 0xffff }),
  mss: fc.option(fc.nat({ max: 0xffff }), { nil: undefined }),
  payload: fc.uint8Array({ maxLength: 64 }),
});

test('encode then decode gives the fields back, with both checksums verifying; any flipped bit breaks one', () => {
  fc.assert(
    fc.property(fields, fc.nat(), (f, flip) => {
      const b = encodeSegment(f);
      const d = decodeSegment(b);
      assert.equal(d.tcpChecksumOk && d.ipChecksumOk, true);
      assert.deepEqual([d.saddr, d.daddr, d.sport, d.dport, d.seq, d.ack, d.win, d.len, d.mss], [f.saddr, f.daddr, f.sport, f.dport, f.seq, f.ack, f.win, f.payload.length, f.mss]);
      assert.deepEqual(d.flags, { ...f.flags });
      // a single flipped bit outside the length fields is caught by one of the checksums
      const i = flip % b.length;
      if (i === 2 || i === 3 || i === 32) return;
      const c = b.slice();
      c[i] ^= 1 << (flip % 8);
      let caught = false;
      try {
        const e = decodeSegment(c);
        caught = !e.ipChecksumOk || !e.tcpChecksumOk;
      } catch {
        caught = true;
      }
      assert.ok(caught, `bit ${flip % 8} of byte ${i} flipped unnoticed`);
    }),
    { numRuns: 500 },
  );
});

test('what is not an IPv4 TCP packet is refused with what is wrong', () => {
  assert.throws(() => decodeSegment(new Uint8Array(10)), /too short/);
  const b = encodeSegment({ saddr: 1, daddr: 2, sport: 3, dport: 4, seq: 5, ack: 6, flags: { fin: false, syn: false, rst: false, psh: false, ack: true, urg: false }, win: 7 });
  const v6 = b.slice();
  v6[0] = 0x65;
  assert.throws(() => decodeSegment(v6), /IP version 6/);
  const udp = b.slice();
  udp[9] = 17;
  assert.throws(() => decodeSegment(udp), /protocol 17, not TCP/);
});
