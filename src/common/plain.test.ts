// plainMarkdown: what the reader sees of a narration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plainMarkdown } from './plain';

test('emphasis (single and double), inline code and fences become plain text', () => {
  assert.equal(plainMarkdown('Watch the *Segments so far* and **state**: `sk->state`'), 'Watch the Segments so far and state: sk->state');
  assert.equal(plainMarkdown('__bold__ and ```c\nint x;\n```'), 'bold and int x;\n');
});
