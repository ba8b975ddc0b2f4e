// A packetdrill script (.pkt) read into statements: a time, then a system call, a segment injected
// (`<`) or expected (`>`), a shell command or a Python block. The language is packetdrill's
// (google/packetdrill, syntax.md); see ../shared/packetdrill/README.md for the summary this follows.
// Every problem is a diagnostic at its line and column; a statement that does not parse is skipped
// and the next one is read.

import type { Diagnostic, Range } from '../ast';
import { lexPkt, MAX_PKT_BYTES, type Tok } from './lex';

/** One point in time, in microseconds: absolute, or relative to the previous statement (`+`). */
export interface PktInstant {
  relative: boolean;
  us: number;
}

export type PktTime =
  | { kind: 'at'; at: PktInstant; range: Range }
  /** `a~b`: any time in the window */
  | { kind: 'window'; at: PktInstant; until: PktInstant; range: Range }
  /** `*`: any time */
  | { kind: 'any'; range: Range };

/** An option in a segment's `<…>`: its name and the words after it (`mss 1000`, `wscale 7`, `sackOK`). */
export interface PktOption {
  name: string;
  args: string[];
  text: string;
  range: Range;
}

export interface PktSegment {
  kind: 'segment';
  /** `<` injected towards the socket under test, `>` expected from it */
  dir: '<' | '>';
  /** as written: S F R P . (ACK) E W U */
  flags: string;
  flagsRange: Range;
  /** relative sequence numbers, as tcpdump prints them */
  start: number;
  end: number;
  len: number;
  seqRange: Range;
  ack?: number;
  win?: number;
  /** the `<…>` options; 'any' for `<...>` */
  options?: PktOption[] | 'any';
  optionsRange?: Range;
  /** other words (urg N, …): kept so the importer can say it did not translate them */
  extra: { text: string; range: Range }[];
}

export interface PktArg {
  text: string;
  range: Range;
}

export interface PktSyscall {
  kind: 'syscall';
  name: string;
  nameRange: Range;
  args: PktArg[];
  /** `= 3`, `= -1 EPIPE (Broken pipe)`; the errno's name when given */
  result: { value: number; errno?: string; range: Range };
  /** `t1...t2`: a blocking call that returns at t2 */
  returnsAt?: PktInstant;
}

export interface PktShell {
  kind: 'shell';
  command: string;
}

export interface PktPython {
  kind: 'python';
  code: string;
}

export interface PktStatement {
  time?: PktTime;
  body: PktSegment | PktSyscall | PktShell | PktPython;
  /** the statement's whole range */
  range: Range;
  line: number;
}

export interface PktScript {
  file: string;
  statements: PktStatement[];
  diagnostics: Diagnostic[];
}

/** At most this many diagnostics are kept: a file that is not packetdrill at all stops there. */
export const MAX_PKT_DIAGNOSTICS = 100;

class Refusal extends Error {
  constructor(readonly range: Range, message: string) {
    super(message);
  }
}

const span = (a: Range, b: Range): Range => ({ start: a.start, end: b.end });

/** Reads a packetdrill script. Never throws: what it cannot read is in `diagnostics`. */
export function parsePkt(text: string, file: string): PktScript {
  const diagnostics: Diagnostic[] = [];
  const statements: PktStatement[] = [];
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PKT_BYTES) {
    const at = { line: 1, column: 1 };
    diagnostics.push({ file, range: { start: at, end: at }, severity: 'error', message: `the script is ${bytes} bytes: more than ${MAX_PKT_BYTES} (1 MiB) is not read` });
    return { file, statements, diagnostics };
  }
  const toks = lexPkt(text, file, diagnostics);
  let i = 0;
  while (i < toks.length && diagnostics.length < MAX_PKT_DIAGNOSTICS) {
    if (toks[i].kind === 'newline' || (toks[i].kind === 'punct' && toks[i].text === ';')) {
      i++;
      continue;
    }
    const from = i;
    try {
      const p = new StatementParser(toks, i);
      const s = p.statement();
      statements.push(s);
      i = p.i;
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      diagnostics.push({ file, range: e.range, severity: 'error', message: e.message });
      i = from;
      while (i < toks.length && toks[i].kind !== 'newline') i++;
    }
  }
  return { file, statements, diagnostics };
}

const FLAG_LETTERS = /^[SFRPEWU]+$/;

class StatementParser {
  constructor(
    readonly toks: Tok[],
    public i: number,
  ) {}

  private get tok(): Tok {
    return this.toks[Math.min(this.i, this.toks.length - 1)];
  }
  private is(kind: Tok['kind'], text?: string): boolean {
    return this.tok.kind === kind && (text === undefined || this.tok.text === text);
  }
  private take(): Tok {
    return this.toks[this.i++];
  }
  private expect(kind: Tok['kind'], text: string | undefined, what: string): Tok {
    if (!this.is(kind, text)) throw new Refusal(this.tok.range, `expected ${what}, found ${this.found()}`);
    return this.take();
  }
  private found(): string {
    const t = this.tok;
    return t.kind === 'newline' ? 'the end of the line' : `'${t.text.slice(0, 40)}'`;
  }
  private endOfStatement(): void {
    if (!this.is('newline') && !this.is('punct', ';')) throw new Refusal(this.tok.range, `expected the end of the statement, found ${this.found()}`);
  }

  statement(): PktStatement {
    const first = this.tok;
    let time: PktTime | undefined;
    if (!this.is('shell') && !this.is('python')) time = this.timeWithBlocking();
    const t = this.tok;
    if (this.blockingEnd && t.kind !== 'word') throw new Refusal(time!.range, "'t1...t2' is written before a blocking system call only");
    let body: PktStatement['body'];
    if (t.kind === 'shell') {
      this.take();
      body = { kind: 'shell', command: t.text.slice(1, -1) };
    } else if (t.kind === 'python') {
      this.take();
      body = { kind: 'python', code: t.text.slice(2, -2) };
    } else if (t.kind === 'punct' && (t.text === '<' || t.text === '>')) body = this.segment();
    else if (t.kind === 'word') body = this.syscall(time);
    else throw new Refusal(t.range, `expected a system call, '<' or '>' after the time, found ${this.found()}`);
    const last = this.toks[Math.max(this.i - 1, 0)];
    this.endOfStatement();
    return { time, body, range: span(first.range, last.range), line: first.range.start.line };
  }

  private instant(): { at: PktInstant; range: Range } {
    const start = this.tok.range;
    let relative = false;
    if (this.is('punct', '+')) {
      relative = true;
      this.take();
    }
    const n = this.tok;
    if (n.kind !== 'num' || n.text.startsWith('0x')) throw new Refusal(n.range, `expected a time in seconds (0, 1.5, +.01), found ${this.found()}`);
    this.take();
    const us = Math.round(Number(n.text) * 1e6);
    if (!Number.isFinite(us) || us > 4e13) throw new Refusal(n.range, `the time ${n.text} s is out of range`);
    return { at: { relative, us }, range: span(start, n.range) };
  }

  private time(): PktTime {
    if (this.is('punct', '*')) return { kind: 'any', range: this.take().range };
    const a = this.instant();
    if (this.is('punct', '~')) {
      this.take();
      const b = this.instant();
      return { kind: 'window', at: a.at, until: b.at, range: span(a.range, b.range) };
    }
    return { kind: 'at', at: a.at, range: a.range };
  }

  private number(what: string): { value: number; range: Range } {
    const t = this.tok;
    if (t.kind !== 'num' || t.text.includes('.')) throw new Refusal(t.range, `expected ${what} (a whole number), found ${this.found()}`);
    this.take();
    const value = Number(t.text);
    if (!(value <= 0xffffffff)) throw new Refusal(t.range, `${t.text} does not fit in 32 bits`);
    return { value, range: t.range };
  }

  private segment(): PktSegment {
    const dir = this.take().text as '<' | '>';
    // the flags: letters and '.' written together (`S.`, `F.`, `P.`, `.`)
    let flags = '';
    let flagsRange: Range | undefined;
    while ((this.is('word') && FLAG_LETTERS.test(this.tok.text)) || this.is('punct', '.')) {
      const t = this.tok;
      if (flags && t.spaced) break;
      flags += t.text;
      flagsRange = flagsRange ? span(flagsRange, t.range) : t.range;
      this.take();
    }
    if (!flagsRange) throw new Refusal(this.tok.range, `expected the segment's flags (S, F, R, P, '.' for ACK) after '${dir}', found ${this.found()}`);
    if ((flags.match(/\./g) ?? []).length > 1) throw new Refusal(flagsRange, `'${flags}': '.' (ACK) is written once`);
    const s = this.number('the first sequence number (start:end(length))');
    this.expect('punct', ':', "':' between the sequence numbers (start:end(length))");
    const e = this.number('the end sequence number');
    this.expect('punct', '(', "'(' before the length");
    const len = this.number('the length');
    const close = this.expect('punct', ')', "')' after the length");
    const seqRange = span(s.range, close.range);
    if (((e.value - s.value) >>> 0) !== len.value >>> 0) throw new Refusal(seqRange, `${s.value}:${e.value}(${len.value}): the length is end - start (${(e.value - s.value) >>> 0})`);
    const seg: PktSegment = { kind: 'segment', dir, flags, flagsRange, start: s.value, end: e.value, len: len.value, seqRange, extra: [] };
    while (!this.is('newline') && !this.is('punct', ';')) {
      const t = this.tok;
      if (t.kind === 'word' && (t.text === 'ack' || t.text === 'win')) {
        this.take();
        const n = this.number(`the value of ${t.text}`);
        if (t.text === 'ack') seg.ack = n.value;
        else seg.win = n.value;
      } else if (t.kind === 'punct' && t.text === '<') this.options(seg);
      else if (t.kind === 'word') {
        // urg N, ecn marks and the like: kept whole, reported by the importer
        this.take();
        let range = t.range;
        let text = t.text;
        while (this.is('num')) {
          const n = this.take();
          text += ` ${n.text}`;
          range = span(range, n.range);
        }
        seg.extra.push({ text, range });
      } else if (t.kind === 'punct' && t.text === '[') {
        // [ecn …] and other bracketed annotations
        const open = this.take();
        const words: string[] = [];
        while (!this.is('punct', ']')) {
          if (this.is('newline')) throw new Refusal(open.range, "'[' is not closed with ']' on its line");
          words.push(this.take().text);
        }
        const closeB = this.take();
        seg.extra.push({ text: `[${words.join(' ')}]`, range: span(open.range, closeB.range) });
      } else throw new Refusal(t.range, `expected ack, win or <options> in the segment, found ${this.found()}`);
    }
    return seg;
  }

  private options(seg: PktSegment): void {
    const open = this.take();
    if (seg.options) throw new Refusal(open.range, 'the segment has two <option> lists');
    if (this.is('ellipsis')) {
      this.take();
      const close = this.expect('punct', '>', "'>' after '<...'");
      seg.options = 'any';
      seg.optionsRange = span(open.range, close.range);
      return;
    }
    const out: PktOption[] = [];
    for (;;) {
      const name = this.tok;
      if (name.kind !== 'word') throw new Refusal(name.range, `expected an option (mss 1000, nop, wscale 7, sackOK, …), found ${this.found()}`);
      this.take();
      const args: string[] = [];
      let range = name.range;
      while (!this.is('punct', ',') && !this.is('punct', '>')) {
        if (this.is('newline')) throw new Refusal(open.range, "the option list is not closed with '>' on its line");
        const a = this.take();
        args.push(a.text);
        range = span(range, a.range);
      }
      out.push({ name: name.text, args, text: [name.text, ...args].join(' ').replace(/ ?: ?/g, ':'), range });
      if (this.is('punct', '>')) break;
      this.take();
    }
    const close = this.take();
    seg.options = out;
    seg.optionsRange = span(open.range, close.range);
  }

  private syscall(time: PktTime | undefined): PktSyscall {
    const name = this.take();
    if (!this.is('punct', '(')) throw new Refusal(this.tok.range, `expected '(' after the system call ${name.text}, found ${this.found()}`);
    const open = this.take();
    const args: PktArg[] = [];
    let depth = 0;
    let cur: Tok[] = [];
    const flush = () => {
      if (cur.length) args.push({ text: cur.map((t, k) => (k && t.spaced ? ' ' : '') + t.text).join(''), range: span(cur[0].range, cur[cur.length - 1].range) });
      cur = [];
    };
    for (;;) {
      const t = this.tok;
      if (t.kind === 'newline') throw new Refusal(open.range, `the arguments of ${name.text}( are not closed with ')'`);
      this.take();
      if (t.kind === 'punct' && '([{'.includes(t.text)) depth++;
      if (t.kind === 'punct' && ')]}'.includes(t.text)) {
        if (depth === 0) break;
        depth--;
      }
      if (t.kind === 'punct' && t.text === ',' && depth === 0) flush();
      else cur.push(t);
    }
    flush();
    const eq = this.expect('punct', '=', `'= result' after ${name.text}(…)`);
    let range = eq.range;
    let negative = false;
    if (this.is('punct', '-')) {
      negative = true;
      range = span(range, this.take().range);
    }
    if (this.is('ellipsis')) throw new Refusal(this.tok.range, 'a result of ... is not supported: write the value the call returns');
    const n = this.number(`the result of ${name.text}`);
    const value = negative ? -n.value : n.value;
    range = span(range, n.range);
    let errno: string | undefined;
    if (this.is('word') && /^E[A-Z0-9]+$/.test(this.tok.text)) {
      const w = this.take();
      errno = w.text;
      range = span(range, w.range);
      if (this.is('punct', '(')) {
        // the errno's text, `(Broken pipe)`
        let d = 0;
        while (!this.is('newline')) {
          const t = this.take();
          if (t.text === '(') d++;
          if (t.text === ')' && --d === 0) {
            range = span(range, t.range);
            break;
          }
        }
      }
    }
    const call: PktSyscall = { kind: 'syscall', name: name.text, nameRange: name.range, args, result: { value, errno, range } };
    if (time && time.kind === 'at' && this.blockingEnd) call.returnsAt = this.blockingEnd;
    return call;
  }

  /** set by time() when `t1...t2` was written (read by syscall) */
  private blockingEnd: PktInstant | undefined;

  /** `t1...t2` before a blocking system call */
  timeWithBlocking(): PktTime {
    const t = this.time();
    if (this.is('ellipsis')) {
      this.take();
      this.blockingEnd = this.instant().at;
    }
    return t;
  }
}
