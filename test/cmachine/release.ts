// Loads the shipped Linux 1.2.13 files with the new compiler (a Node host over src/kernel).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { History } from '../../src/engine/history';
import { Kernel, type KernelOptions } from '../../src/engine/cmachine/kernel';
import { RELEASE_DEFINES, RELEASE_FILES, preprocessUnits } from '../../src/engine/cmachine/load';
import type { PPHost } from '../../src/engine/front/preprocess';
import { nodeCParser } from '../../src/host/node';

export const release = join(__dirname, '../../src/kernel/linux-1.2.13');
export const machineInclude = join(__dirname, '../../src/kernel/machine/include');
const aliasAsm = (p: string): string => p.replace(/\/include\/asm\//, '/include/asm-i386/');
// These tests compile the release with its own asm-i386 headers (inline assembly refused when
// reached, natives for what the close path calls), without the machine layer's C;
// test/differential/release/ runs the release with the whole machine layer.
export const releaseHost: PPHost = {
  exists: (p) => existsSync(aliasAsm(p)) && statSync(aliasAsm(p)).isFile(),
  read: (p) => ({ text: readFileSync(aliasAsm(p), 'latin1') }),
};
export const includePaths = [machineInclude, join(release, 'include'), join(release, 'net/inet')];

export function releaseUnits(files = RELEASE_FILES) {
  return preprocessUnits(files.map((f) => join(release, f)), releaseHost, { includePaths, defines: RELEASE_DEFINES });
}

export async function loadRelease(opts: Partial<KernelOptions> = {}, history = new History()): Promise<Kernel> {
  const parse = await nodeCParser();
  return new Kernel({ units: releaseUnits(), parse, history, ...opts }).load();
}

import type { NativeDef } from '../../src/engine/cmachine/native';
import type { Memory } from '../../src/engine/memory/memory';
import type { RecT } from '../../src/engine/cmachine/types';

/** Small stand-ins for the machine layer (the real one is MACHINE.md's): heap, printk, string asm, interrupt flag. */
export function testMachine(printed: string[]): { natives: Record<string, NativeDef>; asm: Record<string, NativeDef>; flags: { IF: number } } {
  const flags = { IF: 0x200 };
  const copy: NativeDef = { fn: (mem: Memory, [d, s, n]) => (mem.copy(d, s, n), d) };
  const fill = (byteOf: (c: number) => number): NativeDef => ({ fn: (mem: Memory, [s, c, n]) => (mem.fill(s, byteOf(c), n), s) });
  return {
    flags,
    natives: {
      kmalloc: { fn: (mem, [size]) => mem.alloc(size, 8, 'heap', 'kmalloc'), effect: 'allocates memory' },
      kfree_s: { fn: (mem, [p]) => (mem.free(p), 0), effect: 'frees memory' },
      printk: { fn: (mem, args) => (printed.push(mem.cstring(args[0])), 0), effect: 'prints' },
      __memcpy: copy,
      __constant_memcpy: copy,
      memmove: copy,
      __memset_generic: fill((c) => c),
      __constant_c_and_count_memset: fill((c) => c & 0xff),
      __constant_c_memset: fill((c) => c & 0xff),
      __constant_count_memset: fill((c) => c),
      __ntohl: { fn: (_m, [x]) => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0 },
      __ntohs: { fn: (_m, [x]) => ((x & 0xff) << 8) | ((x >> 8) & 0xff) },
      wake_up_interruptible: { fn: () => 0 },
      wake_up: { fn: () => 0 },
    },
    asm: {
      cli: { fn: () => ((flags.IF = 0), 0) },
      sti: { fn: () => ((flags.IF = 0x200), 0) },
      save_flags: { fn: () => flags.IF | 2 },
      restore_flags: { fn: (_m, [x]) => ((flags.IF = x & 0x200), 0) },
    },
  };
}

/** Reads a field of a struct at `addr` by tag and dotted path (scalars only). */
export function field(k: Kernel, addr: number, tag: string, path: string): number {
  let r = k.records.get(tag)!;
  let a = addr;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const f = r.byName.get(parts[i]);
    if (!f) throw new Error(`struct ${r.tag} has no ${parts[i]}`);
    a += f.offset;
    if (i < parts.length - 1) r = f.type as RecT;
    else {
      const t = f.type;
      if (t.k === 'ptr') return k.mem.u32(a);
      if (t.k === 'int') return t.size === 1 ? (t.signed ? k.mem.s8(a) : k.mem.u8(a)) : t.size === 2 ? (t.signed ? k.mem.s16(a) : k.mem.u16(a)) : t.signed ? k.mem.s32(a) : k.mem.u32(a);
      throw new Error(`${path} is not a scalar`);
    }
  }
  throw new Error('empty path');
}

export function fieldAddr(k: Kernel, addr: number, tag: string, path: string): number {
  let r = k.records.get(tag)!;
  let a = addr;
  for (const p of path.split('.')) {
    const f = r.byName.get(p)!;
    a += f.offset;
    r = f.type as RecT;
  }
  return a;
}
