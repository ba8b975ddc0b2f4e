// Where a heap address falls when the heap is the machine layer's own kmalloc (src/kernel/machine/
// kmalloc.c): one static arena of blocks, each after an 8-byte header {size, live}, laid out in
// order up to `used` (a freed block keeps its place and its size's rounding when kmalloc hands it
// out again). Byte memory sees the arena as one live global; this reads the headers so a pointer
// into a kfree_s'd block is reported as freed, as for a heap block of Memory's own.

import type { Kernel } from '../cmachine/kernel';
import type { Block, Memory } from '../memory/memory';

/** The block holding an address, when an allocator other than Memory's knows better (else undefined). */
export type HeapLookup = (addr: number) => Block | undefined;

const HEADER = 8;

/** The lookup for the machine layer's kmalloc arena, or undefined when the kernel has none. */
export function machineArena(kernel: Kernel, mem: () => Memory): HeapLookup | undefined {
  // kmalloc.c's statics, by the file that defines them (machine.c compiles kmalloc.c inside it)
  const find = (name: string) => [...kernel.globals.values()].find((g) => g.static && g.name === name && /[/\\]kmalloc\.c$/.test(g.loc.file));
  const arena = find('arena');
  const used = find('used');
  if (!arena?.addr || !used?.addr || arena.type.k !== 'array') return undefined;
  const start = arena.addr;
  const size = arena.type.n! * 4;
  return (addr) => {
    addr >>>= 0;
    if (addr < start || addr >= start + size) return undefined;
    const m = mem();
    const end = start + Math.min(size, m.u32(used.addr));
    if (addr >= end) return { start: end, size: start + size - end, kind: 'heap', label: 'the unallocated part of the kmalloc arena', live: false };
    for (let at = start; at + HEADER <= end; ) {
      const n = m.u32(at);
      const data = at + HEADER;
      const next = data + ((n + 7) & ~7);
      if (addr < data) return { start: at, size: HEADER, kind: 'heap', label: 'a kmalloc block header', live: true };
      if (addr < next || next <= at) return { start: data, size: Math.max(1, n), kind: 'heap', label: 'kmalloc', live: m.u32(at + 4) !== 0 };
      at = next;
    }
    return undefined;
  };
}
