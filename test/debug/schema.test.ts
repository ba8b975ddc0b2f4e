// The harness's schema check itself: it must reject messages the DAP schema rejects.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definitionOf, validate } from './harness';

test('the DAP schema check rejects bad messages and accepts good ones', () => {
  assert.equal(definitionOf({ type: 'event', event: 'stopped' }), 'StoppedEvent');
  assert.equal(definitionOf({ type: 'event', event: 'tcpClose/stop' }), 'Event');
  assert.equal(definitionOf({ type: 'response', command: 'stackTrace', success: true }), 'StackTraceResponse');
  assert.equal(definitionOf({ type: 'response', command: 'stackTrace', success: false }), 'ErrorResponse');
  assert.deepEqual(validate({ seq: 1, type: 'event', event: 'stopped', body: { reason: 'step', threadId: 1 } }), []);
  assert.notDeepEqual(validate({ seq: 1, type: 'event', event: 'stopped', body: { threadId: 1 } }), []);
  assert.notDeepEqual(validate({ seq: 1, type: 'response', request_seq: 1, command: 'stackTrace', success: true, body: { stackFrames: [{ id: 1, name: 'x' }] } }), []);
});
