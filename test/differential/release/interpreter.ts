// The interpreter's side of the release's differential test: the SAME C the gcc build links —
// the unmodified release files, the machine layer of src/kernel/machine/, and the gcc-only driver
// (driver.c, record.c) — compiled by the project's own compiler (src/engine/cmachine/) and run on
// its byte memory, reading the same protocol text and printing the same JSON records. Only the
// few libc calls the driver makes are natives here (libc/ holds their prototypes); the string
// functions are the machine layer's, as in the gcc link. Both sides' stdout must be identical.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CError, UNPLACED } from '../../../src/engine/code';
import { History } from '../../../src/engine/history';
import { Machine } from '../../../src/engine/machine';
import { Kernel, type CParse } from '../../../src/engine/cmachine/kernel';
import { RELEASE_DEFINES, preprocessUnits, type UnitCache } from '../../../src/engine/cmachine/load';
import { i386Asm } from '../../../src/engine/world/cpu';
import type { NativeDef } from '../../../src/engine/cmachine/native';
import type { Memory } from '../../../src/engine/memory/memory';
import type { PPHost } from '../../../src/engine/front/preprocess';
import { textHash } from '../../../src/engine/front/cache';
import { nodeCParser } from '../../../src/host/node';
import { INPUTS, releaseFields, type ReleaseInputs } from './gcc';

const LIBC = join(__dirname, 'libc');

/** The driver called exit(status) (a CError, so the machine passes it through as it is). */
class Exit extends CError {
  constructor(readonly status: number) {
    super(UNPLACED, `exit(${status})`);
  }
}

/** printf's conversions as glibc does them for what the driver and record print (d i u x X o c s %, flags - 0, width, precision, h l). */
export function format(mem: Memory, fmtAddr: number, args: number[]): string {
  const f = mem.cstring(fmtAddr, 1 << 16);
  let i = 0;
  return f.replace(/%([-0 +#]*)(\d*)(?:\.(\d+))?(hh|h|ll|l)?([diuxXocsp%])/g, (_m, flags: string, width: string, prec: string | undefined, _len: string | undefined, c: string) => {
    if (c === '%') return '%';
    const v = args[i++] ?? 0;
    let s: string;
    switch (c) {
      case 'd':
      case 'i':
        s = String(v | 0);
        break;
      case 'u':
        s = String(v >>> 0);
        break;
      case 'x':
        s = (v >>> 0).toString(16);
        break;
      case 'X':
        s = (v >>> 0).toString(16).toUpperCase();
        break;
      case 'o':
        s = (v >>> 0).toString(8);
        break;
      case 'c':
        s = String.fromCharCode(v & 0xff);
        break;
      case 's':
        s = v ? mem.cstring(v, 1 << 16) : '(null)';
        if (prec !== undefined) s = s.slice(0, Number(prec));
        break;
      default:
        s = '0x' + (v >>> 0).toString(16);
    }
    if (prec !== undefined && 'diuxXo'.includes(c)) {
      const neg = s.startsWith('-');
      const digits = neg ? s.slice(1) : s;
      s = (neg ? '-' : '') + digits.padStart(Number(prec), '0');
    }
    const w = Number(width || 0);
    if (s.length < w) {
      if (flags.includes('-')) s = s.padEnd(w);
      else if (flags.includes('0') && c !== 's' && c !== 'c' && prec === undefined) {
        const neg = s.startsWith('-');
        s = (neg ? '-' : '') + (neg ? s.slice(1) : s).padStart(w - (neg ? 1 : 0), '0');
      } else s = s.padStart(w);
    }
    return s;
  });
}

/** Bytes of a Latin-1 string, as the C sees them. */
const bytes = (s: string): Uint8Array => Uint8Array.from(s, (ch) => ch.charCodeAt(0) & 0xff);

/** The natives the driver's libc calls become: stdin is `input`, stdout goes to `out`. */
function libcNatives(input: string, out: string[], err: string[]): Record<string, NativeDef> {
  const lines = input.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  let next = 0;
  const writeString = (mem: Memory, at: number, s: string) => {
    mem.write(at, bytes(s));
    mem.st8(at + s.length, 0);
  };
  const parseNumber = (mem: Memory, s: number, endp: number, base: number, signed: boolean): number => {
    let a = s;
    while (' \t\n\r\f\v'.includes(String.fromCharCode(mem.u8(a))) && mem.u8(a)) a++;
    let neg = false;
    const c0 = String.fromCharCode(mem.u8(a));
    if (c0 === '-' || c0 === '+') {
      neg = c0 === '-';
      a++;
    }
    if (base !== 10) throw new Error(`strtoul base ${base}: the driver only uses base 10`);
    let v = 0;
    let any = false;
    for (;;) {
      const d = mem.u8(a) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      any = true;
      a++;
    }
    if (endp) mem.st32(endp, any ? a : s);
    if (signed) {
      // strtol clamps to LONG_MIN/LONG_MAX
      const x = neg ? -v : v;
      return x > 0x7fffffff ? 0x7fffffff : x < -0x80000000 ? -0x80000000 : x;
    }
    // strtoul: ULONG_MAX on overflow; a minus sign negates in unsigned arithmetic
    if (v > 0xffffffff) return 0xffffffff;
    return (neg ? -v : v) >>> 0;
  };
  return {
    fgets: {
      fn: (mem, [s, n]) => {
        if (next >= lines.length) return 0;
        const line = lines[next++].slice(0, Math.max(0, n - 1));
        writeString(mem, s, line);
        return s;
      },
      effect: 'reads standard input',
    },
    printf: { fn: (mem, [f, ...a]) => (out.push(format(mem, f, a)), 0), effect: 'prints' },
    fprintf: { fn: (mem, [_file, f, ...a]) => (err.push(format(mem, f, a)), 0), effect: 'prints' },
    putchar: { fn: (_mem, [c]) => (out.push(String.fromCharCode(c & 0xff)), c & 0xff), effect: 'prints' },
    fflush: { fn: () => 0, pure: true },
    snprintf: {
      fn: (mem, [s, n, f, ...a]) => {
        const text = format(mem, f, a);
        if (n > 0) writeString(mem, s, text.slice(0, n - 1));
        return text.length;
      },
      effect: 'writes a string',
    },
    strtoul: { fn: (mem, [s, endp, base]) => parseNumber(mem, s, endp, base, false), effect: 'stores the end pointer' },
    strtol: { fn: (mem, [s, endp, base]) => parseNumber(mem, s, endp, base, true), effect: 'stores the end pointer' },
    exit: {
      fn: (_mem, [status]) => {
        throw new Exit(status | 0);
      },
      effect: 'ends the program',
    },
    // the kernel's string functions are macros and asm-i386 names (__memcpy, __memset_generic);
    // these two are the driver's own, from its libc
    memset: { fn: (mem, [p, c, n]) => (mem.fill(p, c & 0xff, n), p), effect: 'writes the bytes it fills' },
    memcpy: { fn: (mem, [d, s, n]) => (mem.copy(d, s, n), d), effect: 'writes the bytes it copies' },
    strtok_r: {
      fn: (mem, [s, delim, save]) => {
        const ds = mem.cstring(delim);
        let p = s || mem.u32(save);
        if (!p) return 0;
        const isDelim = (a: number) => {
          const c = mem.u8(a);
          return c !== 0 && ds.includes(String.fromCharCode(c));
        };
        while (isDelim(p)) p++;
        if (mem.u8(p) === 0) {
          mem.st32(save, p);
          return 0;
        }
        const tok = p;
        while (mem.u8(p) !== 0 && !isDelim(p)) p++;
        if (mem.u8(p) !== 0) {
          mem.st8(p, 0);
          p++;
        }
        mem.st32(save, p);
        return tok;
      },
      effect: 'writes the string it splits',
    },
  };
}

export interface InterpreterRun {
  stdout: string;
  stderr: string;
  status: number;
  statements: number;
  loadMs: number;
  runMs: number;
}

/** The release, the machine layer and the driver compiled by the project's compiler, with main's stdin `protocol` and its stdout/stderr collected. */
export interface ReleaseKernel {
  k: Kernel;
  H: History;
  out: string[];
  err: string[];
  /** milliseconds: the fields header (gcc's side needs it too), preprocessing every unit, Kernel.load */
  timing: { fieldsMs: number; preprocessMs: number; loadMs: number };
}

/**
 * Preprocesses and loads the release, the machine layer and the driver (`history`: the first run's
 * History, not recording by default); main reads `protocol` as stdin. `parse` defaults to tree-sitter's;
 * `cache`: a persistent cache of the preprocessed units.
 */
export async function releaseKernel(protocol: string, inputs: ReleaseInputs = INPUTS, H: History = new History({ record: false }), parse?: CParse, cache?: UnitCache): Promise<ReleaseKernel> {
  const t0 = performance.now();
  const header = (await releaseFields(inputs)).header;
  // with a cache the header's path is part of what the entries depend on: a folder named by its text, kept
  const dir = cache ? join(tmpdir(), `tcd-rel-fields-${textHash(header)}`) : mkdtempSync(join(tmpdir(), 'tcd-rel-int-'));
  try {
    const fields = join(dir, 'fields.h');
    if (cache) mkdirSync(dir, { recursive: true });
    writeFileSync(fields, header);
    const t1 = performance.now();
    const aliasAsm = (p: string): string => p.replace(/\/include\/asm\//, '/include/asm-i386/');
    const host: PPHost = {
      exists: (p) => existsSync(aliasAsm(p)) && statSync(aliasAsm(p)).isFile(),
      read: (p) => ({ text: readFileSync(aliasAsm(p), 'latin1') }),
    };
    const kernelIncludes = [join(inputs.machine, 'include'), join(inputs.release, 'include'), join(inputs.release, 'net', 'inet')];
    const defines = { ...RELEASE_DEFINES, __signed__: 'signed' };
    const release = inputs.kernel.map((f) => join(inputs.release, f));
    const machine = inputs.machineFiles.map((f) => join(inputs.machine, f));
    const inside = new Set(inputs.releaseInside.map((f) => join(inputs.machine, f)));
    const kernelUnits = preprocessUnits([...release, ...machine, inputs.record], host, { includePaths: [...kernelIncludes, inputs.machine], defines: { ...defines, FIELDS_H: JSON.stringify(fields) } }, (p) => machine.includes(p) && !inside.has(p), cache);
    const driverUnits = preprocessUnits([inputs.driver], host, { includePaths: [LIBC, inputs.machine], defines: { __i386__: '1', __linux__: '1', __GNUC__: '2' } }, undefined, cache);
    const out: string[] = [];
    const err: string[] = [];
    const treeParse = parse ?? (await nodeCParser());
    const t2 = performance.now();
    const k: Kernel = new Kernel({
      units: [...kernelUnits, ...driverUnits],
      parse: treeParse,
      history: H,
      natives: libcNatives(protocol, out, err),
      asm: i386Asm(() => k.addressOf('machine_eflags')),
      memory: { limit: 256 << 20 },
    }).load();
    return { k, H, out, err, timing: { fieldsMs: t1 - t0, preprocessMs: t2 - t1, loadMs: performance.now() - t2 } };
  } finally {
    if (!cache) rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs main of a loaded release kernel to its end (or its exit()); returns its status. */
export function runMain(k: Kernel, m: Machine): number {
  k.enter(m, k.cfunction('main'), []);
  try {
    while (m.runStops(false, 1 << 30) !== 'returned');
    return (m.lastReturn as number) | 0;
  } catch (e) {
    if (e instanceof Exit) return e.status;
    throw e;
  }
}

/** Compiles the release, the machine layer and the driver with the project's compiler and runs main over `protocol`. */
export async function interpreterRun(protocol: string, inputs: ReleaseInputs = INPUTS): Promise<InterpreterRun> {
  const t0 = performance.now();
  const { k, H, out, err } = await releaseKernel(protocol, inputs);
  const t1 = performance.now();
  const m = new Machine(k, H);
  m.budget = Number.MAX_SAFE_INTEGER;
  let status: number;
  if (process.env.TRACE_FN) {
    k.enter(m, k.cfunction('main'), []);
    let last = '';
    let skip = false;
    try {
      while (m.advance(skip) === 'statement') {
        skip = true;
        const name = m.top!.fn.name;
        if (name !== last && name === process.env.TRACE_FN) console.error('enter', name, m.stack().map((f) => `${f.fn.name}:${f.loc.line}`).join(' < '));
        last = name;
      }
      status = (m.lastReturn as number) | 0;
    } catch (e) {
      if (!(e instanceof Exit)) throw e;
      status = e.status;
    }
  } else status = runMain(k, m);
  return { stdout: out.join(''), stderr: err.join(''), status, statements: m.executed, loadMs: t1 - t0, runMs: performance.now() - t1 };
}
