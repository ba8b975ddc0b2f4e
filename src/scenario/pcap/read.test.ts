// Capture files read and translated: classic pcap in both byte orders and both time units,
// pcapng, the link types (Ethernet, raw IPv4, Linux cooked), a capture of another host's
// connection turned into a scenario the parser accepts, and every malformed or cut file refused
// with a CaptureError naming where (fuzzed: nothing else is ever thrown).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeSegment, type SegmentFields } from '../../common/packet';
import { pcapng } from '../../engine/world/pcapng';
import { parseScenario } from '../parse';
import { CaptureError, readCapture } from './read';
import { importCapture } from './translate';

const A = 0xc0a80001; // 192.168.0.1, the client
const B = 0xc0a80002; // 192.168.0.2, the server
const seg = (from: 'a' | 'b', flags: string, seq: number, ack: number, payload = 0, mss?: number): Uint8Array => {
  const f: SegmentFields = {
    saddr: from === 'a' ? A : B,
    daddr: from === 'a' ? B : A,
    sport: from === 'a' ? 40000 : 80,
    dport: from === 'a' ? 80 : 40000,
    seq,
    ack,
    flags: { syn: flags.includes('S'), fin: flags.includes('F'), rst: flags.includes('R'), psh: flags.includes('P'), ack: flags.includes('.'), urg: false },
    win: 5840,
    ...(mss ? { mss } : {}),
    payload: new Uint8Array(payload).fill(0x61),
  };
  return encodeSegment(f);
};

/** Another host's connection, as a capture of it has it: epoch times, its own initial numbers. */
const T0 = 1_700_000_000_000_000;
const CONNECTION: { us: number; bytes: Uint8Array }[] = [
  { us: T0, bytes: seg('a', 'S', 5000, 0, 0, 1460) },
  { us: T0 + 1000, bytes: seg('b', 'S.', 90000, 5001, 0, 1460) },
  { us: T0 + 2000, bytes: seg('a', '.', 5001, 90001) },
  { us: T0 + 30_000, bytes: seg('a', 'P.', 5001, 90001, 100) },
  { us: T0 + 31_000, bytes: seg('b', '.', 90001, 5101) },
  { us: T0 + 1_000_000, bytes: seg('a', 'F.', 5101, 90001) },
  { us: T0 + 1_001_000, bytes: seg('b', '.', 90001, 5102) },
];

function classic(le: boolean, nano: boolean, link: number, frames: { us: number; bytes: Uint8Array }[], wrap = (b: Uint8Array) => b): Uint8Array {
  const parts: Uint8Array[] = [];
  const h = new DataView(new ArrayBuffer(24));
  h.setUint32(0, nano ? 0xa1b23c4d : 0xa1b2c3d4, le);
  h.setUint16(4, 2, le);
  h.setUint16(6, 4, le);
  h.setUint32(16, 65535, le);
  h.setUint32(20, link, le);
  parts.push(new Uint8Array(h.buffer));
  for (const f of frames) {
    const data = wrap(f.bytes);
    const r = new DataView(new ArrayBuffer(16));
    r.setUint32(0, Math.floor(f.us / 1e6), le);
    r.setUint32(4, nano ? (f.us % 1e6) * 1000 : f.us % 1e6, le);
    r.setUint32(8, data.length, le);
    r.setUint32(12, data.length, le);
    parts.push(new Uint8Array(r.buffer), data);
  }
  return new Uint8Array(Buffer.concat(parts));
}
const ethernet = (ip: Uint8Array) => Uint8Array.from([...new Uint8Array(12), 0x08, 0x00, ...ip]);
const sll = (ip: Uint8Array) => Uint8Array.from([...new Uint8Array(14), 0x08, 0x00, ...ip]);

test('classic pcap, both byte orders and time units, Ethernet, raw and cooked frames: the same datagrams and times', () => {
  const want = CONNECTION.map((f) => [f.us, f.bytes.length]);
  for (const [le, nano, link, wrap] of [
    [true, false, 1, ethernet],
    [false, false, 1, ethernet],
    [true, true, 101, (b: Uint8Array) => b],
    [false, true, 113, sll],
  ] as const) {
    const r = readCapture(classic(le, nano, link, CONNECTION, wrap));
    assert.deepEqual(
      r.datagrams.map((d) => [d.timeUs, d.bytes.length]),
      want,
      `le=${le} nano=${nano} link=${link}`,
    );
    assert.deepEqual(r.datagrams[3].bytes, CONNECTION[3].bytes);
  }
});

test("pcapng as this debugger writes it: the datagrams, the end time and the writer's name", () => {
  const b = pcapng(
    CONNECTION.map((f) => ({ timeUs: f.us - T0, bytes: f.bytes, comment: 'x' })),
    'tcp-close-debugger test',
    'lo',
    2_000_000,
  );
  const r = readCapture(b);
  assert.equal(r.datagrams.length, 7);
  assert.equal(r.endUs, 2_000_000);
  assert.equal(r.application, 'tcp-close-debugger test');
  assert.deepEqual(r.datagrams[5].bytes, CONNECTION[5].bytes);
});

test("another host's capture becomes a scenario: the client as Linux 1.2, its numbers moved to tcp_init_seq's, the server scripted", () => {
  const r = importCapture(readCapture(classic(true, false, 1, CONNECTION, ethernet)), 'other.pcap', 'client');
  const events = r.text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.replace(/\s*#.*$/, '').replace(/\s+/g, ' '));
  assert.deepEqual(events, [
    'socket client CLOSED',
    '0 client connect',
    '0 client > S seq=0 mss=1460',
    '0 client < S. seq=90000 ack=1 win=5840 mss=1460',
    '0 client > . seq=1 ack=90001',
    '0.03s client write 100',
    '0.03s client > P. seq=1 ack=90001 len=100',
    '0.03s client < . seq=90001 ack=101 win=5840',
    '1.00s client close',
    '1.00s client > F. seq=101 ack=90001',
    '1.00s client < . seq=90001 ack=102 win=5840',
  ]);
  assert.deepEqual(parseScenario(r.text, 'other.tcpscenario').diagnostics, []);
  assert.ok(r.notes.some((n) => n.startsWith("times count from the capture's first segment")));
  // the server as Linux 1.2 instead: listen, the scripted client's SYN, accept after the handshake
  const s = importCapture(readCapture(classic(true, false, 1, CONNECTION, ethernet)), 'other.pcap', 'server');
  assert.match(s.text, /^0 +server listen 80 backlog=5\n0 +server < S seq=5000 win=5840 mss=1460 +# packet 1\n0 +server > S\. seq=0 ack=5001 mss=1460 +# packet 2\n0 +server < \. seq=5001 ack=1 win=5840 +# packet 3\n0 +server accept conn\n/m);
  assert.deepEqual(parseScenario(s.text, 'other.tcpscenario').diagnostics, []);
});

test('bad captures: each refused with where it breaks', () => {
  const good = classic(true, false, 1, CONNECTION, ethernet);
  const refuse = (b: Uint8Array, want: RegExp, linux: 'client' | 'server' = 'client') => {
    assert.throws(
      () => importCapture(readCapture(b), 'bad.pcap', linux),
      (e: unknown) => e instanceof CaptureError && want.test(e.message),
    );
  };
  refuse(new Uint8Array([1, 2]), /^2 bytes: not a capture file/);
  refuse(new TextEncoder().encode('hello, world'), /neither a pcap nor a pcapng magic number/);
  refuse(good.subarray(0, good.length - 5), /^frame 7 at byte \d+: \d+ bytes announced, \d+ left in the file$/);
  refuse(good.subarray(0, 30), /^frame 1 at byte 24: its record header is cut short$/);
  refuse(classic(true, false, 147, CONNECTION), /link type 147 is not read/);
  refuse(classic(true, false, 1, CONNECTION.slice(1), ethernet), /^no SYN/);
  refuse(classic(true, false, 1, [...CONNECTION, { us: T0, bytes: seg('a', '.', 1, 1).map((x, i) => (i === 21 ? 99 : x)) }], ethernet), /2 TCP connections/);
  refuse(classic(true, false, 1, [{ ...CONNECTION[0], us: T0 + 50_000 }, CONNECTION[1]], ethernet), /^packet 2: its time goes back/);
  refuse(classic(true, false, 1, [...CONNECTION.slice(0, 3), { us: T0 + 40_000, bytes: seg('a', 'P.', 905001, 90001, 10) }], ethernet), /^packet 4: Linux 1\.2's data jumps by 900010 bytes/);
});

test('fuzz: any bytes, or a good capture cut and corrupted anywhere, give a scenario or a CaptureError, nothing else', () => {
  const good = classic(true, false, 1, CONNECTION, ethernet);
  const ng = pcapng(CONNECTION.map((f) => ({ timeUs: f.us - T0, bytes: f.bytes })), 'x', 'lo', 5_000_000);
  const check = (b: Uint8Array) => {
    try {
      const r = importCapture(readCapture(b), 'f.pcap', 'client');
      const errors = parseScenario(r.text, 'f.tcpscenario').diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors, [], r.text);
    } catch (e) {
      if (!(e instanceof CaptureError)) throw e;
    }
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => check(b)), { numRuns: 2000, seed: 7 });
  fc.assert(
    fc.property(fc.constantFrom(good, ng), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), (base, cut, edits) => {
      const b = base.slice(0, base.length - (cut % (base.length + 1)));
      for (const [at, v] of edits) if (b.length) b[at % b.length] = v;
      check(b);
    }),
    { numRuns: 3000, seed: 8 },
  );
});
