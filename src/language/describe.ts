// What a hover says about the word under the cursor, as glossary entries and message keys (pure: the VS Code side translates and renders).
import { parseScenario } from '../scenario/parse';
import { formatJiffies, parseTime } from '../scenario/time';
import {
  lookupField,
  lookupFlags,
  lookupFunction,
  lookupKeyword,
  lookupOption,
  lookupSegmentField,
  lookupState,
  lookupUnit,
  lookupValue,
  stateByValue,
  type GlossaryEntry,
} from './glossary';
import { declaredSockets, targetAt, type Role } from './lineContext';

/** A message: `text` is an English l10n key whose {0}, {1}... are filled from `args` (which are not translated). */
export interface Message {
  text: string;
  args: string[];
}

export type Section = { kind: 'entry'; entry: GlossaryEntry } | { kind: 'message'; message: Message };

export interface HoverModel {
  /** 0-based line of the hover */
  line: number;
  /** 0-based [start, end) on that line */
  start: number;
  end: number;
  sections: Section[];
}

/** The hover's own sentences (l10n keys). */
export const DESCRIBE_MESSAGES = {
  socket: 'Socket {0}, declared on line {1} in state {2}.',
  socketNoState: 'Socket {0}, declared on line {1}.',
  undeclared: 'No socket named {0} is declared in this file.',
  relative: '{0}: {1}j after the previous event.',
  absolute: '{0}: {1}j (jiffies).',
  clock: 'On the scenario clock: {0} ({1}j).',
  notFlag: "'{0}' is not a flag: flags are S, F, R, P and '.'.",
  argument: 'Argument {0} of {1}(): an integer parameter of the function.',
  number: '{0} = {1} (hex)',
  stateNumber: '{0} is the state {1}.',
} as const;

/** Plain text for a Markdown hover: characters Markdown would take as formatting are escaped (3*60*HZ stays as written). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]|<>]/g, '\\$&');
}

const msg = (text: string, ...args: (string | number)[]): Section => ({ kind: 'message', message: { text, args: args.map(String) } });
const entry = (x: GlossaryEntry | undefined): Section[] => (x ? [{ kind: 'entry', entry: x }] : []);

/**
 * The hover for 0-based (`line`, `offset`) of a document's text; undefined on blanks, comments and words the
 * glossary does not know.
 */
export function describeAt(text: string, line: number, offset: number): HoverModel | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  const src = lines[line];
  if (src === undefined) return undefined;
  const t = targetAt(src, offset);
  if (!t) return undefined;
  const sections = sectionsFor(t.role, t.text, t.side, t.field, text, line);
  if (!sections.length) return undefined;
  return { line, start: t.start, end: t.end, sections };
}

function sectionsFor(
  role: Role,
  word: string,
  side: 'name' | 'value' | undefined,
  field: string | undefined,
  text: string,
  line: number,
): Section[] {
  switch (role.kind) {
    case 'time':
      return timeSections(word, text, line);
    case 'keyword':
    case 'direction':
      return entry(lookupKeyword(word));
    case 'socketDecl':
    case 'socket':
      return socketSections(word, text);
    case 'eventHead':
    case 'action':
      return lookupKeyword(word) ? entry(lookupKeyword(word)) : socketSections(word, text);
    case 'state':
      return stateSections(word);
    case 'flags':
    case 'flagsOrAssignment':
      return flagSections(word);
    case 'function':
      return entry(lookupFunction(word));
    case 'how':
      return entry(lookupKeyword('shutdown'));
    case 'assignment': {
      if (side === 'name') {
        switch (role.context) {
          case 'declaration':
            return entry(word === 'listener' || word === 'partial' ? lookupOption(word) : lookupField(word));
          case 'expect':
          case 'set':
            return entry(lookupField(word));
          case 'segment':
            return entry(lookupSegmentField(word));
          case 'close':
          case 'listen':
          case 'link':
            return entry(lookupOption(word));
          case 'call':
            if (lookupSegmentField(word)) return entry(lookupSegmentField(word));
            return role.function ? [msg(DESCRIBE_MESSAGES.argument, word, role.function)] : [];
        }
      }
      if (role.context === 'link' && field === 'delay') return timeSections(word, text, -1);
      if (role.context === 'declaration' && field === 'listener') return socketSections(word, text);
      return valueSections(word, field);
    }
    default:
      return [];
  }
}

function timeSections(word: string, text: string, line: number): Section[] {
  const t = parseTime(word);
  if (!t.ok) return [];
  const out: Section[] = [];
  out.push(t.relative ? msg(DESCRIBE_MESSAGES.relative, word, t.jiffies) : msg(DESCRIBE_MESSAGES.absolute, word, t.jiffies));
  if (t.relative && line >= 0) {
    const ev = parseScenario(text, 'hover.tcpscenario').events.find((e) => e.line === line + 1);
    if (ev) out.push(msg(DESCRIBE_MESSAGES.clock, formatJiffies(ev.time), ev.time));
  }
  const unit = /[a-z]+$/.exec(word)?.[0];
  out.push(...entry(unit ? lookupUnit(unit) : lookupUnit('j')));
  return out;
}

function socketSections(name: string, text: string): Section[] {
  const d = declaredSockets(text).find((s) => s.name === name);
  if (!d) return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? [msg(DESCRIBE_MESSAGES.undeclared, name)] : [];
  const out = [d.state ? msg(DESCRIBE_MESSAGES.socket, name, d.line + 1, d.state) : msg(DESCRIBE_MESSAGES.socketNoState, name, d.line + 1)];
  if (d.state) out.push(...stateSections(d.state));
  return out;
}

function stateSections(word: string): Section[] {
  if (/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(word)) {
    const s = stateByValue(Number(word));
    return s ? [msg(DESCRIBE_MESSAGES.stateNumber, word, s.name), ...entry(s)] : [];
  }
  return entry(lookupState(word) ?? lookupValue(word));
}

function flagSections(word: string): Section[] {
  if (word.includes('=')) return [];
  const out: Section[] = [];
  const letters = lookupFlags(word);
  letters.forEach((x, i) => out.push(...(x ? entry(x) : [msg(DESCRIBE_MESSAGES.notFlag, word[i])])));
  return out;
}

function valueSections(word: string, field: string | undefined): Section[] {
  if (/^-?(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(word)) {
    const n = Number(word);
    if (field === 'state') return stateSections(word);
    if (Number.isSafeInteger(n) && n >= 0) return [msg(DESCRIBE_MESSAGES.number, String(n), '0x' + n.toString(16))];
    return [];
  }
  return entry(lookupValue(word));
}
