// Tests for the kernel glossary: lookups, and that every name it explains exists in the shipped kernel C.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALL_ENTRIES,
  CONSTANTS,
  FUNCTIONS,
  lookupField,
  lookupFlags,
  lookupFunction,
  lookupState,
  lookupTimer,
  lookupUnit,
  lookupValue,
  SK_FIELDS,
  STATES,
  stateByValue,
  TIMER_REASONS,
  valuesFor,
} from './glossary';
import { TIME_UNITS } from '../scenario/time';

const kernel = join(__dirname, '..', 'kernel');
const header = readFileSync(join(kernel, 'tcp.h'), 'utf8');
const source = readFileSync(join(kernel, 'tcp.c'), 'utf8');

/** #define NAME VALUE of tcp.h, for simple numeric values. */
function defines(): Map<string, string> {
  const m = new Map<string, string>();
  for (const [, name, value] of header.matchAll(/^#define\s+([A-Z_0-9]+)\s+(\S+)/gm)) m.set(name, value);
  return m;
}

test('states: with or without TCP_, by number, and their values are those of tcp.h', () => {
  assert.equal(lookupState('CLOSE_WAIT')?.name, 'TCP_CLOSE_WAIT');
  assert.equal(lookupState('TCP_CLOSE_WAIT')?.value, 8);
  assert.equal(lookupState('TIME_CLOSE'), undefined);
  assert.equal(stateByValue(9)?.name, 'TCP_LAST_ACK');
  assert.equal(stateByValue(0), undefined);
  const d = defines();
  for (const s of STATES) assert.equal(d.get(s.name), String(s.value), s.name);
  assert.equal(STATES.length, 11);
});

test('timer reasons and constants have the values of tcp.h', () => {
  const d = defines();
  for (const t of TIMER_REASONS) assert.equal(d.get(t.name), String(t.value), t.name);
  for (const c of CONSTANTS) {
    if (c.name === 'none') continue;
    assert.ok(d.has(c.name), `${c.name} is defined in tcp.h`);
  }
  assert.equal(lookupTimer('TIME_WRITE')?.value, 1);
  assert.equal(lookupValue('TIME_WAIT')?.kind, 'state', 'TIME_WAIT is a state, not a timer reason');
  assert.equal(lookupValue('TIME_CLOSE')?.kind, 'timer');
  assert.equal(lookupValue('SHUTDOWN_MASK')?.value, 3);
  assert.equal(lookupValue('TIMEWAIT_LEN')?.name, 'TCP_TIMEWAIT_LEN', 'the TCP_ prefix is optional, as in the engine');
  assert.equal(lookupValue('nothing'), undefined);
});

test('every sk field is an integer field of struct sock, and every integer field is explained', () => {
  const body = /struct sock \{([\s\S]*?)\n\};/.exec(header)![1].replace(/\/\*[\s\S]*?\*\//g, '');
  const ints = new Set<string>();
  for (const decl of body.split(';')) {
    const m = /^\s*((?:unsigned\s+)?(?:long|int|short|char))\s+([\s\S]+)$/.exec(decl);
    if (!m) continue;
    for (const name of m[2].split(',')) ints.add(name.trim());
  }
  assert.deepEqual(new Set(SK_FIELDS.map((f) => f.name)), ints);
  assert.equal(lookupField('fin_seq')?.kind, 'field');
  assert.equal(lookupField('timer.expires')?.name, 'timer.expires');
  assert.equal(lookupField('timer.data')?.name, 'timer', 'an unknown sub-field falls back to its timer');
  assert.equal(lookupField('nope'), undefined);
});

test('every function is defined in tcp.c, and its parameters are its own', () => {
  for (const f of FUNCTIONS) {
    const m = new RegExp(`^[a-z_ ]*?\\b${f.name}\\s*\\(([^)]*)\\)\\s*$`, 'm').exec(source);
    assert.ok(m, `${f.name} is defined in tcp.c`);
    for (const p of f.params ?? []) assert.match(m[1], new RegExp(`\\b${p}$|\\b${p},`), `${f.name} has a parameter ${p}`);
  }
  assert.equal(lookupFunction('tcp_fin')?.kind, 'function');
  assert.deepEqual(lookupFunction('tcp_close_state')?.params, ['dead']);
});

test('flags, units, and the values a field takes', () => {
  assert.deepEqual(lookupFlags('FR.').map((x) => x?.name), ['F', 'R', '.']);
  assert.deepEqual(lookupFlags('FA').map((x) => x?.name), ['F', undefined]);
  for (const u of Object.keys(TIME_UNITS)) assert.ok(lookupUnit(u), u);
  assert.equal(valuesFor('state', 'set').length, 11);
  assert.ok(valuesFor('timer', 'expect').some((x) => x.name === 'none'));
  assert.deepEqual(valuesFor('timer', 'set'), [], 'set cannot assign a timer');
  assert.deepEqual(valuesFor('shutdown', 'expect').map((x) => x.name).sort(), ['RCV_SHUTDOWN', 'SEND_SHUTDOWN', 'SHUTDOWN_MASK']);
  assert.deepEqual(valuesFor('write_seq', 'expect'), []);
});

test('every entry has a text, and names are unique within a kind', () => {
  const seen = new Set<string>();
  for (const x of ALL_ENTRIES) {
    assert.ok(x.doc.length > 10, x.name);
    const key = `${x.kind}:${x.name}`;
    assert.ok(!seen.has(key), key);
    seen.add(key);
  }
});
