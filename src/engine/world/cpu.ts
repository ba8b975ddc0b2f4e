// The machine layer's CPU: the i386 instructions the release's inline assembly uses on the close
// path, run as natives by the macro the asm is written through (asm-i386/system.h). The
// interrupt flag lives in the C global `machine_eflags` (src/kernel/machine/system.c), so it is in
// the run's memory, undone with it when stepping back, and shown like any variable:
//   cli()            "cli"              clears IF (0x200)
//   sti()            "sti"              sets IF
//   save_flags(x)    "pushfl ; popl %0" x = EFLAGS
//   restore_flags(x) "pushl %0 ; popfl" EFLAGS = x (only IF can change: popfl at CPL 0)
// No interrupt comes on this machine, so nothing acts on the flag. Any other asm is refused when
// it is reached, naming its line.

import type { AsmNativeDef } from '../cmachine/native';

const IF = 0x200;

/** The natives, over the address of machine_eflags (asked for at the first use, once the kernel is loaded). */
export function i386Asm(eflags: () => number): Record<string, AsmNativeDef> {
  let at = 0;
  const addr = (): number => at || (at = eflags());
  return {
    cli: { fn: (mem) => (mem.st32(addr(), mem.u32(addr()) & ~IF), 0), effect: 'clears the interrupt flag' },
    sti: { fn: (mem) => (mem.st32(addr(), (mem.u32(addr()) | IF) >>> 0), 0), effect: 'sets the interrupt flag' },
    save_flags: { fn: (mem) => mem.u32(addr()), pure: true },
    restore_flags: { fn: (mem, [x]) => (mem.st32(addr(), ((mem.u32(addr()) & ~IF) | (x & IF)) >>> 0), 0), effect: 'sets the interrupt flag' },
  };
}
