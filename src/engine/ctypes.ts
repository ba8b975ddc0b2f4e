// The C types the interpreter knows (i386 sizes), struct instances, and C's integer conversions.

export interface IntType {
  k: 'int';
  bits: 8 | 16 | 32;
  signed: boolean;
  name: string;
}
export interface PtrType {
  k: 'ptr';
  to: CType;
}
export interface VoidType {
  k: 'void';
}
export interface FuncType {
  k: 'func';
  ret: CType;
  params: CType[];
  variadic: boolean;
}
export interface Field {
  name: string;
  type: CType;
  index: number;
  /** width of a bitfield, if it is one */
  bits?: number;
}
export interface StructType {
  k: 'struct';
  name: string;
  union: boolean;
  fields: Field[];
  byName: Map<string, Field>;
  complete: boolean;
  /** slots past the declared fields that natives use privately (a timer's pending flag...) */
  hidden: number;
}
export type CType = IntType | PtrType | VoidType | FuncType | StructType;

export const VOID: VoidType = { k: 'void' };
const int = (bits: 8 | 16 | 32, signed: boolean, name: string): IntType => ({ k: 'int', bits, signed, name });
export const INT = int(32, true, 'int');
export const UINT = int(32, false, 'unsigned int');
export const LONG = int(32, true, 'long');
export const ULONG = int(32, false, 'unsigned long');
export const SHORT = int(16, true, 'short');
export const USHORT = int(16, false, 'unsigned short');
export const CHAR = int(8, true, 'char');
export const UCHAR = int(8, false, 'unsigned char');
export const CHAR_PTR: PtrType = { k: 'ptr', to: CHAR };
export const VOID_PTR: PtrType = { k: 'ptr', to: VOID };

/** A struct (or one-member union) in the interpreter's memory: its field values by index. */
export class CStruct {
  private static nextId = 1;
  readonly id = CStruct.nextId++;
  /** values by field index; nested structs are CStruct instances embedded here */
  readonly f: any[];
  constructor(readonly type: StructType) {
    this.f = new Array(type.fields.length + type.hidden);
    for (const fl of type.fields) this.f[fl.index] = zeroOf(fl.type);
    for (let i = 0; i < type.hidden; i++) this.f[type.fields.length + i] = 0;
  }
  get(name: string): any {
    const fl = this.type.byName.get(name);
    if (!fl) throw new Error(`struct ${this.type.name} has no field ${name}`);
    return this.f[fl.index];
  }
}

/** A C function value (a function pointer's target): a function defined in C or a native. */
export interface FunctionRef {
  kind: 'c' | 'native';
  name: string;
  type: FuncType;
}

export function zeroOf(t: CType): any {
  if (t.k === 'struct') return new CStruct(t);
  if (t.k === 'int') return 0;
  return null;
}

export function typeName(t: CType): string {
  switch (t.k) {
    case 'int':
      return t.name;
    case 'void':
      return 'void';
    case 'ptr':
      return t.to.k === 'func' ? `${typeName(t.to.ret)} (*)(${t.to.params.map(typeName).join(', ')})` : `${typeName(t.to)} *`;
    case 'struct':
      return `${t.union ? 'union' : 'struct'} ${t.name}`;
    case 'func':
      return `${typeName(t.ret)} (${t.params.map(typeName).join(', ')})`;
  }
}

/** The function that converts a JS number to a value of integer type `t` (C's modular conversion). */
export function intConverter(t: IntType, bits: number = t.bits): (v: number) => number {
  if (bits === 32) return t.signed ? (v) => v | 0 : (v) => v >>> 0;
  const mask = 2 ** bits - 1;
  if (!t.signed) return (v) => v & mask;
  const shift = 32 - bits;
  return (v) => (v << shift) >> shift;
}

/** Integer promotion: types narrower than int become int. */
export function promote(t: IntType): IntType {
  return t.bits < 32 ? INT : t;
}

/** The usual arithmetic conversions for two integer operands (all 32-bit here). */
export function commonType(a: IntType, b: IntType): IntType {
  const pa = promote(a);
  const pb = promote(b);
  if (!pa.signed) return pa;
  if (!pb.signed) return pb;
  return pa.name === 'long' || pb.name === 'long' ? LONG : INT;
}

export function isInt(t: CType): t is IntType {
  return t.k === 'int';
}
export function isPtr(t: CType): t is PtrType {
  return t.k === 'ptr';
}
export function isScalar(t: CType): boolean {
  return t.k === 'int' || t.k === 'ptr';
}
export function sameType(a: CType, b: CType): boolean {
  if (a === b) return true;
  if (a.k !== b.k) return false;
  if (a.k === 'int' && b.k === 'int') return a.bits === b.bits && a.signed === b.signed;
  if (a.k === 'ptr' && b.k === 'ptr') return a.to.k === 'void' || b.to.k === 'void' || sameType(a.to, b.to);
  if (a.k === 'struct' && b.k === 'struct') return a.name === b.name && a.union === b.union;
  if (a.k === 'void') return true;
  if (a.k === 'func' && b.k === 'func') return a.params.length === b.params.length;
  return false;
}
