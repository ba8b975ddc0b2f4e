// Function bodies and expressions to the machine's instructions (code.ts). An expression is a
// closure `(fr) => value` reading and writing through Memory; a call inside one becomes a CALL
// instruction before it (its result in a temporary slot), so the machine can push a frame and stop
// inside the callee. Scalars whose address is never taken live in frame slots (History-logged);
// aggregates and address-taken locals live in the function's frame in the stack block of Memory.

import type { Node as TreeNode } from 'web-tree-sitter';
import { isDeclNode, type CNode as TSNode } from '../front/decltree';
import { CError, Op, uniformInstr, type CFunction, type Ev, type Frame, type Instr, type Loc, type Read, type VarInfo } from '../code';
import type { FnEntry, GlobalEntry, Kernel, LocalVar, UnitState } from './kernel';
import { Scope } from './kernel';
import { CFault, asFault, decodeString, parseIntLiteral } from './support';
import { RUN, type RunState } from './runstate';
import type { Memory } from '../memory/memory';
import {
  CHAR,
  INT,
  LLONG,
  UINT,
  ULONG,
  VOID,
  alignOf,
  common,
  converter,
  findField,
  intConv,
  isAggregate,
  narrower,
  promote,
  ptrTo,
  sizeOf,
  typeName,
  type CT,
  type FnT,
  type IntT,
  type PtrT,
  type RecT,
} from './types';

type Bits = { w: number; bitOffset: number; signed: boolean };

/** A compiled expression. For arrays, functions and structs `ev` yields the address. */
export interface X {
  t: CT;
  ev: Ev;
  /** an integer constant expression's value (or an address known at load) */
  cv?: number | bigint;
  /** an lvalue: in a frame slot, or at an address */
  slot?: number;
  addr?: (fr: Frame) => number;
  /** an lvalue whose address is known at compile time (a global, its fields and elements) */
  caddr?: number;
  bits?: Bits;
  /** a bitfield rvalue promotes as int */
  node: TSNode;
}

/** One piece of an initializer: bytes at an offset of the object. */
type InitItem = { off: number; t: CT; x: X; bits?: Bits } | { off: number; bytes: number[] } | { off: number; size: number; src: X };

interface Ctx {
  entry: FnEntry;
  fn: CFunction & { frameSize?: number };
}

/** the expressions that read an lvalue as a value when used as one (a call's result is noted apart) */
const READ_NODES = new Set(['identifier', 'field_expression', 'subscript_expression', 'pointer_expression']);

const ASSIGN_OPS: Record<string, string> = { '+=': '+', '-=': '-', '*=': '*', '/=': '/', '%=': '%', '&=': '&', '|=': '|', '^=': '^', '<<=': '<<', '>>=': '>>' };

export class FnCompiler {
  code: Instr[] = [];
  nslots = 1;
  vars: (VarInfo & { home: 'slot' | 'memory'; offset: number })[] = [];
  frameSize = 0;
  /** the slot holding the frame's memory base (set from a function's VarInfo for an expression) */
  BASE = -1;
  private SAVED = -1;
  /**
   * the slot holding the stop count when the frame was made (History.setSlot leaves a write into
   * a frame made since the last stop unlogged); in an expression compiled on its own, the slot
   * RUN, which never holds a count: its writes are logged
   */
  private BORN = RUN;
  private RETBUF = -1;
  private addressTaken = new Set<string>();
  private breaks: number[][] = [];
  private conts: number[][] = [];
  private labels = new Map<string, number>();
  private gotos: { name: string; at: number; node: TSNode }[] = [];
  private switches: { cases: Map<number, number>; def: number | undefined; conv: (v: number) => number }[] = [];
  private memParams: { off: number; slot: number; t: CT }[] = [];
  /** RET instructions without a value (their `ev` only restores the stack pointer) */
  private bareReturns: number[] = [];
  /** the statement being compiled and the values its expressions read so far (STMT's `reads`) */
  private open: { stmt: Instr; reads: { x: X; n: TSNode; result?: boolean }[]; writes: boolean } | null = null;
  /** lvalues compiled but not read as values: assigned to, taken the address of, or the pointer a field or element is reached through */
  private notRead = new Set<X>();
  /** inside sizeof, typeof or __builtin_constant_p: nothing compiled there runs */
  private readsOff = 0;

  constructor(
    readonly k: Kernel,
    readonly st: UnitState,
    readonly ctx: Ctx | null,
    public scope: Scope,
  ) {
  }

  // ---- helpers --------------------------------------------------------------------------------

  private loc(n: TSNode): Loc {
    return this.k.loc(n, this.st);
  }
  private err(n: TSNode, msg: string): CError {
    return new CError(this.loc(n), msg);
  }
  private emit(i: Instr): Instr {
    if (!this.ctx) throw new CError(i.loc, `a function call or a statement is not allowed in a constant expression or a file-level initializer`);
    this.code.push(i);
    return i;
  }
  private temp(): number {
    return this.nslots++;
  }
  /** frame memory for `size` bytes; the offset from the frame's base */
  private frameAlloc(size: number, align: number): number {
    const off = Math.ceil(this.frameSize / align) * align;
    // at least a byte: a zero-length array still has an address inside the frame
    this.frameSize = off + Math.max(1, size);
    return off;
  }
  /** wraps an instruction's closure so a memory fault names the C location */
  private guard(ev: Ev, loc: Loc): Ev {
    return (fr) => {
      try {
        return ev(fr);
      } catch (e) {
        throw asFault(e, loc);
      }
    };
  }
  private stmt(n: TSNode, what: string): void {
    this.closeReads();
    const stmt = this.emit({ op: Op.STMT, loc: this.loc(n), what });
    this.open = { stmt, reads: [], writes: false };
  }
  /** the open statement's reads, final: the lvalues read as values, in the order compiled */
  private closeReads(): void {
    const o = this.open;
    if (!o) return;
    this.open = null;
    o.stmt.writes = o.writes;
    const once = new Set<string>();
    o.stmt.reads = o.reads
      .filter((r) => !this.notRead.has(r.x))
      .map((r): Read => {
        // as C is written: the preprocessor's spacing around -> . ( ) [ ] taken out
        const text = r.n.text.replace(/\s+/g, ' ').replace(/\s*(->|\.|\(|\)|\[|\])\s*/g, '$1').replace(/\s*,\s*/g, ', ');
        const out: Read = { text: text.length > 80 ? `${text.slice(0, 79)}…` : text, loc: this.loc(r.n), t: r.x.t };
        if (r.x.slot !== undefined) out.slot = r.x.slot;
        else if (r.x.addr) out.addr = r.x.addr;
        if (r.x.bits) out.bits = r.x.bits;
        if (r.result) out.result = true;
        return out;
      })
      // a macro's argument expanded more than once is read once
      .filter((r) => {
        const key = `${r.loc.line}:${r.loc.column}:${r.text}`;
        if (once.has(key)) return false;
        once.add(key);
        return true;
      });
    this.notRead.clear();
  }
  /** `x`, compiled from `n`, is read as a value by the open statement (a scalar lvalue, or a call's result) */
  private noteRead(x: X, n: TSNode, result?: boolean): void {
    if (!this.open || this.readsOff || (x.t.k !== 'int' && x.t.k !== 'ptr')) return;
    if (result ? x.slot === undefined : x.slot === undefined && !x.addr) return;
    this.open.reads.push({ x, n, result });
  }
  private exprInstr(ev: Ev, n: TSNode): void {
    const loc = this.loc(n);
    this.emit({ op: Op.EXPR, loc, ev });
  }
  /** a refusal raised when reached (asm, an unknown builtin) */
  private refuseAt(n: TSNode, msg: string): X {
    const loc = this.loc(n);
    if (this.ctx) this.k.refusals.push({ fn: this.ctx.entry.name, loc, what: msg });
    const err = (): never => {
      throw new CFault(loc, msg);
    };
    if (this.ctx) this.emit({ op: Op.EXPR, loc, ev: err });
    return { t: INT, ev: err, node: n };
  }

  // ---- loads and stores -----------------------------------------------------------------------

  load(t: CT, n: TSNode): (fr: Frame, a: number) => any {
    switch (t.k) {
      case 'int':
        switch (t.size) {
          case 1:
            return t.signed ? (fr, a) => fr.s[RUN].mem.s8(a) : (fr, a) => fr.s[RUN].mem.u8(a);
          case 2:
            return t.signed ? (fr, a) => fr.s[RUN].mem.s16(a) : (fr, a) => fr.s[RUN].mem.u16(a);
          case 4:
            return t.signed ? (fr, a) => fr.s[RUN].mem.s32(a) : (fr, a) => fr.s[RUN].mem.u32(a);
          case 8:
            return t.signed
              ? (fr, a) => BigInt.asIntN(64, (BigInt(fr.s[RUN].mem.u32(a + 4)) << 32n) | BigInt(fr.s[RUN].mem.u32(a)))
              : (fr, a) => (BigInt(fr.s[RUN].mem.u32(a + 4)) << 32n) | BigInt(fr.s[RUN].mem.u32(a));
        }
        break;
      case 'ptr':
        return (fr, a) => fr.s[RUN].mem.u32(a);
      case 'array':
      case 'record':
      case 'func':
        return (_fr, a) => a;
      case 'float':
        throw this.err(n, `floating point (${t.name}) is not supported`);
    }
    throw this.err(n, `cannot load a value of type ${typeName(t)}`);
  }

  store(t: CT, n: TSNode): (fr: Frame, a: number, v: any) => void {
    switch (t.k) {
      case 'int':
        switch (t.size) {
          case 1:
            return (fr, a, v) => fr.s[RUN].mem.st8(a, v);
          case 2:
            return (fr, a, v) => fr.s[RUN].mem.st16(a, v);
          case 4:
            return (fr, a, v) => fr.s[RUN].mem.st32(a, v);
          case 8:
            return (fr, a, v: bigint) => {
              const m: Memory = fr.s[RUN].mem;
              m.st32(a, Number(BigInt.asIntN(32, v)));
              m.st32(a + 4, Number(BigInt.asIntN(32, v >> 32n)));
            };
        }
        break;
      case 'ptr':
        return (fr, a, v) => fr.s[RUN].mem.st32(a, v);
      case 'record':
      case 'array': {
        const size = sizeOf(t)!;
        return (fr, a, v) => fr.s[RUN].mem.copy(a, v, size);
      }
    }
    throw this.err(n, `cannot store a value of type ${typeName(t)}`);
  }

  private bitLoad(b: Bits): (fr: Frame, a: number) => number {
    const nbytes = Math.ceil((b.bitOffset + b.w) / 8);
    const div = 2 ** b.bitOffset;
    const mod = 2 ** b.w;
    return (fr, a) => {
      const m: Memory = fr.s[RUN].mem;
      let raw = 0;
      for (let i = nbytes - 1; i >= 0; i--) raw = raw * 256 + m.u8(a + i);
      let v = Math.floor(raw / div) % mod;
      if (b.signed && v >= mod / 2) v -= mod;
      return v;
    };
  }

  private bitStore(b: Bits): (fr: Frame, a: number, v: number) => void {
    const nbytes = Math.ceil((b.bitOffset + b.w) / 8);
    const div = 2 ** b.bitOffset;
    const mod = 2 ** b.w;
    return (fr, a, v) => {
      const m: Memory = fr.s[RUN].mem;
      let raw = 0;
      for (let i = nbytes - 1; i >= 0; i--) raw = raw * 256 + m.u8(a + i);
      const field = (((v % mod) + mod) % mod) * div;
      const old = (Math.floor(raw / div) % mod) * div;
      raw = raw - old + field;
      for (let i = 0; i < nbytes; i++) {
        m.st8(a + i, raw % 256);
        raw = Math.floor(raw / 256);
      }
    };
  }

  /** the value of an lvalue or rvalue (arrays and functions decay to their address) */
  private rvalue(x: X): X {
    return x;
  }

  /** `x` converted to type `t` (for assignment, arguments, return, casts) */
  conv(x: X, t: CT, n: TSNode): Ev {
    if (t.k === 'void') {
      const ev = x.ev;
      return (fr) => (ev(fr), 0);
    }
    if (t.k === 'record') {
      if (x.t.k !== 'record') throw this.err(n, `cannot convert ${typeName(x.t)} to ${typeName(t)}`);
      return x.ev;
    }
    if (x.t.k === 'float' || t.k === 'float') throw this.err(n, `floating point is not supported`);
    if (x.t.k === 'record') throw this.err(n, `cannot convert ${typeName(x.t)} to ${typeName(t)}`);
    const c = converter(t, x.t);
    if (!c) return x.ev;
    const ev = x.ev;
    return (fr) => c(ev(fr));
  }

  private convX(x: X, t: CT, n: TSNode): X {
    const ev = this.conv(x, t, n);
    const out: X = { t, ev, node: n };
    if (x.cv !== undefined) out.cv = constOf(ev);
    return out;
  }

  /** truth value closure */
  private truth(x: X, n: TSNode): Ev {
    if (x.t.k === 'record') throw this.err(n, `a struct used as a condition`);
    if (x.t.k === 'float') throw this.err(n, `floating point is not supported`);
    return x.ev;
  }

  // ---- expressions ----------------------------------------------------------------------------

  expr(n: TSNode): X {
    const x = this.exprOf(n);
    if (READ_NODES.has(n.type)) this.noteRead(x, n);
    return x;
  }

  private exprOf(n: TSNode): X {
    switch (n.type) {
      case 'number_literal':
        return this.number(n);
      case 'char_literal':
        return this.charLit(n);
      case 'string_literal':
      case 'concatenated_string': {
        const bytes = decodeString(n);
        const a = this.k.stringAt(bytes, this.loc(n));
        return { t: { k: 'array', of: CHAR, n: bytes.length + 1 }, ev: () => a, cv: a, addr: () => a, caddr: a, node: n };
      }
      case 'identifier':
        return this.ident(n);
      case 'parenthesized_expression': {
        const inner = n.namedChildren.find((c) => c && c.type !== 'comment')!;
        if (inner.type === 'compound_statement') return this.statementExpression(inner);
        return this.expr(inner);
      }
      case 'field_expression':
        return this.field(n);
      case 'subscript_expression': {
        const a = this.expr(n.childForFieldName('argument')!);
        const i = this.expr(n.childForFieldName('index')!);
        this.notRead.add(a);
        return this.deref(this.add(a, i, n, '+'), n);
      }
      case 'pointer_expression': {
        const op = n.childForFieldName('operator')!.text;
        const arg = this.expr(n.childForFieldName('argument')!);
        this.notRead.add(arg);
        return op === '*' ? this.deref(arg, n) : this.addressOf(arg, n);
      }
      case 'unary_expression':
        return this.unary(n);
      case 'update_expression':
        return this.update(n);
      case 'binary_expression':
        return this.binary(n);
      case 'assignment_expression':
        return this.assign(n);
      case 'cast_expression': {
        const t = this.k.typeDescriptor(n.childForFieldName('type')!, this.scope, this.st);
        const v = this.expr(n.childForFieldName('value')!);
        if (t.k === 'record') throw this.err(n, `a cast to a struct type`);
        return this.convX(this.decay(v), t, n);
      }
      case 'sizeof_expression':
        return this.sizeofExpr(n);
      case 'alignof_expression': {
        const td = n.childForFieldName('type');
        const t = td ? this.k.typeDescriptor(td, this.scope, this.st) : this.typeOnly(n.namedChildren[0]!);
        const a = alignOf(t);
        return { t: ULONG, ev: () => a, cv: a, node: n };
      }
      case 'conditional_expression':
        return this.conditional(n);
      case 'comma_expression':
        return this.comma(n);
      case 'call_expression':
        return this.call(n);
      case 'gnu_asm_expression':
        return this.asm(n);
      case 'compound_literal_expression':
        return this.compoundLiteral(n);
      default:
        throw this.err(n, `unsupported expression '${n.text.slice(0, 40)}' (${n.type})`);
    }
  }

  private number(n: TSNode): X {
    const p = parseIntLiteral(n.text);
    if (!p) {
      if (/^[0-9.]+([eE][-+]?\d+)?[fFlL]?$/.test(n.text)) return { t: { k: 'float', size: 8, name: 'double' }, ev: () => Number(n.text), node: n };
      throw this.err(n, `bad number '${n.text}'`);
    }
    const v = p.v;
    return { t: p.t, ev: () => v, cv: v, node: n };
  }

  private charLit(n: TSNode): X {
    const t = n.text;
    const body = t.slice(t.indexOf("'") + 1, t.lastIndexOf("'"));
    const bytes = decodeString({ type: 'string_literal', text: `"${body.replace(/"/g, '\\"')}"` } as unknown as TSNode);
    // a multi-character constant: gcc packs it big-endian into an int
    let v = 0;
    for (const b of bytes) v = (v << 8) | b;
    if (bytes.length === 1) v = (bytes[0] << 24) >> 24; // char is signed
    return { t: INT, ev: () => v, cv: v, node: n };
  }

  private ident(n: TSNode): X {
    // a name the parser had to make up (`int x = ;`): the C is missing something here
    if (n.isMissing) throw this.err(n, 'syntax error: a name or a value is missing here');
    const name = n.text;
    const s = this.scope.lookup(name);
    if (!s) {
      if (name === '__FUNCTION__' || name === '__func__' || name === '__PRETTY_FUNCTION__') {
        const bytes = [...(this.ctx?.entry.name ?? '')].map((c) => c.charCodeAt(0));
        const a = this.k.stringAt(bytes, this.loc(n));
        return { t: { k: 'array', of: CHAR, n: bytes.length + 1 }, ev: () => a, cv: a, addr: () => a, node: n };
      }
      throw this.err(n, `'${name}' is not declared`);
    }
    switch (s.k) {
      case 'const': {
        const v = s.value;
        return { t: INT, ev: () => v, cv: v, node: n };
      }
      case 'global':
        return this.globalX(s.g, n);
      case 'local':
        return this.localX(s.v, n);
      case 'fn': {
        const f = s.f;
        const a = f.addr;
        return { t: f.type, ev: () => a, cv: a, addr: () => a, node: n };
      }
      case 'typedef':
        throw this.err(n, `'${name}' is a type, not a value`);
    }
  }

  private globalX(g: GlobalEntry, n: TSNode): X {
    const a = g.addr;
    if (!a) {
      // an extern of incomplete type defined in no file here (icmp_err_convert): refused when used
      const loc = this.loc(n);
      const fail = (): never => {
        throw new CFault(loc, `'${g.name}' is declared (${g.loc.file}:${g.loc.line}) with an incomplete type ${typeName(g.type)} and defined nowhere: it has no storage`);
      };
      return { t: g.type, ev: fail, addr: fail, node: n };
    }
    const ld = this.load(g.type, n);
    const t = g.type;
    if (isAggregate(t) || t.k === 'func') return { t, ev: () => a, cv: a, addr: () => a, caddr: a, node: n };
    return { t, ev: (fr) => ld(fr, a), addr: () => a, caddr: a, node: n };
  }

  private localX(v: LocalVar, n: TSNode): X {
    const t = v.type;
    if (v.slot >= 0) {
      const slot = v.slot;
      return { t, ev: (fr) => fr.s[slot], slot, node: n };
    }
    const B = this.BASE;
    const off = v.off;
    const addr = (fr: Frame): number => fr.s[B] + off;
    if (isAggregate(t)) return { t, ev: addr, addr, node: n };
    const ld = this.load(t, n);
    return { t, ev: (fr) => ld(fr, fr.s[B] + off), addr, node: n };
  }

  /** arrays and functions as values: pointers to their first element / to the function */
  private decay(x: X): X {
    if (x.t.k === 'array') return { t: ptrTo(x.t.of), ev: x.ev, cv: x.cv, node: x.node };
    if (x.t.k === 'func') return { t: ptrTo(x.t), ev: x.ev, cv: x.cv, node: x.node };
    return x;
  }

  private deref(p: X, n: TSNode): X {
    p = this.decay(p);
    if (p.t.k !== 'ptr') throw this.err(n, `'*' applied to a non-pointer (${typeName(p.t)})`);
    const t = p.t.to;
    const pev = p.ev;
    const caddr = typeof p.cv === 'number' ? p.cv : undefined;
    if (isAggregate(t) || t.k === 'func' || t.k === 'void') return { t, ev: pev, addr: pev, cv: p.cv, caddr, node: n };
    const ld = this.load(t, n);
    return { t, ev: (fr) => ld(fr, pev(fr)), addr: pev, caddr, node: n };
  }

  private addressOf(x: X, n: TSNode): X {
    // the address is a constant only when known structurally (never by running the expression:
    // `&wire[count++]` must not increment at compile time)
    if (x.addr) return { t: ptrTo(x.t), ev: x.caddr !== undefined ? () => x.caddr : x.addr, cv: x.caddr, node: n };
    if (x.slot !== undefined) throw this.err(n, `internal: the address of a variable kept in a slot`);
    throw this.err(n, `'&' of something that is not an lvalue`);
  }

  private field(n: TSNode): X {
    const op = n.childForFieldName('operator')!.text;
    const base = this.expr(n.childForFieldName('argument')!);
    this.notRead.add(base);
    const name = n.childForFieldName('field')!.text;
    let rec: CT;
    let addr: (fr: Frame) => number;
    let cbase: number | bigint | undefined;
    if (op === '->') {
      const p = this.decay(base);
      if (p.t.k !== 'ptr' || p.t.to.k !== 'record') throw this.err(n, `'->${name}' on ${typeName(p.t)}, not a pointer to a struct`);
      rec = p.t.to;
      addr = p.ev;
      cbase = p.cv;
    } else {
      // a struct's value is its address; a constant one only when its address is
      cbase = base.caddr;
      if (base.t.k !== 'record') throw this.err(n, `'.${name}' on ${typeName(base.t)}, not a struct`);
      rec = base.t;
      addr = base.ev;
    }
    const r = rec as RecT;
    if (!r.complete) throw this.err(n, `${typeName(r)} is incomplete here`);
    const found = findField(r, name);
    if (!found) throw this.err(n, `${typeName(r)} has no field '${name}'`);
    const { f, offset } = found;
    const t = f.type;
    const fa: (fr: Frame) => number = offset === 0 ? addr : (fr) => addr(fr) + offset;
    const caddr = typeof cbase === 'number' ? cbase + offset : undefined;
    if (f.bits !== undefined) {
      const bits: Bits = { w: f.bits, bitOffset: f.bitOffset!, signed: (t as IntT).signed };
      const ld = this.bitLoad(bits);
      // a bitfield narrower than int promotes to int
      const rt = f.bits < 32 ? INT : t;
      return { t: rt, ev: (fr) => ld(fr, fa(fr)), addr: fa, bits, node: n };
    }
    if (isAggregate(t) || t.k === 'func') return { t, ev: caddr !== undefined ? () => caddr : fa, addr: fa, cv: caddr, caddr, node: n };
    const ld = this.load(t, n);
    return { t, ev: (fr) => ld(fr, fa(fr)), addr: fa, caddr, node: n };
  }

  private unary(n: TSNode): X {
    const op = n.childForFieldName('operator')!.text;
    const a = this.decay(this.expr(n.childForFieldName('argument')!));
    if (op === '!') {
      const ev = this.truth(a, n);
      return fold({ t: INT, ev: (fr) => (ev(fr) ? 0 : 1), node: n }, [a]);
    }
    if (a.t.k !== 'int') throw this.err(n, `'${op}' on ${typeName(a.t)}`);
    const t = promote(a.t);
    const x = this.convX(a, t, n);
    const ev = x.ev;
    let out: Ev;
    if (t.size === 8) {
      const w = t.signed ? (v: bigint) => BigInt.asIntN(64, v) : (v: bigint) => BigInt.asUintN(64, v);
      out = op === '-' ? (fr) => w(-(ev(fr) as bigint)) : op === '~' ? (fr) => w(~(ev(fr) as bigint)) : ev;
    } else if (t.signed) out = op === '-' ? (fr) => -ev(fr) | 0 : op === '~' ? (fr) => ~ev(fr) : ev;
    else out = op === '-' ? (fr) => -ev(fr) >>> 0 : op === '~' ? (fr) => ~ev(fr) >>> 0 : ev;
    return fold({ t, ev: out, node: n }, [a]);
  }

  /** a read-modify-write of an lvalue: `f(old)` gives the new value; returns old or new */
  private rmw(lv: X, n: TSNode, f: (old: any, fr: Frame) => any, post: boolean): X {
    const t = lv.t;
    if (lv.slot !== undefined) {
      const slot = lv.slot;
      const born = this.BORN;
      return { t, ev: post ? (fr) => { const o = fr.s[slot]; fr.s[RUN].H.setSlot(fr.s, slot, f(o, fr), fr.s[born]); return o; } : (fr) => { const v = f(fr.s[slot], fr); fr.s[RUN].H.setSlot(fr.s, slot, v, fr.s[born]); return v; }, node: n };
    }
    if (!lv.addr) throw this.err(n, `'${n.text}' changes something that is not an lvalue`);
    const A = lv.addr;
    const ld = lv.bits ? this.bitLoad(lv.bits) : this.load(t, n);
    const stor = lv.bits ? this.bitStore(lv.bits) : this.store(t, n);
    const back = lv.bits ? narrowBits(lv.bits) : (v: any) => v;
    return {
      t,
      ev: post
        ? (fr) => {
            const a = A(fr);
            const o = ld(fr, a);
            stor(fr, a, f(o, fr));
            return o;
          }
        : (fr) => {
            const a = A(fr);
            const v = back(f(ld(fr, a), fr));
            stor(fr, a, v);
            return v;
          },
      node: n,
    };
  }

  private update(n: TSNode): X {
    if (this.open && !this.readsOff) this.open.writes = true;
    const op = n.childForFieldName('operator')!.text;
    const argNode = n.childForFieldName('argument')!;
    const post = n.firstChild!.type !== '++' && n.firstChild!.type !== '--';
    const lv = this.expr(argNode);
    const t = lv.t;
    const d = op === '++' ? 1 : -1;
    let f: (o: any) => any;
    if (t.k === 'ptr') {
      const step = d * (sizeOf(t.to) ?? 1);
      f = (o) => (o + step) >>> 0;
    } else if (t.k === 'int') {
      if (t.size === 8) {
        const c = intConv(t, t);
        const bd = BigInt(d);
        f = (o) => c(o + bd);
      } else {
        const c = narrower(lv.bits ? (t.signed || lv.bits.w < 32 ? INT : UINT) : t);
        f = (o) => c(o + d);
      }
    } else throw this.err(n, `'${op}' on ${typeName(t)}`);
    return this.rmw(lv, n, f, post);
  }

  /** pointer ± integer, integer + pointer, or arithmetic */
  private add(a: X, b: X, n: TSNode, op: '+' | '-'): X {
    a = this.decay(a);
    b = this.decay(b);
    if (a.t.k === 'ptr' && b.t.k === 'int') return this.ptrOffset(a, b, n, op);
    if (op === '+' && a.t.k === 'int' && b.t.k === 'ptr') return this.ptrOffset(b, a, n, op);
    if (op === '-' && a.t.k === 'ptr' && b.t.k === 'ptr') {
      const size = sizeOf(a.t.to) ?? 1;
      const ea = a.ev;
      const eb = b.ev;
      return fold({ t: INT, ev: size === 1 ? (fr) => (ea(fr) - eb(fr)) | 0 : (fr) => Math.trunc(((ea(fr) - eb(fr)) | 0) / size) | 0, node: n }, [a, b]);
    }
    return this.arith(op, a, b, n);
  }

  private ptrOffset(p: X, i: X, n: TSNode, op: '+' | '-'): X {
    const size = sizeOf((p.t as PtrT).to) ?? 1;
    const ep = p.ev;
    const ii = i.t.k === 'int' && (i.t as IntT).size === 8 ? (fr: Frame) => Number(BigInt.asIntN(32, i.ev(fr))) : i.ev;
    const s = op === '+' ? size : -size;
    const ev: Ev = s === 1 ? (fr) => (ep(fr) + ii(fr)) >>> 0 : (fr) => (ep(fr) + Math.imul(ii(fr), s)) >>> 0;
    return fold({ t: p.t, ev, node: n }, [p, i]);
  }

  private arith(op: string, a: X, b: X, n: TSNode): X {
    if (a.t.k !== 'int' || b.t.k !== 'int') throw this.err(n, `'${op}' between ${typeName(a.t)} and ${typeName(b.t)}`);
    if (op === '<<' || op === '>>') {
      const t = promote(a.t);
      const ea = this.conv(a, t, n);
      const eb0 = b.ev;
      const eb = (b.t as IntT).size === 8 ? (fr: Frame) => Number(BigInt.asUintN(6, eb0(fr))) : eb0;
      let ev: Ev;
      if (t.size === 8) {
        const w = t.signed ? (v: bigint) => BigInt.asIntN(64, v) : (v: bigint) => BigInt.asUintN(64, v);
        ev = op === '<<' ? (fr) => w(ea(fr) << BigInt(eb(fr) & 63)) : (fr) => w(ea(fr) >> BigInt(eb(fr) & 63));
      } else if (t.signed) ev = op === '<<' ? (fr) => ea(fr) << eb(fr) : (fr) => ea(fr) >> eb(fr);
      else ev = op === '<<' ? (fr) => (ea(fr) << eb(fr)) >>> 0 : (fr) => ea(fr) >>> eb(fr);
      return fold({ t, ev, node: n }, [a, b]);
    }
    const t = common(a.t, b.t);
    const ea = this.conv(a, t, n);
    const eb = this.conv(b, t, n);
    const loc = this.loc(n);
    let ev: Ev;
    if (t.size === 8) {
      const w = t.signed ? (v: bigint) => BigInt.asIntN(64, v) : (v: bigint) => BigInt.asUintN(64, v);
      const zero = (): never => {
        throw new CFault(loc, `division by zero`);
      };
      const ops: Record<string, (x: bigint, y: bigint) => bigint> = {
        '+': (x, y) => w(x + y),
        '-': (x, y) => w(x - y),
        '*': (x, y) => w(x * y),
        '/': (x, y) => (y === 0n ? zero() : w(x / y)),
        '%': (x, y) => (y === 0n ? zero() : w(x % y)),
        '&': (x, y) => w(x & y),
        '|': (x, y) => w(x | y),
        '^': (x, y) => w(x ^ y),
      };
      const f = ops[op];
      if (!f) throw this.err(n, `operator '${op}'`);
      ev = (fr) => f(ea(fr), eb(fr));
    } else if (t.signed) {
      switch (op) {
        case '+':
          ev = (fr) => (ea(fr) + eb(fr)) | 0;
          break;
        case '-':
          ev = (fr) => (ea(fr) - eb(fr)) | 0;
          break;
        case '*':
          ev = (fr) => Math.imul(ea(fr), eb(fr));
          break;
        case '/':
          ev = (fr) => {
            const x = ea(fr);
            const y = eb(fr);
            if (y === 0) throw new CFault(loc, `division by zero`);
            if (y === -1 && x === -2147483648) throw new CFault(loc, `integer overflow in division (-2147483648 / -1 traps on i386)`);
            return (x / y) | 0;
          };
          break;
        case '%':
          ev = (fr) => {
            const x = ea(fr);
            const y = eb(fr);
            if (y === 0) throw new CFault(loc, `division by zero`);
            if (y === -1) return 0;
            return x % y | 0;
          };
          break;
        case '&':
          ev = (fr) => ea(fr) & eb(fr);
          break;
        case '|':
          ev = (fr) => ea(fr) | eb(fr);
          break;
        case '^':
          ev = (fr) => ea(fr) ^ eb(fr);
          break;
        default:
          throw this.err(n, `operator '${op}'`);
      }
    } else {
      switch (op) {
        case '+':
          ev = (fr) => (ea(fr) + eb(fr)) >>> 0;
          break;
        case '-':
          ev = (fr) => (ea(fr) - eb(fr)) >>> 0;
          break;
        case '*':
          ev = (fr) => Math.imul(ea(fr), eb(fr)) >>> 0;
          break;
        case '/':
          ev = (fr) => {
            const y = eb(fr);
            if (y === 0) throw new CFault(loc, `division by zero`);
            return (ea(fr) / y) >>> 0;
          };
          break;
        case '%':
          ev = (fr) => {
            const y = eb(fr);
            if (y === 0) throw new CFault(loc, `division by zero`);
            return ea(fr) % y >>> 0;
          };
          break;
        case '&':
          ev = (fr) => (ea(fr) & eb(fr)) >>> 0;
          break;
        case '|':
          ev = (fr) => (ea(fr) | eb(fr)) >>> 0;
          break;
        case '^':
          ev = (fr) => (ea(fr) ^ eb(fr)) >>> 0;
          break;
        default:
          throw this.err(n, `operator '${op}'`);
      }
    }
    return fold({ t, ev, node: n }, [a, b]);
  }

  private compare(op: string, a: X, b: X, n: TSNode): X {
    a = this.decay(a);
    b = this.decay(b);
    let ea: Ev;
    let eb: Ev;
    if (a.t.k === 'int' && b.t.k === 'int') {
      const t = common(a.t, b.t);
      ea = this.conv(a, t, n);
      eb = this.conv(b, t, n);
    } else if ((a.t.k === 'ptr' || a.t.k === 'int') && (b.t.k === 'ptr' || b.t.k === 'int')) {
      ea = this.conv(a, ULONG, n);
      eb = this.conv(b, ULONG, n);
    } else throw this.err(n, `'${op}' between ${typeName(a.t)} and ${typeName(b.t)}`);
    let ev: Ev;
    switch (op) {
      case '==':
        ev = (fr) => (ea(fr) === eb(fr) ? 1 : 0);
        break;
      case '!=':
        ev = (fr) => (ea(fr) !== eb(fr) ? 1 : 0);
        break;
      case '<':
        ev = (fr) => (ea(fr) < eb(fr) ? 1 : 0);
        break;
      case '>':
        ev = (fr) => (ea(fr) > eb(fr) ? 1 : 0);
        break;
      case '<=':
        ev = (fr) => (ea(fr) <= eb(fr) ? 1 : 0);
        break;
      default:
        ev = (fr) => (ea(fr) >= eb(fr) ? 1 : 0);
    }
    return fold({ t: INT, ev, node: n }, [a, b]);
  }

  private binary(n: TSNode): X {
    const op = n.childForFieldName('operator')!.text;
    if (op === '&&' || op === '||') return this.logical(n, op);
    const a = this.expr(n.childForFieldName('left')!);
    const b = this.expr(n.childForFieldName('right')!);
    return this.binop(op, a, b, n);
  }

  private binop(op: string, a: X, b: X, n: TSNode): X {
    switch (op) {
      case '+':
      case '-':
        return this.add(a, b, n, op);
      case '==':
      case '!=':
      case '<':
      case '>':
      case '<=':
      case '>=':
        return this.compare(op, a, b, n);
      default:
        return this.arith(op, this.decay(a), this.decay(b), n);
    }
  }

  private logical(n: TSNode, op: string): X {
    const a = this.decay(this.expr(n.childForFieldName('left')!));
    const ta = this.truth(a, n);
    if (!this.ctx) {
      const b = this.decay(this.expr(n.childForFieldName('right')!));
      const tb = this.truth(b, n);
      return fold({ t: INT, ev: op === '&&' ? (fr) => (ta(fr) && tb(fr) ? 1 : 0) : (fr) => (ta(fr) || tb(fr) ? 1 : 0), node: n }, [a, b]);
    }
    const t = this.temp();
    const mark = this.code.length;
    const born = this.BORN;
    this.exprInstr((fr) => fr.s[RUN].H.setSlot(fr.s, t, ta(fr) ? 1 : 0, fr.s[born]), n);
    const j = this.emit({ op: op === '&&' ? Op.JUMPF : Op.JUMPT, loc: this.loc(n), ev: (fr) => fr.s[t], target: -1 });
    const b = this.decay(this.expr(n.childForFieldName('right')!));
    const tb = this.truth(b, n);
    if (this.code.length === mark + 2) {
      this.code.length = mark;
      return fold({ t: INT, ev: op === '&&' ? (fr) => (ta(fr) && tb(fr) ? 1 : 0) : (fr) => (ta(fr) || tb(fr) ? 1 : 0), node: n }, [a, b]);
    }
    this.exprInstr((fr) => fr.s[RUN].H.setSlot(fr.s, t, tb(fr) ? 1 : 0, fr.s[born]), n);
    j.target = this.code.length;
    return { t: INT, ev: (fr) => fr.s[t], node: n };
  }

  private resultType(a: X, b: X, n: TSNode): CT {
    const ta = this.decay(a).t;
    const tb = this.decay(b).t;
    if (ta.k === 'int' && tb.k === 'int') return common(ta, tb);
    if (ta.k === 'void' || tb.k === 'void') return VOID;
    if (ta.k === 'ptr' && tb.k === 'ptr') return ta.to.k === 'void' ? tb : ta;
    if (ta.k === 'ptr' && tb.k === 'int') return ta;
    if (tb.k === 'ptr' && ta.k === 'int') return tb;
    if (ta.k === 'record' && tb.k === 'record') return ta;
    throw this.err(n, `'?:' between ${typeName(ta)} and ${typeName(tb)}`);
  }

  private conditional(n: TSNode): X {
    const c = this.decay(this.expr(n.childForFieldName('condition')!));
    const tc = this.truth(c, n);
    const thenNode = n.childForFieldName('consequence');
    const elseNode = n.childForFieldName('alternative')!;
    if (!this.ctx) {
      const a = thenNode ? this.decay(this.expr(thenNode)) : c;
      const b = this.decay(this.expr(elseNode));
      const rt = this.resultType(a, b, n);
      const ea = this.conv(a, rt, n);
      const eb = this.conv(b, rt, n);
      if (c.cv !== undefined) return c.cv ? { ...a, t: rt, ev: ea, cv: a.cv !== undefined ? constOf(ea) : undefined } : { ...b, t: rt, ev: eb, cv: b.cv !== undefined ? constOf(eb) : undefined };
      return fold({ t: rt, ev: (fr) => (tc(fr) ? ea(fr) : eb(fr)), node: n }, [c, a, b]);
    }
    const t = this.temp();
    const ct = this.temp();
    const mark = this.code.length;
    const born = this.BORN;
    this.exprInstr((fr) => fr.s[RUN].H.setSlot(fr.s, ct, c.ev(fr), fr.s[born]), n);
    const jf = this.emit({ op: Op.JUMPF, loc: this.loc(n), ev: (fr) => fr.s[ct], target: -1 });
    const a = thenNode ? this.decay(this.expr(thenNode)) : { ...c, ev: (fr: Frame) => fr.s[ct] };
    let convA: Ev = a.ev;
    this.exprInstr((fr) => fr.s[RUN].H.setSlot(fr.s, t, convA(fr), fr.s[born]), n);
    const jend = this.emit({ op: Op.JUMP, loc: this.loc(n), target: -1 });
    const elseAt = this.code.length;
    const b = this.decay(this.expr(elseNode));
    const rt = this.resultType(a, b, n);
    convA = this.conv(a, rt, n);
    const convB = this.conv(b, rt, n);
    if (this.code.length === elseAt && elseAt === mark + 4) {
      this.code.length = mark;
      if (c.cv !== undefined) return c.cv ? { ...a, t: rt, ev: convA, cv: a.cv !== undefined ? constOf(convA) : undefined } : { ...b, t: rt, ev: convB, cv: b.cv !== undefined ? constOf(convB) : undefined };
      return { t: rt, ev: (fr) => (tc(fr) ? convA(fr) : convB(fr)), node: n };
    }
    this.exprInstr((fr) => fr.s[RUN].H.setSlot(fr.s, t, convB(fr), fr.s[born]), n);
    jf.target = elseAt;
    jend.target = this.code.length;
    return { t: rt, ev: (fr) => fr.s[t], node: n };
  }

  private comma(n: TSNode): X {
    const left = n.childForFieldName('left')!;
    const right = n.childForFieldName('right')!;
    const a = this.expr(left);
    if (!this.ctx) {
      const b = this.expr(right);
      const ea = a.ev;
      const eb = b.ev;
      return { ...b, ev: (fr) => (ea(fr), eb(fr)), cv: undefined, node: n };
    }
    const mark = this.code.length;
    this.exprInstr(a.ev, left);
    const b = this.expr(right);
    if (this.code.length === mark + 1) {
      this.code.length = mark;
      const ea = a.ev;
      const eb = b.ev;
      return { t: b.t, ev: (fr) => (ea(fr), eb(fr)), node: n };
    }
    return { t: b.t, ev: b.ev, node: n };
  }

  private assign(n: TSNode): X {
    if (this.open && !this.readsOff) this.open.writes = true;
    const op = n.childForFieldName('operator')!.text;
    const lv = this.expr(n.childForFieldName('left')!);
    const rhs = this.expr(n.childForFieldName('right')!);
    const t = lv.t;
    if (op === '=') {
      this.notRead.add(lv);
      const ev = this.conv(this.decay(rhs), t, n);
      if (lv.slot !== undefined) {
        const slot = lv.slot;
        const born = this.BORN;
        return { t, ev: (fr) => { const v = ev(fr); fr.s[RUN].H.setSlot(fr.s, slot, v, fr.s[born]); return v; }, node: n };
      }
      if (!lv.addr) throw this.err(n, `assignment to something that is not an lvalue`);
      const A = lv.addr;
      if (lv.bits) {
        const stor = this.bitStore(lv.bits);
        const back = narrowBits(lv.bits);
        return { t, ev: (fr) => { const a = A(fr); const v = ev(fr); stor(fr, a, v); return back(v); }, node: n };
      }
      const stor = this.store(t, n);
      return { t, ev: (fr) => { const a = A(fr); const v = ev(fr); stor(fr, a, v); return v; }, node: n };
    }
    const bop = ASSIGN_OPS[op];
    if (!bop) throw this.err(n, `operator '${op}'`);
    // compute in the operator's type, convert back to the lvalue's
    const holder: { v: any } = { v: 0 };
    const oldX: X = { t: lv.bits ? (lv.bits.signed || lv.bits.w < 32 ? INT : UINT) : t, ev: () => holder.v, node: n };
    const r = this.binop(bop, oldX, rhs, n);
    const back = this.conv(r, t, n);
    return this.rmw(
      lv,
      n,
      (old, fr) => {
        holder.v = old;
        return back(fr);
      },
      false,
    );
  }

  private typeOnly(n: TSNode): CT {
    // the type of an expression, without running it: instructions it would emit are dropped
    const saved = this.code;
    const savedSlots = this.nslots;
    this.code = [];
    const ctx = this.ctx;
    (this as { ctx: Ctx | null }).ctx = ctx ?? ({} as Ctx);
    this.readsOff++;
    try {
      return this.expr(n).t;
    } finally {
      this.readsOff--;
      this.code = saved;
      this.nslots = Math.max(this.nslots, savedSlots);
      (this as { ctx: Ctx | null }).ctx = ctx;
    }
  }

  private sizeofExpr(n: TSNode): X {
    const td = n.childForFieldName('type');
    const t = td ? this.k.typeDescriptor(td, this.scope, this.st) : this.typeOnly(n.childForFieldName('value')!);
    const s = sizeOf(t);
    if (s === undefined) throw this.err(n, `sizeof an incomplete type ${typeName(t)}`);
    return { t: UINT, ev: () => s, cv: s, node: n };
  }

  private statementExpression(block: TSNode): X {
    if (!this.ctx) throw this.err(block, `a statement expression outside a function`);
    const outer = this.scope;
    this.scope = new Scope(outer);
    // its statements have their own reads; the enclosing statement's go on after it
    const enclosing = this.open;
    this.open = null;
    const items = block.namedChildren.filter((c): c is TSNode => !!c && c.type !== 'comment');
    let result: X = { t: VOID, ev: () => 0, node: block };
    items.forEach((c, i) => {
      if (i === items.length - 1 && c.type === 'expression_statement' && c.namedChildren[0]) {
        this.stmt(c, 'expression');
        const x = this.expr(c.namedChildren[0]!);
        const t = this.temp();
        const ev = this.decay(x).ev;
        const born = this.BORN;
        this.exprInstr((fr) => fr.s[RUN].H.setSlot(fr.s, t, ev(fr), fr.s[born]), c);
        result = { t: this.decay(x).t, ev: (fr) => fr.s[t], node: block };
      } else this.statement(c);
    });
    this.closeReads();
    this.open = enclosing;
    this.scope = outer;
    return result;
  }

  private compoundLiteral(n: TSNode): X {
    if (!this.ctx) throw this.err(n, `a compound literal outside a function`);
    const t = this.k.typeDescriptor(n.childForFieldName('type')!, this.scope, this.st);
    const size = sizeOf(t);
    if (size === undefined) throw this.err(n, `a compound literal of incomplete type`);
    const off = this.frameAlloc(size, Math.max(4, alignOf(t)));
    const items = this.initializer(t, n.childForFieldName('value')!);
    const B = this.BASE;
    this.exprInstr((fr) => {
      const a = fr.s[B] + off;
      fr.s[RUN].mem.fill(a, 0, size);
      for (const s of items) s(fr, a);
    }, n);
    const addr = (fr: Frame): number => fr.s[B] + off;
    if (isAggregate(t)) return { t, ev: addr, addr, node: n };
    const ld = this.load(t, n);
    return { t, ev: (fr) => ld(fr, addr(fr)), addr, node: n };
  }

  // ---- calls ----------------------------------------------------------------------------------

  private call(n: TSNode): X {
    const fnNode = n.childForFieldName('function')!;
    const argNodes = n.childForFieldName('arguments')!.namedChildren.filter((c): c is TSNode => !!c && c.type !== 'comment');
    if (fnNode.type === 'identifier' && !this.scope.lookup(fnNode.text)) {
      const name = fnNode.text;
      if (name === '__builtin_constant_p') {
        const saved = this.code;
        this.code = [];
        let isConst = false;
        this.readsOff++;
        try {
          isConst = this.expr(argNodes[0]).cv !== undefined;
        } catch {
          isConst = false;
        } finally {
          this.readsOff--;
          this.code = saved;
        }
        const v = isConst ? 1 : 0;
        return { t: INT, ev: () => v, cv: v, node: n };
      }
      if (name === '__builtin_return_address') return { t: ptrTo(VOID), ev: () => 0, node: n };
      const known = this.k.fnByName.get(name);
      if (!known) return this.refuseAt(n, name.startsWith('__builtin_') ? `${name}() is a gcc builtin the interpreter does not provide` : `call to ${name}(), which is declared nowhere and defined nowhere`);
      const args = argNodes.map((a) => this.decay(this.expr(a)));
      return this.emitCall(n, () => known, { k: 'func', ret: INT, params: [], variadic: true, proto: false }, args);
    }
    if (!this.ctx) throw this.err(n, `a function call in a constant expression`);
    const callee = this.decay(this.expr(fnNode));
    let ft: FnT;
    if (callee.t.k === 'ptr' && callee.t.to.k === 'func') ft = callee.t.to;
    else throw this.err(n, `a call of ${typeName(callee.t)}, which is not a function`);
    const args = argNodes.map((a) => this.decay(this.expr(a)));
    // a direct call: the target is known now (a refusal native when the function is defined nowhere)
    if (fnNode.type === 'identifier') {
      const s = this.scope.lookup(fnNode.text);
      if (s?.k === 'fn') {
        const target = this.k.callTarget(s.f);
        return this.emitCall(n, () => target, ft, args);
      }
    }
    const cev = callee.ev;
    const k = this.k;
    const loc = this.loc(n);
    return this.emitCall(
      n,
      (fr) => {
        const a = cev(fr);
        const f = k.functionAt(a);
        if (f === undefined) throw new CFault(loc, `call through a pointer (0x${(a >>> 0).toString(16)}) that is not the address of a function`);
        return f;
      },
      ft,
      args,
    );
  }

  private emitCall(n: TSNode, callee: Ev, ft: FnT, args: X[]): X {
    if (!this.ctx) throw this.err(n, `a function call in a constant expression`);
    const evs: Ev[] = [];
    const loc = this.loc(n);
    evs.push((fr) => fr.s[RUN]);
    let retOff = -1;
    const ret = ft.ret;
    if (ret.k === 'record') {
      retOff = this.frameAlloc(ret.size, Math.max(4, ret.align));
      const B = this.BASE;
      evs.push((fr) => fr.s[B] + retOff);
    }
    args.forEach((a, i) => {
      const pt = ft.proto && i < ft.params.length ? ft.params[i] : defaultPromotion(a.t);
      evs.push(this.guard(this.conv(a, pt, a.node), this.loc(a.node)));
    });
    if (ft.proto && args.length < ft.params.length) throw this.err(n, `too few arguments (${args.length} for ${ft.params.length})`);
    const dest = ret.k === 'void' ? -1 : this.temp();
    if (this.open && !this.readsOff) this.open.writes = true;
    this.emit({ op: Op.CALL, loc, callee, args: evs, dest, argLocs: args.map((a) => this.loc(a.node)) });
    if (dest < 0) return { t: VOID, ev: () => 0, node: n };
    const c = ret.k === 'int' && ret.size < 4 ? narrower(ret) : undefined;
    const out: X = { t: ret, ev: c ? (fr) => c(fr.s[dest]) : (fr) => fr.s[dest], node: n };
    this.noteRead({ ...out, slot: dest }, n, true);
    return out;
  }

  // ---- inline assembly ------------------------------------------------------------------------

  /** The macro whose body holds the text at `node` (the innermost), or the invocation's name (outermost). */
  private macroOf(node: TSNode): string[] {
    const names: string[] = [];
    const o = this.k.origin(node, this.st);
    const texts = this.st.unit.texts;
    if (!o || !texts) return names;
    const lineOf = (file: string, line: number): string | undefined => texts.get(file)?.split('\n')[line - 1];
    // the #define whose body holds the asm (lines continued with backslashes)
    const file = texts.get(o.file);
    if (file) {
      const lines = file.split('\n');
      let l = o.line - 1;
      while (l > 0 && /\\\s*$/.test(lines[l - 1])) l--;
      const m = /^\s*#\s*define\s+([A-Za-z_]\w*)/.exec(lines[l] ?? '');
      if (m) names.push(m[1]);
    }
    if (o.site) {
      const text = lineOf(o.site.file, o.site.line);
      const m = text ? /^[A-Za-z_]\w*/.exec(text.slice(o.site.col - 1)) : null;
      if (m) names.push(m[0]);
    }
    return names;
  }

  private asm(n: TSNode): X {
    const names = this.macroOf(n);
    const name = names.find((m) => this.k.asm[m]);
    const where = names.length ? ` (written through the macro ${names[names.length - 1]})` : '';
    const inFn = this.ctx ? ` in ${this.ctx.entry.name}()` : '';
    if (!name) return this.refuseAt(n, `inline assembly${inFn}${where} cannot run: the machine layer has no stand-in for it`);
    const def = this.k.asm[name];
    const outs = (n.childForFieldName('output_operands')?.namedChildren ?? []).filter((c): c is TSNode => !!c && c.type === 'gnu_asm_output_operand').map((c) => this.expr(c.childForFieldName('value')!));
    const ins = (n.childForFieldName('input_operands')?.namedChildren ?? []).filter((c): c is TSNode => !!c && c.type === 'gnu_asm_input_operand').map((c) => this.decay(this.expr(c.childForFieldName('value')!)));
    const ref = this.k.asmRef(name, def);
    const r = this.emitCall(n, () => ref, { k: 'func', ret: outs.length ? outs[0].t : INT, params: [], variadic: true, proto: false }, ins);
    if (outs.length) {
      const lv = outs[0];
      const set = this.assignTo(lv, r, n);
      this.exprInstr(set, n);
    }
    return { t: VOID, ev: () => 0, node: n };
  }

  private assignTo(lv: X, v: X, n: TSNode): Ev {
    const ev = this.conv(v, lv.t, n);
    if (lv.slot !== undefined) {
      const slot = lv.slot;
      const born = this.BORN;
      return (fr) => fr.s[RUN].H.setSlot(fr.s, slot, ev(fr), fr.s[born]);
    }
    if (!lv.addr) throw this.err(n, `an asm output that is not an lvalue`);
    const A = lv.addr;
    const stor = lv.bits ? this.bitStore(lv.bits) : this.store(lv.t, n);
    return (fr) => stor(fr, A(fr), ev(fr));
  }

  // ---- initializers ---------------------------------------------------------------------------

  /** The stores that initialize an object of type `t` at an address from `init` (zeroing not included). */
  initializer(t: CT, init: TSNode): ((fr: Frame, base: number) => void)[] {
    const items: InitItem[] = [];
    this.initOne(t, 0, { els: [init], i: 0 }, items);
    return items.map((it) => {
      if ('bytes' in it) {
        const bytes = it.bytes;
        const off = it.off;
        return (fr, base) => fr.s[RUN].mem.write(base + off, Uint8Array.from(bytes));
      }
      if ('src' in it) {
        const ev = it.src.ev;
        const off = it.off;
        const size = it.size;
        return (fr, base) => fr.s[RUN].mem.copy(base + off, ev(fr), size);
      }
      const ev = this.guard(this.conv(this.decay(it.x), it.t, it.x.node), this.loc(it.x.node));
      const off = it.off;
      if (it.bits) {
        const stor = this.bitStore(it.bits);
        return (fr, base) => stor(fr, base + off, ev(fr));
      }
      const stor = this.store(it.t, it.x.node);
      return (fr, base) => stor(fr, base + off, ev(fr));
    });
  }

  private isStringFor(t: CT, el: TSNode): boolean {
    return t.k === 'array' && t.of.k === 'int' && t.of.size === 1 && (el.type === 'string_literal' || el.type === 'concatenated_string');
  }

  private initOne(t: CT, off: number, cur: { els: TSNode[]; i: number }, out: InitItem[]): void {
    const el = cur.els[cur.i];
    if (el.type === 'initializer_list') {
      cur.i++;
      this.braced(t, off, el, out);
      return;
    }
    let lit: TSNode | null = el;
    while (lit && lit.type === 'parenthesized_expression') lit = lit.namedChildren[0];
    if (lit && lit.type === 'compound_literal_expression' && isAggregate(t)) {
      // gcc: `(pgprot_t) { x }` initializes a member of that type as a braced list would
      const ct = this.k.typeDescriptor(lit.childForFieldName('type')!, this.scope, this.st);
      if (ct === t) {
        cur.i++;
        this.braced(t, off, lit.childForFieldName('value')!, out);
        return;
      }
    }
    if (this.isStringFor(t, el)) {
      cur.i++;
      const bytes = decodeString(el);
      const n = (t as { n?: number }).n ?? bytes.length + 1;
      const b = bytes.slice(0, n);
      if (b.length < n) b.push(0);
      out.push({ off, bytes: b });
      return;
    }
    if (isAggregate(t)) {
      const x = t.k === 'record' ? this.tryRecordExpr(el, t) : undefined;
      if (x) {
        cur.i++;
        out.push({ off, size: sizeOf(t)!, src: x });
        return;
      }
      // brace elision: the element's members come from the enclosing list
      this.fillAggregate(t, off, cur, out);
      return;
    }
    cur.i++;
    out.push({ off, t, x: this.expr(el) });
  }

  private tryRecordExpr(el: TSNode, t: RecT): X | undefined {
    const x = this.expr(el);
    return x.t.k === 'record' && x.t === t ? x : undefined;
  }

  private fillAggregate(t: CT, off: number, cur: { els: TSNode[]; i: number }, out: InitItem[]): void {
    if (t.k === 'array') {
      const es = sizeOf(t.of)!;
      for (let k = 0; (t.n === undefined || k < t.n) && cur.i < cur.els.length; k++) {
        if (cur.els[cur.i].type === 'initializer_pair') return;
        this.initOne(t.of, off + k * es, cur, out);
      }
      return;
    }
    if (t.k === 'record') {
      for (const f of t.fields) {
        if (cur.i >= cur.els.length || cur.els[cur.i].type === 'initializer_pair') return;
        if (!f.name && f.bits !== undefined) continue;
        this.field1(f, off, cur, out);
        if (t.union) return;
      }
    }
  }

  private field1(f: RecT['fields'][number], off: number, cur: { els: TSNode[]; i: number }, out: InitItem[]): void {
    if (f.bits !== undefined) {
      const el = cur.els[cur.i++];
      out.push({ off: off + f.offset, t: f.type, x: this.expr(el), bits: { w: f.bits, bitOffset: f.bitOffset!, signed: (f.type as IntT).signed } });
      return;
    }
    this.initOne(f.type, off + f.offset, cur, out);
  }

  private braced(t: CT, off: number, list: TSNode, out: InitItem[]): void {
    const els = list.namedChildren.filter((c): c is TSNode => !!c && c.type !== 'comment');
    if (!els.length) return;
    if (!isAggregate(t)) {
      this.initOne(t, off, { els, i: 0 }, out);
      return;
    }
    const cur = { els: els.slice(), i: 0 };
    if (t.k === 'array') {
      const es = sizeOf(t.of)!;
      let k = 0;
      while (cur.i < cur.els.length) {
        const el = cur.els[cur.i];
        if (el.type === 'initializer_pair') {
          const des = el.childForFieldName('designator')!;
          if (des.type !== 'subscript_designator') throw this.err(des, `a field designator in an array initializer`);
          k = this.k.constInt(des.namedChildren[0]!, this.scope, this.st);
          cur.els[cur.i] = el.childForFieldName('value')!;
        }
        if (t.n !== undefined && k >= t.n) throw this.err(el, `too many initializers for ${typeName(t)}`);
        this.initOne(t.of, off + k * es, cur, out);
        k++;
      }
      return;
    }
    const r = t as RecT;
    const fields = r.fields.filter((f) => f.name || f.bits === undefined);
    let fi = 0;
    while (cur.i < cur.els.length) {
      const el = cur.els[cur.i];
      if (el.type === 'initializer_pair') {
        const des = el.childForFieldName('designator')!;
        const name = des.type === 'field_designator' ? des.namedChildren[0]!.text : des.text;
        fi = fields.findIndex((f) => f.name === name);
        if (fi < 0) throw this.err(des, `${typeName(r)} has no field '${name}'`);
        cur.els[cur.i] = el.childForFieldName('value')!;
      }
      if (fi >= fields.length) throw this.err(el, `too many initializers for ${typeName(r)}`);
      this.field1(fields[fi], off, cur, out);
      fi++;
      if (r.union && el.type !== 'initializer_pair') break;
    }
  }

  // ---- statements -----------------------------------------------------------------------------

  /** Compiles a function definition's body. */
  body(def: TSNode): { code: Instr[]; nslots: number; vars: VarInfo[] } {
    const ctx = this.ctx!;
    const f = ctx.entry;
    const declNode = def.childForFieldName('declarator')!;
    const fnDecl = findFnDeclarator(declNode);
    const params = fnDecl ? this.k.paramNames(fnDecl, this.st.scope, this.st) : [];
    const bodyNode = def.childForFieldName('body')!;
    collectAddressTaken(bodyNode, this.addressTaken);
    this.scope = new Scope(this.st.scope);
    // slot RUN: the run, passed by every caller as a hidden first argument
    this.nslots = RUN + 1;
    this.vars.push({ name: '<run>', type: VOID as never, slot: RUN, param: true, from: 0, to: Infinity, loc: this.loc(def), home: 'slot', offset: 0 });
    const retRecord = f.type.ret.k === 'record';
    if (retRecord) {
      this.RETBUF = this.nslots++;
      this.vars.push({ name: '<return buffer>', type: ptrTo(f.type.ret) as never, slot: this.RETBUF, param: true, from: 0, to: Infinity, loc: this.loc(def), home: 'slot', offset: 0 });
    }
    const paramSlots: number[] = [];
    for (let i = 0; i < params.length; i++) paramSlots.push(this.nslots++);
    this.BASE = this.nslots++;
    this.SAVED = this.nslots++;
    this.BORN = this.nslots++;
    // A variadic function (printk) reads its arguments as i386 cdecl lays them out: the named
    // parameters in memory in order, 4-byte words, and the caller's further arguments right
    // after the last one (stdarg's va_start is `(char *)&last + sizeof(last)`). The machine hands
    // the further arguments over in a slot of their own; the prologue stores them there.
    const variadic = f.type.variadic && params.length > 0;
    params.forEach((p, i) => {
      const slot = paramSlots[i];
      const inMem = variadic || isAggregate(p.type) || this.addressTaken.has(p.name);
      let v: LocalVar;
      if (inMem) {
        const size = variadic ? Math.ceil(sizeOf(p.type)! / 4) * 4 : sizeOf(p.type)!;
        const off = this.frameAlloc(size, Math.max(4, alignOf(p.type)));
        this.memParams.push({ off, slot, t: p.type });
        v = { name: p.name, type: p.type, slot: -1, off };
      } else v = { name: p.name, type: p.type, slot, off: 0 };
      if (p.name) this.scope.ord.set(p.name, { k: 'local', v });
      this.vars.push({ name: p.name, type: p.type as never, slot, param: true, from: 0, to: Infinity, loc: this.loc(p.node), home: inMem ? 'memory' : 'slot', offset: v.off });
    });
    const VA = variadic ? this.nslots++ : -1;
    const vaOff = variadic ? this.frameAlloc(VARARGS_BYTES, 4) : 0;
    if (variadic) (ctx.fn as { varargsSlot?: number }).varargsSlot = VA;
    // the prologue: the frame's memory below the caller's, memory-resident parameters copied in
    const B = this.BASE;
    const S = this.SAVED;
    const BORN = this.BORN;
    const loc = this.loc(def);
    const memParams = this.memParams;
    const stores = memParams.map((p) => (p.t.k === 'record' ? null : this.store(p.t, def)));
    this.code.push({
      op: Op.EXPR,
      loc,
      ev: (fr) => {
        const run: RunState = fr.s[RUN];
        // a frame's own fact, never changed: its slots are written unlogged until the next stop
        fr.s[BORN] = run.H.stopCount;
        const size = this.frameSize;
        if (!size) return;
        const sp = run.sp[0];
        const base = (sp - size) & ~7;
        if (base < run.stackBase) throw new CFault(loc, `stack overflow: ${f.name}() needs ${size} bytes of stack and the C stack is full (runaway recursion?)`);
        run.H.setSlot(fr.s, S, sp, fr.s[BORN]);
        run.H.setSlot(fr.s, B, base, fr.s[BORN]);
        run.H.set(run.sp, 0, base);
        for (let i = 0; i < memParams.length; i++) {
          const p = memParams[i];
          const st = stores[i];
          try {
            if (st) st(fr, base + p.off, fr.s[p.slot]);
            else run.mem.copy(base + p.off, fr.s[p.slot], (p.t as RecT).size);
          } catch (e) {
            throw asFault(e, loc);
          }
        }
        if (VA >= 0) {
          const extra: unknown[] = fr.s[VA] || [];
          let a = base + vaOff;
          for (const x of extra) {
            const wide = typeof x === 'bigint';
            if (a + (wide ? 8 : 4) > base + vaOff + VARARGS_BYTES) throw new CFault(loc, `${f.name}() is called with more than ${VARARGS_BYTES} bytes of arguments after its named parameters`);
            if (wide) {
              run.mem.st32(a, Number(BigInt.asIntN(32, x)));
              run.mem.st32(a + 4, Number(BigInt.asIntN(32, x >> 32n)));
              a += 8;
            } else {
              run.mem.st32(a, typeof x === 'number' ? x : 0);
              a += 4;
            }
          }
        }
      },
    });
    this.block(bodyNode, false);
    // the implicit return at the closing brace
    const close = bodyNode.lastChild ?? bodyNode;
    this.stmt(close, 'return');
    this.emitRet(null, close);
    for (const g of this.gotos) {
      const at = this.labels.get(g.name);
      if (at === undefined) throw this.err(g.node, `goto ${g.name}: no such label in ${f.name}()`);
      this.code[g.at].target = at;
    }
    this.closeReads();
    (ctx.fn as { frameSize?: number }).frameSize = this.frameSize;
    (ctx.fn as { baseSlot?: number }).baseSlot = this.BASE;
    (ctx.fn as { bornSlot?: number }).bornSlot = this.BORN;
    // with no frame memory a `return;` has nothing to do: a RET without `ev` (as the machine's
    // other front end makes it, which run.ts reads to know the implicit return at `}`)
    if (!this.frameSize) for (const at of this.bareReturns) this.code[at].ev = undefined;
    if (!this.frameSize && !memParams.length) dropFirst(this.code, this.vars);
    return { code: this.code.map(uniformInstr), nslots: this.nslots, vars: this.vars };
  }

  private emitRet(value: TSNode | null, n: TSNode): void {
    const f = this.ctx!.entry;
    const S = this.SAVED;
    let ev: Ev | undefined;
    const ret = f.type.ret;
    if (value) {
      const x = this.decay(this.expr(value));
      if (ret.k === 'record') {
        if (x.t.k !== 'record') throw this.err(value, `returning ${typeName(x.t)} from a function returning ${typeName(ret)}`);
        const R = this.RETBUF;
        const size = ret.size;
        const src = x.ev;
        ev = (fr) => {
          fr.s[RUN].mem.copy(fr.s[R], src(fr), size);
          return fr.s[R];
        };
      } else if (ret.k === 'void') ev = x.ev;
      else ev = this.conv(x, ret, value);
    }
    const loc = this.loc(n);
    const body = ev;
    if (!body) this.bareReturns.push(this.code.length);
    const ins: Instr = {
      op: Op.RET,
      loc,
      ev: (fr) => {
        const r = body ? body(fr) : undefined;
        if (this.frameSize) fr.s[RUN].H.set(fr.s[RUN].sp, 0, fr.s[S]);
        return ret.k === 'void' ? undefined : r;
      },
    };
    this.emit(ins);
  }

  private block(n: TSNode, newScope = true): void {
    const outer = this.scope;
    if (newScope) this.scope = new Scope(outer);
    const from = this.vars.length;
    for (const c of n.namedChildren) if (c) this.statement(c);
    for (let i = from; i < this.vars.length; i++) if (this.vars[i].to === Infinity && !this.vars[i].param) this.vars[i].to = this.code.length;
    this.scope = outer;
  }

  /** A condition's truth, and where a memory fault in it is reported (the condition, not its statement). */
  private cond(n: TSNode): { ev: Ev; floc: Loc } {
    const inner = n.type === 'parenthesized_expression' ? n.namedChildren.find((c) => c && c.type !== 'comment')! : n;
    const x = this.decay(this.expr(inner));
    return { ev: this.truth(x, inner), floc: this.loc(inner) };
  }

  statement(n: TSNode): void {
    switch (n.type) {
      case 'comment':
        return;
      case 'compound_statement':
        this.block(n);
        return;
      case 'declaration':
        this.localDeclaration(n);
        return;
      case 'type_definition': {
        const base = this.k.baseType(n, this.scope, this.st);
        for (const d of n.childrenForFieldName('declarator')) {
          if (!d) continue;
          const { name, type } = this.k.declarator(base, d, this.scope, this.st);
          this.scope.ord.set(name, { k: 'typedef', t: type });
        }
        return;
      }
      case 'struct_specifier':
      case 'union_specifier':
      case 'enum_specifier':
        this.k.typeSpec(n, this.scope, this.st);
        return;
      case 'expression_statement': {
        const e = n.namedChildren.find((c) => c && c.type !== 'comment');
        if (!e) return;
        this.stmt(n, e.type === 'gnu_asm_expression' ? 'asm' : 'expression');
        if (e.type === 'comma_expression') {
          this.commaStatement(e);
          return;
        }
        const x = this.expr(e);
        this.exprInstr(x.ev, e);
        return;
      }
      case 'if_statement': {
        this.stmt(n, 'if');
        const c = this.cond(n.childForFieldName('condition')!);
        const jf = this.emit({ op: Op.JUMPF, loc: this.loc(n), ev: c.ev, floc: c.floc, target: -1 });
        this.statement(n.childForFieldName('consequence')!);
        const alt = n.childForFieldName('alternative');
        if (alt) {
          const j = this.emit({ op: Op.JUMP, loc: this.loc(alt), target: -1 });
          jf.target = this.code.length;
          const s = alt.type === 'else_clause' ? alt.namedChildren.find((x) => x && x.type !== 'comment')! : alt;
          this.statement(s);
          j.target = this.code.length;
        } else jf.target = this.code.length;
        return;
      }
      case 'while_statement': {
        const top = this.code.length;
        this.stmt(n.childForFieldName('condition')!, 'while');
        const c = this.cond(n.childForFieldName('condition')!);
        const jf = this.emit({ op: Op.JUMPF, loc: this.loc(n), ev: c.ev, floc: c.floc, target: -1 });
        this.loop(n.childForFieldName('body')!, top, (brk) => brk.concat([this.code.indexOf(jf)]));
        this.emit({ op: Op.JUMP, loc: this.loc(n), target: top });
        jf.target = this.code.length;
        this.patchLoop();
        return;
      }
      case 'do_statement': {
        const top = this.code.length;
        this.breaks.push([]);
        this.conts.push([]);
        this.statement(n.childForFieldName('body')!);
        const condAt = this.code.length;
        const condNode = n.childForFieldName('condition')!;
        this.stmt(condNode, 'while');
        const c = this.cond(condNode);
        this.emit({ op: Op.JUMPT, loc: this.loc(condNode), ev: c.ev, floc: c.floc, target: top });
        this.endLoop(condAt);
        return;
      }
      case 'for_statement': {
        const outer = this.scope;
        this.scope = new Scope(outer);
        const init = n.childForFieldName('initializer');
        if (init) {
          if (init.type === 'declaration') this.localDeclaration(init);
          else {
            this.stmt(init, 'for');
            this.exprInstr(this.expr(init).ev, init);
          }
        }
        const top = this.code.length;
        const condNode = n.childForFieldName('condition');
        let jf: Instr | undefined;
        if (condNode) {
          this.stmt(condNode, 'for');
          jf = this.emit({ op: Op.JUMPF, loc: this.loc(condNode), ...this.cond(condNode), target: -1 });
        }
        this.breaks.push([]);
        this.conts.push([]);
        this.statement(n.childForFieldName('body')!);
        const contAt = this.code.length;
        const upd = n.childForFieldName('update');
        if (upd) {
          this.stmt(upd, 'for');
          this.exprInstr(this.expr(upd).ev, upd);
        }
        this.emit({ op: Op.JUMP, loc: this.loc(n), target: top });
        if (jf) jf.target = this.code.length;
        this.endLoop(contAt);
        this.scope = outer;
        return;
      }
      case 'break_statement': {
        this.stmt(n, 'break');
        const list = this.breaks[this.breaks.length - 1];
        if (!list) throw this.err(n, `break outside a loop or switch`);
        list.push(this.code.length);
        this.emit({ op: Op.JUMP, loc: this.loc(n), target: -1 });
        return;
      }
      case 'continue_statement': {
        this.stmt(n, 'continue');
        const list = this.conts[this.conts.length - 1];
        if (!list) throw this.err(n, `continue outside a loop`);
        list.push(this.code.length);
        this.emit({ op: Op.JUMP, loc: this.loc(n), target: -1 });
        return;
      }
      case 'return_statement': {
        this.stmt(n, 'return');
        const v = n.namedChildren.find((c) => c && c.type !== 'comment') ?? null;
        this.emitRet(v, n);
        return;
      }
      case 'goto_statement': {
        this.stmt(n, 'goto');
        this.gotos.push({ name: n.childForFieldName('label')!.text, at: this.code.length, node: n });
        this.emit({ op: Op.JUMP, loc: this.loc(n), target: -1 });
        return;
      }
      case 'labeled_statement': {
        const name = n.childForFieldName('label')!.text;
        if (this.labels.has(name)) throw this.err(n, `duplicate label '${name}'`);
        this.labels.set(name, this.code.length);
        for (const c of n.namedChildren) if (c && c.type !== 'statement_identifier') this.statement(c);
        return;
      }
      case 'switch_statement': {
        this.stmt(n, 'switch');
        const condNode = n.childForFieldName('condition')!;
        const inner = condNode.type === 'parenthesized_expression' ? condNode.namedChildren.find((c) => c && c.type !== 'comment')! : condNode;
        const x = this.decay(this.expr(inner));
        if (x.t.k !== 'int') throw this.err(inner, `switch on ${typeName(x.t)}`);
        const pt = promote(x.t);
        const ev0 = this.conv(x, pt, inner);
        const ev = pt.size === 8 ? (fr: Frame) => Number(ev0(fr)) : ev0;
        const conv = pt.size === 8 ? (v: number) => v : narrower(pt);
        const sw = this.emit({ op: Op.SWITCH, loc: this.loc(n), ev, floc: this.loc(inner), cases: new Map(), target: -1 });
        this.switches.push({ cases: sw.cases!, def: undefined, conv });
        this.breaks.push([]);
        this.statement(n.childForFieldName('body')!);
        const s = this.switches.pop()!;
        const end = this.code.length;
        sw.target = s.def ?? end;
        for (const b of this.breaks.pop()!) this.code[b].target = end;
        return;
      }
      case 'case_statement': {
        const s = this.switches[this.switches.length - 1];
        if (!s) throw this.err(n, `case outside a switch`);
        const v = n.childForFieldName('value');
        if (v) {
          const key = s.conv(this.k.constInt(v, this.scope, this.st));
          if (s.cases.has(key)) throw this.err(v, `duplicate case value ${key}`);
          s.cases.set(key, this.code.length);
        } else s.def = this.code.length;
        for (const c of n.namedChildren) if (c && c.id !== v?.id) this.statement(c);
        return;
      }
      case 'attributed_statement':
        for (const c of n.namedChildren) if (c && c.type !== 'attribute_declaration') this.statement(c);
        return;
      case 'ERROR':
        throw this.err(n, `syntax error: '${n.text.slice(0, 60)}'`);
      default:
        throw this.err(n, `unsupported statement (${n.type})`);
    }
  }

  private commaStatement(e: TSNode): void {
    // `a, b;` runs a then b, each as an expression of the same statement
    if (e.type === 'comma_expression') {
      this.commaStatement(e.childForFieldName('left')!);
      this.commaStatement(e.childForFieldName('right')!);
      return;
    }
    this.exprInstr(this.expr(e).ev, e);
  }

  private loop(body: TSNode, contTarget: number, _f: (b: number[]) => number[]): void {
    this.breaks.push([]);
    this.conts.push([]);
    this.statement(body);
    this.pendingCont = contTarget;
  }
  private pendingCont = 0;
  private patchLoop(): void {
    this.endLoop(this.pendingCont);
  }
  private endLoop(contTarget: number): void {
    const end = this.code.length;
    for (const b of this.breaks.pop()!) this.code[b].target = end;
    for (const c of this.conts.pop()!) this.code[c].target = contTarget;
  }

  private localDeclaration(n: TSNode): void {
    const storage = new Set<string>();
    for (const c of n.children) if (c && c.type === 'storage_class_specifier') storage.add(c.text);
    const base = this.k.baseType(n, this.scope, this.st);
    for (const d of n.childrenForFieldName('declarator')) {
      if (!d) continue;
      const { name, type: t0, nameNode } = this.k.declarator(base, d, this.scope, this.st);
      if (!name) continue;
      let type = t0;
      const init = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
      if (type.k === 'func' || storage.has('extern')) {
        // a block-scope declaration of something at file scope
        const s = this.st.scope.lookup(name) ?? this.k.externFnSym(name) ?? undefined;
        if (s) this.scope.ord.set(name, s);
        else if (type.k === 'func') this.scope.ord.set(name, { k: 'fn', f: this.k.declareFn(name, type, false, nameNode ?? d, this.st) });
        continue;
      }
      if (type.k === 'array' && type.n === undefined && init) {
        const cnt = init.type === 'initializer_list' ? init.namedChildren.filter((c) => c && c.type !== 'comment').length : decodeString(init).length + 1;
        type = { k: 'array', of: type.of, n: cnt };
      }
      const size = sizeOf(type);
      if (size === undefined) throw this.err(d, `'${name}' has an incomplete type ${typeName(type)}`);
      if (storage.has('static')) {
        const loc = this.loc(nameNode ?? d);
        const addr = this.k.reserve(size, Math.max(4, alignOf(type)), `static ${name}`, loc);
        const g: GlobalEntry = { name, type, addr, defined: true, static: true, loc, unit: this.st };
        this.k.globals.set(`${this.st.unit.path}:${this.ctx?.entry.name}:${name}`, g);
        if (init) this.k.rawInit(g, init, this.scope);
        this.scope.ord.set(name, { k: 'global', g });
        continue;
      }
      const inMem = isAggregate(type) || this.addressTaken.has(name);
      const v: LocalVar = inMem ? { name, type, slot: -1, off: this.frameAlloc(size, Math.max(4, alignOf(type))) } : { name, type, slot: this.nslots++, off: 0 };
      const declLoc = this.loc(nameNode ?? d);
      if (init) {
        this.stmt(d, 'declaration');
        if (inMem) {
          const items = isAggregate(type) ? this.initializer(type, init) : null;
          const B = this.BASE;
          const off = v.off;
          if (items) {
            const lastIsWhole = init.type !== 'initializer_list' && !this.isStringFor(type, init);
            this.exprInstr((fr) => {
              const a = fr.s[B] + off;
              if (!lastIsWhole) fr.s[RUN].mem.fill(a, 0, size);
              for (const s of items) s(fr, a);
            }, init);
          } else {
            const x = this.expr(init.type === 'initializer_list' ? init.namedChildren[0]! : init);
            const ev = this.conv(this.decay(x), type, init);
            const stor = this.store(type, init);
            this.exprInstr((fr) => stor(fr, fr.s[B] + off, ev(fr)), init);
          }
        } else {
          const x = this.expr(init.type === 'initializer_list' ? init.namedChildren[0]! : init);
          const ev = this.conv(this.decay(x), type, init);
          const slot = v.slot;
          const born = this.BORN;
          this.exprInstr((fr) => fr.s[RUN].H.setSlot(fr.s, slot, ev(fr), fr.s[born]), init);
        }
      }
      // in scope from its declarator on (its own initializer sees it, as in C)
      this.scope.ord.set(name, { k: 'local', v });
      this.vars.push({ name, type: type as never, slot: v.slot >= 0 ? v.slot : this.BASE, param: false, from: this.code.length, to: Infinity, loc: declLoc, home: inMem ? 'memory' : 'slot', offset: v.off });
    }
  }
}

/** room in a variadic function's frame for the arguments after its named parameters */
const VARARGS_BYTES = 128;

/** Removes instruction 0 (a prologue with nothing to do), moving every target and range down by one. */
function dropFirst(code: Instr[], vars: VarInfo[]): void {
  code.shift();
  for (const i of code) {
    if (i.target !== undefined) i.target = Math.max(0, i.target - 1);
    if (i.cases) for (const [k, v] of i.cases) i.cases.set(k, v - 1);
  }
  for (const v of vars) {
    if (v.from > 0) v.from--;
    if (v.to !== Infinity && v.to > 0) v.to--;
  }
}

// ---- small helpers ------------------------------------------------------------------------------

function constOf(ev: Ev): number | bigint | undefined {
  try {
    return ev(null as unknown as Frame);
  } catch {
    return undefined;
  }
}

/** the constant value of `x` when every operand is constant (folded now) */
function fold(x: X, ops: X[]): X {
  if (ops.every((o) => o.cv !== undefined)) {
    const v = constOf(x.ev);
    if (v !== undefined) {
      x.cv = v;
      x.ev = () => v;
    }
  }
  return x;
}

function narrowBits(b: Bits): (v: number) => number {
  const mod = 2 ** b.w;
  return (v) => {
    let r = ((v % mod) + mod) % mod;
    if (b.signed && r >= mod / 2) r -= mod;
    return r;
  };
}

function defaultPromotion(t: CT): CT {
  if (t.k === 'int') return promote(t);
  if (t.k === 'array') return ptrTo(t.of);
  if (t.k === 'func') return ptrTo(t);
  return t;
}

function findFnDeclarator(d: TSNode): TSNode | undefined {
  for (let n: TSNode | null = d; n; ) {
    if (n.type === 'function_declarator') {
      // the innermost function declarator applied to the name is the definition's parameter list
      const inner = n.childForFieldName('declarator');
      if (inner && inner.type !== 'identifier' && findFnDeclarator(inner)) return findFnDeclarator(inner);
      return n;
    }
    if (n.type === 'pointer_declarator' || n.type === 'parenthesized_declarator' || n.type === 'attributed_declarator') n = n.childForFieldName('declarator') ?? n.namedChildren.find((c) => c && c.type !== 'attribute_specifier' && c.type !== 'type_qualifier') ?? null;
    else return undefined;
  }
  return undefined;
}

/** Names whose address is taken in a body (`&x`, or an array/struct is always in memory anyway). */
function collectAddressTaken(root: TSNode, out: Set<string>): void {
  const visit = (n: TSNode): void => {
    if (n.type === 'pointer_expression' && n.firstChild?.type === '&') {
      let a = n.childForFieldName('argument');
      while (a && a.type === 'parenthesized_expression') a = a.namedChildren[0];
      if (a?.type === 'identifier') out.add(a.text);
    }
  };
  if (isDeclNode(root)) {
    // a declaration tree's node (an initializer read from the cache): its children are plain data
    const walk = (n: TSNode): void => {
      visit(n);
      for (const c of n.children) if (c) walk(c);
    };
    walk(root);
    return;
  }
  const c = (root as TreeNode).walk();
  try {
    for (;;) {
      visit(c.currentNode);
      if (c.gotoFirstChild()) continue;
      while (!c.gotoNextSibling()) {
        if (!c.gotoParent()) return;
        if (c.currentNode.id === root.id) return;
      }
    }
  } finally {
    c.delete();
  }
}

export { LLONG };
