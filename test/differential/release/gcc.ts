// The gcc side of the differential test on the unmodified 1.2.13 release: the inputs (the
// release's C files, the machine layer of src/kernel/machine/, the driver of this folder), the
// sock fields the record reports (read from the release's source), the i386 build, and its run
// under qemu-i386 over the driver protocol (./protocol.ts). The interpreter for the release C
// will run the same machine layer over the same cases; the build and the run are functions of
// INPUTS and of the case list, so that the same lists drive both.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Node as TSNode } from 'web-tree-sitter';
import { nodeCParser } from '../../../src/host/node';
import { KERNEL_UNITS, MACHINE_UNITS, RELEASE_INSIDE } from '../../../src/engine/release/image';
import type { TreeParse as CParse } from '../../../src/engine/front/load';
import { writtenSockFields, type Outcome } from './protocol';

const ROOT = join(__dirname, '..', '..', '..');
const here = __dirname;

export interface ReleaseInputs {
  /** the release, shipped unmodified */
  release: string;
  /** the machine layer: C files and include/ (searched before the release's include/) */
  machine: string;
  /** release files compiled as translation units of their own */
  kernel: string[];
  /** machine-layer files; tcp_entries.c includes net/inet/tcp.c, af_inet_entries.c af_inet.c, sock_entries.c sock.c, ip_entries.c ip.c, timers.c kernel/sched.c */
  machineFiles: string[];
  /** the gcc-only driver: main and the protocol (libc), and the record (kernel types) */
  driver: string;
  record: string;
  /** the gcc-only stand-in for the assembler: what each inline assembly statement of the release becomes */
  asm: string;
  /** machine files that compile a release file inside them (tcp.c, af_inet.c, sock.c, ip.c with the machine's user-space copies; sched.c) */
  releaseInside: string[];
}

export const INPUTS: ReleaseInputs = {
  release: join(ROOT, 'src', 'kernel', 'linux-1.2.13'),
  machine: join(ROOT, 'src', 'kernel', 'machine'),
  // the debugger's own lists (src/engine/release/image.ts): every side builds the same units
  kernel: [...KERNEL_UNITS],
  machineFiles: [...MACHINE_UNITS],
  driver: join(here, 'driver.c'),
  record: join(here, 'record.c'),
  asm: join(here, 'asm.c'),
  releaseInside: [...RELEASE_INSIDE],
};

/** The seven release files the build compiles (two directly, five inside machine files). */
export const RELEASE_FILES = ['net/inet/tcp.c', 'net/inet/sock.c', 'net/inet/af_inet.c', 'net/inet/timer.c', 'net/inet/skbuff.c', 'kernel/sched.c', 'net/inet/ip.c'];

/** gcc 2.x let a string run over raw newlines; modern gcc does not: end and reopen it on each line (the lines stay where they are). */
export function joinRawNewlineStrings(src: string): string {
  let out = '';
  let i = 0;
  let inString = false;
  while (i < src.length) {
    const c = src[i];
    if (!inString) {
      if (src.startsWith('/*', i)) {
        const j = src.indexOf('*/', i + 2);
        const end = j < 0 ? src.length : j + 2;
        out += src.slice(i, end);
        i = end;
        continue;
      }
      if (c === "'") {
        let j = i + 1;
        while (j < src.length && src[j] !== "'" && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
        out += src.slice(i, j + 1);
        i = j + 1;
        continue;
      }
      if (c === '"') inString = true;
      out += c;
      i++;
    } else {
      if (c === '\\') {
        out += src.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (c === '"') inString = false;
      out += c === '\n' ? '\\n"\n"' : c;
      i++;
    }
  }
  return out;
}

/** The integer fields of struct sock (net/inet/sock.h), in order: not pointers, structs or arrays, and not inside #ifdef CONFIG_… blocks. */
export function sockIntFields(parse: CParse, sockH: string): string[] {
  const tree = parse(sockH);
  const out: string[] = [];
  const find = (n: TSNode): TSNode | undefined => {
    if (n.type === 'struct_specifier' && n.childForFieldName('name')?.text === 'sock' && n.childForFieldName('body')) return n;
    for (const k of n.namedChildren) {
      const f = k && find(k);
      if (f) return f;
    }
    return undefined;
  };
  const sock = find(tree.rootNode);
  if (!sock) throw new Error('net/inet/sock.h: no struct sock');
  for (const d of sock.childForFieldName('body')!.namedChildren) {
    if (!d || d.type !== 'field_declaration') continue;
    const type = d.childForFieldName('type');
    if (!type || type.type === 'struct_specifier' || type.type === 'union_specifier' || type.type === 'type_identifier') continue;
    for (const decl of d.childrenForFieldName('declarator')) if (decl && decl.type === 'field_identifier') out.push(decl.text);
  }
  tree.delete?.();
  return out;
}

/** The fields the record reports: every integer field of struct sock the release's C writes, and rtt, rto, backoff, retransmits always. */
export async function releaseFields(inputs: ReleaseInputs = INPUTS): Promise<{ ints: string[]; all: string[]; header: string }> {
  const parse = await nodeCParser();
  const all = sockIntFields(parse, readFileSync(join(inputs.release, 'net/inet/sock.h'), 'latin1'));
  const sources = RELEASE_FILES.map((f) => readFileSync(join(inputs.release, f), 'latin1'));
  const written = new Set([...writtenSockFields(parse, sources, new Set(all)), 'rtt', 'rto', 'backoff', 'retransmits']);
  const ints = all.filter((f) => written.has(f));
  const x = (names: string[]) => names.map((n) => `X(${n})`).join(' ');
  return { ints, all, header: `#define SOCK_INT_FIELDS ${x(ints)}\n#define SOCK_SET_FIELDS ${x(all)}\n` };
}

export class ToolchainMissing extends Error {}

/** The 32-bit toolchain and qemu-i386, or a clear message (no 64-bit fallback: the kernel C is i386 code). */
export function checkToolchain(env: NodeJS.ProcessEnv = process.env): void {
  const q = spawnSync('qemu-i386', ['--version'], { encoding: 'utf8', env });
  if (q.error || q.status !== 0) throw new ToolchainMissing('qemu-i386 is missing: this machine runs the i386 build under qemu-i386 (Debian: apt-get install qemu-user)');
  const dir = mkdtempSync(join(tmpdir(), 'tcd-probe-'));
  try {
    const g = spawnSync('gcc', ['-m32', '-x', 'c', '-o', join(dir, 'probe'), '-'], { input: 'int main(void){return 0;}\n', encoding: 'utf8', env });
    // what gcc said first: a gcc that exits before reading the program leaves an EPIPE beside its message
    if (g.error || g.status !== 0) throw new ToolchainMissing(`gcc -m32 cannot build an i386 program (Debian: apt-get install gcc-multilib):\n${g.stderr?.trim() || g.error?.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Build {
  dir: string;
  bin: string;
  ms: number;
  /** the release functions the machine layer's definitions replace */
  replaced: string[];
  dispose(): void;
}

/**
 * Compiles the release, the machine layer and the driver for i386 into a fresh folder; the program
 * reads the driver protocol on stdin. The release is compiled with its own headers, asm-i386/
 * included; what gcc 12 needs to compile C written for gcc 2.7, none of it an edit:
 *   - the files are read from a copy of the release in which strings that run over raw newlines
 *     (gcc 2.x allowed them; tcp.c, asm-i386/string.h and bitops.h have them) end and reopen on
 *     each line, line for line;
 *   - each translation unit is preprocessed first with `__volatile__` empty (gcc 2.x spelled a
 *     noreturn function and a volatile asm with it), then compiled with each `__asm__(...)`
 *     statement turned into a call of machine_asm (asm.c) with its text, file and line: gcc 12
 *     refuses some of the release's assembly ("impossible constraints"), and none of it may run
 *     in user space as written (cli, sti);
 *   - the release's units are compiled with `inline` empty: gcc 2.7 at -O2 inlined every gnu89
 *     `extern inline` function (tcp_ack, the skb queue functions), which at -O0 are never
 *     emitted; identical copies from headers merge at link (--allow-multiple-definition);
 *   - every function the machine layer defines replaces the release's of the same name: gcc puts
 *     each function in a section of its own (-ffunction-sections), objcopy --weaken-symbol makes
 *     the release's definitions weak, and the linker takes the machine's at every call.
 */
export function buildRelease(header: string, inputs: ReleaseInputs = INPUTS, env: NodeJS.ProcessEnv = process.env): Build {
  const t0 = Date.now();
  checkToolchain(env);
  const dir = mkdtempSync(join(tmpdir(), 'tcd-release-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    const release = join(dir, 'linux-1.2.13');
    copyJoined(inputs.release, release);
    // include/asm is a link to include/asm-i386 in a configured tree
    symlinkSync('asm-i386', join(release, 'include', 'asm'));
    // the machine layer beside it, where its files find the release ("../linux-1.2.13/net/inet/tcp.c")
    const machine = join(dir, 'machine');
    cpSync(inputs.machine, machine, { recursive: true });
    writeFileSync(join(dir, 'fields.h'), header);
    writeFileSync(join(dir, 'machine_asm.h'), 'extern void machine_asm(const char *text, const char *file, int line);\n');
    const includes = [join(machine, 'include'), join(release, 'include'), join(release, 'net', 'inet'), machine];
    const common = ['-m32', '-fno-builtin', '-fno-strict-aliasing', '-fcommon', '-fno-stack-protector', '-fno-pie', '-ffunction-sections', '-O0', '-g', '-w'];
    const pass1 = ['-m32', '-E', '-std=gnu89', '-nostdinc', '-D__KERNEL__', '-D__OPTIMIZE__', '-D__volatile__=', ...includes.map((i) => `-I${i}`)];
    const pass2 = [...common, '-std=gnu89', '-x', 'c', `-fmacro-prefix-map=${release}=linux-1.2.13`, `-fmacro-prefix-map=${machine}=machine`, '-include', join(dir, 'machine_asm.h'), '-D__asm__(...)=machine_asm(#__VA_ARGS__, __FILE__, __LINE__)'];
    const noInline = ['-Dinline=', '-D__inline__=', '-D__inline='];
    const objects: string[] = [];
    const gcc = (args: string[], what: string) => {
      const r = spawnSync('gcc', args, { encoding: 'utf8', env, maxBuffer: 1 << 26 });
      if (r.status !== 0) throw new Error(`gcc -m32 failed on ${what}:\n${r.stderr}`);
    };
    const kernelUnit = (src: string, name: string, extra: string[]): string => {
      const base = join(dir, name.replace(/[/.]/g, '_'));
      gcc([...pass1, ...extra, src, '-o', `${base}.i`], src);
      gcc([...pass2, '-c', `${base}.i`, '-o', `${base}.o`], src);
      objects.push(`${base}.o`);
      return `${base}.o`;
    };
    const releaseObjects = inputs.kernel.map((f) => kernelUnit(join(release, f), f, noInline));
    const machineObjects: string[] = [];
    for (const f of inputs.machineFiles) {
      const inside = inputs.releaseInside.includes(f);
      const o = kernelUnit(join(machine, f), `machine/${f}`, inside ? noInline : []);
      (inside ? releaseObjects : machineObjects).push(o);
    }
    kernelUnit(inputs.record, 'record', [`-DFIELDS_H="${join(dir, 'fields.h')}"`]);
    // the release's definitions of what the machine defines become weak, so the machine's are taken at every call
    const replaced = new Set<string>();
    for (const o of machineObjects) {
      const r = spawnSync('nm', ['--defined-only', '-g', o], { encoding: 'utf8', env });
      if (r.status !== 0) throw new Error(`nm on ${basename(o)}: ${r.stderr}`);
      for (const line of r.stdout.split('\n')) {
        const m = /^[0-9a-f]+ T (\S+)$/.exec(line.trim());
        if (m) replaced.add(m[1]);
      }
    }
    for (const o of releaseObjects) {
      const r = spawnSync('objcopy', [...[...replaced].flatMap((s) => ['--weaken-symbol', s]), o], { encoding: 'utf8', env });
      if (r.status !== 0) throw new Error(`objcopy on ${basename(o)}: ${r.stderr}`);
    }
    for (const [src, name] of [[inputs.driver, 'driver'], [inputs.asm, 'asm']]) {
      const obj = join(dir, `${name}.o`);
      gcc([...common, `-I${machine}`, '-c', src, '-o', obj], src);
      objects.push(obj);
    }
    const bin = join(dir, 'release-driver');
    const l = spawnSync('gcc', ['-m32', '-no-pie', '-o', bin, ...objects, '-Wl,--allow-multiple-definition'], { encoding: 'utf8', env });
    if (l.status !== 0) throw new Error(`linking the release driver failed:\n${l.stderr}`);
    return { dir, bin, ms: Date.now() - t0, replaced: [...replaced].sort(), dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

/** Copies the release tree to `to`, each file with its strings over raw newlines joined (joinRawNewlineStrings). */
function copyJoined(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const a = join(from, e.name);
    const b = join(to, e.name);
    if (e.isDirectory()) copyJoined(a, b);
    else if (e.isFile()) writeFileSync(b, joinRawNewlineStrings(readFileSync(a, 'latin1')), 'latin1');
  }
}

/** A release record: the protocol's Outcome, and per sock `freed`, `sent`, timer reasons and the send_head chain. */
export interface ReleaseOutcome extends Omit<Outcome, 'sockets'> {
  sockets: {
    name: string;
    freed: number;
    fields: Record<string, number>;
    timers: Record<'timer' | 'retransmit_timer', { pending: number; reason: number; expires: number }>;
    queues: Record<'write_queue' | 'receive_queue' | 'back_log' | 'send_head', { len: number; sk: string; seq?: number; ack?: number; flags?: string; data?: number; end?: number }[]>;
    partial: { len: number; seq?: number; data?: number } | null;
    sent: { t: number; flags: string; seq: number; ack: number; len: number; win: number; dropped: number }[];
  }[];
}

/** Runs the protocol text through the build under qemu-i386: one record per case. */
export function runRelease(build: Build, protocol: string): ReleaseOutcome[] {
  const r = spawnSync('qemu-i386', [build.bin], { input: protocol, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) throw new Error(`qemu-i386 could not run the release driver: ${r.error.message} (Debian: apt-get install qemu-user)`);
  if (r.status !== 0) throw new Error(`the release driver failed under qemu-i386 (exit ${r.status ?? r.signal}): ${r.stderr.slice(0, 2000)}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ReleaseOutcome);
}
