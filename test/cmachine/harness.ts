// Compiles C sources held in memory with the new compiler and runs functions on the machine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { History } from '../../src/engine/history';
import { Machine } from '../../src/engine/machine';
import { Kernel, type KernelOptions } from '../../src/engine/cmachine/kernel';
import { preprocessUnits } from '../../src/engine/cmachine/load';
import type { NativeDef } from '../../src/engine/cmachine/native';
import { nodeCParser } from '../../src/host/node';

export async function compileC(files: Record<string, string>, opts: Partial<KernelOptions> = {}, history = new History()): Promise<Kernel> {
  const parse = await nodeCParser();
  const host = { exists: (p: string) => p in files, read: (p: string) => (p in files ? { text: files[p] } : { error: 'no such file' }) };
  const mains = Object.keys(files).filter((f) => f.endsWith('.c'));
  const units = preprocessUnits(mains, host, { includePaths: ['/inc'] });
  return new Kernel({ units, parse, history, ...opts }).load();
}

export function machineFor(k: Kernel): Machine {
  return new Machine(k, k.H);
}

/** Calls `name(args)` as a whole call chain, recording a stop at every statement; returns the result. */
export function call(k: Kernel, name: string, args: any[] = [], m = machineFor(k), budget = 5_000_000): any {
  m.budget = budget;
  m.statements = 0;
  k.enter(m, k.cfunction(name), args);
  for (;;) {
    const a = m.runStops(false, 1 << 30);
    if (a === 'returned') return m.lastReturn;
  }
}

/** printf-like natives collecting output in `out` (only %d %u %x %s %c %ld %lu %lx). */
export function printNatives(out: string[]): Record<string, NativeDef> {
  const fmt = (mem: any, args: any[]): string => {
    const f = mem.cstring(args[0]);
    let i = 1;
    return f.replace(/%(-?\d*)(l{0,2})([dusxc%])/g, (_m: string, _w: string, l: string, c: string) => {
      if (c === '%') return '%';
      const v = args[i++];
      if (c === 's') return mem.cstring(v);
      if (c === 'c') return String.fromCharCode(Number(v) & 0xff);
      if (l === 'll') return c === 'x' ? BigInt.asUintN(64, BigInt(v)).toString(16) : c === 'u' ? BigInt.asUintN(64, BigInt(v)).toString() : BigInt.asIntN(64, BigInt(v)).toString();
      const n = Number(v);
      if (c === 'd') return String(n | 0);
      if (c === 'u') return String(n >>> 0);
      return (n >>> 0).toString(16);
    });
  };
  return {
    printf: { fn: (mem, args) => { const s = fmt(mem, args); out.push(s); return s.length; } },
    printk: { fn: (mem, args) => { const s = fmt(mem, args); out.push(s); return s.length; } },
  };
}

/** gcc's output for a program: built -m32 gnu89 without builtins, run under qemu-i386 */
export function gccRun(dir: string, name: string, src: string): string {
  const c = join(dir, `${name}.c`);
  const exe = join(dir, name);
  writeFileSync(c, src);
  const b = spawnSync('gcc', ['-m32', '-std=gnu89', '-O0', '-fno-builtin', '-w', '-o', exe, c], { encoding: 'utf8' });
  assert.equal(b.status, 0, `gcc ${name}: ${b.stderr}`);
  const r = spawnSync('qemu-i386', [exe], { encoding: 'latin1' });
  assert.equal(r.status, 0, `${name} under qemu-i386: ${r.stderr}`);
  return r.stdout;
}

