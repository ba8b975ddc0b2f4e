// How the kernel is preprocessed: the release files the close path needs, the include paths and
// the predefined macros of a configured i386 build with gcc 2.7 (src/kernel/MACHINE.md lists each
// with its reason). Paths are joined with '/', as the preprocessor's are.

import type { PPOptions } from './preprocess';

/** The seven C files of the release, relative to its root (linux-1.2.13/). */
export const RELEASE_FILES: readonly string[] = ['net/inet/tcp.c', 'net/inet/sock.c', 'net/inet/af_inet.c', 'net/inet/timer.c', 'net/inet/skbuff.c', 'kernel/sched.c', 'net/inet/ip.c'];

/**
 * What gcc 2.7 for i386 predefined (`__GNUC__`, `__GNUC_MINOR__`, `__i386__`, `__linux__`,
 * `__OPTIMIZE__` for -O2), `__KERNEL__` from the kernel's Makefile, and `__signed__`: gcc's
 * keyword for `signed`, which tree-sitter's C grammar does not know (asm/types.h spells
 * `__s8`…`__s64` with it).
 */
export const KERNEL_DEFINES: Readonly<Record<string, string>> = {
  __KERNEL__: '1',
  __GNUC__: '2',
  __GNUC_MINOR__: '7',
  __i386__: '1',
  __linux__: '1',
  __OPTIMIZE__: '1',
  __signed__: 'signed',
};

const trim = (dir: string): string => dir.replace(/\/+$/, '');

/**
 * The preprocessor's options for the release at `release` with the machine layer's headers at
 * `machineInclude`: the machine's headers first, then the release's include/ (with asm/ as the
 * configured tree's link to asm-i386/) and net/inet/, as the kernel's Makefile has them.
 */
export function kernelOptions(release: string, machineInclude: string): PPOptions {
  const r = trim(release);
  return {
    includePaths: [trim(machineInclude), `${r}/include`, `${r}/net/inet`],
    defines: KERNEL_DEFINES,
    aliases: [{ from: `${r}/include/asm/`, to: `${r}/include/asm-i386/` }],
  };
}
