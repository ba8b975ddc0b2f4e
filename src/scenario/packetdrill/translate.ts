// A packetdrill script translated into a scenario for Linux 1.2.13: its system calls become the
// socket layer's statements (listen, accept, connect, read, write, shutdown, close), its `<` lines
// segments from the scripted peer, its `>` lines expectations of what the socket sends, its times
// jiffies. What Linux 1.2 cannot be asked (shell lines, Python blocks, options it does not know,
// socket options) is reported once each as "not translated: …" at its line and column, and the
// rest still runs.
//
// Sequence numbers: packetdrill writes them relative to each side's initial sequence number. The
// scripted peer's is 0 here, so its numbers are the script's; Linux 1.2's is what tcp_init_seq()
// returns when the connection starts (net/inet/tcp.c:2669-2674: the time of day in microseconds),
// which on the machine layer's clock (src/kernel/machine/clock.c) is 10000 × jiffies: known before
// the run, so every number in the scenario is absolute and can be read as the kernel writes it.

import type { Diagnostic, Range } from '../ast';
import { MAX_USER_BYTES } from '../parse';
import { parsePkt, type PktInstant, type PktSegment, type PktStatement, type PktSyscall } from './parse';

/** A jiffy in microseconds (HZ = 100). */
const JIFFY_US = 10_000;
/** packetdrill's default port for the socket under test (bind(3, ..., ...)). */
export const PKT_PORT = 8080;

/** What a translated `>` line wanted, for saying how Linux 1.2 differs. */
export interface PktExpectation {
  /** the script's line, and its `>` statement as written */
  pktLine: number;
  written: string;
  /** the scenario's socket, and the initial sequence numbers the relative numbers count from */
  socket: string;
  localIsn: number;
  remoteIsn: number;
}

/** A system call's expected result, for checking against what Linux 1.2 returned. */
export interface PktResult {
  pktLine: number;
  written: string;
  call: string;
  value: number;
  errno?: string;
  /** a call packetdrill lets block (connect, a `t1...t2` call): the debugger's do not */
  blocking: boolean;
}

export interface PktImport {
  file: string;
  /** the scenario (empty when `errors` has any) */
  text: string;
  /** scenario line (1-based) → the script's line; 0 for lines of the importer's own */
  lineMap: number[];
  /** what was not translated, and other remarks: warnings at the script's lines */
  notes: Diagnostic[];
  /** what stops the translation: the script does not parse, or names what cannot be */
  errors: Diagnostic[];
  /** by the script's line: each `>` line */
  expectations: Map<number, PktExpectation>;
  /** by the script's line: each system call's expected result */
  results: Map<number, PktResult>;
}

interface Conn {
  localIsn: number;
  remoteIsn: number;
  /** the window scale the peer's SYN offered: Linux 1.2 never agrees to it */
  peerWscale: number;
}

interface Sock {
  fd: number;
  role: 'plain' | 'server' | 'client' | 'conn';
  name: string;
  conn?: Conn;
  /** a listener's connection whose SYN arrived, not accepted yet */
  pending?: Conn;
  line: number;
  written: string;
}

interface Out {
  jiffies: number;
  sock: Sock;
  /** the statement after the time and the socket's name */
  what: string;
  pktLine: number;
  comment: string;
  expectation?: Omit<PktExpectation, 'socket'>;
  result?: PktResult;
  /** an accept's new socket (named at the end) */
  child?: Sock;
}

const SHUT: Record<string, string> = { SHUT_RD: 'rd', SHUT_WR: 'wr', SHUT_RDWR: 'rdwr' };
const NOT_CALLS: Record<string, string> = {
  setsockopt: 'socket options are not part of the scenario language',
  getsockopt: 'socket options are not part of the scenario language',
  fcntl: "the debugger's system calls never block: O_NONBLOCK is how they always run",
  ioctl: 'ioctl is not part of the scenario language',
  poll: "the debugger's system calls never block: there is nothing to poll for",
  bind: `the port is packetdrill's default, ${PKT_PORT}, given to listen`,
};

/** Translates the text of a packetdrill script. Never throws. */
export function importPkt(text: string, file: string): PktImport {
  const script = parsePkt(text, file);
  const lines = text.split('\n');
  const t = new Translator(file, lines);
  if (!script.diagnostics.some((d) => d.severity === 'error')) for (const s of script.statements) t.statement(s);
  const errors = [...script.diagnostics.filter((d) => d.severity === 'error'), ...t.errors];
  const notes = [...script.diagnostics.filter((d) => d.severity !== 'error'), ...t.notes];
  if (errors.length) return { file, text: '', lineMap: [], notes, errors, expectations: new Map(), results: new Map() };
  return { ...t.render(), file, notes, errors };
}

class Translator {
  readonly notes: Diagnostic[] = [];
  readonly errors: Diagnostic[] = [];
  private readonly noted = new Set<string>();
  private readonly socks = new Map<number, Sock>();
  private readonly all: Sock[] = [];
  private readonly out: Out[] = [];
  /** the socket the segment lines are about: the last one that listened, connected or was accepted */
  private target: Sock | undefined;
  /** the time of the previous statement, in microseconds (what `+` counts from) */
  private prevUs = 0;
  private rounded = false;

  constructor(
    readonly file: string,
    readonly lines: string[],
  ) {}

  private note(range: Range, message: string, once?: string): void {
    if (once !== undefined) {
      if (this.noted.has(once)) return;
      this.noted.add(once);
    }
    this.notes.push({ file: this.file, range, severity: 'warning', message });
  }
  private error(range: Range, message: string): void {
    this.errors.push({ file: this.file, range, severity: 'error', message });
  }
  private written(r: Range): string {
    if (r.start.line !== r.end.line) return (this.lines[r.start.line - 1] ?? '').slice(r.start.column - 1).trim();
    return (this.lines[r.start.line - 1] ?? '').slice(r.start.column - 1, r.end.column - 1).trim();
  }

  private instant(at: PktInstant, base: number): number {
    return at.relative ? base + at.us : at.us;
  }

  /** The statement's time in microseconds (`+` from the previous statement's), or undefined when it goes back. */
  private timeOf(s: PktStatement): number | undefined {
    const time = s.time;
    if (!time) return this.prevUs;
    let us: number;
    if (time.kind === 'any') {
      this.note(time.range, "'*' (any time): checked at the previous statement's time", '*');
      us = this.prevUs;
    } else if (time.kind === 'window') {
      const lo = this.instant(time.at, this.prevUs);
      us = this.instant(time.until, this.prevUs);
      if (us < lo) {
        this.error(time.range, 'the window ends before it starts');
        return undefined;
      }
      this.note(time.range, `a window (${this.written(time.range)}): checked at its end, so a segment sent earlier in the window, or before it, matches too`, '~');
    } else us = this.instant(time.at, this.prevUs);
    if (us < this.prevUs) {
      this.error(time.range, `the time goes back: ${(us / 1e6).toFixed(6)} s is before the previous statement's ${(this.prevUs / 1e6).toFixed(6)} s`);
      return undefined;
    }
    return us;
  }

  private jiffies(us: number, range: Range): number {
    const j = Math.round(us / JIFFY_US);
    if (us % JIFFY_US !== 0 && !this.rounded) {
      this.rounded = true;
      this.note(range, `times are rounded to whole jiffies (Linux 1.2 counts time in jiffies of 10 ms, HZ=100): ${(us / 1e6).toFixed(6)} s is ${j} jiffies, and so on`);
    }
    return j;
  }

  statement(s: PktStatement): void {
    const b = s.body;
    if (b.kind === 'shell') {
      this.note(s.range, `not translated: the shell command \`${b.command.trim()}\` (it sets a modern Linux's sysctls; Linux 1.2 is run as it is)`);
      return;
    }
    if (b.kind === 'python') {
      this.note(s.range, 'not translated: a %{ }% Python block (its assertions read a modern Linux\'s tcp_info)');
      return;
    }
    const us = this.timeOf(s);
    if (us === undefined) return;
    const j = this.jiffies(us, s.time?.range ?? s.range);
    this.prevUs = us;
    if (b.kind === 'syscall') {
      this.syscall(b, s, j);
      if (b.returnsAt) this.prevUs = Math.max(us, this.instant(b.returnsAt, us));
    } else this.segment(b, s, j);
  }

  private fdOf(call: PktSyscall, k = 0): Sock | undefined {
    const a = call.args[k];
    const n = a && /^[0-9]+$/.test(a.text) ? Number(a.text) : NaN;
    const sock = this.socks.get(n);
    if (!sock) this.error(a?.range ?? call.nameRange, `${call.name}(): ${a ? `'${a.text}' is not a socket the script opened (socket() or accept())` : 'no file descriptor given'}`);
    return sock;
  }

  private newSock(fd: number, role: Sock['role'], s: PktStatement, range: Range): Sock {
    const sock: Sock = { fd, role, name: '', line: s.line, written: this.written(range) };
    this.socks.set(fd, sock);
    this.all.push(sock);
    return sock;
  }

  private push(o: Omit<Out, 'comment'> & { comment?: string }, s: PktStatement): void {
    this.out.push({ comment: this.written(s.range), ...o });
  }

  private syscall(c: PktSyscall, s: PktStatement, j: number): void {
    const result: PktResult = { pktLine: s.line, written: this.written(s.range), call: c.name, value: c.result.value, errno: c.result.errno, blocking: !!c.returnsAt || c.name === 'connect' };
    const isn = (j * JIFFY_US) >>> 0;
    switch (c.name) {
      case 'socket': {
        if (c.result.value < 0) {
          this.note(c.result.range, `not translated: a socket() that fails (${this.written(c.result.range)})`);
          return;
        }
        if (this.socks.has(c.result.value)) this.error(c.result.range, `socket() = ${c.result.value}: that file descriptor is open already`);
        else this.newSock(c.result.value, 'plain', s, s.range);
        return;
      }
      case 'listen': {
        const sock = this.fdOf(c);
        if (!sock) return;
        const backlog = c.args[1] && /^[0-9]+$/.test(c.args[1].text) ? Number(c.args[1].text) : 5;
        sock.role = 'server';
        this.target = sock;
        this.push({ jiffies: j, sock, what: `listen ${PKT_PORT} backlog=${backlog}`, pktLine: s.line, result }, s);
        return;
      }
      case 'accept': {
        const sock = this.fdOf(c);
        if (!sock) return;
        if (c.result.value < 0) {
          this.note(c.result.range, `not translated: an accept() that fails (${this.written(c.result.range)})`);
          return;
        }
        if (this.socks.has(c.result.value)) {
          this.error(c.result.range, `accept() = ${c.result.value}: that file descriptor is open already`);
          return;
        }
        const child = this.newSock(c.result.value, 'conn', s, s.range);
        child.conn = sock.pending;
        sock.pending = undefined;
        this.target = child;
        this.push({ jiffies: j, sock, what: 'accept', pktLine: s.line, result }, s);
        // the child's name is known only at the end: rendered then
        this.out[this.out.length - 1].child = child;
        return;
      }
      case 'connect': {
        const sock = this.fdOf(c);
        if (!sock) return;
        sock.role = 'client';
        sock.conn = { localIsn: isn, remoteIsn: 0, peerWscale: 0 };
        this.target = sock;
        this.push({ jiffies: j, sock, what: 'connect', pktLine: s.line, result }, s);
        return;
      }
      case 'write':
      case 'send':
      case 'read':
      case 'recv': {
        const sock = this.fdOf(c);
        if (!sock) return;
        const a = c.args[2];
        const n = a && /^[0-9]+$/.test(a.text) ? Number(a.text) : NaN;
        if (n === 0) {
          this.note(a.range, `not translated: a ${c.name}() of 0 bytes (the scenario language's write and read take 1 to ${MAX_USER_BYTES})`);
          return;
        }
        if (!(n >= 1 && n <= MAX_USER_BYTES)) {
          this.error(a?.range ?? c.nameRange, `${c.name}(): the byte count must be a number from 1 to ${MAX_USER_BYTES}${a ? `, not '${a.text}'` : ''}`);
          return;
        }
        this.push({ jiffies: j, sock, what: `${c.name === 'send' || c.name === 'write' ? 'write' : 'read'} ${n}`, pktLine: s.line, result }, s);
        return;
      }
      case 'shutdown': {
        const sock = this.fdOf(c);
        if (!sock) return;
        const how = SHUT[c.args[1]?.text ?? ''];
        if (!how) {
          this.error(c.args[1]?.range ?? c.nameRange, `shutdown(): the direction is SHUT_RD, SHUT_WR or SHUT_RDWR${c.args[1] ? `, not '${c.args[1].text}'` : ''}`);
          return;
        }
        this.push({ jiffies: j, sock, what: `shutdown ${how}`, pktLine: s.line, result }, s);
        return;
      }
      case 'close': {
        const sock = this.fdOf(c);
        if (!sock) return;
        this.push({ jiffies: j, sock, what: 'close', pktLine: s.line, result }, s);
        return;
      }
      default: {
        const why = NOT_CALLS[c.name];
        if (c.name === 'bind') return; // the port goes to listen
        this.note(c.nameRange, `not translated: ${c.name}()${why ? `: ${why}` : ': the scenario language has no such call'}`, `call:${c.name}`);
      }
    }
  }

  private segment(g: PktSegment, s: PktStatement, j: number): void {
    const sock = this.target;
    if (!sock) {
      this.error(g.flagsRange, `a segment before any socket listens, connects or is accepted: there is no connection for it`);
      return;
    }
    const letters = g.flags.replace(/[^SFRPEWU.]/g, '');
    const unknown = letters.replace(/[SFRP.]/g, '');
    if (unknown) this.note(g.flagsRange, `not translated: the flag${unknown.length > 1 ? 's' : ''} ${unknown} (ECN and URG: Linux 1.2 has no ECN, and the scenario language writes S F R P and '.')`, `flags:${unknown}`);
    const flags = (letters.includes('S') ? 'S' : '') + (letters.includes('F') ? 'F' : '') + (letters.includes('R') ? 'R' : '') + (letters.includes('P') ? 'P' : '') + (letters.includes('.') ? '.' : '');
    if (!flags) {
      this.error(g.flagsRange, `'${g.flags}': no flag the scenario language writes (S F R P .)`);
      return;
    }
    const syn = flags.includes('S');
    for (const x of g.extra) this.note(x.range, `not translated: '${x.text}' in a segment`, `extra:${x.text.split(' ')[0]}`);
    const options = g.options === 'any' ? [] : (g.options ?? []);
    const mssOpt = options.find((o) => o.name === 'mss');
    const mss = mssOpt && /^[0-9]+$/.test(mssOpt.args[0] ?? '') ? Number(mssOpt.args[0]) : undefined;
    if (mssOpt && (mss === undefined || mss < 1 || mss > 65535)) this.error(mssOpt.range, `mss takes a number from 1 to 65535, not '${mssOpt.args.join(' ')}'`);
    const fields: string[] = [];
    if (g.dir === '<') {
      if (syn && !flags.includes('.') && sock.role === 'server') sock.pending = { localIsn: (j * JIFFY_US) >>> 0, remoteIsn: 0, peerWscale: 0 };
      const conn = sock.role === 'server' ? sock.pending : sock.conn;
      if (!conn) {
        this.error(g.flagsRange, `a segment to ${sock.role === 'server' ? 'a listening socket that has not had a SYN' : 'a socket with no connection yet'}: its sequence numbers count from nothing`);
        return;
      }
      for (const o of options) {
        if (o.name === 'mss') continue;
        if (o.name === 'nop' || o.name === 'eol') continue;
        if (o.name === 'wscale' && syn) conn.peerWscale = Math.min(14, Number(o.args[0]) || 0);
        this.note(o.range, `not translated: the option ${o.name} (Linux 1.2's tcp_options reads mss alone: net/inet/tcp.c:2623-2633)`, `opt:${o.name}`);
      }
      fields.push(`seq=${(conn.remoteIsn + g.start) >>> 0}`);
      if (g.ack !== undefined) fields.push(`ack=${(conn.localIsn + g.ack) >>> 0}`);
      if (g.win !== undefined) {
        let win = g.win;
        if (conn.peerWscale && !syn) {
          win = Math.min(65535, g.win * 2 ** conn.peerWscale);
          this.note(s.range, `win ${g.win} is scaled by the wscale ${conn.peerWscale} the peer offered, but Linux 1.2 never agrees to window scaling (it has no RFC 1323), so the peer sends its window unscaled: win=${win}`, 'wscale-win');
        }
        fields.push(`win=${win}`);
      }
    } else {
      const conn = sock.role === 'server' ? sock.pending : sock.conn;
      if (!conn) {
        this.error(g.flagsRange, 'an expected segment before the connection starts: its sequence numbers count from nothing');
        return;
      }
      fields.push(`seq=${(conn.localIsn + g.start) >>> 0}`);
      if (g.ack !== undefined) fields.push(`ack=${(conn.remoteIsn + g.ack) >>> 0}`);
      if (g.win !== undefined) fields.push(`win=${g.win}`);
      const others = options.filter((o) => !['mss', 'nop', 'eol'].includes(o.name));
      if (others.length) this.note(others[0].range, `not compared: the option${others.length > 1 ? 's' : ''} ${others.map((o) => o.name).join(', ')} in segments Linux 1.2 sends (it sends mss alone: tcp_send_synack's and tcp_connect's option bytes)`, 'opt-out');
    }
    if (g.len) fields.push(`len=${g.len}`);
    if (mss !== undefined) fields.push(`mss=${mss}`);
    const conn = (sock.role === 'server' ? sock.pending : sock.conn)!;
    this.push(
      {
        jiffies: j,
        sock,
        what: `${g.dir} ${flags} ${fields.join(' ')}`,
        pktLine: s.line,
        expectation: g.dir === '>' ? { pktLine: s.line, written: this.written(s.range), localIsn: conn.localIsn, remoteIsn: conn.remoteIsn } : undefined,
      },
      s,
    );
  }

  private names(): void {
    const used = new Set<string>();
    for (const sock of this.all) {
      const base = sock.role === 'plain' ? 'sock' : sock.role;
      sock.name = used.has(base) ? `${base}${sock.fd}` : base;
      used.add(sock.name);
    }
  }

  render(): Omit<PktImport, 'file' | 'notes' | 'errors'> {
    this.names();
    const text: string[] = [];
    const lineMap: number[] = [0];
    const expectations = new Map<number, PktExpectation>();
    const results = new Map<number, PktResult>();
    const add = (line: string, pkt: number) => {
      text.push(line);
      lineMap.push(pkt);
    };
    const base = this.file.split(/[\\/]/).pop() ?? this.file;
    add(`# Imported from the packetdrill script ${base} by \`tcp-close-debugger import\`.`, 0);
    add('# Each line ends with the script line it comes from. Sequence numbers are absolute: the', 0);
    add("# scripted peer's initial sequence number is 0, Linux 1.2's is tcp_init_seq() when the", 0);
    add('# connection starts, 10000 x jiffies here (net/inet/tcp.c:2669-2674, src/kernel/machine/clock.c).', 0);
    const width = Math.max(...this.all.map((x) => x.name.length), 4);
    for (const sock of this.all) add(`socket ${sock.name.padEnd(width)} CLOSED   # ${sock.line}: ${sock.written}`, sock.line);
    for (const o of this.out) {
      const time = o.jiffies === 0 ? '0' : `${(o.jiffies / 100).toFixed(2)}s`;
      const what = o.child ? `${o.what} ${o.child.name}` : o.what;
      add(`${time.padEnd(7)} ${o.sock.name.padEnd(width)} ${what.padEnd(40)} # ${o.pktLine}: ${o.comment}`, o.pktLine);
      if (o.expectation) expectations.set(o.pktLine, { ...o.expectation, socket: o.sock.name });
      if (o.result) results.set(o.pktLine, o.result);
    }
    return { text: text.join('\n') + '\n', lineMap, expectations, results };
  }
}
