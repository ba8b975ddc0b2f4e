// The preprocessing cache on disk (cachestore.ts): a second process's launch of the release reads
// every unit from the folder and gets the image a fresh preprocessing gives (the same units'
// texts, the same constants); a corrupt, truncated, foreign or oversized entry file, or a folder
// that cannot be written, is a miss with no crash, and the launch preprocesses instead.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync, readFileSync, truncateSync, chmodSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, diskHash, engineVersion, folderStore, pruneStore, ENTRY_CAP } from './cachestore';
import { loadReleaseKernel } from './node';
import type { PPCache } from '../engine/front/cache';
import type { ReleaseImage } from '../engine/release/image';

const CONSTANTS = ['TCP_TIMEOUT_INIT', 'TIME_WRITE', 'TIME_CLOSE', 'MAX_WINDOW', 'TCP_FIN_TIMEOUT', 'SHUTDOWN_MASK', 'TCP_LAST_ACK'];

/** What a launch's image is made of: each unit's text, the kernel constants a scenario names. */
function view(img: ReleaseImage) {
  return { units: img.kernel.units.map((u) => [u.unit.path, u.unit.text]), constants: CONSTANTS.map((c) => [c, img.constant(c)]), texts: img.texts.size };
}

let fresh: ReturnType<typeof view>;

test('a launch without a cache, to compare with', async () => {
  fresh = view(await loadReleaseKernel());
  assert.ok(fresh.units.length > 10);
  assert.equal(fresh.constants.find(([c]) => c === 'TCP_TIMEOUT_INIT')?.[1], 300);
});

test('a second launch reads every unit from the folder and gives the same image', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-cache-'));
  try {
    const first: PPCache = { store: folderStore(dir) };
    assert.deepEqual(view(await loadReleaseKernel({ cache: first })), fresh);
    assert.deepEqual([first.hits ?? 0, first.misses], [0, fresh.units.length]);
    assert.equal(readdirSync(dir).length, fresh.units.length);
    // another store on the same folder: what a new process makes
    const second: PPCache = { store: folderStore(dir) };
    assert.deepEqual(view(await loadReleaseKernel({ cache: second })), fresh);
    assert.deepEqual([second.hits, second.misses ?? 0], [fresh.units.length, 0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('corrupt, truncated, foreign and oversized entry files are misses, and are written again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-cache-'));
  try {
    await loadReleaseKernel({ cache: { store: folderStore(dir) } });
    const files = readdirSync(dir).sort();
    const [a, b, c, d, e] = files.map((f) => join(dir, f));
    writeFileSync(a, new Uint8Array(readFileSync(a).length).fill(0xff)); // garbage
    truncateSync(b, Math.floor(statSync(b).size / 2)); // cut short
    writeFileSync(c, readFileSync(e)); // another unit's entry under this key
    writeFileSync(d, Buffer.from('{"not":"an entry"}'));
    truncateSync(e, 0);
    const damaged: PPCache = { store: folderStore(dir) };
    assert.deepEqual(view(await loadReleaseKernel({ cache: damaged })), fresh);
    assert.deepEqual([damaged.hits, damaged.misses], [fresh.units.length - 5, 5]);
    // the misses were stored again: the next launch hits everything
    const again: PPCache = { store: folderStore(dir) };
    await loadReleaseKernel({ cache: again });
    assert.deepEqual([again.hits, again.misses ?? 0], [fresh.units.length, 0]);
    // a file larger than an entry may be is not read
    writeFileSync(a, Buffer.alloc(ENTRY_CAP + 1));
    assert.equal(folderStore(dir).get(files[0]), undefined);
    // a folder in place of an entry file: a miss
    assert.equal(folderStore(tmpdir()).get('.'), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a folder that cannot be written: the launch works, nothing is stored', { skip: process.getuid?.() === 0 ? 'root writes anywhere' : false }, async () => {
  const parent = mkdtempSync(join(tmpdir(), 'tcp-cache-'));
  try {
    chmodSync(parent, 0o500);
    const cache: PPCache = { store: folderStore(join(parent, 'sub')) };
    assert.deepEqual(view(await loadReleaseKernel({ cache })), fresh);
    assert.equal(cache.misses, fresh.units.length);
  } finally {
    chmodSync(parent, 0o700);
    rmSync(parent, { recursive: true, force: true });
  }
});

test('a path where the folder should be: the store writes nothing and throws nothing', () => {
  const parent = mkdtempSync(join(tmpdir(), 'tcp-cache-'));
  try {
    const file = join(parent, 'file');
    writeFileSync(file, 'x');
    const store = folderStore(join(file, 'sub'));
    store.set('pp2-0123456789abcdef', new Uint8Array([1, 2, 3]));
    assert.equal(store.get('pp2-0123456789abcdef'), undefined);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('where the cache lives: under TCP_CLOSE_CACHE or the OS cache folder; named by the engine version', () => {
  assert.match(engineVersion(), /^\d+\.\d+\.\d+.*-pp\d+$/);
  assert.equal(cacheDir({ TCP_CLOSE_CACHE: '/x/y' }, 'linux'), join('/x/y', `preprocessed-${engineVersion()}`));
  assert.equal(cacheDir({ XDG_CACHE_HOME: '/c' }, 'linux'), join('/c', 'tcp-close-debugger', `preprocessed-${engineVersion()}`));
  assert.equal(cacheDir({ LOCALAPPDATA: 'C:\\L' }, 'win32'), join('C:\\L', 'tcp-close-debugger', `preprocessed-${engineVersion()}`));
  assert.match(cacheDir({}, 'darwin'), /Library[/\\]Caches[/\\]tcp-close-debugger/);
});

test('the folder stays within its cap: the least recently used entries go first, a read marks an entry used, stale temporary files and old versions\' folders go', () => {
  const base = mkdtempSync(join(tmpdir(), 'tcp-cache-'));
  try {
    const dir = join(base, 'preprocessed-9.9.9-pp1');
    const old = join(base, 'preprocessed-0.0.1-pp1');
    const recentOther = join(base, 'preprocessed-0.0.2-pp1');
    const node = join(base, 'node-24.0.0');
    for (const d of [dir, old, recentOther, node]) mkdirSync(d, { recursive: true });
    const now = Date.now();
    const day = 24 * 3600_000;
    const at = (path: string, ms: number) => utimesSync(path, ms / 1000, ms / 1000);
    // ten entries of 100 bytes, entry i last used i hours ago
    for (let i = 0; i < 10; i++) {
      writeFileSync(join(dir, `e${i}`), Buffer.alloc(100, i));
      at(join(dir, `e${i}`), now - i * 3600_000 - 60_000);
    }
    writeFileSync(join(dir, 'x.tmp'), 'left by a crash');
    at(join(dir, 'x.tmp'), now - 2 * day);
    writeFileSync(join(dir, 'y.tmp'), 'being written');
    at(old, now - 3 * day);
    at(node, now - 3 * day);
    // reading the oldest marks it used: it is kept, the next oldest go
    assert.equal(folderStore(dir).get('e9')![0], 9);
    assert.ok(statSync(join(dir, 'e9')).mtimeMs > now - 60_000);
    assert.equal(pruneStore(dir, 900, now), 600, 'down to three quarters of the cap');
    assert.deepEqual(readdirSync(dir).sort(), ['e0', 'e1', 'e2', 'e3', 'e4', 'e9', 'y.tmp']);
    assert.deepEqual(readdirSync(base).sort(), ['node-24.0.0', 'preprocessed-0.0.2-pp1', 'preprocessed-9.9.9-pp1']);
    // within the cap nothing goes
    assert.equal(pruneStore(dir, 900, now), 600);
    assert.equal(readdirSync(dir).length, 7);
    // a store prunes before its first write: a cap of 450 bytes keeps the new entry and the most recently used
    const store = folderStore(dir, 450);
    store.set('new', Buffer.alloc(100));
    store.set('newer', Buffer.alloc(100));
    assert.deepEqual(readdirSync(dir).sort(), ['e0', 'e9', 'new', 'newer', 'y.tmp']);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('the disk cache\'s hash: the same text the same key, another text another', () => {
  assert.equal(diskHash('tcp_fin'), diskHash('tcp_fin'));
  assert.notEqual(diskHash('tcp_fin'), diskHash('tcp_fin '));
  assert.match(diskHash(''), /^[0-9a-f]{24}$/);
});
