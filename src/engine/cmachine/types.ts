// The C types of the kernel as gcc lays them out for i386 (System V ABI): sizes, alignments,
// struct and union layout with gcc's bitfield packing, and C's integer conversions on values
// (32-bit and narrower integers and pointers are JS numbers; long long is a BigInt).

export interface VoidT {
  k: 'void';
}
export interface IntT {
  k: 'int';
  size: 1 | 2 | 4 | 8;
  signed: boolean;
  name: string;
}
/** float, double, long double: laid out, never computed with (the kernel does no floating point) */
export interface FloatT {
  k: 'float';
  size: 4 | 8 | 12;
  name: string;
}
export interface PtrT {
  k: 'ptr';
  to: CT;
}
export interface ArrT {
  k: 'array';
  of: CT;
  /** undefined: incomplete (`int a[]`) */
  n: number | undefined;
}
export interface Field {
  /** '' for an unnamed bitfield or an anonymous struct/union member */
  name: string;
  type: CT;
  /** byte offset of the field (a bitfield: of the storage unit holding it) */
  offset: number;
  /** a bitfield: its width and its first bit counted from `offset`'s byte, little-endian */
  bits?: number;
  bitOffset?: number;
}
export interface RecT {
  k: 'record';
  tag: string;
  union: boolean;
  fields: Field[];
  byName: Map<string, Field>;
  size: number;
  align: number;
  complete: boolean;
}
export interface FnT {
  k: 'func';
  ret: CT;
  params: CT[];
  variadic: boolean;
  /** false for `int f()`: an old-style declaration that says nothing of the parameters */
  proto: boolean;
}
export type CT = VoidT | IntT | FloatT | PtrT | ArrT | RecT | FnT;

const int = (size: 1 | 2 | 4 | 8, signed: boolean, name: string): IntT => ({ k: 'int', size, signed, name });
export const VOID: VoidT = { k: 'void' };
export const CHAR = int(1, true, 'char');
export const SCHAR = int(1, true, 'signed char');
export const UCHAR = int(1, false, 'unsigned char');
export const SHORT = int(2, true, 'short');
export const USHORT = int(2, false, 'unsigned short');
export const INT = int(4, true, 'int');
export const UINT = int(4, false, 'unsigned int');
export const LONG = int(4, true, 'long');
export const ULONG = int(4, false, 'unsigned long');
export const LLONG = int(8, true, 'long long');
export const ULLONG = int(8, false, 'unsigned long long');
export const FLOAT: FloatT = { k: 'float', size: 4, name: 'float' };
export const DOUBLE: FloatT = { k: 'float', size: 8, name: 'double' };
export const LDOUBLE: FloatT = { k: 'float', size: 12, name: 'long double' };
export const VOIDP: PtrT = { k: 'ptr', to: VOID };
export const CHARP: PtrT = { k: 'ptr', to: CHAR };

export const ptrTo = (t: CT): PtrT => ({ k: 'ptr', to: t });

export class TypeError_ extends Error {}

/** sizeof; undefined for an incomplete type or a function */
export function sizeOf(t: CT): number | undefined {
  switch (t.k) {
    case 'void':
      return 1; // gcc: sizeof(void) is 1, void * arithmetic steps by bytes
    case 'int':
    case 'float':
      return t.size;
    case 'ptr':
      return 4;
    case 'array': {
      if (t.n === undefined) return undefined;
      const e = sizeOf(t.of);
      return e === undefined ? undefined : e * t.n;
    }
    case 'record':
      return t.complete ? t.size : undefined;
    case 'func':
      return 1; // gcc: sizeof a function is 1 (function pointer arithmetic steps by bytes)
  }
}

/** __alignof__ as gcc answers it on i386: long long and double prefer 8 outside a struct */
export function alignOf(t: CT): number {
  switch (t.k) {
    case 'void':
    case 'func':
      return 1;
    case 'int':
    case 'float':
      return t.size === 8 ? 8 : t.size === 12 ? 4 : t.size;
    case 'ptr':
      return 4;
    case 'array':
      return alignOf(t.of);
    case 'record':
      return t.align;
  }
}

/** the alignment of a field of type `t` inside a struct (i386 SysV: at most 4) */
export function fieldAlign(t: CT): number {
  switch (t.k) {
    case 'array':
      return fieldAlign(t.of);
    case 'record':
      return t.align;
    default:
      return Math.min(4, alignOf(t));
  }
}

export interface FieldDecl {
  name: string;
  type: CT;
  bits?: number;
}

/** Lays out a struct or union's fields as gcc does for i386 (PCC bitfield rules), completing `r`. */
export function layOut(r: RecT, decls: FieldDecl[], packed: boolean): void {
  let bitpos = 0;
  let maxAlign = 1;
  let size = 0;
  const fields: Field[] = [];
  for (const d of decls) {
    const tsize = sizeOf(d.type);
    if (tsize === undefined) {
      // a flexible array member at the end (`char data[]` / `[0]`): size 0
      if (d.type.k === 'array' && d.type.n === undefined) {
        const a = packed ? 1 : fieldAlign(d.type);
        const off = alignUp(Math.ceil(bitpos / 8), a);
        maxAlign = Math.max(maxAlign, a);
        fields.push({ name: d.name, type: d.type, offset: r.union ? 0 : off });
        if (!r.union) bitpos = off * 8;
        continue;
      }
      throw new TypeError_(`field '${d.name}' has an incomplete type`);
    }
    const a = packed ? 1 : fieldAlign(d.type);
    if (d.bits === undefined) {
      const off = r.union ? 0 : alignUp(Math.ceil(bitpos / 8), a);
      maxAlign = Math.max(maxAlign, a);
      fields.push({ name: d.name, type: d.type, offset: off });
      if (r.union) size = Math.max(size, tsize);
      else bitpos = (off + tsize) * 8;
      continue;
    }
    const w = d.bits;
    const unit = a * 8;
    if (r.union) {
      if (d.name) maxAlign = Math.max(maxAlign, a);
      fields.push({ name: d.name, type: d.type, offset: 0, bits: w, bitOffset: 0 });
      size = Math.max(size, Math.ceil(w / 8));
      continue;
    }
    if (w === 0) {
      bitpos = alignUp(bitpos, unit);
      continue;
    }
    // a bitfield may not straddle a storage unit of its type (aligned as the type is)
    const start = Math.floor(bitpos / unit) * unit;
    if (!packed && bitpos + w > start + tsize * 8) bitpos = alignUp(bitpos, unit);
    if (d.name) maxAlign = Math.max(maxAlign, a);
    const byte = Math.floor(bitpos / 8);
    fields.push({ name: d.name, type: d.type, offset: byte, bits: w, bitOffset: bitpos - byte * 8 });
    bitpos += w;
  }
  if (!r.union) size = Math.ceil(bitpos / 8);
  r.fields = fields;
  r.byName = new Map();
  for (const f of fields) if (f.name) r.byName.set(f.name, f);
  r.align = maxAlign;
  r.size = alignUp(size, maxAlign);
  r.complete = true;
}

export function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** A field by name, looking into anonymous struct/union members: the field and its total offset. */
export function findField(r: RecT, name: string): { f: Field; offset: number } | undefined {
  const f = r.byName.get(name);
  if (f) return { f, offset: f.offset };
  for (const g of r.fields) {
    if (g.name || g.type.k !== 'record') continue;
    const inner = findField(g.type, name);
    if (inner) return { f: inner.f, offset: g.offset + inner.offset };
  }
  return undefined;
}

export function typeName(t: CT, inner = ''): string {
  switch (t.k) {
    case 'void':
      return `void${inner && ' ' + inner}`;
    case 'int':
    case 'float':
      return `${t.name}${inner && ' ' + inner}`;
    case 'record':
      return `${t.union ? 'union' : 'struct'} ${t.tag}${inner && ' ' + inner}`;
    case 'ptr':
      return typeName(t.to, t.to.k === 'array' || t.to.k === 'func' ? `(*${inner})` : `*${inner}`);
    case 'array':
      return typeName(t.of, `${inner}[${t.n ?? ''}]`);
    case 'func':
      return typeName(t.ret, `${inner}(${t.params.map((p) => typeName(p)).join(', ')}${t.variadic ? ', ...' : ''})`);
  }
}

export const isInt = (t: CT): t is IntT => t.k === 'int';
export const isPtr = (t: CT): t is PtrT => t.k === 'ptr';
export const isScalar = (t: CT): boolean => t.k === 'int' || t.k === 'ptr';
export const isLL = (t: CT): boolean => t.k === 'int' && t.size === 8;
export const isAggregate = (t: CT): t is RecT | ArrT => t.k === 'record' || t.k === 'array';

/** integer promotion */
export function promote(t: IntT): IntT {
  return t.size < 4 ? INT : t;
}

/** the usual arithmetic conversions */
export function common(a: IntT, b: IntT): IntT {
  const pa = promote(a);
  const pb = promote(b);
  if (pa.size === 8 || pb.size === 8) {
    if ((pa.size === 8 && !pa.signed) || (pb.size === 8 && !pb.signed)) return ULLONG;
    return LLONG;
  }
  if (!pa.signed || !pb.signed) return pa.name === 'long' || pb.name === 'long' || pa.name === 'unsigned long' || pb.name === 'unsigned long' ? ULONG : UINT;
  return pa.name === 'long' || pb.name === 'long' ? LONG : INT;
}

/** The function converting a value of `from` (number or BigInt) to integer type `to`. */
export function intConv(to: IntT, from?: CT): (v: any) => any {
  const fromLL = from !== undefined && isLL(from);
  if (to.size === 8) {
    if (fromLL) return to.signed ? (v: bigint) => BigInt.asIntN(64, v) : (v: bigint) => BigInt.asUintN(64, v);
    return to.signed ? (v: number) => BigInt(v) : (v: number) => BigInt.asUintN(64, BigInt(v));
  }
  const narrow = narrower(to);
  if (fromLL) return (v: bigint) => narrow(Number(BigInt.asIntN(32, v)));
  return narrow;
}

/** number → the value of a ≤32-bit integer type */
export function narrower(to: IntT): (v: number) => number {
  switch (to.size) {
    case 1:
      return to.signed ? (v) => (v << 24) >> 24 : (v) => v & 0xff;
    case 2:
      return to.signed ? (v) => (v << 16) >> 16 : (v) => v & 0xffff;
    default:
      return to.signed ? (v) => v | 0 : (v) => v >>> 0;
  }
}

/** A value of scalar type `from` converted to scalar type `to` (`undefined`: no conversion needed). */
export function converter(to: CT, from: CT): ((v: any) => any) | undefined {
  if (to.k === 'void') return () => 0;
  if (to.k === 'int') {
    if (from.k === 'int') {
      if (from.size === to.size && from.signed === to.signed) return undefined;
      if (to.size === 4 && from.size < 4 && (to.signed || !from.signed)) return undefined; // widening keeps the value
      return intConv(to, from);
    }
    if (from.k === 'ptr' || from.k === 'array' || from.k === 'func') return intConv(to, UINT);
    return undefined;
  }
  if (to.k === 'ptr') {
    if (from.k === 'int') return from.size === 8 ? (v: bigint) => Number(BigInt.asUintN(32, v)) : from.signed || from.size < 4 ? (v: number) => v >>> 0 : undefined;
    return undefined;
  }
  return undefined;
}
