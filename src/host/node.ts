// Node's side of the engine's seams: finds the wasm files and the shipped kernel C on disk,
// whether running from the bundle (dist/) or from the sources (tests through tsx).

import { loadReleaseImage, type ReleaseImage } from '../engine/release/image';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadFront, type FrontFile, type FrontOptions, type TreeParse } from '../engine/front/load';
import { kernelOptions, RELEASE_FILES } from '../engine/front/kernel';
import type { PPHost } from '../engine/front/preprocess';
import type { PPCache } from '../engine/front/cache';
import { cParser } from '../engine/treesitter';
import { errnoReason, isInside, readError, readText } from './read';

function firstExisting(candidates: string[]): string {
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`none of these files exists: ${candidates.join(', ')}`);
}

/** The folder holding the package (where package.json is), from the bundle or the sources. */
export function packageRoot(): string {
  let d = __dirname;
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(d, 'package.json'))) return d;
    d = dirname(d);
  }
  return resolve(__dirname, '..', '..');
}

export function wasmPaths(): { runtime: string; grammar: string } {
  const root = packageRoot();
  return {
    runtime: firstExisting([join(__dirname, 'tree-sitter.wasm'), join(root, 'dist', 'tree-sitter.wasm'), join(root, 'node_modules', 'web-tree-sitter', 'tree-sitter.wasm')]),
    grammar: firstExisting([join(__dirname, 'tree-sitter-c.wasm'), join(root, 'dist', 'tree-sitter-c.wasm'), join(root, 'node_modules', 'tree-sitter-c', 'tree-sitter-c.wasm')]),
  };
}

export function nodeCParser(): Promise<TreeParse> {
  return cParser(async () => {
    const p = wasmPaths();
    return { runtime: readFileSync(p.runtime), grammar: readFileSync(p.grammar) };
  });
}

/** Every kernel file read for one compilation together stays under this many bytes (README). */
export const KERNEL_TREE_CAP = 16 * 1024 * 1024;

const C_SOURCE = /\.[ch]$/;

/** The shipped kernel's folder: src/kernel/ (dist/kernel/ in the bundle), which holds the release and the machine layer. */
export function kernelDir(): string {
  const root = packageRoot();
  return firstExisting([join(__dirname, 'kernel', 'linux-1.2.13'), join(root, 'src', 'kernel', 'linux-1.2.13'), join(root, 'dist', 'kernel', 'linux-1.2.13')]).replace(/[/\\]linux-1\.2\.13$/, '');
}

/** The shipped Linux 1.2.13 release (its root: include/, net/, kernel/). */
export function releaseRoot(): string {
  return join(kernelDir(), 'linux-1.2.13');
}

/**
 * The shipped kernel files a user reads and keeps notes on, by their name under kernelDir(): the
 * release's (`linux-1.2.13/net/inet/tcp.c`…: the networking files, the timer list in kernel/sched.c,
 * and the sk_buff and timer headers).
 */
export function shippedKernelFiles(): { name: string; path: string }[] {
  const dir = kernelDir();
  const inet = join(dir, 'linux-1.2.13', 'net', 'inet');
  const release = existsSync(inet) ? readdirSync(inet).filter((f) => C_SOURCE.test(f)).sort().map((f) => `linux-1.2.13/net/inet/${f}`) : [];
  const names = [...release, 'linux-1.2.13/kernel/sched.c', 'linux-1.2.13/include/linux/skbuff.h', 'linux-1.2.13/include/linux/timer.h'];
  return names.map((name) => ({ name, path: join(dir, ...name.split('/')) })).filter((f) => existsSync(f.path));
}

/** The machine layer's headers, searched before the release's own include/. */
export function machineIncludeDir(): string {
  return join(kernelDir(), 'machine', 'include');
}

/**
 * Reads kernel C files confined to `roots` (folders; symlinks resolved): a file outside them, or
 * one that is not a C source (.c or .h), is refused by name and never read (so no message can quote
 * a file outside the tree). Each file is read bounded (read.ts), and all of them together stay
 * under KERNEL_TREE_CAP.
 */
export class KernelReader {
  private readonly roots: string[] = [];
  private total = 0;

  constructor(roots: readonly string[]) {
    for (const dir of roots) this.addRoot(dir);
  }

  addRoot(dir: string): void {
    try {
      const real = realpathSync(dir);
      if (!this.roots.includes(real)) this.roots.push(real);
    } catch {
      // a folder that does not exist holds nothing to include
    }
  }

  /** counts text read elsewhere (the main file) against the cap */
  count(text: string): void {
    this.total += Buffer.byteLength(text);
    if (this.total > KERNEL_TREE_CAP) throw new Error(`the kernel sources together are over the ${KERNEL_TREE_CAP / (1024 * 1024)} MiB limit`);
  }

  /** the file's text; undefined when there is no such file; throws an Error saying why it is not read */
  read(p: string, what = 'the kernel tree'): string | undefined {
    let real: string;
    try {
      real = realpathSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(errnoReason(e));
    }
    if (!this.roots.some((r) => isInside(real, r))) throw new Error(`it is outside ${what}: it is not read`);
    if (!C_SOURCE.test(real)) throw new Error('it is not a C source (.c or .h): it is not read');
    let t: string;
    try {
      t = readText(real, real.endsWith('.c') ? 'kernel source' : 'include file');
    } catch (e) {
      throw new Error(readError(e));
    }
    this.count(t);
    return t;
  }

  /** the preprocessor's view of it: each refusal a message (reported at the #include that asked) */
  ppHost(what = 'the kernel tree'): PPHost {
    return {
      exists: (p) => {
        try {
          // anything but a folder: what is not a regular file is refused by read, by name
          return !statSync(p).isDirectory();
        } catch {
          return false;
        }
      },
      read: (p) => {
        try {
          const text = this.read(p, what);
          return text === undefined ? { error: `${p}: no such file` } : { text };
        } catch (e) {
          return { error: `${p}: ${(e as Error).message}` };
        }
      },
    };
  }
}

/**
 * The release's C files (RELEASE_FILES by default) preprocessed and parsed, read through a
 * KernelReader confined to the release and the machine layer's headers.
 */
export async function loadReleaseFront(
  opts: { files?: readonly string[]; release?: string; machineInclude?: string; options?: Partial<FrontOptions>; /** one preprocessing session per file (for comparing) */ separateSessions?: boolean } = {},
): Promise<FrontFile[]> {
  const release = resolve(opts.release ?? releaseRoot());
  const machine = resolve(opts.machineInclude ?? machineIncludeDir());
  const reader = new KernelReader([release, machine]);
  const options: FrontOptions = { ...kernelOptions(release, machine), ...opts.options };
  const parse = await nodeCParser();
  const host = reader.ppHost('the kernel tree (the release and the machine layer)');
  const paths = (opts.files ?? RELEASE_FILES).map((f) => join(release, f));
  if (opts.separateSessions) return paths.flatMap((p) => loadFront([p], host, parse, options));
  return loadFront(paths, host, parse, options);
}

/** The machine layer's folder (its C files and include/). */
export function machineDir(): string {
  return join(kernelDir(), 'machine');
}

/**
 * The release image (the unmodified 1.2.13 files and the machine layer, linked once), read through
 * a KernelReader confined to the two folders; with `cache`, units preprocessed before come from its store.
 */
export async function loadReleaseKernel(opts: { release?: string; machine?: string; cache?: PPCache } = {}): Promise<ReleaseImage> {
  const release = resolve(opts.release ?? releaseRoot());
  const machine = resolve(opts.machine ?? machineDir());
  const reader = new KernelReader([release, machine]);
  const parse = await nodeCParser();
  const image = loadReleaseImage({ release, machine, host: reader.ppHost('the kernel tree (the release and the machine layer)'), parse, cache: opts.cache });
  if (opts.cache) storeWhenIdle(image);
  return image;
}

/**
 * The declaration trees of the units this launch parsed go into the cache after the launch: two
 * seconds on (an editor's session), or when the process has nothing left to do (the command line,
 * after its output). A few hundred ms of work, once per cache folder, never before the first stop.
 */
function storeWhenIdle(image: ReleaseImage): void {
  let done = false;
  const store = (): void => {
    if (done) return;
    done = true;
    process.off('beforeExit', store);
    try {
      image.kernel.storeDeclTrees();
    } catch {
      // a store that cannot be written leaves the next launch to parse again
    }
  };
  setTimeout(store, 2000).unref();
  process.once('beforeExit', store);
}
