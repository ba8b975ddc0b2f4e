// The preprocessing cache's store on disk (src/engine/front/cache.ts's CacheStore): one file per
// entry in a folder, under TCP_CLOSE_CACHE or the OS's cache folder's tcp-close-debugger/ (the
// folder scripts/setup.mjs keeps Node 24 and code-server in), in a subfolder named by the
// engine's version (preprocessed-<the package's version>-pp<the cache format's>), so a new
// process's first launch skips the preprocessor. An entry says itself which inputs it holds (each file read, by the hash of its
// text) and is used only when they all read the same now; the store only keeps bytes. Anything the
// disk does wrong — a missing, unreadable, truncated, oversized or foreign file, a folder that
// cannot be made or written — is a miss, never an error: the launch preprocesses instead.
//
// The folder is bounded (STORE_CAP): an entry read is marked used (its time set, at most once an
// hour), and when a process first writes, the least recently used entries beyond the cap go, with
// leftover temporary files and the folders of other engine versions not used for a day.

import { createHash } from 'node:crypto';
import { closeSync, fstatSync, futimesSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { PP_CACHE_VERSION, type CacheStore } from '../engine/front/cache';
import { packageRoot } from './node';

/** The most bytes one entry may have (the release's largest preprocessed unit is about 1 MiB). */
export const ENTRY_CAP = 32 << 20;

/** The most bytes a store's folder keeps (a launch of the release stores about 15 MiB). */
export const STORE_CAP = 128 << 20;

/** An entry read less recently than this is marked used again when read (so eviction sees it). */
const TOUCH_AFTER_MS = 3600_000;

/** A temporary file or another version's folder left this long is removed when the store is pruned. */
const STALE_MS = 24 * 3600_000;

/**
 * The hash the disk cache keys and checks its entries by (the store's and the preprocessor's:
 * src/engine/front/cache.ts `PPCache.hash`): SHA-1 from Node's crypto, some four times as fast as
 * the engine's own on the megabytes a launch hashes. Not for security: a changed file is a miss.
 */
export function diskHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 24);
}

/** The package's version from its package.json ('0' if unreadable): entries of another build are not read. */
function packageVersion(): string {
  try {
    const v = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' && /^[\w.+-]{1,40}$/.test(v) ? v : '0';
  } catch {
    return '0';
  }
}

/** The engine version a store's folder is named by: the package's and the cache format's. */
export function engineVersion(): string {
  return `${packageVersion()}-pp${PP_CACHE_VERSION}`;
}

/** The OS's folder for caches: XDG_CACHE_HOME or ~/.cache, ~/Library/Caches, %LOCALAPPDATA%. */
function osCacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const home = homedir() || tmpdir();
  if (platform === 'win32') return env.LOCALAPPDATA || join(home, 'AppData', 'Local');
  if (platform === 'darwin') return join(home, 'Library', 'Caches');
  return env.XDG_CACHE_HOME || join(home, '.cache');
}

/** The folder entries go to: TCP_CLOSE_CACHE (as scripts/setup.mjs reads it), else the OS cache folder's tcp-close-debugger/; then preprocessed-<engine version>. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const set = env.TCP_CLOSE_CACHE;
  const base = set ? set : join(osCacheDir(env, platform), 'tcp-close-debugger');
  return join(base, `preprocessed-${engineVersion()}`);
}

/** A key as a file name: the cache's keys are `pp<version>-<16 hex>`; anything else is made safe. */
const fileOf = (dir: string, key: string): string => join(dir, key.replace(/[^\w.-]/g, '_').slice(0, 120));

/** Reads at most `cap` bytes of `path`; undefined if it is missing, not a file, larger than `cap` or unreadable. */
function readCapped(path: string, cap: number): Uint8Array | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > cap) return undefined;
    // used now: the store's eviction keeps the entries read most recently
    const now = Date.now();
    if (now - st.mtimeMs > TOUCH_AFTER_MS) touch(fd, now);
    const out = new Uint8Array(st.size);
    let at = 0;
    while (at < out.length) {
      const n = readSync(fd, out, at, out.length - at, at);
      if (n <= 0) return undefined;
      at += n;
    }
    return out;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function touch(fd: number, now: number): void {
  try {
    futimesSync(fd, now / 1000, now / 1000);
  } catch {
    // a read-only folder: the entry keeps its time
  }
}

/**
 * Keeps the folder `dir` within `cap` bytes: the entries least recently used (by their time) go
 * first, down to three quarters of it; temporary files older than a day go, and so do the sibling
 * folders of other engine versions (`preprocessed-*`) unused for a day. Errors are ignored: a file
 * another process removed first, a folder that cannot be written. Returns the bytes kept.
 */
export function pruneStore(dir: string, cap: number = STORE_CAP, now: number = Date.now()): number {
  const entries: { path: string; size: number; used: number }[] = [];
  let total = 0;
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      const st = statSync(path);
      if (!st.isFile()) continue;
      if (name.endsWith('.tmp')) {
        if (now - st.mtimeMs > STALE_MS) unlinkSync(path);
        continue;
      }
      entries.push({ path, size: st.size, used: st.mtimeMs });
      total += st.size;
    } catch {
      // gone meanwhile
    }
  }
  if (total > cap) {
    entries.sort((a, b) => a.used - b.used);
    for (const e of entries) {
      if (total <= cap * 0.75) break;
      try {
        unlinkSync(e.path);
        total -= e.size;
      } catch {
        // gone meanwhile, or not ours to remove
      }
    }
  }
  const parent = dirname(dir);
  const own = basename(dir);
  try {
    for (const name of readdirSync(parent)) {
      if (name === own || !/^preprocessed-[\w.+-]+$/.test(name)) continue;
      const path = join(parent, name);
      if (now - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
    }
  } catch {
    // the parent cannot be read or written
  }
  return total;
}

/**
 * A store in folder `dir` (made when first written). A write goes to a temporary file renamed
 * over the entry, so a reader in another process sees the old entry or the new one, never half.
 */
export function folderStore(dir: string, cap: number = STORE_CAP): CacheStore & { readonly dir: string } {
  let made = false;
  let broken = false;
  let pruned = false;
  return {
    dir,
    get(key) {
      return readCapped(fileOf(dir, key), ENTRY_CAP);
    },
    set(key, value) {
      if (broken || value.length > ENTRY_CAP) return;
      const file = fileOf(dir, key);
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      try {
        if (!made) mkdirSync(dir, { recursive: true });
        made = true;
        // once a process, before its first entry: the folder stays within the cap
        if (!pruned) {
          pruned = true;
          pruneStore(dir, Math.max(0, cap - value.length));
        }
        writeFileSync(tmp, value);
        renameSync(tmp, file);
      } catch {
        // a folder that cannot be written: no cache this process, no error
        broken = true;
        try {
          unlinkSync(tmp);
        } catch {
          // nothing was written
        }
      }
    },
  };
}

/** The store a launch uses (TCP_CLOSE_CACHE or the OS cache folder). */
export function defaultCacheStore(env: NodeJS.ProcessEnv = process.env): CacheStore {
  return folderStore(cacheDir(env));
}
