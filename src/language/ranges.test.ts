// Tests for the 1-based to 0-based range conversion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locRange, toZeroBased } from './ranges';
import { parseScenario } from '../scenario/parse';

test('1-based, end-exclusive ranges become 0-based, end-exclusive', () => {
  assert.deepEqual(toZeroBased({ start: { line: 1, column: 1 }, end: { line: 1, column: 7 } }), { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 6 });
  assert.deepEqual(toZeroBased({ start: { line: 3, column: 8 }, end: { line: 4, column: 2 } }), { startLine: 2, startCharacter: 7, endLine: 3, endCharacter: 1 });
});

test('the parser reports the range of the faulty word, and the conversion keeps it on that word', () => {
  const text = 'socket server TCP_ESTABLISHED\n0 server < Q seq=1\n';
  const d = parseScenario(text, 'x.tcpscenario').diagnostics[0];
  const z = toZeroBased(d.range);
  const line = text.split('\n')[z.startLine];
  assert.equal(line.slice(z.startCharacter, z.endCharacter), 'Q');
});

test('never negative, and an end before the start collapses to the start', () => {
  assert.deepEqual(toZeroBased({ start: { line: 0, column: 0 }, end: { line: 0, column: 0 } }), { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 0 });
  assert.deepEqual(toZeroBased({ start: { line: 2, column: 5 }, end: { line: 2, column: 3 } }), { startLine: 1, startCharacter: 4, endLine: 1, endCharacter: 4 });
  assert.deepEqual(toZeroBased({ start: { line: 2, column: 5 }, end: { line: 1, column: 9 } }), { startLine: 1, startCharacter: 4, endLine: 1, endCharacter: 4 });
});

test('a kernel location becomes a scenario range', () => {
  assert.deepEqual(locRange({ line: 4, column: 2, endLine: 4, endColumn: 9 }), { start: { line: 4, column: 2 }, end: { line: 4, column: 9 } });
});
