// Parses a .tcpscenario file into the syntax tree of ast.ts, reporting every syntax, time and name error with its range.
import type {
  Action,
  Assignment,
  Diagnostic,
  FateDecl,
  LinkDecl,
  Range,
  Scenario,
  ScenarioEvent,
  SegmentSpec,
  SocketDecl,
  Value,
} from './ast.js';
import { lexLine, MAX_LINE_LENGTH, quote, range, short, spanRange, splitLines, tokenRange, type Token } from './lexer.js';
import { suggest } from './suggest.js';
import { looksLikeTime, MAX_JIFFIES, parseDuration, parseTime, TIME_EXAMPLES } from './time.js';
import { check32, isName, parseAssignment, parseFlags, parseValue, U32_MAX, type Report } from './values.js';

export { FLAG_LETTERS, parseFlags, parseValue, parseAssignment } from './values.js';
export { parseTime, parseDuration, formatJiffies } from './time.js';

/** Words that start statements or name actions; none of them can name a socket. */
export const KEYWORDS = ['socket', 'link', 'fate', 'expect', 'drop', 'set', 'wait', 'close', 'call'] as const;
/** What a `fate` declaration may do to a segment (FateDecl); `delay` is written delay=TIME. */
export const SEGMENT_FATES = ['drop', 'duplicate', 'reorder', 'delay'] as const;
const FATE_FORMS = 'fate SOCK N drop|duplicate|reorder|delay=TIME, or fate SOCK close +TIME|-TIME';
/** Words that may follow the time in place of a socket name. */
const EVENT_KEYWORDS = ['expect', 'drop', 'set', 'wait'];
/** Fields a segment may carry after its flags. */
export const SEGMENT_FIELDS = ['seq', 'ack', 'len', 'win', 'mss'] as const;
const SEGMENT_FIELD_LIST = 'seq, ack, len, win and mss';
/** Socket options that are not sk fields. */
export const SOCKET_OPTIONS = ['listener', 'partial'] as const;

export function isKeyword(word: string): boolean {
  return (KEYWORDS as readonly string[]).includes(word);
}

const EXPECTED_TIME = `expected a time such as ${TIME_EXAMPLES} at the start of an event`;
/** What may follow a socket name in an event (kept short: a file of bad lines repeats it a hundred times). */
export const ACTIONS = ['<', '>', 'close', 'call', 'wait', 'listen', 'connect', 'accept', 'shutdown', 'write', 'read'] as const;
const ACTION_LIST = `(${ACTIONS.join(' ')})`;
/** shutdown(2)'s directions, as `SOCK shutdown HOW` writes them. */
export const SHUTDOWN_HOWS = ['rd', 'wr', 'rdwr'] as const;
/** The state word of a socket from nothing: `socket NAME CLOSED` (socket(2); no kernel constant has the name). */
export const PLAIN_STATE = 'CLOSED';
/** The most bytes one write or read may name (the machine's user buffer, MACHINE_USER_BYTES). */
export const MAX_USER_BYTES = 65536;
/** listen(2)'s backlog when none is given (what most programs pass). */
export const DEFAULT_BACKLOG = 5;

/** A socket name as written on a line, to be resolved once every declaration is known. */
interface NameRef {
  name: string;
  range: Range;
}

/** One line's statement, before names are resolved and times are put on the clock. */
type Statement =
  | { kind: 'socket'; line: number; keyword: Token; name?: NameRef; decl?: SocketDecl; listener?: NameRef; plain?: boolean }
  | { kind: 'link'; line: number; keyword: Token; a?: NameRef; b?: NameRef; decl?: LinkDecl }
  | { kind: 'fate'; line: number; keyword: Token; decl?: FateDecl }
  | {
      kind: 'event';
      line: number;
      time: { relative: boolean; jiffies: number; token: Token };
      /** absent when the rest of the line has an error (the time still moves the clock) */
      event?: Omit<ScenarioEvent, 'time'>;
    };

/** Parses one line, counting the errors it reports. */
class LineParser {
  errors = 0;
  readonly report: Report = (r, message) => {
    this.errors++;
    this.diagnostics.push({ file: this.file, range: r, severity: 'error', message });
  };

  constructor(
    private readonly file: string,
    private readonly diagnostics: Diagnostic[],
    readonly line: number,
    readonly tokens: Token[],
  ) {}

  at(t: Token, message: string): undefined {
    this.report(tokenRange(t), message);
    return undefined;
  }

  /** An error for something missing at the end of the line: points just past the last token. */
  missing(message: string): undefined {
    const last = this.tokens[this.tokens.length - 1];
    this.report(range(this.line, last.end, last.end + 1), message);
    return undefined;
  }

  /** Tokens from `i` on must be nothing. */
  end(i: number, after: string): boolean {
    const t = this.tokens[i];
    if (!t) return true;
    this.at(t, `unexpected ${quote(t.text)} after ${after}`);
    return false;
  }

  statement(): Statement | undefined {
    const t0 = this.tokens[0];
    if (t0.text === 'socket') return this.socket();
    if (t0.text === 'link') return this.link();
    if (t0.text === 'fate') return this.fate();
    if (!looksLikeTime(t0.text)) {
      const close = isName(t0.text) ? suggest(t0.text, ['socket', 'link', 'fate']) : undefined;
      if (close) return this.at(t0, `unknown statement ${quote(t0.text)} (did you mean '${close}'?)`);
      return this.at(t0, `${EXPECTED_TIME}, found ${quote(t0.text)}`);
    }
    const time = parseTime(t0.text);
    if (!time.ok) return this.at(t0, time.message);
    const before = this.errors;
    const event = this.event();
    return {
      kind: 'event',
      line: this.line,
      time: { relative: time.relative, jiffies: time.jiffies, token: t0 },
      event: this.errors === before ? event : undefined,
    };
  }

  // ---- declarations ----

  /** `socket NAME STATE field=value ...` */
  socket(): Statement {
    const kw = this.tokens[0];
    const stmt: Statement & { kind: 'socket' } = { kind: 'socket', line: this.line, keyword: kw };
    const nameTok = this.tokens[1];
    if (!nameTok) {
      this.missing("expected a socket name after 'socket', e.g. socket server TCP_ESTABLISHED");
      return stmt;
    }
    if (!this.socketName(nameTok, 'declare')) return stmt;
    stmt.name = { name: nameTok.text, range: tokenRange(nameTok) };
    const before = this.errors;
    const stateTok = this.tokens[2];
    let state: SocketDecl['state'] | undefined;
    if (stateTok?.text === PLAIN_STATE) {
      // `socket NAME CLOSED`: from nothing, as socket(2) makes it (state TCP_CLOSE, no port, no peer)
      for (const t of this.tokens.slice(3)) this.at(t, `a socket from nothing (${PLAIN_STATE}) takes no fields: set them with 'set' after it is connected, found ${quote(t.text)}`);
      stmt.plain = true;
      if (this.errors === before) stmt.decl = { kind: 'socket', name: nameTok.text, nameRange: tokenRange(nameTok), state: { kind: 'name', name: 'TCP_CLOSE', range: tokenRange(stateTok) }, fields: [], plain: true, range: spanRange(kw, stateTok) };
      return stmt;
    }
    if (!stateTok) {
      this.missing(`expected the socket's state after ${quote(nameTok.text)}, e.g. TCP_ESTABLISHED (or ${PLAIN_STATE} for a socket from nothing)`);
    } else if (stateTok.text.includes('=')) {
      this.at(stateTok, `expected the socket's state (e.g. TCP_ESTABLISHED) before its fields, found ${quote(stateTok.text)}`);
    } else {
      state = this.value(stateTok);
    }
    const fields = this.assignments(3, 'socket');
    for (const f of fields) {
      if (f.name === 'listener') {
        if (f.value.kind !== 'name') this.report(f.value.range, 'listener= takes the name of a declared socket');
        else stmt.listener = { name: f.value.name, range: f.value.range };
      } else if (f.name === 'partial' && f.value.kind !== 'number') {
        this.report(f.value.range, 'partial= takes a number');
      }
    }
    if (state && this.errors === before) {
      stmt.decl = {
        kind: 'socket',
        name: nameTok.text,
        nameRange: tokenRange(nameTok),
        state,
        fields,
        range: spanRange(kw, this.tokens[this.tokens.length - 1]),
      };
    }
    return stmt;
  }

  /** `link A B [delay=TIME]` */
  link(): Statement {
    const kw = this.tokens[0];
    const stmt: Statement & { kind: 'link' } = { kind: 'link', line: this.line, keyword: kw };
    const before = this.errors;
    const names: NameRef[] = [];
    for (const i of [1, 2]) {
      const t = this.tokens[i];
      if (!t) {
        this.missing(`expected ${i === 1 ? 'two socket names' : 'a second socket name'} after 'link', e.g. link client server delay=10ms`);
        return stmt;
      }
      if (!this.socketName(t, 'link')) return stmt;
      names.push({ name: t.text, range: tokenRange(t) });
    }
    [stmt.a, stmt.b] = names;
    let delay = 0;
    let seenDelay = false;
    for (let i = 3; i < this.tokens.length; i++) {
      const t = this.tokens[i];
      if (!t.text.startsWith('delay=')) {
        this.at(t, `expected delay=TIME (e.g. delay=10ms), the only option of a link, found ${quote(t.text)}`);
        continue;
      }
      if (seenDelay) {
        this.at(t, 'delay is given twice');
        continue;
      }
      seenDelay = true;
      const text = t.text.slice('delay='.length);
      const r = range(t.line, t.start + 'delay='.length, t.end);
      if (text === '') {
        this.at(t, "expected a time after 'delay=', e.g. delay=10ms");
        continue;
      }
      const d = parseDuration(text);
      if (!d.ok) this.report(r, d.message);
      else delay = d.jiffies;
    }
    if (this.errors === before) {
      stmt.decl = {
        kind: 'link',
        a: stmt.a.name,
        aRange: stmt.a.range,
        b: stmt.b.name,
        bRange: stmt.b.range,
        delay,
        range: spanRange(kw, this.tokens[this.tokens.length - 1]),
      };
    }
    return stmt;
  }

  /** `fate SOCK N drop|duplicate|reorder|delay=TIME` or `fate SOCK close +TIME|-TIME` */
  fate(): Statement {
    const kw = this.tokens[0];
    const stmt: Statement & { kind: 'fate' } = { kind: 'fate', line: this.line, keyword: kw };
    const sock = this.tokens[1];
    if (!sock) return (this.missing(`expected a socket name after 'fate': ${FATE_FORMS}`), stmt);
    if (!this.socketName(sock, 'event')) return stmt;
    const which = this.tokens[2];
    const what = this.tokens[3];
    const whole = spanRange(kw, this.tokens[this.tokens.length - 1]);
    const base = { kind: 'fate' as const, socket: sock.text, socketRange: tokenRange(sock), range: whole, line: this.line };
    if (!which) return (this.missing(`expected which segment (1 for the first ${short(sock.text)} sends on its link) or 'close' after ${quote(sock.text)}: ${FATE_FORMS}`), stmt);
    if (which.text === 'close') {
      if (!what) return (this.missing("expected how far close() moves, e.g. fate client close +10ms (or -10ms)"), stmt);
      const sign = what.text[0] === '-' ? -1 : what.text[0] === '+' ? 1 : 0;
      if (!sign) return (this.at(what, `expected a signed time such as +10ms or -10ms after 'close', found ${quote(what.text)}`), stmt);
      const d = parseDuration(what.text.slice(1));
      if (!d.ok) return (this.report(range(what.line, what.start + 1, what.end), d.message), stmt);
      if (this.end(4, `'close ${what.text}'`)) stmt.decl = { ...base, n: 0, fate: 'close', delay: sign * d.jiffies };
      return stmt;
    }
    const n = /^\d+$/.test(which.text) ? Number(which.text) : NaN;
    if (!(n >= 1 && n <= 1_000_000)) return (this.at(which, `expected which segment ${short(sock.text)} sends on its link (a number from 1) or 'close', found ${quote(which.text)}`), stmt);
    if (!what) return (this.missing(`expected what happens to segment ${n}: drop, duplicate, reorder or delay=TIME`), stmt);
    let delay = 0;
    let fate: (typeof SEGMENT_FATES)[number];
    if (what.text.startsWith('delay=')) {
      const d = parseDuration(what.text.slice('delay='.length));
      if (!d.ok) return (this.report(range(what.line, what.start + 'delay='.length, what.end), d.message), stmt);
      if (d.jiffies <= 0) return (this.at(what, 'delay= takes a time after 0, e.g. delay=50ms'), stmt);
      delay = d.jiffies;
      fate = 'delay';
    } else if (['drop', 'duplicate', 'reorder'].includes(what.text)) {
      fate = what.text as 'drop' | 'duplicate' | 'reorder';
    } else {
      const close = isName(what.text) ? suggest(what.text, ['drop', 'duplicate', 'reorder', 'delay']) : undefined;
      return (this.at(what, `expected drop, duplicate, reorder or delay=TIME, found ${quote(what.text)}${close ? ` (did you mean '${close}'?)` : ''}`), stmt);
    }
    if (this.end(4, `'${what.text}'`)) stmt.decl = { ...base, n, fate, delay };
    return stmt;
  }

  /** A token that must be a socket name (syntax only: whether it is declared is checked later). */
  socketName(t: Token, use: 'declare' | 'link' | 'event'): boolean {
    if (isKeyword(t.text)) {
      this.at(
        t,
        use === 'declare'
          ? `${quote(t.text)} is a keyword and cannot name a socket`
          : `expected a socket name, found the keyword ${quote(t.text)}`,
      );
      return false;
    }
    if (!isName(t.text)) {
      this.at(t, `expected a socket name (letters, digits and '_', not starting with a digit), found ${quote(t.text)}`);
      return false;
    }
    return true;
  }

  // ---- events ----

  event(): Omit<ScenarioEvent, 'time'> | undefined {
    const t = this.tokens[1];
    if (!t) return this.missing('expected an event after the time: SOCK <, SOCK >, SOCK close, SOCK call, expect, drop, set or wait');
    const whole = spanRange(this.tokens[0], this.tokens[this.tokens.length - 1]);
    const make = (socket: Token | undefined, action: Action | undefined, socketRange?: Range) =>
      action && {
        socket: socket ? socket.text : '',
        socketRange: socket ? tokenRange(socket) : socketRange!,
        action,
        range: whole,
        line: this.line,
      };
    switch (t.text) {
      case 'wait':
        return this.end(2, "'wait'") ? make(undefined, { kind: 'wait' }, tokenRange(t)) : undefined;
      case 'expect':
      case 'set': {
        const sock = this.eventSocket(2, t);
        if (!sock) return undefined;
        const fields = this.assignments(3, t.text);
        if (fields.length === 0 && this.tokens.length <= 3) {
          return this.missing(`'${t.text}' needs at least one field=value, e.g. ${t.text} ${short(sock.text)} state=TCP_CLOSE`);
        }
        return make(sock, t.text === 'set' ? { kind: 'set', fields } : { kind: 'expect', fields });
      }
      case 'drop': {
        const sock = this.eventSocket(2, t);
        if (!sock) return undefined;
        const dir = this.tokens[3];
        if (!dir) return this.missing(`expected '>' after ${quote(sock.text)}: drop ${short(sock.text)} > FLAGS`);
        if (dir.text !== '>') {
          return this.at(
            dir,
            dir.text === '<'
              ? `drop loses a segment the socket sends: write 'drop ${short(sock.text)} > FLAGS'`
              : `expected '>' after ${quote(sock.text)}: drop ${short(sock.text)} > FLAGS, found ${quote(dir.text)}`,
          );
        }
        const seg = this.segment(4, dir, false);
        return seg && make(sock, { kind: 'drop', segment: seg.segment });
      }
      case 'socket':
      case 'link':
        return this.at(t, `a declaration has no time: write '${t.text} ...' on its own line before the first event`);
      case 'close':
      case 'call':
        return this.at(t, `'${t.text}' needs a socket: write 'SOCK ${t.text}'`);
    }
    if (!isName(t.text)) {
      return this.at(t, `expected a socket name or expect, drop, set or wait after the time, found ${quote(t.text)}`);
    }
    const op = this.tokens[2];
    if (!op) return this.missing(`expected an action after the socket name ${quote(t.text)} ${ACTION_LIST}`);
    switch (op.text) {
      case '<':
      case '>': {
        const seg = this.segment(3, op, false);
        return seg && make(t, { kind: op.text === '<' ? 'receive' : 'send', segment: seg.segment });
      }
      case 'close':
        return make(t, this.close());
      case 'call':
        return make(t, this.call());
      case 'wait':
        return this.end(3, "'wait'") ? make(t, { kind: 'wait' }) : undefined;
      case 'listen':
        return make(t, this.listen());
      case 'connect':
      case 'accept': {
        const other = this.tokens[3];
        if (other && !this.socketName(other, 'event')) return undefined;
        if (!this.end(4, `'${op.text}${other ? ' ' + other.text : ''}'`)) return undefined;
        if (op.text === 'connect') return make(t, other ? { kind: 'connect', peer: other.text, peerRange: tokenRange(other) } : { kind: 'connect' });
        return make(t, other ? { kind: 'accept', child: other.text, childRange: tokenRange(other) } : { kind: 'accept' });
      }
      case 'write':
      case 'read': {
        const n = this.tokens[3];
        const what = op.text === 'write' ? 'bytes to write' : 'most bytes to read';
        if (!n) return this.missing(`expected the number of ${what} after '${op.text}', e.g. ${op.text} 100`);
        const bytes = /^\d+$/.test(n.text) ? Number(n.text) : NaN;
        if (!(bytes >= 1 && bytes <= MAX_USER_BYTES)) return this.at(n, `${op.text} takes a number of bytes from 1 to ${MAX_USER_BYTES}, found ${quote(n.text)}`);
        return this.end(4, `'${op.text} ${n.text}'`) ? make(t, { kind: op.text as 'write' | 'read', bytes }) : undefined;
      }
      case 'shutdown': {
        const how = this.tokens[3];
        const hows = SHUTDOWN_HOWS.join(', ');
        if (!how) return this.missing(`expected the direction after 'shutdown': ${hows}`);
        if (!(SHUTDOWN_HOWS as readonly string[]).includes(how.text)) return this.at(how, `shutdown takes ${hows}, found ${quote(how.text)}`);
        return this.end(4, `'shutdown ${how.text}'`) ? make(t, { kind: 'shutdown', how: how.text as 'rd' | 'wr' | 'rdwr' }) : undefined;
      }
      case 'expect':
      case 'set':
      case 'drop':
        return this.at(op, `'${op.text}' comes before the socket: write '${op.text} ${short(t.text)} ...'`);
    }
    const close = isName(op.text) ? suggest(op.text, ACTIONS.filter(isName)) : undefined;
    return this.at(op, `expected an action ${ACTION_LIST}, found ${quote(op.text)}${close ? ` (did you mean '${close}'?)` : ''}`);
  }

  /** The socket named after `expect`, `drop` or `set`. */
  eventSocket(i: number, kw: Token): Token | undefined {
    const t = this.tokens[i];
    if (!t) return this.missing(`expected a socket name after '${kw.text}'`);
    if (t.text.includes('=')) return this.at(t, `expected a socket name after '${kw.text}', found ${quote(t.text)}`);
    return this.socketName(t, 'event') ? t : undefined;
  }

  /** `close [timeout=N]` (tokens from 3) */
  close(): Action | undefined {
    let timeout = 0;
    const fields = this.assignments(3, 'close');
    for (const f of fields) {
      if (f.name !== 'timeout') {
        this.report(f.nameRange, `close takes only timeout=N, found ${quote(f.name)}`);
      } else if (f.value.kind !== 'number' || f.value.value < 0 || f.value.value > 0x7fffffff) {
        this.report(f.value.range, 'timeout= takes a non-negative number (tcp_close(sk, timeout))');
      } else {
        timeout = f.value.value;
      }
    }
    return { kind: 'close', timeout };
  }

  /** `listen PORT [backlog=N]` (tokens from 3) */
  listen(): Action | undefined {
    const portTok = this.tokens[3];
    if (!portTok || portTok.text.includes('=')) {
      const message = "expected the port after 'listen', e.g. listen 80";
      return portTok ? this.at(portTok, `${message}, found ${quote(portTok.text)}`) : this.missing(message);
    }
    const port = /^\d+$/.test(portTok.text) ? Number(portTok.text) : NaN;
    if (!(port >= 1 && port <= 65535)) return this.at(portTok, `the port is a number from 1 to 65535, found ${quote(portTok.text)}`);
    let backlog = DEFAULT_BACKLOG;
    for (const f of this.assignments(4, 'listen')) {
      if (f.name !== 'backlog') this.report(f.nameRange, `listen takes only backlog=N, found ${quote(f.name)}`);
      else if (f.value.kind !== 'number' || f.value.value < 0 || f.value.value > 0x7fffffff) this.report(f.value.range, 'backlog= takes a non-negative number');
      else backlog = f.value.value;
    }
    return { kind: 'listen', port, backlog };
  }

  /** `call FUNC [FLAGS] [fields]` (tokens from 3) */
  call(): Action | undefined {
    const fn = this.tokens[3];
    if (!fn) return this.missing("expected a kernel function after 'call', e.g. call tcp_fin F. seq=1000");
    if (!isName(fn.text)) return this.at(fn, `expected a kernel function name after 'call', found ${quote(fn.text)}`);
    const next = this.tokens[4];
    if (next && !next.text.includes('=')) {
      const seg = this.segment(4, fn, true);
      if (!seg) return undefined;
      return { kind: 'call', function: fn.text, functionRange: tokenRange(fn), segment: seg.segment, args: seg.args };
    }
    const args = this.assignments(4, 'call');
    return { kind: 'call', function: fn.text, functionRange: tokenRange(fn), args };
  }

  /**
   * FLAGS then segment fields from token `i`. With `withArgs` (for `call`), fields that are not segment
   * fields are returned as arguments; otherwise they are errors.
   */
  segment(i: number, after: Token, withArgs: boolean): { segment: SegmentSpec; args: Assignment[] } | undefined {
    const ft = this.tokens[i];
    if (!ft) return this.missing(`expected flags such as F., S or R. after ${quote(after.text)}`);
    const flags = parseFlags(ft, this.report);
    const fields: Assignment[] = [];
    const args: Assignment[] = [];
    const all = this.assignments(i + 1, 'segment', false);
    for (const f of all) {
      if ((SEGMENT_FIELDS as readonly string[]).includes(f.name)) {
        if (this.segmentField(f)) fields.push(f);
      } else if (withArgs) {
        if (check32(f.value, this.report)) args.push(f);
      } else {
        this.report(f.nameRange, `unknown segment field ${quote(f.name)}: the fields are ${SEGMENT_FIELD_LIST}`);
      }
    }
    if (!flags) return undefined;
    const last = this.tokens[this.tokens.length - 1];
    return { segment: { flags, fields, range: spanRange(ft, last) }, args };
  }

  segmentField(f: Assignment): boolean {
    const v = f.value;
    if (v.kind !== 'number') {
      this.report(v.range, `${f.name}= takes a number (decimal or 0x hex)`);
      return false;
    }
    const max = f.name === 'seq' || f.name === 'ack' ? U32_MAX : 0xffff;
    // mss=0 would be no option at all (BoundSeg's 0): the option's value is 1..65535
    const min = f.name === 'mss' ? 1 : 0;
    if (v.value < min || v.value > max || !Number.isInteger(v.value)) {
      const what =
        max === U32_MAX
          ? 'sequence numbers are unsigned 32-bit'
          : f.name === 'win'
            ? 'the window is 16 bits in the TCP header'
            : f.name === 'mss'
              ? 'the MSS option carries a 16-bit maximum segment size'
              : 'a segment carries at most 65535 bytes';
      const written = f.range.end.column - f.range.start.column > 40 ? `${f.name}=…` : `${f.name}=${v.value}`;
      this.report(v.range, `${written} is out of range: ${what} (${min}..${max})`);
      return false;
    }
    return true;
  }

  /** field=value tokens from `i` to the end of the line; a name given twice is an error. */
  assignments(i: number, what: string, check = true): Assignment[] {
    const out: Assignment[] = [];
    const seen = new Set<string>();
    for (; i < this.tokens.length; i++) {
      const t = this.tokens[i];
      const a = parseAssignment(t, this.report);
      if (!a) continue;
      if (seen.has(a.name)) {
        this.report(a.nameRange, `${quote(a.name)} is given twice in this ${what === 'segment' ? 'segment' : 'statement'}`);
        continue;
      }
      seen.add(a.name);
      if (check && !check32(a.value, this.report)) continue;
      out.push(a);
    }
    return out;
  }

  /** A lone value token (the state of a socket). */
  value(t: Token): Value | undefined {
    const v = parseValue(t.text, t.line, t.start, this.report);
    return v && check32(v, this.report) ? v : undefined;
  }

}

/** The most diagnostics a scenario gets (README): the first ones, then one saying how many more there are. */
export const MAX_DIAGNOSTICS = 100;

/**
 * Parses a whole scenario. Never throws: every problem becomes a diagnostic, and parsing resumes at the next line.
 * Statements with an error are left out of the tree; names resolve against every socket declaration in the file
 * (even a misplaced or faulty one) so that one mistake does not make every later line an error too.
 */
export function parseScenario(text: string, file: string): Scenario {
  const diagnostics: Diagnostic[] = [];
  // past MAX_DIAGNOSTICS, errors are only counted: memory and output stay bounded on any input
  let dropped = 0;
  let firstDropped: Range | undefined;
  diagnostics.push = (...ds: Diagnostic[]) => {
    for (const d of ds) {
      if (diagnostics.length < MAX_DIAGNOSTICS) Array.prototype.push.call(diagnostics, d);
      else if (dropped++ === 0) firstDropped = d.range;
    }
    return diagnostics.length;
  };
  const scenario: Scenario = { file, sockets: [], links: [], fates: [], events: [], diagnostics };
  const err = (r: Range, message: string) => diagnostics.push({ file, range: r, severity: 'error', message });
  try {
    parseInto(text, file, scenario, err);
  } finally {
    Reflect.deleteProperty(diagnostics, 'push');
    if (dropped) diagnostics.push({ file, range: firstDropped!, severity: 'error', message: `and ${dropped} more error${dropped === 1 ? '' : 's'} (only the first ${MAX_DIAGNOSTICS} are reported)` });
  }
  return scenario;
}

function parseInto(text: string, file: string, scenario: Scenario, err: (r: Range, message: string) => void): void {
  const diagnostics = scenario.diagnostics;
  try {
    const statements: Statement[] = [];
    splitLines(String(text)).forEach((src, index) => {
      // a long comment is fine: the cap is on what comes before the '#'
      const hash = src.length > MAX_LINE_LENGTH ? src.indexOf('#') : -1;
      const code = hash < 0 ? src.length : hash;
      if (code > MAX_LINE_LENGTH) {
        err(range(index + 1, 1, MAX_LINE_LENGTH + 1), `this line is ${code} characters long (before any comment): a scenario line may have at most ${MAX_LINE_LENGTH}; it is not read`);
        return;
      }
      const tokens = lexLine(src, index + 1);
      if (tokens.length === 0) return;
      const s = new LineParser(file, diagnostics, index + 1, tokens).statement();
      if (s) statements.push(s);
    });

    // Every socket name declared anywhere, for resolution; a second declaration of a name is an error.
    const declared = new Map<string, number>();
    for (const s of statements) {
      if (s.kind !== 'socket' || !s.name) continue;
      const first = declared.get(s.name.name);
      if (first !== undefined) {
        err(s.name.range, `socket ${quote(s.name.name)} is already declared on line ${first}`);
        s.decl = undefined;
      } else {
        declared.set(s.name.name, s.line);
      }
    }
    const resolve = (ref: NameRef): boolean => {
      if (declared.has(ref.name)) return true;
      const close = suggest(ref.name, [...declared.keys(), ...EVENT_KEYWORDS]);
      let message = `unknown socket ${quote(ref.name)}`;
      if (close) message += ` (did you mean '${close}'?)`;
      else if (declared.size === 0) message += ': no socket is declared (socket NAME STATE ...)';
      else if (declared.size <= 6) message += `: the sockets are ${[...declared.keys()].map((n) => short(n)).join(', ')}`;
      err(ref.range, message);
      return false;
    };

    const plainSockets = new Set(statements.flatMap((s) => (s.kind === 'socket' && s.plain && s.name ? [s.name.name] : [])));
    const linkedOn = new Map<string, number>();
    let firstEvent: number | undefined;
    let clock = 0;
    for (const s of statements) {
      if (s.kind === 'socket') {
        if (firstEvent !== undefined) {
          err(tokenRange(s.keyword), `declarations must come before the first event (line ${firstEvent})`);
          continue;
        }
        if (s.listener && s.name && s.listener.name === s.name.name) {
          err(s.listener.range, 'a socket cannot be its own listener');
          continue;
        }
        if (s.listener && !resolve(s.listener)) continue;
        if (s.decl) scenario.sockets.push(s.decl);
      } else if (s.kind === 'link') {
        if (!s.a || !s.b) continue;
        if (firstEvent !== undefined) {
          err(tokenRange(s.keyword), `declarations must come before the first event (line ${firstEvent})`);
          continue;
        }
        let ok = resolve(s.a) && resolve(s.b);
        if (ok && s.a.name === s.b.name) {
          err(s.b.range, 'a link joins two different sockets');
          ok = false;
        }
        for (const ref of ok ? [s.a, s.b] : []) {
          const other = linkedOn.get(ref.name);
          if (other !== undefined) {
            err(ref.range, `socket ${quote(ref.name)} is already in the link on line ${other}; a socket may be in one link`);
            ok = false;
          }
        }
        if (ok) {
          linkedOn.set(s.a.name, s.line);
          linkedOn.set(s.b.name, s.line);
          if (s.decl) scenario.links.push(s.decl);
        }
      } else if (s.kind === 'fate') {
        if (firstEvent !== undefined) {
          err(tokenRange(s.keyword), `declarations must come before the first event (line ${firstEvent})`);
          continue;
        }
        const f = s.decl;
        if (!f || !resolve({ name: f.socket, range: f.socketRange })) continue;
        const same = scenario.fates.find((g) => g.socket === f.socket && g.n === f.n);
        if (same) {
          err(f.range, f.n ? `segment ${f.n} of ${quote(f.socket)} already has a fate on line ${same.line}` : `the close of ${quote(f.socket)} is already moved on line ${same.line}`);
          continue;
        }
        if (f.n && !isLinkedAnywhere(statements, f.socket) && !plainSockets.has(f.socket)) {
          err(f.socketRange, `a segment's fate is on a link, and ${quote(f.socket)} is in none (link ${short(f.socket)} OTHER)`);
          continue;
        }
        scenario.fates.push(f);
      } else {
        firstEvent ??= s.line;
        const t = s.time;
        let time = t.relative ? clock + t.jiffies : t.jiffies;
        if (time > MAX_JIFFIES) {
          err(tokenRange(t.token), `${quote(t.token.text)} puts the event beyond the 32-bit jiffies clock (at most ${MAX_JIFFIES}j)`);
          continue;
        }
        let ok = true;
        if (time < clock) {
          err(
            tokenRange(t.token),
            `events must be in time order: ${short(t.token.text)} (${time}j) is earlier than the previous event (${clock}j)`,
          );
          ok = false;
          time = clock;
        }
        clock = time;
        const e = s.event;
        if (!e) continue;
        if (e.socket !== '' && !resolve({ name: e.socket, range: e.socketRange })) ok = false;
        const a = e.action;
        if (ok && a.kind === 'connect' && a.peer !== undefined) {
          if (!resolve({ name: a.peer, range: a.peerRange! })) ok = false;
          else if (a.peer === e.socket) {
            err(a.peerRange!, 'a socket connects to another socket (or, with no name, to the scripted peer)');
            ok = false;
          }
        }
        if (ok && a.kind === 'accept' && a.child !== undefined) {
          if (!resolve({ name: a.child, range: a.childRange! })) ok = false;
          else if (!plainSockets.has(a.child)) {
            err(a.childRange!, `accept makes ${quote(a.child)} from nothing: declare it 'socket ${short(a.child)} ${PLAIN_STATE}'`);
            ok = false;
          }
        }
        if (ok && e.action.kind === 'drop' && !isLinkedAnywhere(statements, e.socket)) {
          err(e.socketRange, `drop works on a link, and ${quote(e.socket)} is in none (link ${short(e.socket)} OTHER)`);
          ok = false;
        }
        if (ok) scenario.events.push({ time, ...e });
      }
    }
    if (!statements.some((s) => s.kind === 'event') && diagnostics.every((d) => d.severity !== 'error')) {
      diagnostics.push({
        file,
        range: range(1, 1, 1),
        severity: 'warning',
        message: 'the scenario has no events: nothing will happen (events look like: 0 server close)',
      });
    }
  } catch (e) {
    // A bug in the parser must not take the editor down: report it as a diagnostic instead.
    err(range(1, 1, 1), `internal error in the scenario parser: ${e instanceof Error ? e.message : String(e)}`);
  }
  diagnostics.sort(
    (a, b) =>
      a.range.start.line - b.range.start.line ||
      a.range.start.column - b.range.start.column ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );
}

/** Whether any link statement (even a faulty one) names `socket`, so a broken link does not also fail every drop. */
function isLinkedAnywhere(statements: Statement[], socket: string): boolean {
  return statements.some((s) => s.kind === 'link' && (s.a?.name === socket || s.b?.name === socket));
}
