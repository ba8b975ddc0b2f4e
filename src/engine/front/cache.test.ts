// The persistent preprocessing cache (cache.ts, through cmachine/load.ts's preprocessUnits): a hit
// gives exactly what preprocessing again gives (text, source map at every offset, each file's
// text), and any change to what the preprocessor would see — an edited header, a header that now
// shadows another earlier on the include path, a removed file, other options — is a miss whose
// result is the fresh one. A damaged entry is a miss. Each case counts hits and misses, so a test
// of "the same result" compares a cached result with a fresh one and not two fresh runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocessUnits, type UnitCache } from '../cmachine/load';
import type { Unit } from '../cmachine/kernel';
import type { CacheStore } from './cache';
import type { PPHost, PPOptions } from './preprocess';

function memoryHost(files: Record<string, string>): PPHost {
  return { exists: (p) => p in files, read: (p) => (p in files ? { text: files[p] } : { error: `${p}: cannot read` }) };
}

function memoryStore(): CacheStore & { entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  return { entries, get: (k) => entries.get(k), set: (k, v) => void entries.set(k, v) };
}

function view(u: Unit) {
  const origins: string[] = [];
  for (let i = 0; i < u.text.length; i++) origins.push(JSON.stringify(u.map!.origin(i)));
  return { path: u.path, text: u.text, origins, texts: [...(u.texts ?? new Map()).entries()] };
}

/** the text without the spaces the preprocessor puts between tokens */
const flat = (s: string): string => s.replace(/\s+/g, '');

const OPTIONS: PPOptions = { includePaths: ['/inc', '/sys'], defines: { LEVEL: '2' } };
const FILES = {
  '/a.c': '#include "h.h"\n#include <s.h>\n#define TWICE(x) ((x) + (x))\nint a = TWICE(N) + LEVEL;\n',
  '/b.c': '#include <s.h>\nint b = M;\n',
  '/inc/h.h': '#define N 7\nint h;\n',
  '/sys/s.h': '#define M 9\nint s;\n',
};

/** preprocesses a.c and b.c through `cache` and on their own; they must agree */
function check(files: Record<string, string>, cache: UnitCache, options = OPTIONS): Unit[] {
  const host = memoryHost(files);
  const units = preprocessUnits(['/a.c', '/b.c'], host, options, undefined, cache);
  const fresh = preprocessUnits(['/a.c', '/b.c'], host, options);
  assert.deepEqual(units.map(view), fresh.map(view));
  return units;
}

test('the second load of the same files comes from the store, equal to preprocessing again', () => {
  const store = memoryStore();
  const first: UnitCache = { store };
  check(FILES, first);
  assert.deepEqual([first.hits ?? 0, first.misses], [0, 2]);
  assert.equal(store.entries.size, 2);
  const second: UnitCache = { store };
  const units = check(FILES, second);
  assert.deepEqual([second.hits, second.misses ?? 0], [2, 0]);
  assert.match(flat(units[0].text), /inta=\(\(7\)\+\(7\)\)\+2;/);
  // a stop in a.c's macro use still finds its line, through the cached map
  const at = units[0].text.indexOf('( ( 7');
  assert.deepEqual(units[0].map!.visible(at), { file: '/a.c', line: 4, col: 9 });
});

test('an edited header, a header shadowing another, a removed file or other options: a miss with the fresh result', () => {
  const store = memoryStore();
  check(FILES, { store });
  // h.h edited: a.c misses (it reads h.h), b.c hits
  const edited: UnitCache = { store };
  const e = check({ ...FILES, '/inc/h.h': '#define N 8\nint h;\n' }, edited);
  assert.deepEqual([edited.hits, edited.misses], [1, 1]);
  assert.match(flat(e[0].text), /\(\(8\)\+\(8\)\)/);
  // the same length, one character changed, in the header both read
  const same: UnitCache = { store };
  const s = check({ ...FILES, '/sys/s.h': '#define M 6\nint s;\n' }, same);
  assert.deepEqual([same.hits ?? 0, same.misses], [0, 2]);
  assert.match(flat(s[1].text), /intb=6;/);
  // a new s.h in /inc, earlier on the include path, now shadows /sys/s.h
  const shadow: UnitCache = { store };
  const sh = check({ ...FILES, '/inc/s.h': '#define M 1\n' }, shadow);
  assert.deepEqual([shadow.hits ?? 0, shadow.misses], [0, 2]);
  assert.match(flat(sh[1].text), /intb=1;/);
  // other defines
  const opts: UnitCache = { store };
  const o = check(FILES, opts, { ...OPTIONS, defines: { LEVEL: '3' } });
  assert.equal(opts.misses, 2);
  assert.match(flat(o[0].text), /\+3;/);
  // the original files again: the entries stored last for them (the store keeps one per file and options)
  const back: UnitCache = { store };
  check(FILES, back);
  assert.equal((back.hits ?? 0) + (back.misses ?? 0), 2);
  // a removed header: a miss, and the preprocessor's own error
  const removed: UnitCache = { store };
  const { '/inc/h.h': _gone, ...without } = FILES;
  assert.throws(() => preprocessUnits(['/a.c'], memoryHost(without), OPTIONS, undefined, removed), /h\.h/);
  assert.deepEqual([removed.hits ?? 0, removed.misses], [0, 1]);
});

test('a damaged or cut entry is a miss; a file with a preprocessor error is not stored', () => {
  const store = memoryStore();
  check(FILES, { store });
  const keys = [...store.entries.keys()];
  store.entries.set(keys[0], store.entries.get(keys[0])!.subarray(0, 10));
  store.entries.set(keys[1], new Uint8Array([255, 255, 255, 255, 1, 2, 3]));
  const damaged: UnitCache = { store };
  check(FILES, damaged);
  assert.deepEqual([damaged.hits ?? 0, damaged.misses], [0, 2]);
  const bad = memoryStore();
  assert.throws(() => preprocessUnits(['/x.c'], memoryHost({ '/x.c': '#error no\n' }), OPTIONS, undefined, { store: bad }), /no/);
  assert.equal(bad.entries.size, 0);
});
