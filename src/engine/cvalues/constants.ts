// The kernel's named constants for the values layer: enum constants as the compiler collected them
// (TCP_ESTABLISHED...), and object-like #defines whose body is an integer literal, read from the
// source files the units were preprocessed from (TIME_WRITE, RCV_SHUTDOWN: macros leave no trace in
// the preprocessed text). Fields and locals known to hold one family of them (sk->state: a TCP
// state, sk->timeout: a timer reason) show the name beside the number, and a user may write a
// constant's name where a number is expected.

import type { Kernel } from '../cmachine/kernel';

/** A set of constants one place holds: values by name (one of them), or bits (or-ed). */
export interface Family {
  /** what the family is, for messages ("a TCP state") */
  what: string;
  names: readonly string[];
  /** flags: a value is shown as the names of its bits or-ed (0 as `0`) */
  bits?: boolean;
}

export const TCP_STATES: Family = {
  what: 'a TCP state',
  names: ['TCP_ESTABLISHED', 'TCP_SYN_SENT', 'TCP_SYN_RECV', 'TCP_FIN_WAIT1', 'TCP_FIN_WAIT2', 'TCP_TIME_WAIT', 'TCP_CLOSE', 'TCP_CLOSE_WAIT', 'TCP_LAST_ACK', 'TCP_LISTEN', 'TCP_CLOSING'],
};
export const TIMER_REASONS: Family = { what: 'a timer reason', names: ['TIME_WRITE', 'TIME_CLOSE', 'TIME_KEEPOPEN', 'TIME_DESTROY', 'TIME_DONE', 'TIME_PROBE0'] };
export const SHUTDOWN_BITS: Family = { what: 'shutdown bits', names: ['RCV_SHUTDOWN', 'SEND_SHUTDOWN'], bits: true };

/** Struct fields (`tag.field`) and locals (`function.name`) holding one family of constants. */
export const FAMILIES: ReadonlyMap<string, Family> = new Map([
  ['sock.state', TCP_STATES],
  ['sock.timeout', TIMER_REASONS],
  ['sock.ip_xmit_timeout', TIMER_REASONS],
  ['sock.shutdown', SHUTDOWN_BITS],
  ['tcp_close_state.ns', TCP_STATES],
  ['tcp_set_state.state', TCP_STATES],
  ['reset_timer.timeout', TIMER_REASONS],
  ['reset_xmit_timer.why', TIMER_REASONS],
]);

/** `#define NAME 12` / `0x1f` / `(-1)`, with a comment after it or not */
const LITERAL_DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+\(?[ \t]*(-?(?:0[xX][0-9a-fA-F]+|\d+))[uUlL]*[ \t]*\)?[ \t]*(?:\/\*.*?\*\/[ \t]*|\/\/.*)?$/gm;

export class KernelConstants {
  /** every constant by name (a name defined with two different values is left out) */
  readonly byName = new Map<string, number>();

  constructor(kernel: Kernel) {
    for (const [name, v] of kernel.constants) this.byName.set(name, v);
    const conflicting = new Set<string>();
    const seen = new Set<string>();
    for (const u of kernel.units) {
      for (const [path, text] of u.unit.texts ?? []) {
        if (seen.has(path)) continue;
        seen.add(path);
        for (const m of text.matchAll(LITERAL_DEFINE)) {
          const name = m[1];
          const v = Number(BigInt.asIntN(32, BigInt(m[2].replace(/^-/, '')) * (m[2].startsWith('-') ? -1n : 1n)));
          const had = this.byName.get(name);
          if (had === undefined) this.byName.set(name, v);
          else if (had !== v && !kernel.constants.has(name)) conflicting.add(name);
        }
      }
    }
    for (const n of conflicting) this.byName.delete(n);
  }

  /** The family of constants a field of struct `tag` holds. */
  fieldFamily(tag: string, field: string): Family | undefined {
    return FAMILIES.get(`${tag}.${field}`);
  }

  /** The family of constants a local or parameter of `fn` holds. */
  localFamily(fn: string, name: string): Family | undefined {
    return FAMILIES.get(`${fn}.${name}`);
  }

  /** The names for `v` in `family` (`TCP_CLOSE_WAIT`, `RCV_SHUTDOWN|SEND_SHUTDOWN`), or undefined. */
  nameOf(v: number, family: Family): string | undefined {
    if (family.bits) {
      if (v === 0) return undefined;
      const out: string[] = [];
      let rest = v;
      for (const n of family.names) {
        const b = this.byName.get(n);
        if (b !== undefined && b !== 0 && (v & b) === b) {
          out.push(n);
          rest &= ~b;
        }
      }
      if (!out.length) return undefined;
      if (rest) out.push(`0x${(rest >>> 0).toString(16)}`);
      return out.join('|');
    }
    for (const n of family.names) if (this.byName.get(n) === v) return n;
    return undefined;
  }
}
