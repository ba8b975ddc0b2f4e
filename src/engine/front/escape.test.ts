import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeValue } from './escape';

test('escape sequences: simple, octal, hex, and what is not one', () => {
  assert.deepEqual(['\\n', '\\t', '\\r', '\\0', '\\\\', "\\'", '\\"', '\\a', '\\e'].map(escapeValue), [10, 9, 13, 0, 92, 39, 34, 7, 27]);
  assert.equal(escapeValue('\\033'), 27);
  assert.equal(escapeValue('\\x1b'), 27);
  assert.equal(escapeValue('\\777'), 0xff);
  assert.equal(escapeValue('\\q'), undefined);
  assert.equal(escapeValue('n'), undefined);
});
