import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FirstStopHold, type SentMessage } from './hold';

type M = SentMessage & { seq: number };
const ev = (seq: number, event: string): M => ({ seq, type: 'event', event });
const res = (seq: number): M => ({ seq, type: 'response' });

function make(maxWaitMs = 10_000, panel = true) {
  const out: number[] = [];
  const h = new FirstStopHold<M>((m) => out.push(m.seq), 'tcpClose/stop', maxWaitMs, () => panel);
  return { h, out };
}

test('the first stopped event and what follows it wait for the panel; the snapshot goes ahead', () => {
  const { h, out } = make();
  h.push(res(1));
  h.push(ev(2, 'initialized'));
  h.push(ev(3, 'stopped'));
  h.push(ev(4, 'tcpClose/stop'));
  h.push(res(5));
  assert.deepEqual(out, [1, 2, 4]);
  assert.ok(h.holding);
  h.release();
  assert.deepEqual(out, [1, 2, 4, 3, 5]);
  assert.equal(h.outcome, 'painted');
  // later stops pass straight through, in order
  h.push(ev(6, 'stopped'));
  h.push(ev(7, 'tcpClose/stop'));
  h.release();
  assert.deepEqual(out, [1, 2, 4, 3, 5, 6, 7]);
  h.dispose();
});

test('a release before the first stop does not let it through early', () => {
  const { h, out } = make();
  h.release();
  h.push(ev(1, 'stopped'));
  assert.deepEqual(out, []);
  h.release();
  assert.deepEqual(out, [1]);
  h.dispose();
});

test('a panel that never paints holds the first stop for maxWaitMs only', async () => {
  const { h, out } = make(50);
  h.push(ev(1, 'stopped'));
  h.push(ev(2, 'output'));
  assert.deepEqual(out, []);
  await new Promise((r) => setTimeout(r, 120));
  assert.deepEqual(out, [1, 2]);
  assert.equal(h.outcome, 'timeout');
  h.dispose();
});

test('no panel expected (panel.openOnStart off): nothing is held', () => {
  const { h, out } = make(10_000, false);
  h.push(ev(1, 'stopped'));
  h.push(res(2));
  assert.deepEqual(out, [1, 2]);
  assert.equal(h.outcome, 'not held');
});

test('the session ending while the first stop waits lets everything go, in order', () => {
  const { h, out } = make();
  h.push(ev(1, 'stopped'));
  h.push(res(2));
  h.push(ev(3, 'terminated'));
  assert.deepEqual(out, [1, 2, 3]);
  assert.equal(h.outcome, 'ended');
  h.dispose();
});
