// The panel's message checks, fuzzed (pure node, no browser): `parseFromWebview` (what the host
// accepts from the webview) and `parseFromHost` / `stopProblem` (what the webview accepts from the
// host, and the host from the adapter). Nothing throws; only exact shapes pass; a real snapshot
// with any one leaf changed to another type (or to NaN / Infinity) is refused.
// test/panel/panel.test.ts covers the browser side (ignored and logged, CSP) in Chromium.
//
// Run: node --import tsx --test test/robust/webview-messages.test.ts   (FUZZ_SCALE, FUZZ_SEED)

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseFromWebview, type StopSnapshot } from '../../src/common/protocol';
import { parseFromHost, stopProblem } from '../../src/common/check';
import { loadReleaseRun } from '../../src/host/load';
import { ReleaseSnapshotBuilder } from '../../src/debug/releaseSnapshot';
import { ROOT, SEED, Tally, scaled } from './common';

let snaps: StopSnapshot[] = [];

before(async () => {
  for (const f of ['four-way', 'lost-fin', 'listen-close']) {
    const { run, text } = await loadReleaseRun({ scenarioPath: join(ROOT, 'examples', `${f}.tcpscenario`) });
    const b = new ReleaseSnapshotBuilder(run, text);
    let prev = b.build(undefined);
    snaps.push(prev);
    for (let i = 0; i < 3000 && !run.finished; i++) {
      run.forward();
      prev = b.build(prev);
      if (i % 7 === 0) snaps.push(prev);
    }
  }
  snaps = snaps.map((s) => JSON.parse(JSON.stringify(s)));
});

/** An independent statement of the webview → host protocol (integers, not only safe ones: a stop past the run's end is refused by the adapter's gotoStop). */
function isExactWebviewMessage(m: unknown): boolean {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return false;
  const o = m as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  if (o.type === 'ready') return keys === 'type';
  if (o.type === 'goto' || o.type === 'painted') return keys === 'stop,type' && Number.isInteger(o.stop) && (o.stop as number) >= 0;
  if (o.type === 'reveal') return keys === 'file,line,type' && typeof o.file === 'string' && o.file.length <= 4096 && Number.isInteger(o.line) && (o.line as number) >= 1;
  if (o.type === 'export') return keys === 'type,what' && (o.what === 'pcap' || o.what === 'mermaid');
  return false;
}

const nearValid = fc.oneof(
  fc.record({ type: fc.constantFrom('ready', 'goto', 'painted', 'reveal', 'export', 'READY', 'stop', '', 'constructor', '__proto__') }),
  fc.record({ type: fc.constant('export'), what: fc.oneof(fc.constantFrom('pcap', 'mermaid', 'PCAP', 'pcapng', '', 'constructor'), fc.anything()) }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constantFrom('goto', 'painted'), stop: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(NaN, Infinity, -0, 2 ** 53, 2 ** 53 + 2, -1), fc.string(), fc.constant(null), fc.bigInt().map(String)) }),
  fc.record({ type: fc.constant('reveal'), file: fc.oneof(fc.string(), fc.constantFrom('x'.repeat(4096), 'x'.repeat(4097), '../../etc/passwd', 'file:///etc/passwd', '\u0000'), fc.integer()), line: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, NaN, 1e300)) }),
  fc.record({ type: fc.constantFrom('ready', 'goto', 'painted', 'reveal'), stop: fc.integer(), file: fc.string(), line: fc.integer(), extra: fc.anything() }, { requiredKeys: ['type'] }),
  fc.dictionary(fc.constantFrom('type', 'stop', 'file', 'line', '__proto__', 'constructor', 'toString'), fc.anything()),
);

test('parseFromWebview: never throws; accepts exactly the four message shapes', () => {
  const tally = new Tally('webview → host messages');
  const check = (m: unknown) => {
    let r: ReturnType<typeof parseFromWebview>;
    try {
      r = parseFromWebview(m);
    } catch (e) {
      assert.fail(`parseFromWebview threw on ${safe(m)}: ${(e as Error).message}`);
    }
    const exact = isExactWebviewMessage(m);
    if (typeof r === 'string') {
      assert.ok(r.length > 0);
      assert.ok(!exact, `refused a valid message ${safe(m)}: ${r}`);
      tally.add('refused');
    } else {
      assert.ok(exact, `accepted ${safe(m)}`);
      // what is returned is a fresh object with the same content: no prototype or extra keys carried over
      assert.deepEqual(JSON.parse(JSON.stringify(r)), JSON.parse(JSON.stringify(m)));
      assert.equal(Object.getPrototypeOf(r), Object.prototype);
      tally.add(`accepted:${r.type}`);
    }
  };
  fc.assert(fc.property(fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true }), check), { seed: SEED, numRuns: scaled(10_000) });
  fc.assert(fc.property(nearValid, check), { seed: SEED + 1, numRuns: scaled(10_000) });
  // JSON with own __proto__ keys (what a hostile page could post)
  for (const text of ['{"type":"ready","__proto__":{"x":1}}', '{"__proto__":{"type":"ready"}}', '{"type":"goto","stop":1,"__proto__":null}', '{"type":"reveal","file":"a","line":1,"constructor":{}}']) check(JSON.parse(text));
  tally.print();
  assert.ok(tally.get('accepted:goto') > 0 && tally.get('accepted:reveal') > 0 && tally.get('accepted:ready') > 0 && tally.get('accepted:export') > 0);
});

function safe(m: unknown): string {
  try {
    return JSON.stringify(m, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))?.slice(0, 300) ?? String(m);
  } catch {
    return Object.prototype.toString.call(m);
  }
}

// ---- host → webview ----

type Path = (string | number)[];
function leaves(x: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (x !== null && typeof x === 'object') {
    const entries = Array.isArray(x) ? x.map((v, i) => [i, v] as const) : Object.entries(x);
    for (const [k, v] of entries) leaves(v, [...path, k], out);
  } else out.push(path);
  return out;
}
function getAt(x: any, p: Path): any {
  return p.reduce((o, k) => o[k], x);
}
function setAt(x: any, p: Path, v: unknown): any {
  const c = structuredClone(x);
  const parent = getAt(c, p.slice(0, -1));
  parent[p[p.length - 1]] = v;
  return c;
}
/** A value of another type than `v` (or a number that is not finite in place of a number). */
function otherType(v: unknown, pickN: number): unknown {
  const pool: unknown[] = typeof v === 'number' ? ['1', null, true, {}, [], NaN, Infinity, -Infinity] : typeof v === 'string' ? [1, null, false, {}, [], 0] : typeof v === 'boolean' ? [1, 'true', null, {}] : [1, 'x', {}, []];
  return pool[pickN % pool.length];
}

test('parseFromHost / stopProblem: real snapshots pass; with any one leaf of another type they are refused', () => {
  const tally = new Tally('host → webview snapshots');
  assert.ok(snaps.length > 100);
  for (const s of snaps) {
    assert.equal(stopProblem(s), undefined);
    tally.add('real:accepted');
  }
  const arb = fc.tuple(fc.nat({ max: snaps.length - 1 }), fc.nat(), fc.nat());
  fc.assert(
    fc.property(arb, ([i, j, k]) => {
      const s = snaps[i];
      const ls = leaves(s);
      const p = ls[j % ls.length];
      const old = getAt(s, p);
      const bad = setAt(s, p, otherType(old, k));
      let r: unknown;
      try {
        r = parseFromHost({ type: 'stop', stop: bad });
      } catch (e) {
        assert.fail(`parseFromHost threw with ${p.join('.')} = ${safe(otherType(old, k))}: ${(e as Error).message}`);
      }
      assert.equal(typeof r, 'string', `accepted a snapshot with ${p.join('.')} = ${safe(otherType(old, k))} (was ${safe(old)})`);
      tally.add('leaf-changed:refused');
    }),
    { seed: SEED + 2, numRuns: scaled(5_000) },
  );
  // required keys removed
  fc.assert(
    fc.property(fc.nat({ max: snaps.length - 1 }), fc.constantFrom('index', 'stopCount', 'kind', 'clock', 'socket', 'sockets', 'changed', 'segments', 'transitions', 'events'), (i, key) => {
      const bad: any = structuredClone(snaps[i]);
      delete bad[key];
      assert.equal(typeof parseFromHost({ type: 'stop', stop: bad }), 'string', `accepted a snapshot without ${key}`);
      tally.add('key-removed:refused');
    }),
    { seed: SEED + 3, numRuns: scaled(1_000) },
  );
  // anything at all
  fc.assert(
    fc.property(fc.anything({ withNullPrototype: true, withBigInt: true, withTypedArray: true, withSparseArray: true }), (m) => {
      const r = parseFromHost(m);
      const r2 = parseFromHost({ type: 'stop', stop: m });
      assert.equal(typeof r, 'string');
      assert.equal(typeof r2, 'string');
      tally.add('anything:refused');
    }),
    { seed: SEED + 4, numRuns: scaled(5_000) },
  );
  tally.print();
});
