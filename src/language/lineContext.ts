// What each word of a scenario line is (a socket, a state, a field, flags...): pure, shared by hover, completion and the CodeLens
// (which also finds a packetdrill script's first statement here).
import { lexLine, splitLines, type Token } from '../scenario/lexer';
import { looksLikeTime } from '../scenario/time';
import { ACTIONS } from '../scenario/parse';
import { parsePkt } from '../scenario/packetdrill/parse';

/** Where an assignment (`name=value`) stands: it decides what `name` can be. */
export type AssignmentContext = 'declaration' | 'link' | 'expect' | 'set' | 'segment' | 'call' | 'close' | 'listen';

export type Role =
  | { kind: 'keyword' }
  | { kind: 'time' }
  /** the name a `socket` line declares */
  | { kind: 'socketDecl' }
  /** a reference to a declared socket */
  | { kind: 'socket' }
  /** the state of a `socket` declaration */
  | { kind: 'state' }
  | { kind: 'direction' }
  | { kind: 'flags' }
  | { kind: 'function' }
  /** after `call FUNC`: flags, or already an argument */
  | { kind: 'flagsOrAssignment' }
  /** after `shutdown`: which directions (rd, wr, rdwr) */
  | { kind: 'how' }
  /** right after the socket of an event: <, >, close, call, wait, or a socket-layer call (listen, connect...) */
  | { kind: 'action' }
  /** right after the time: a socket, or expect, drop, set, wait */
  | { kind: 'eventHead' }
  | { kind: 'assignment'; context: AssignmentContext; function?: string }
  | { kind: 'unknown' };

/**
 * The role of word `i` of a line, from the words before it (and, for a few positions, the word itself: whether
 * it holds '='). `words[i]` may be absent (a word about to be typed).
 */
export function roleAt(words: readonly string[], i: number): Role {
  const w0 = words[0];
  const here = words[i];
  const isAssign = here !== undefined && here.includes('=');
  if (i === 0) {
    if (w0 === 'socket' || w0 === 'link') return { kind: 'keyword' };
    if (w0 !== undefined && looksLikeTime(w0)) return { kind: 'time' };
    return { kind: 'unknown' };
  }
  if (w0 === 'socket') {
    if (i === 1) return { kind: 'socketDecl' };
    if (i === 2 && !isAssign) return { kind: 'state' };
    return { kind: 'assignment', context: 'declaration' };
  }
  if (w0 === 'link') {
    if (i <= 2) return { kind: 'socket' };
    return { kind: 'assignment', context: 'link' };
  }
  if (w0 === undefined || !looksLikeTime(w0)) return { kind: 'unknown' };
  const w1 = words[1];
  if (i === 1) {
    if (w1 === undefined) return { kind: 'eventHead' };
    if (w1 === 'expect' || w1 === 'set' || w1 === 'drop' || w1 === 'wait') return { kind: 'keyword' };
    return { kind: 'eventHead' };
  }
  switch (w1) {
    case 'wait':
      return { kind: 'unknown' };
    case 'expect':
    case 'set':
      return i === 2 ? { kind: 'socket' } : { kind: 'assignment', context: w1 };
    case 'drop':
      if (i === 2) return { kind: 'socket' };
      if (i === 3) return { kind: 'direction' };
      if (i === 4) return { kind: 'flags' };
      return { kind: 'assignment', context: 'segment' };
  }
  const w2 = words[2];
  if (i === 2) return w2 === '<' || w2 === '>' ? { kind: 'direction' } : w2 === undefined ? { kind: 'action' } : isActionWord(w2) ? { kind: 'keyword' } : { kind: 'action' };
  switch (w2) {
    case '<':
    case '>':
      return i === 3 ? { kind: 'flags' } : { kind: 'assignment', context: 'segment' };
    case 'close':
      return { kind: 'assignment', context: 'close' };
    case 'listen':
      return i === 3 && !isAssign ? { kind: 'unknown' } : { kind: 'assignment', context: 'listen' };
    case 'connect':
    case 'accept':
      return i === 3 ? { kind: 'socket' } : { kind: 'unknown' };
    case 'shutdown':
      return i === 3 ? { kind: 'how' } : { kind: 'unknown' };
    case 'call': {
      if (i === 3) return { kind: 'function' };
      const fn = words[3];
      if (i === 4) return isAssign ? { kind: 'assignment', context: 'call', function: fn } : { kind: 'flagsOrAssignment' };
      return { kind: 'assignment', context: 'call', function: fn };
    }
  }
  return { kind: 'unknown' };
}

/** The words an event's action may be: the close path's, then the socket layer's (the release kernel's). */
export const ACTION_WORDS: readonly string[] = ACTIONS.filter((a) => a !== '<' && a !== '>');

function isActionWord(w: string): boolean {
  return ACTION_WORDS.includes(w);
}

/** The words of a line (comments dropped), as the parser sees them; columns are 1-based. */
export function lineTokens(text: string): Token[] {
  return lexLine(text, 1);
}

/** What is under a 0-based character offset of a line. */
export interface Target {
  token: Token;
  index: number;
  role: Role;
  /** 0-based [start, end) of the part under the cursor: the whole word, or one side of `name=value`, or one part of `a|b` */
  start: number;
  end: number;
  text: string;
  /** for assignments: which side the cursor is on, and the field's name */
  side?: 'name' | 'value';
  field?: string;
}

/** The word under 0-based `offset` of `line` and its role; undefined on blanks and comments. */
export function targetAt(line: string, offset: number): Target | undefined {
  const tokens = lineTokens(line);
  const index = tokens.findIndex((t) => offset >= t.start - 1 && offset < t.end - 1);
  if (index < 0) return undefined;
  const token = tokens[index];
  const role = roleAt(
    tokens.map((t) => t.text),
    index,
  );
  const start = token.start - 1;
  const end = token.end - 1;
  const eq = token.text.indexOf('=');
  if (eq < 0 || (role.kind !== 'assignment' && role.kind !== 'flagsOrAssignment')) {
    return { token, index, role, start, end, text: token.text };
  }
  const field = token.text.slice(0, eq);
  const assignment: Role = role.kind === 'assignment' ? role : { kind: 'assignment', context: 'call', function: tokens[3]?.text };
  if (offset <= start + eq) {
    return { token, index, role: assignment, start, end: start + eq + (offset === start + eq ? 1 : 0), text: field, side: 'name', field };
  }
  // the value: the part of a|b|c under the cursor
  let from = start + eq + 1;
  for (const part of token.text.slice(eq + 1).split('|')) {
    const to = from + part.length;
    if (offset <= to) return { token, index, role: assignment, start: from, end: to, text: part, side: 'value', field };
    from = to + 1;
  }
  return { token, index, role: assignment, start: end, end, text: '', side: 'value', field };
}

/** A socket declared in the document: its name, 0-based line, and the state as written. */
export interface DeclaredSocket {
  name: string;
  line: number;
  state?: string;
}

/** Every `socket NAME ...` line of the text (even faulty ones), in order. */
export function declaredSockets(text: string): DeclaredSocket[] {
  const out: DeclaredSocket[] = [];
  splitLines(text).forEach((src, line) => {
    const t = lineTokens(src);
    if (t[0]?.text === 'socket' && t[1] && /^[A-Za-z_][A-Za-z0-9_]*$/.test(t[1].text)) {
      out.push({ name: t[1].text, line, state: t[2] && !t[2].text.includes('=') ? t[2].text : undefined });
    }
  });
  return out;
}

/** The 0-based line of the first event (a line starting with a time), or undefined when there is none. */
export function firstEventLine(text: string): number | undefined {
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const t = lineTokens(lines[i]);
    if (t.length && looksLikeTime(t[0].text)) return i;
  }
  return undefined;
}

/** A script's first statement is near its top: the lines read for it before the whole text is. */
const PKT_HEAD_LINES = 200;

/** The line (0-based) of a packetdrill script's first statement, if it has one that parses. */
export function firstPktStatementLine(text: string): number | undefined {
  // a statement cut by the end of the head is the head's last, so its first statement is the script's
  let end = -1;
  for (let n = 0; n < PKT_HEAD_LINES && end < text.length; n++) {
    end = text.indexOf('\n', end + 1);
    if (end < 0) end = text.length;
  }
  const first = (end < text.length ? parsePkt(text.slice(0, end), '').statements[0] : undefined) ?? parsePkt(text, '').statements[0];
  return first && first.line - 1;
}
