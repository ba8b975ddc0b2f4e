// The values layer over byte memory: what a debugger shows of a C object of the release, read from
// a run's Memory by its i386 layout (types.ts). A value is plain data (name, type text, value text,
// how many children, where it lives), so a DAP layer can keep it behind a variablesReference and
// ask for its children page by page. Reading never throws: memory that cannot be read, or a pointer
// into freed or unmapped memory, says so in the value text.

import type { Kernel } from '../cmachine/kernel';
import type { Block, Memory } from '../memory/memory';
import { NULL_PAGE } from '../memory/memory';
import { sizeOf, typeName, type CT, type IntT, type RecT } from '../cmachine/types';
import { KernelConstants, type Family } from './constants';
import type { HeapLookup } from './heap';

/** A bitfield: its width and first bit, counted from the byte at the place's address. */
export interface BitField {
  width: number;
  offset: number;
  signed: boolean;
}

/** Where a value lives. */
export type Place =
  /** an object in byte memory (a global, a heap block, a frame's memory) */
  | { k: 'memory'; addr: number; t: CT; bits?: BitField }
  /** a local kept in a frame slot (its address is never taken, so it has none) */
  | { k: 'slot'; cells: any[]; index: number; t: CT }
  /** a computed value (an expression's result): read-only */
  | { k: 'value'; v: unknown; t: CT };

/** What a value's children are (kept with the value; `children` reads them when asked). */
export type Expansion =
  | { k: 'none' }
  /** the fields of a struct or union at `addr`; `via`: '.' or '->' for evaluate names */
  | { k: 'record'; addr: number; r: RecT; via: '.' | '->' }
  /** elements [first, first + n) of an array of `of` starting at `addr` (element 0's address) */
  | { k: 'array'; addr: number; of: CT; first: number; n: number; expr?: string }
  /** the one object a pointer to a scalar points to */
  | { k: 'pointee'; addr: number; t: CT };

export interface CValue {
  name: string;
  /** the C type as written (`struct sock *`, `unsigned char`, `unsigned short : 4`) */
  type: string;
  /** the value as shown (`TCP_CLOSE_WAIT (8)`, `0x8051c0 <tcp_prot>`, `65 'A'`, `NULL`) */
  value: string;
  place: Place;
  expand: Expansion;
  /** named children (fields) and indexed children (array elements), for DAP paging */
  named: number;
  indexed: number;
  /** for a place in memory: the address and size (data breakpoints, the memory view) */
  address?: number;
  size?: number;
  /** a C expression for this value at the frame it was read in (`sk->timer.expires`), when there is one */
  evaluateName?: string;
  /** the family of constants the place holds (the name is shown beside the number) */
  family?: Family;
  /** true for a computed value: setValue refuses it */
  readOnly: boolean;
  /** why the value could not be read, or what is wrong with where a pointer points */
  problem?: string;
}

export interface ValueOptions {
  /** integers in hexadecimal (DAP's ValueFormat.hex) */
  hex?: boolean;
  /** elements per page of a long array (default 100) */
  chunk?: number;
  /** the most characters shown of a char string (default 64) */
  maxString?: number;
  /** an allocator's own blocks (the machine layer's kmalloc arena: see heap.ts), asked before Memory's */
  heap?: HeapLookup;
  /**
   * a struct in freed memory still expands into the bytes it was left with (its pointer says it is
   * freed): the machine's kmalloc never reuses a block, so a destroyed sock keeps its last fields.
   * Default false: only live memory expands.
   */
  expandFreed?: boolean;
  /** names the caller gives objects at their addresses (a scenario's sockets): a pointer to one shows it */
  names?: (addr: number) => string | undefined;
}

const hex = (a: number): string => `0x${(a >>> 0).toString(16)}`;

/** The run a values layer reads: its memory (and the history its writes go through). */
export interface RunView {
  readonly mem: Memory;
}

/** Reads values of one run of a compiled kernel. */
export class Values {
  readonly constants: KernelConstants;
  readonly chunk: number;
  readonly maxString: number;

  constructor(
    readonly kernel: Kernel,
    readonly run: RunView,
    readonly opts: ValueOptions = {},
    constants?: KernelConstants,
  ) {
    this.constants = constants ?? new KernelConstants(kernel);
    this.chunk = Math.max(2, opts.chunk ?? 100);
    this.maxString = opts.maxString ?? 64;
  }

  get mem(): Memory {
    return this.run.mem;
  }

  // ---- making values ------------------------------------------------------------------------

  /** The object of type `t` at `addr`, named `name` (`evaluateName`: a C expression for it). */
  at(name: string, t: CT, addr: number, evaluateName?: string, family?: Family): CValue {
    return this.make(name, { k: 'memory', addr, t }, evaluateName, family);
  }

  /** A global by name (`file:name` for a static one). */
  global(name: string): CValue {
    const g = this.kernel.globals.get(name) ?? [...this.kernel.globals.entries()].find(([k]) => k.endsWith('/' + name))?.[1];
    if (!g) throw new Error(`no global '${name}'`);
    return this.at(g.name, g.type, g.addr, g.static ? undefined : g.name);
  }

  /** `v` read again (after a write, or after the history moved): the same place, name and constants. */
  reread(v: CValue): CValue {
    return this.make(v.name, v.place, v.evaluateName, v.family);
  }

  /** A value at a place (the kind of children follows from the type and what memory holds). */
  make(name: string, place: Place, evaluateName?: string, family?: Family): CValue {
    const t = place.t;
    const bits = place.k === 'memory' ? place.bits : undefined;
    const out: CValue = {
      name,
      type: bits ? `${typeName(t)} : ${bits.width}` : typeName(t),
      value: '',
      place,
      expand: { k: 'none' },
      named: 0,
      indexed: 0,
      evaluateName,
      family,
      readOnly: place.k === 'value',
    };
    if (place.k === 'memory') {
      out.address = place.addr;
      out.size = bits ? Math.ceil((bits.offset + bits.width) / 8) : sizeOf(t);
    }
    switch (t.k) {
      case 'record': {
        const addr = this.addressOf(place);
        if (!t.complete) {
          out.value = '<incomplete type>';
          break;
        }
        const where = this.check(addr, t.size);
        if (where && !this.expandsFreed(where)) {
          out.value = `<${where}>`;
          out.problem = where;
          break;
        }
        out.value = where ? `{...} <${where}>` : '{...}';
        out.problem = where;
        out.expand = { k: 'record', addr, r: t, via: '.' };
        out.named = this.fieldsOf(t).length;
        break;
      }
      case 'array': {
        const addr = this.addressOf(place);
        const n = t.n ?? 0;
        const es = sizeOf(t.of) ?? 0;
        const where = this.check(addr, Math.max(1, n * es));
        if (where && !this.expandsFreed(where)) {
          out.value = `<${where}>`;
          out.problem = where;
          break;
        }
        out.problem = where;
        out.value = (isChar(t.of) ? this.stringAt(addr, n) : `[${n}]`) + (where ? ` <${where}>` : '');
        if (n > 0 && es > 0) {
          out.expand = { k: 'array', addr, of: t.of, first: 0, n, expr: evaluateName };
          out.indexed = n;
        }
        break;
      }
      case 'func':
        // a function designator's value is its address
        out.value = this.functionText(place.k === 'memory' ? place.addr : (this.addressOf(place) as number));
        break;
      case 'void':
        out.value = 'void';
        break;
      default: {
        const r = this.read(place);
        if (!r.ok) {
          out.value = `<${r.why}>`;
          out.problem = r.why;
          break;
        }
        this.scalar(out, t, r.v);
      }
    }
    return out;
  }

  /** Fills in a scalar's value text and, for a pointer, what it expands into. */
  private scalar(out: CValue, t: CT, v: unknown): void {
    if (t.k === 'int') {
      out.value = this.intText(t, v as number | bigint, out.family);
      return;
    }
    if (t.k === 'float') {
      out.value = String(v);
      return;
    }
    if (t.k !== 'ptr') return;
    const p = (v as number) >>> 0;
    const to = t.to;
    if (p === 0) {
      out.value = 'NULL';
      return;
    }
    if (to.k === 'func') {
      out.value = this.functionText(p);
      return;
    }
    const size = to.k === 'void' ? 1 : (sizeOf(to) ?? 1);
    const where = this.check(p, size);
    if (where) {
      out.value = `${hex(p)} <${where}>`;
      out.problem = where;
      if (!this.expandsFreed(where) || to.k !== 'record' || !to.complete) return;
      out.expand = { k: 'record', addr: p, r: to, via: '->' };
      out.named = this.fieldsOf(to).length;
      return;
    }
    let text = hex(p) + this.symbolOf(p);
    if (isChar(to)) text += ' ' + this.stringAt(p, Infinity);
    out.value = text;
    if (to.k === 'record' && to.complete) {
      out.expand = { k: 'record', addr: p, r: to, via: '->' };
      out.named = this.fieldsOf(to).length;
    } else if (to.k === 'int' || to.k === 'ptr' || (to.k === 'array' && to.n)) {
      out.expand = { k: 'pointee', addr: p, t: to };
      out.named = 1;
    }
  }

  private expandsFreed(where: string): boolean {
    return this.opts.expandFreed === true && where.startsWith('freed');
  }

  /** A short description of what is wrong with `size` bytes at `addr`, or undefined when they are live memory. */
  check(addr: number, size: number): string | undefined {
    addr >>>= 0;
    if (addr === 0) return 'NULL';
    if (addr < NULL_PAGE) return `in the NULL page`;
    const b = this.blockAt(addr);
    if (!b) return 'unmapped memory';
    if (!b.live) return `freed memory (${b.label}, ${b.size} bytes at ${hex(b.start)})`;
    if (b.kind === 'function') return 'a function address, not data';
    if (addr + size > b.start + b.size) return `runs past the end of ${b.label} (${b.size} bytes at ${hex(b.start)})`;
    return undefined;
  }

  /** The block holding `addr`: the allocator's when it knows, else Memory's. */
  blockAt(addr: number): Block | undefined {
    return this.opts.heap?.(addr) ?? this.mem.blockAt(addr);
  }

  /** ` <tcp_prot>` / ` <tcp_prot+8>` for an address inside a global, else ''. */
  private symbolOf(addr: number): string {
    const named = this.opts.names?.(addr);
    if (named) return ` <${named}>`;
    const b = this.blockAt(addr);
    if (!b || b.kind !== 'global') return '';
    const off = addr - b.start;
    return ` <${b.label}${off ? `+${off}` : ''}>`;
  }

  /** A function pointer's text: the function's name, or what the address is instead. */
  functionText(addr: number): string {
    const f = this.kernel.functionAt(addr >>> 0);
    if (f === null) return 'NULL';
    if (!f) {
      const where = this.check(addr, 1);
      return `${hex(addr)} <${where ?? 'not a function'}>`;
    }
    return `${hex(addr)} <${f.name}>`;
  }

  /** The text of an integer of type `t` (a constant's name first when the place holds a family). */
  intText(t: IntT, v: number | bigint, family?: Family): string {
    const num = this.opts.hex ? hexInt(t, v) : String(v);
    if (family && typeof v === 'number') {
      const name = this.constants.nameOf(v, family);
      if (name) return `${name} (${num})`;
    }
    // a place holding constants is a number, never a character, even when it is a byte
    if (family) return num;
    if (t.size === 1 && typeof v === 'number') return `${num} ${charLiteral(v & 0xff)}`;
    return num;
  }

  /** A quoted, escaped string of at most `max` chars at `addr` (to a NUL; `...` when cut short). */
  private stringAt(addr: number, max: number): string {
    const limit = Math.min(max, this.maxString);
    let s = '';
    for (let i = 0; i < limit; i++) {
      let c: number;
      try {
        c = this.mem.u8(addr + i);
      } catch {
        return `"${s}" <unreadable after ${i} bytes>`;
      }
      if (c === 0) return `"${s}"`;
      s += escapeChar(c);
    }
    return limit < max ? `"${s}"...` : `"${s}"`;
  }

  // ---- reading ------------------------------------------------------------------------------

  private addressOf(p: Place): number {
    // an aggregate's value is its address (an expression yields it so)
    return p.k === 'memory' ? p.addr : p.k === 'slot' ? (p.cells[p.index] as number) : (p.v as number);
  }

  /** A scalar's value at its place, or why it cannot be read. */
  read(p: Place): { ok: true; v: unknown } | { ok: false; why: string } {
    if (p.k === 'slot') return { ok: true, v: p.cells[p.index] };
    if (p.k === 'value') return { ok: true, v: p.v };
    const size = p.bits ? Math.ceil((p.bits.offset + p.bits.width) / 8) : (sizeOf(p.t) ?? 0);
    const where = this.check(p.addr, size);
    // freed memory still holds its bytes: a field of a freed struct is shown, with a note on the parent pointer
    if (where && !where.startsWith('freed')) return { ok: false, why: where };
    try {
      return { ok: true, v: this.load(p.addr, p.t, p.bits) };
    } catch (e) {
      return { ok: false, why: (e as Error).message };
    }
  }

  /** Loads a scalar of type `t` at `addr` as the compiled code would (a bitfield through its bits). */
  load(addr: number, t: CT, bits?: BitField): unknown {
    return loadScalar(this.mem, addr, t, bits);
  }

  // ---- children -----------------------------------------------------------------------------

  /** The named fields of a record, anonymous members' fields lifted as C names them (unnamed padding bitfields left out). */
  private fieldsOf(r: RecT): { name: string; type: CT; offset: number; bits?: number; bitOffset?: number }[] {
    const out: { name: string; type: CT; offset: number; bits?: number; bitOffset?: number }[] = [];
    for (const f of r.fields) {
      if (f.name) out.push(f);
      else if (f.type.k === 'record' && f.bits === undefined) for (const g of this.fieldsOf(f.type)) out.push({ ...g, offset: f.offset + g.offset });
    }
    return out;
  }

  /**
   * The children of `v`: a struct's fields, a pointer's pointee (a struct's fields directly, as
   * debuggers show them), an array's elements. For an array, `start`/`count` page the elements;
   * without them an array longer than a page gives ranges (`[0..99]`...), each a value whose
   * children are that range's elements.
   */
  children(v: CValue, start?: number, count?: number): CValue[] {
    const e = v.expand;
    const base = v.evaluateName;
    switch (e.k) {
      case 'none':
        return [];
      case 'record': {
        const out: CValue[] = [];
        for (const f of this.fieldsOf(e.r)) {
          const bits = f.bits !== undefined ? { width: f.bits, offset: f.bitOffset ?? 0, signed: f.type.k === 'int' && f.type.signed } : undefined;
          const place: Place = { k: 'memory', addr: e.addr + f.offset, t: f.type, bits };
          const evalName = base !== undefined ? `${wrap(base)}${e.via}${f.name}` : undefined;
          out.push(this.make(f.name, place, evalName, this.constants.fieldFamily(e.r.tag, f.name)));
        }
        return page(out, start, count);
      }
      case 'pointee': {
        const evalName = base !== undefined ? `*${wrap(base)}` : undefined;
        return [this.make(`*${v.name}`, { k: 'memory', addr: e.addr, t: e.t }, evalName)];
      }
      case 'array': {
        const es = sizeOf(e.of)!;
        if (start === undefined && count === undefined && e.n > this.chunk) {
          // ranges of chunk^k elements, at most `chunk` of them
          let size = this.chunk;
          while (Math.ceil(e.n / size) > this.chunk) size *= this.chunk;
          const out: CValue[] = [];
          for (let i = 0; i < e.n; i += size) {
            const n = Math.min(size, e.n - i);
            const first = e.first + i;
            // a range: its elements keep their index in the whole array, and the array's expression
            out.push({
              name: `[${first}..${first + n - 1}]`,
              type: typeName({ k: 'array', of: e.of, n }),
              value: '',
              place: { k: 'memory', addr: e.addr + first * es, t: { k: 'array', of: e.of, n } },
              expand: { k: 'array', addr: e.addr, of: e.of, first, n, expr: e.expr },
              named: 0,
              indexed: n,
              address: e.addr + first * es,
              size: n * es,
              readOnly: false,
            });
          }
          return out;
        }
        const from = Math.max(0, start ?? 0);
        const to = Math.min(e.n, count === undefined ? e.n : from + Math.max(0, count));
        const out: CValue[] = [];
        for (let i = from; i < to; i++) {
          const idx = e.first + i;
          out.push(this.make(`[${idx}]`, { k: 'memory', addr: e.addr + idx * es, t: e.of }, e.expr !== undefined ? `${wrap(e.expr)}[${idx}]` : undefined));
        }
        return out;
      }
    }
  }

  /** A child of `v` by name (`state`, `[3]`, `*p`), or undefined. */
  child(v: CValue, name: string): CValue | undefined {
    if (v.expand.k === 'array') {
      const m = /^\[(\d+)\]$/.exec(name);
      if (!m) return undefined;
      const i = Number(m[1]) - v.expand.first;
      if (i < 0 || i >= v.expand.n) return undefined;
      return this.children(v, i, 1)[0];
    }
    return this.children(v).find((c) => c.name === name);
  }
}

function page<T>(xs: T[], start?: number, count?: number): T[] {
  if (start === undefined && count === undefined) return xs;
  const s = Math.max(0, start ?? 0);
  return xs.slice(s, count === undefined ? undefined : s + count);
}

/** An expression in parentheses unless it is a plain name or a chain of members and subscripts. */
function wrap(e: string): string {
  return /^(?:[A-Za-z_]\w*|\([^()]*\))(?:(?:->|\.)[A-Za-z_]\w*|\[\d+\])*$/.test(e) ? e : `(${e})`;
}

const isChar = (t: CT): boolean => t.k === 'int' && t.size === 1;

function hexInt(t: IntT, v: number | bigint): string {
  if (typeof v === 'bigint') return `0x${BigInt.asUintN(64, v).toString(16)}`;
  const bits = t.size * 8;
  return `0x${(bits === 32 ? v >>> 0 : v & (2 ** bits - 1)).toString(16)}`;
}

const ESCAPES: Record<number, string> = { 0: '\\0', 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 39: "\\'", 92: '\\\\' };

function escapeChar(c: number): string {
  if (ESCAPES[c] !== undefined && c !== 39) return ESCAPES[c];
  if (c === 34) return '\\"';
  if (c >= 32 && c < 127) return String.fromCharCode(c);
  return `\\${c.toString(8).padStart(3, '0')}`;
}

/** A byte as a C character literal: `'A'`, `'\n'`, `'\0'`, `'\310'`. */
export function charLiteral(c: number): string {
  if (c === 39) return "'\\''";
  if (c === 34) return `'"'`;
  return `'${escapeChar(c)}'`;
}

/** Loads a scalar of type `t` at `addr` of `m` as the compiled code would (a bitfield through its bits). */
export function loadScalar(m: Memory, addr: number, t: CT, bits?: BitField): unknown {
  if (bits) {
    const nbytes = Math.ceil((bits.offset + bits.width) / 8);
    let raw = 0;
    for (let i = nbytes - 1; i >= 0; i--) raw = raw * 256 + m.u8(addr + i);
    const mod = 2 ** bits.width;
    let v = Math.floor(raw / 2 ** bits.offset) % mod;
    if (bits.signed && v >= mod / 2) v -= mod;
    return v;
  }
  switch (t.k) {
    case 'int':
      switch (t.size) {
        case 1:
          return t.signed ? m.s8(addr) : m.u8(addr);
        case 2:
          return t.signed ? m.s16(addr) : m.u16(addr);
        case 4:
          return t.signed ? m.s32(addr) : m.u32(addr);
        case 8: {
          const v = (BigInt(m.u32(addr + 4)) << 32n) | BigInt(m.u32(addr));
          return t.signed ? BigInt.asIntN(64, v) : v;
        }
      }
      break;
    case 'ptr':
      return m.u32(addr);
    case 'float': {
      const b = m.read(addr, t.size);
      const dv = new DataView(b.buffer);
      return t.size === 4 ? dv.getFloat32(0, true) : t.size === 8 ? dv.getFloat64(0, true) : `<long double ${[...b].map((x) => x.toString(16).padStart(2, '0')).join(' ')}>`;
    }
  }
  return addr;
}
