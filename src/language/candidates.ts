// Completion candidates for the text before the cursor on one line: pure (no vscode), so it is unit-tested directly.
import {
  callableFunctions,
  expectableFields,
  FLAG_COMBINATIONS,
  lookupFlag,
  lookupFunction,
  lookupKeyword,
  lookupOption,
  SEGMENT_FIELDS,
  settableFields,
  STATES,
  UNITS,
  valuesFor,
  type GlossaryEntry,
} from './glossary';
import { ACTION_WORDS, lineTokens, roleAt, type AssignmentContext } from './lineContext';
import { SHUTDOWN_HOWS } from '../scenario/parse';

export type CandidateKind =
  | 'keyword'
  | 'socket'
  | 'state'
  | 'timer'
  | 'constant'
  | 'flags'
  | 'field'
  | 'function'
  | 'operator'
  | 'unit';

export interface Candidate {
  label: string;
  kind: CandidateKind;
  /** what to insert when it differs from the label (`write_seq=` for a field) */
  insertText?: string;
  /** the glossary entry that explains it (its doc is shown, translated, by the VS Code side) */
  entry?: GlossaryEntry;
  /** open the completion list again after inserting (after `field=`) */
  retrigger?: boolean;
}

export interface Completions {
  /** 0-based column where the text the candidates replace starts (the cursor is at the end of the prefix) */
  from: number;
  items: Candidate[];
}

const NONE: Candidate[] = [];

function fromEntries(list: readonly GlossaryEntry[], kind: CandidateKind): Candidate[] {
  return list.map((entry) => ({ label: entry.name, kind, entry }));
}

function fieldCandidates(list: readonly GlossaryEntry[]): Candidate[] {
  return list.map((entry) => ({ label: entry.name, kind: 'field' as const, insertText: `${entry.name}=`, entry, retrigger: true }));
}

function keywords(...words: string[]): Candidate[] {
  return words.map((w) => ({ label: w, kind: w === '<' || w === '>' ? ('operator' as const) : ('keyword' as const), entry: lookupKeyword(w) }));
}

function sockets(names: readonly string[], except?: string): Candidate[] {
  return names.filter((n) => n !== except).map((n) => ({ label: n, kind: 'socket' as const }));
}

function flags(): Candidate[] {
  return FLAG_COMBINATIONS.map((f) => ({ label: f, kind: 'flags' as const, entry: f.length === 1 ? lookupFlag(f) : undefined }));
}

/** The names `name=` may take in an assignment, by where it stands. */
function assignmentNames(context: AssignmentContext, fn: string | undefined): Candidate[] {
  switch (context) {
    case 'declaration':
      return [...fieldCandidates(settableFields()), ...fieldCandidates([lookupOption('listener')!, lookupOption('partial')!])];
    case 'link':
      return fieldCandidates([lookupOption('delay')!]);
    case 'expect':
      return fieldCandidates(expectableFields());
    case 'set':
      return fieldCandidates(settableFields());
    case 'segment':
      return fieldCandidates(SEGMENT_FIELDS);
    case 'close':
      return fieldCandidates([lookupOption('timeout')!]);
    case 'listen':
      return fieldCandidates([lookupOption('backlog')!]);
    case 'call': {
      const params = (fn && lookupFunction(fn)?.params) || [];
      return [
        ...fieldCandidates(SEGMENT_FIELDS),
        ...params.map((p) => ({ label: p, kind: 'field' as const, insertText: `${p}=`, retrigger: true })),
      ];
    }
  }
}

/** The values `field=` may take, by where it stands. */
function assignmentValues(context: AssignmentContext, field: string, names: readonly string[], partialValue: string): Candidate[] {
  if (context === 'declaration' && field === 'listener') return sockets(names);
  if (context === 'link' && field === 'delay') {
    const m = /^[0-9]+(?:\.[0-9]+)?$/.exec(partialValue);
    return m ? UNITS.map((u) => ({ label: partialValue + u.name, kind: 'unit' as const, entry: u })) : NONE;
  }
  if (context === 'call' && (field === 'state' || field === 'timeout' || field === 'why')) {
    return field === 'state' ? fromEntries(STATES, 'state') : valuesFor('timeout', 'set').map((x) => ({ label: x.name, kind: 'timer' as const, entry: x }));
  }
  if (context !== 'declaration' && context !== 'expect' && context !== 'set') return NONE;
  return valuesFor(field, context).map((x) => ({
    label: x.name,
    kind: x.kind === 'state' ? 'state' : x.kind === 'timer' ? 'timer' : 'constant',
    entry: x,
  }));
}

/**
 * What may be typed at the end of `prefix` (the line up to the cursor), given the sockets the document declares.
 * The list is not filtered by what was typed so far: the editor does that against the text from `from`.
 */
export function completionsAt(prefix: string, declared: readonly string[]): Completions {
  if (prefix.includes('#')) return { from: prefix.length, items: NONE };
  const tokens = lineTokens(prefix);
  const last = tokens[tokens.length - 1];
  const atNewWord = !last || last.end - 1 < prefix.length || last.text === '<' || last.text === '>';
  const index = atNewWord ? tokens.length : tokens.length - 1;
  const partial = atNewWord ? '' : last.text;
  const from = atNewWord ? prefix.length : last.start - 1;
  const words = tokens.map((t) => t.text);
  const role = roleAt(words, index);
  const none = { from, items: NONE };

  // inside name=value, after the '=': the value (after the last '|' of a|b)
  const eq = partial.indexOf('=');
  if (eq >= 0) {
    if (role.kind !== 'assignment' && role.kind !== 'flagsOrAssignment') return none;
    const context = role.kind === 'assignment' ? role.context : 'call';
    const value = partial.slice(eq + 1);
    const bar = value.lastIndexOf('|');
    const valueFrom = from + eq + 1 + (bar + 1);
    return { from: valueFrom, items: assignmentValues(context, partial.slice(0, eq), declared, value.slice(bar + 1)) };
  }

  switch (role.kind) {
    case 'keyword':
      if (index === 0) return { from, items: keywords('socket', 'link') };
      return index === 1 ? { from, items: [...keywords('expect', 'drop', 'set', 'wait'), ...sockets(declared)] } : { from, items: keywords(...ACTION_WORDS) };
    case 'unknown':
      return index === 0 ? { from, items: keywords('socket', 'link') } : none;
    case 'time':
      return none;
    case 'eventHead':
      return { from, items: [...sockets(declared), ...keywords('expect', 'drop', 'set', 'wait')] };
    case 'action':
      return { from, items: keywords('<', '>', ...ACTION_WORDS) };
    case 'how':
      return { from, items: SHUTDOWN_HOWS.map((h) => ({ label: h, kind: 'keyword' as const })) };
    case 'socketDecl':
      return none;
    case 'socket':
      // a socket is not linked to, connected to or accepted into itself
      return { from, items: sockets(declared, (words[0] === 'link' && index === 2) || index === 3 ? words[1] : undefined) };
    case 'state':
      return { from, items: fromEntries(STATES, 'state') };
    case 'direction':
      return words[1] === 'drop' ? { from, items: keywords('>') } : { from, items: keywords('<', '>') };
    case 'flags':
      return { from, items: flags() };
    case 'function':
      return { from, items: fromEntries(callableFunctions(), 'function') };
    case 'flagsOrAssignment':
      return { from, items: [...flags(), ...assignmentNames('call', words[3])] };
    case 'assignment':
      return { from, items: assignmentNames(role.context, role.function) };
  }
}
