// Tests for the kernel glossary: lookups, and that every name it explains exists in the shipped
// kernel C, the unmodified 1.2.13 release (its constants, struct sock's fields, its functions).
import { before, test } from 'node:test';
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
import { loadReleaseRun } from '../host/load';
import { TIME_UNITS } from '../scenario/time';

const inet = join(__dirname, '..', 'kernel', 'linux-1.2.13', 'net', 'inet');
/** the release files a scenario's `call` reaches (machine/tcp_entries.c compiles tcp.c; the socket layer's) */
const source = ['tcp.c', 'sock.c', 'af_inet.c', 'timer.c'].map((f) => readFileSync(join(inet, f), 'latin1')).join('\n');

let constant: (name: string) => number | undefined;
/** struct sock's integer fields in the release */
let ints: Set<string>;
before(async () => {
  const { run } = await loadReleaseRun({ scenarioPath: join(__dirname, '..', '..', 'examples', 'passive-close.tcpscenario') });
  constant = (n) => run.image.constant(n);
  ints = new Set(run.sock.fields.filter((f) => f.type.k === 'int').map((f) => f.name));
});

/** the release's constants by name, as text (what the glossary's values must equal) */
function defines(): Map<string, string> {
  const names = [...STATES, ...TIMER_REASONS, ...CONSTANTS].map((x) => x.name);
  return new Map(names.flatMap((n) => (constant(n) === undefined ? [] : [[n, String(constant(n))] as [string, string]])));
}

test('states: with or without TCP_, by number, and their values are those of the release', () => {
  assert.equal(lookupState('CLOSE_WAIT')?.name, 'TCP_CLOSE_WAIT');
  assert.equal(lookupState('TCP_CLOSE_WAIT')?.value, 8);
  assert.equal(lookupState('TIME_CLOSE'), undefined);
  assert.equal(stateByValue(9)?.name, 'TCP_LAST_ACK');
  assert.equal(stateByValue(0), undefined);
  const d = defines();
  for (const s of STATES) assert.equal(d.get(s.name), String(s.value), s.name);
  assert.equal(STATES.length, 11);
});

test('timer reasons and constants have the values of the release', () => {
  const d = defines();
  for (const t of TIMER_REASONS) assert.equal(d.get(t.name), String(t.value), t.name);
  for (const c of CONSTANTS) {
    if (c.name === 'none') continue;
    assert.ok(d.has(c.name), `${c.name} is defined in the release`);
  }
  assert.equal(lookupTimer('TIME_WRITE')?.value, 1);
  assert.equal(lookupValue('TIME_WAIT')?.kind, 'state', 'TIME_WAIT is a state, not a timer reason');
  assert.equal(lookupValue('TIME_CLOSE')?.kind, 'timer');
  assert.equal(lookupValue('SHUTDOWN_MASK')?.value, 3);
  assert.equal(lookupValue('TIMEWAIT_LEN')?.name, 'TCP_TIMEWAIT_LEN', 'the TCP_ prefix is optional, as in the engine');
  assert.equal(lookupValue('nothing'), undefined);
});

test('every sk field is an integer field of the release\'s struct sock, and the close path\'s are explained', () => {
  for (const f of SK_FIELDS) assert.ok(ints.has(f.name), `${f.name} is an integer field of struct sock`);
  for (const n of ['state', 'shutdown', 'fin_seq', 'write_seq', 'sent_seq', 'acked_seq', 'rcv_ack_seq', 'copied_seq', 'dead', 'rto', 'retransmits', 'timeout', 'ip_xmit_timeout']) assert.ok(SK_FIELDS.some((f) => f.name === n), `${n} is explained`);
  assert.equal(lookupField('fin_seq')?.kind, 'field');
  assert.equal(lookupField('timer.expires')?.name, 'timer.expires');
  assert.equal(lookupField('timer.data')?.name, 'timer', 'an unknown sub-field falls back to its timer');
  assert.equal(lookupField('nope'), undefined);
});

test('every function is defined in the release (tcp.c, sock.c, af_inet.c, timer.c), and its parameters are its own', () => {
  for (const f of FUNCTIONS) {
    const m = new RegExp(`^[a-z_ ]*?\\b${f.name}\\s*\\(([^)]*)\\)\\s*$`, 'm').exec(source);
    assert.ok(m, `${f.name} is defined in the release`);
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
