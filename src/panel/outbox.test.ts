// Flow control towards the webview: buffer until ready, one message in flight, only the latest stop.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Outbox } from './outbox';
import type { HostToWebview, StopSnapshot } from '../common/protocol';

const stop = (index: number) => ({ index }) as unknown as StopSnapshot;
const session = { type: 'session' as const, name: 's', sockets: [], scenario: '/a.tcpscenario' };
const tick = () => new Promise((r) => setImmediate(r));

function harness() {
  const sent: HostToWebview[] = [];
  const pending: ((ok: boolean) => void)[] = [];
  const box = new Outbox((m) => {
    sent.push(m);
    return new Promise<boolean>((r) => pending.push(r));
  });
  const deliver = async () => {
    pending.shift()?.(true);
    await tick();
  };
  const describe = () => sent.map((m) => (m.type === 'stop' ? `stop ${m.stop.index}` : m.type));
  return { box, sent, deliver, describe };
}

test('nothing is sent before the webview is ready; then the session and the latest stop', async () => {
  const { box, deliver, describe } = harness();
  box.setSession(session);
  box.setStop(stop(1));
  box.setStop(stop(2));
  assert.deepEqual(describe(), []);
  box.webviewReady();
  assert.deepEqual(describe(), ['session']);
  await deliver();
  assert.deepEqual(describe(), ['session', 'stop 2']);
  assert.equal(box.dropped, 1);
});

test('while a message is in flight only the latest stop is kept', async () => {
  const { box, deliver, describe } = harness();
  box.webviewReady();
  box.setSession(session);
  for (let i = 1; i <= 50; i++) box.setStop(stop(i));
  box.setEnded();
  await deliver();
  await deliver();
  await deliver();
  assert.deepEqual(describe(), ['session', 'stop 50', 'ended']);
});

test('a webview that comes back (shown again, reloaded) gets everything again', async () => {
  const { box, deliver, describe } = harness();
  box.webviewReady();
  box.setSession(session);
  await deliver();
  box.setStop(stop(7));
  await deliver();
  box.webviewGone();
  box.setStop(stop(8));
  assert.deepEqual(describe(), ['session', 'stop 7']);
  box.webviewReady();
  await deliver();
  await deliver();
  assert.deepEqual(describe(), ['session', 'stop 7', 'session', 'stop 8']);
});

test('a new session forgets the previous stop and the ended mark', async () => {
  const { box, deliver, describe } = harness();
  box.webviewReady();
  box.setSession(session);
  await deliver();
  box.setStop(stop(3));
  await deliver();
  box.setEnded();
  await deliver();
  box.setSession({ ...session, name: 't' });
  await deliver();
  assert.equal(box.latestStop, undefined);
  assert.equal(box.isEnded, false);
  assert.deepEqual(describe(), ['session', 'stop 3', 'ended', 'session']);
});

test('a failing postMessage is reported and does not stall the queue', async () => {
  const errors: unknown[] = [];
  const sent: string[] = [];
  let fail = true;
  const box = new Outbox(
    (m) => {
      sent.push(m.type);
      if (fail) {
        fail = false;
        return Promise.reject(new Error('disposed'));
      }
      return Promise.resolve(true);
    },
    (e) => errors.push(e),
  );
  box.webviewReady();
  box.setSession(session);
  box.setStop(stop(1));
  await tick();
  await tick();
  assert.deepEqual(sent, ['session', 'stop']);
  assert.equal(errors.length, 1);
});
