// The release image: the unmodified 1.2.13 files and the machine layer's C (src/kernel/machine/,
// MACHINE.md) preprocessed, parsed and linked once into a Kernel; every run of a session is made
// from it (Kernel.newRun). The kernel's constants are its enums and the object-like macros whose
// expansion is an integer constant expression (TCP_TIMEOUT_INIT, TIME_WRITE, MAX_WINDOW).

import type { CParse } from '../cmachine/kernel';
import { Kernel, LoadError, type Unit } from '../cmachine/kernel';
import { CError } from '../code';
import { kernelOptions } from '../front/kernel';
import type { PPHost } from '../front/preprocess';
import { HostMemo, preprocessCached, textHash, type MacroBody, type PPCache } from '../front/cache';
import { storeDeclCache } from '../front/decltree';
import { i386Asm } from '../world/cpu';

/** The release files compiled as units of their own (the other five are compiled inside machine files). */
export const KERNEL_UNITS: readonly string[] = ['net/inet/timer.c', 'net/inet/skbuff.c'];
/** The machine layer's units (src/kernel/machine/, MACHINE.md): machine.c compiles world.c, absent.c, net.c, kmalloc.c, printk.c, clock.c and string.c as one. */
export const MACHINE_UNITS: readonly string[] = ['machine.c', 'absent_functions.c', 'bitops.c', 'byteorder.c', 'system.c', 'usercopy.c', 'af_inet_entries.c', 'ip_entries.c', 'sock_entries.c', 'tcp_entries.c', 'timers.c'];
/** The machine files that compile a release file inside them (tcp.c, sock.c, af_inet.c, ip.c, sched.c): their definitions are the release's. */
export const RELEASE_INSIDE: readonly string[] = ['af_inet_entries.c', 'ip_entries.c', 'sock_entries.c', 'tcp_entries.c', 'timers.c'];

export interface ReleaseImage {
  kernel: Kernel;
  /** a kernel constant by name (an enum, or an object-like macro of constant value) */
  constant(name: string): number | undefined;
  /** the machine layer's folder: its functions are hidden from stepping */
  machine: string;
  release: string;
  /** the text of every file the units read (release files, headers, the machine layer), by path */
  texts: ReadonlyMap<string, string>;
  loadMs: number;
  /** units declared from a cached declaration tree (hits) and parsed (misses), with a cache */
  decl?: { hits: number; misses: number };
}

const trim = (d: string) => d.replace(/[/\\]+$/, '');

/** Loads the release and the machine layer from `release` and `machine` (the folders) through `host`; with `cache`, a unit preprocessed before comes from its store (src/engine/front/cache.ts). */
export function loadReleaseImage(opts: {
  release: string;
  machine: string;
  host: PPHost;
  parse: CParse;
  cache?: PPCache;
  /** a release file compiled as a unit of its own (KERNEL_UNITS: `net/inet/timer.c`) → the path of an edited copy compiled in its place */
  replace?: ReadonlyMap<string, string>;
}): ReleaseImage {
  const t0 = performance.now();
  const release = trim(opts.release);
  const machine = trim(opts.machine);
  const base = kernelOptions(release, `${machine}/include`);
  const options = { ...base, includePaths: [...(base.includePaths ?? []), machine] };
  const errors: CError[] = [];
  const units: Unit[] = [];
  const macros = new Map<string, MacroBody>();
  const memo = opts.cache && new HostMemo(opts.host, opts.cache.hash ?? textHash);
  const texts = new Map<string, string>();
  const paths = [...KERNEL_UNITS.map((f) => opts.replace?.get(f) ?? `${release}/${f}`), ...MACHINE_UNITS.map((f) => `${machine}/${f}`)];
  for (const path of paths) {
    const r = preprocessCached(path, opts.host, options, opts.cache, memo);
    for (const d of r.diagnostics) if (d.severity === 'error') errors.push(new CError({ file: d.file, line: d.line, column: d.col, endLine: d.line, endColumn: d.col + 1 }, d.message));
    for (const [k, v] of r.macros) if (!v.params && !v.builtin && !macros.has(k)) macros.set(k, v);
    for (const [k, v] of r.texts) texts.set(k, v);
    units.push({ path, text: r.text, map: r.map, texts: r.texts, machine: path.startsWith(`${machine}/`) && !RELEASE_INSIDE.some((f) => path === `${machine}/${f}`) });
  }
  if (errors.length) throw new LoadError(errors);
  const hidden = (file: string) => file.startsWith(`${machine}/`);
  // with a cache, each unit's declaration tree too: a unit found there is declared without parsing
  const declCache = opts.cache && storeDeclCache(opts.cache.store, opts.cache.hash ?? textHash);
  const kernel: Kernel = new Kernel({ units, parse: opts.parse, asm: i386Asm(() => kernel.addressOf('machine_eflags')), hidden, declCache }).load();
  const cache = new Map<string, number | undefined>();
  const expand = (name: string, seen: Set<string>): string | undefined => {
    const m = macros.get(name);
    if (!m || seen.has(name)) return undefined;
    seen.add(name);
    const out: string[] = [];
    for (const t of m.body) {
      if (/^[A-Za-z_]\w*$/.test(t.text) && macros.has(t.text)) {
        const x = expand(t.text, new Set(seen));
        if (x === undefined) return undefined;
        out.push(`(${x})`);
      } else out.push(t.text);
    }
    return out.join(' ');
  };
  const constant = (name: string): number | undefined => {
    if (kernel.constants.has(name)) return kernel.constants.get(name);
    if (cache.has(name)) return cache.get(name);
    let v: number | undefined;
    const text = expand(name, new Set());
    if (text !== undefined && text.trim() && !/["{};]/.test(text)) {
      try {
        const x = kernel.compileExpression(text, null, 0);
        if (x.t.k === 'int') {
          // read from the load image, read-only: no run is made for a constant
          const r = kernel.evaluateOnImage(x.ev);
          if (typeof r === 'number') v = r;
        }
      } catch {
        v = undefined;
      }
    }
    cache.set(name, v);
    return v;
  };
  return { kernel, constant, machine, release, texts, loadMs: performance.now() - t0, decl: declCache && { hits: declCache.hits, misses: declCache.misses } };
}
