// The gcc side of the differential test on the unmodified 1.2.13 release: the inputs (the
// release's C files, the machine layer of src/kernel/machine/, the driver of this folder), the
// sock fields the record reports (read from the release's source), the i386 build, and its run
// under qemu-i386 over the driver protocol (../protocol.ts). The interpreter for the release C
// will run the same machine layer over the same cases; the build and the run are functions of
// INPUTS and of the case list, so that the same lists drive both.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Node as TSNode } from 'web-tree-sitter';
import { nodeCParser } from '../../../src/host/node';
import type { CParse } from '../../../src/engine/compile';
import { writtenSockFields, type Outcome } from '../protocol';

const ROOT = join(__dirname, '..', '..', '..');
const here = __dirname;

export interface ReleaseInputs {
  /** the release, shipped unmodified */
  release: string;
  /** the machine layer: C files and include/ (searched before the release's include/) */
  machine: string;
  /** release files compiled as translation units of their own */
  kernel: string[];
  /** machine-layer files; tcp_entries.c includes net/inet/tcp.c, timers.c kernel/sched.c */
  machineFiles: string[];
  /** the gcc-only driver: main and the protocol (libc), and the record (kernel types) */
  driver: string;
  record: string;
  /** machine files that compile a release file inside them (tcp.c, sched.c) */
  releaseInside: string[];
  /** release functions the machine layer replaces from outside (made weak in the release's objects only) */
  replaced: string[];
  /** translation units whose never-run inline assembly modern gcc refuses: compiled with __asm__(...) empty */
  asmDropped: string[];
  /** files holding strings that run over raw newlines (gcc 2.x): compiled from a copy with them joined */
  rawNewlineStrings: string[];
}

export const INPUTS: ReleaseInputs = {
  release: join(ROOT, 'src', 'kernel', 'linux-1.2.13'),
  machine: join(ROOT, 'src', 'kernel', 'machine'),
  kernel: ['net/inet/sock.c', 'net/inet/af_inet.c', 'net/inet/timer.c', 'net/inet/skbuff.c', 'net/inet/ip.c'],
  machineFiles: ['absent.c', 'absent_functions.c', 'bitops.c', 'byteorder.c', 'kmalloc.c', 'net.c', 'printk.c', 'segment.c', 'string.c', 'system.c', 'tcp_entries.c', 'timers.c', 'world.c'],
  driver: join(here, 'driver.c'),
  record: join(here, 'record.c'),
  releaseInside: ['tcp_entries.c', 'timers.c'],
  replaced: ['tcp_check', 'ip_send_check', 'ip_compute_csum'],
  asmDropped: ['net/inet/ip.c', 'tcp_entries.c'],
  rawNewlineStrings: ['net/inet/tcp.c'],
};

/** The seven release files the build compiles (five directly, two inside machine files). */
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
    if (g.error || g.status !== 0) throw new ToolchainMissing(`gcc -m32 cannot build an i386 program (Debian: apt-get install gcc-multilib):\n${g.error?.message ?? g.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Build {
  dir: string;
  bin: string;
  ms: number;
  dispose(): void;
}

/** Compiles the release, the machine layer and the driver for i386 into a fresh folder; the program reads the driver protocol on stdin. */
export function buildRelease(header: string, inputs: ReleaseInputs = INPUTS, env: NodeJS.ProcessEnv = process.env): Build {
  const t0 = Date.now();
  checkToolchain(env);
  const dir = mkdtempSync(join(tmpdir(), 'tcd-release-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    // include/asm is a link to include/asm-i386 in a configured tree, for the release and the machine layer alike
    const links = (name: string, target: string) => {
      mkdirSync(join(dir, name));
      symlinkSync(target, join(dir, name, 'asm'));
      return join(dir, name);
    };
    const machineAsm = links('machine-asm', join(inputs.machine, 'include', 'asm-i386'));
    const releaseAsm = links('release-asm', join(inputs.release, 'include', 'asm-i386'));
    const joined = new Map<string, string>();
    for (const f of inputs.rawNewlineStrings) {
      const copy = join(dir, 'joined', f);
      mkdirSync(join(copy, '..'), { recursive: true });
      writeFileSync(copy, joinRawNewlineStrings(readFileSync(join(inputs.release, f), 'latin1')), 'latin1');
      joined.set(f, copy);
    }
    writeFileSync(join(dir, 'fields.h'), header);
    const includes = [join(inputs.machine, 'include'), machineAsm, releaseAsm, join(inputs.release, 'include'), join(inputs.release, 'net', 'inet'), inputs.machine];
    const kernelFlags = [
      '-m32', '-std=gnu89', '-nostdinc', '-D__KERNEL__', '-fno-builtin', '-fno-strict-aliasing', '-fcommon', '-fno-stack-protector', '-fno-pie',
      // gnu89 `extern inline` functions are emitted where they are defined (identical copies merge at link)
      '-Dinline=', '-D__inline__=', '-D__inline=',
      // each function in a section of its own, so that a weakened release function is replaced at every call
      '-ffunction-sections', '-O0', '-g', '-w',
      ...includes.map((i) => `-I${i}`),
    ];
    const objects: string[] = [];
    const releaseObjects: string[] = [];
    const cc = (src: string, name: string, extra: string[], flags = kernelFlags) => {
      const obj = join(dir, `${name.replace(/[/.]/g, '_')}.o`);
      const r = spawnSync('gcc', [...flags, ...extra, '-c', src, '-o', obj], { encoding: 'utf8', env });
      if (r.status !== 0) throw new Error(`gcc -m32 failed on ${src}:\n${r.stderr}`);
      objects.push(obj);
      return obj;
    };
    const noAsm = (f: string) => (inputs.asmDropped.includes(f) ? ['-D__asm__(...)='] : []);
    for (const f of inputs.kernel) releaseObjects.push(cc(join(inputs.release, f), f, noAsm(f)));
    for (const f of inputs.machineFiles) {
      const extra = noAsm(f);
      if (f === 'tcp_entries.c' && joined.has('net/inet/tcp.c')) extra.push(`-DMACHINE_TCP_C="${joined.get('net/inet/tcp.c')}"`);
      const o = cc(join(inputs.machine, f), `machine/${f}`, extra);
      if (inputs.releaseInside.includes(f)) releaseObjects.push(o);
    }
    cc(inputs.record, 'record', [`-DFIELDS_H="${join(dir, 'fields.h')}"`]);
    // the release's definitions become weak, so the machine's (strong) are taken at every call
    for (const o of releaseObjects) {
      const r = spawnSync('objcopy', [...inputs.replaced.flatMap((s) => ['--weaken-symbol', s]), o], { encoding: 'utf8', env });
      if (r.status !== 0) throw new Error(`objcopy on ${basename(o)}: ${r.stderr}`);
    }
    cc(inputs.driver, 'driver', [], ['-m32', '-O0', '-g', '-fno-pie', '-w', `-I${inputs.machine}`]);
    const bin = join(dir, 'release-driver');
    const l = spawnSync('gcc', ['-m32', '-no-pie', '-o', bin, ...objects, '-Wl,--allow-multiple-definition'], { encoding: 'utf8', env });
    if (l.status !== 0) throw new Error(`linking the release driver failed:\n${l.stderr}`);
    return { dir, bin, ms: Date.now() - t0, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

/** A release record: the reduced record's shape, and per sock `freed`, `sent`, timer reasons and the send_head chain. */
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
