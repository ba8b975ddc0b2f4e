// A persistent cache of preprocessed files: what a launch would compute again from the same
// files (the preprocessed text, its source map, the file table, the diagnostics) kept in a store
// the host provides (a folder on disk), so that a later launch skips the preprocessor.
//
// Never stale: an entry records every question the preprocessor asked its host (each `exists`
// probe with its answer, each file read with a hash of its text) and is used only when the host
// answers every one of them the same way now. The preprocessor depends on nothing else (the key
// holds the file and the options), so equal answers mean an equal output: an edited copy of a
// header, a header added earlier on the include path or a file removed is a miss, not a stale
// hit. A store may drop or damage entries at any time: an entry that does not decode is a miss.

import { SourceMap } from './sourcemap';
import { preprocess, type PPDiagnostic, type PPHost, type PPOptions } from './preprocess';

/** Where entries are kept (the host's: a folder in the extension's storage or TCP_CLOSE_CACHE). */
export interface CacheStore {
  get(key: string): Uint8Array | undefined;
  set(key: string, value: Uint8Array): void;
}

/** What the cache gives back for a file: the parts of the preprocessor's result a compile uses. */
export interface CachedPP {
  text: string;
  files: string[];
  texts: Map<string, string>;
  map: SourceMap;
  diagnostics: PPDiagnostic[];
  included: string[];
  stopped: boolean;
  /** the macros defined at the end (a cached result keeps the object-like ones, not `__LINE__` and its kind) */
  macros: ReadonlyMap<string, MacroBody>;
}

/** A macro as a cached result keeps it: its body's token texts (a cached one is object-like, not builtin). */
export interface MacroBody {
  body: { text: string }[];
  params?: string[];
  builtin?: boolean;
}

/** Bump when the preprocessor's output for the same input changes (the key includes it). */
export const PP_CACHE_VERSION = 2;

/** A 64-bit hash of a text (two independent 32-bit FNV-1a lanes over its UTF-16 units), as 16 hex digits. */
export function textHash(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c ^ (i & 0xff), 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The store's key of `path` preprocessed with `options` (everything the output depends on besides the host's answers). */
export function cacheKey(path: string, options: PPOptions): string {
  const opts = JSON.stringify(options, (_k, v: unknown) => (typeof v === 'function' ? undefined : v));
  return `pp${PP_CACHE_VERSION}-${textHash(path + '\0' + opts)}`;
}

interface Entry {
  path: string;
  /** every exists() probe, in order, and its answer */
  probes: [string, boolean][];
  /** every read(), in order: the text's hash, or null when the read gave an error */
  reads: [string, string | null][];
  text: string;
  files: string[];
  diagnostics: PPDiagnostic[];
  included: string[];
  stopped: boolean;
  /** the object-like macros at the end: name and body token texts */
  macros: [string, string[]][];
}

/** A host that records the questions asked of `host` and its answers. */
export class RecordingHost implements PPHost {
  readonly probes: [string, boolean][] = [];
  readonly reads: [string, string | null][] = [];
  /** the text of each file read (for the result's `texts`) */
  readonly texts = new Map<string, string>();
  constructor(
    private readonly host: PPHost,
    private readonly hash: (text: string) => string,
  ) {}
  exists(path: string): boolean {
    const r = this.host.exists(path);
    this.probes.push([path, r]);
    return r;
  }
  read(path: string): { text: string } | { error: string } {
    const r = this.host.read(path);
    if ('text' in r) {
      this.reads.push([path, this.hash(r.text)]);
      this.texts.set(path, r.text);
    } else this.reads.push([path, null]);
    return r;
  }
}

/** Encodes an entry and its source map's entries: [u32 length of the JSON][the JSON, UTF-8][padding to 4][the map's Int32 values]. */
export function encodeEntry(e: Entry, map: Int32Array): Uint8Array {
  const head = new TextEncoder().encode(JSON.stringify(e));
  const at = (4 + head.length + 3) & ~3;
  const out = new Uint8Array(at + map.byteLength);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  out.set(new Uint8Array(map.buffer, map.byteOffset, map.byteLength), at);
  return out;
}

function decodeEntry(bytes: Uint8Array): { e: Entry; map: Int32Array<ArrayBuffer> } | undefined {
  try {
    if (bytes.length < 4) return undefined;
    const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
    if (4 + n > bytes.length) return undefined;
    const e = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + n))) as Entry;
    if (!e || typeof e.text !== 'string' || !Array.isArray(e.probes) || !Array.isArray(e.reads) || !Array.isArray(e.files) || !Array.isArray(e.macros) || !Array.isArray(e.diagnostics)) return undefined;
    const at = (4 + n + 3) & ~3;
    const rest = bytes.length - at;
    if (rest < 0 || rest % 4) return undefined;
    // copied: the store's bytes may be a view at any offset
    const map = new Int32Array(rest / 4);
    new Uint8Array(map.buffer).set(bytes.subarray(at));
    return { e, map };
  } catch {
    return undefined;
  }
}

/**
 * The cached result for `path` with `options` when every question the entry recorded gets the
 * same answer from `host` now; else undefined. `hash` must be the one the entry was made with.
 * `memo` (shared across the files of one load) keeps each file's answers, read and hashed once.
 */
export function cachedResult(path: string, host: PPHost, options: PPOptions, store: CacheStore, hash: (text: string) => string = textHash, memo: HostMemo = new HostMemo(host, hash)): CachedPP | undefined {
  const bytes = store.get(cacheKey(path, options));
  if (!bytes) return undefined;
  const d = decodeEntry(bytes);
  if (!d || d.e.path !== path) return undefined;
  for (const [p, r] of d.e.probes) if (memo.exists(p) !== r) return undefined;
  const texts = new Map<string, string>();
  for (const [p, h] of d.e.reads) {
    const now = memo.read(p);
    if ((now?.hash ?? null) !== h) return undefined;
    if (now) texts.set(p, now.text);
  }
  let map: SourceMap;
  const macros = new Map<string, MacroBody>();
  try {
    map = SourceMap.fromEntries(d.e.files, d.map);
    for (const [name, body] of d.e.macros) macros.set(name, { body: body.map((text) => ({ text })) });
  } catch {
    return undefined;
  }
  return { text: d.e.text, files: d.e.files, texts, map, diagnostics: d.e.diagnostics, included: d.e.included, stopped: d.e.stopped, macros };
}

/** Stores what a recorded preprocessing of `path` gave (`rec`: the host it ran through). */
export function storeResult(path: string, options: PPOptions, store: CacheStore, rec: RecordingHost, r: CachedPP): void {
  const macros: [string, string[]][] = [];
  for (const [name, m] of r.macros) if (!m.params && !m.builtin) macros.push([name, m.body.map((t) => t.text)]);
  const e: Entry = { path, probes: rec.probes, reads: rec.reads, text: r.text, files: r.files, diagnostics: r.diagnostics, included: r.included, stopped: r.stopped, macros };
  store.set(cacheKey(path, options), encodeEntry(e, r.map.entries()));
}

/** A cache for a load's files: the store, the hash its entries use, and counts for a caller that reports them. */
export interface PPCache {
  store: CacheStore;
  hash?: (text: string) => string;
  hits?: number;
  misses?: number;
}

/**
 * `path` preprocessed, or its result from `cache` when every probe and read its entry recorded
 * answers the same now (`memo`: the host's answers, shared by the files of one load). A result
 * with no error and not stopped early is stored. Without a cache, the preprocessor's own result.
 */
export function preprocessCached(path: string, host: PPHost, options: PPOptions, cache?: PPCache, memo?: HostMemo): CachedPP {
  if (!cache) return preprocess(path, host, options);
  const hash = cache.hash ?? textHash;
  const m = memo ?? new HostMemo(host, hash);
  const hit = cachedResult(path, host, options, cache.store, hash, m);
  if (hit) {
    cache.hits = (cache.hits ?? 0) + 1;
    return hit;
  }
  cache.misses = (cache.misses ?? 0) + 1;
  const rec = new RecordingHost({ exists: (p) => m.exists(p), read: (p) => host.read(p) }, hash);
  const r = preprocess(path, rec, options);
  if (!r.stopped && !r.diagnostics.some((d) => d.severity === 'error')) storeResult(path, options, cache.store, rec, r);
  return r;
}

/** A host's answers, each asked once (within one load the files do not change under it). */
export class HostMemo {
  private readonly probed = new Map<string, boolean>();
  private readonly got = new Map<string, { text: string; hash: string } | null>();
  constructor(
    private readonly host: PPHost,
    private readonly hash: (text: string) => string,
  ) {}
  exists(path: string): boolean {
    let r = this.probed.get(path);
    if (r === undefined) this.probed.set(path, (r = this.host.exists(path)));
    return r;
  }
  read(path: string): { text: string; hash: string } | null {
    let r = this.got.get(path);
    if (r === undefined) {
      const x = this.host.read(path);
      r = 'text' in x ? { text: x.text, hash: this.hash(x.text) } : null;
      this.got.set(path, r);
    }
    return r;
  }
}
