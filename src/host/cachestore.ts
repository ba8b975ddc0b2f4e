// The preprocessing cache's store on disk (src/engine/front/cache.ts's CacheStore): one file per
// entry in a folder, under TCP_CLOSE_CACHE or the OS's cache folder's tcp-close-debugger/ (the
// folder scripts/setup.mjs keeps Node 24 and code-server in), in a subfolder named by the
// engine's version (preprocessed-<the package's version>-pp<the cache format's>), so a new
// process's first launch skips the preprocessor. An entry says itself which inputs it holds (each file read, by the hash of its
// text) and is used only when they all read the same now; the store only keeps bytes. Anything the
// disk does wrong — a missing, unreadable, truncated, oversized or foreign file, a folder that
// cannot be made or written — is a miss, never an error: the launch preprocesses instead.

import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PP_CACHE_VERSION, type CacheStore } from '../engine/front/cache';
import { packageRoot } from './node';

/** The most bytes one entry may have (the release's largest preprocessed unit is about 1 MiB). */
export const ENTRY_CAP = 32 << 20;

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

/**
 * A store in folder `dir` (made when first written). A write goes to a temporary file renamed
 * over the entry, so a reader in another process sees the old entry or the new one, never half.
 */
export function folderStore(dir: string): CacheStore & { readonly dir: string } {
  let made = false;
  let broken = false;
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
