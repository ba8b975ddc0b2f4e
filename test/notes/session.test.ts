// The adapter's side of notes and walkthroughs: each `tcpClose/stop` event names the moment (the
// line that runs and how many times it has run), and `runToStop` moves to any stop, recorded or not;
// on the release, where the shipped walkthrough's steps are.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PASSIVE, connect, startServer } from '../debug/harness';
import { stopProblem } from '../../src/common/check';

let server: Awaited<ReturnType<typeof startServer>>;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.close();
});

test('runToStop runs forward to a stop not yet recorded, and back; stop events carry the moment', async () => {
  const c = await connect(server.port);
  try {
    // the shipped walkthrough's stops are the release's
    await c.launch({ scenario: PASSIVE, kernel: 'release' });
    const entry = (await c.next('tcpClose/stop')).body;
    assert.deepEqual(entry.moment, { file: PASSIVE, line: 8, hit: 1 });
    // the second time sk->state=state runs: tcp_close_state's LAST_ACK (a step of the shipped walkthrough)
    const walk = JSON.parse(readFileSync(PASSIVE.replace(/\.tcpscenario$/, '.walkthrough.json'), 'utf8'));
    const target: number = walk.steps.filter((x: { function?: string }) => x.function === 'tcp_set_state')[1].stop;
    const r = await c.dc.customRequest('runToStop', { stop: target });
    assert.equal(r.body.stop, target);
    assert.equal((await c.next('stopped')).body.reason, 'goto');
    const at = (await c.next('tcpClose/stop')).body;
    assert.equal(at.index, target);
    assert.equal(at.fn, 'tcp_set_state');
    assert.equal(stopProblem(at), undefined);
    assert.match(at.moment.file, /linux-1\.2\.13\/net\/inet\/tcp\.c$/);
    assert.equal(at.moment.line, at.line);
    assert.equal(at.moment.hit, 2);
    const finStop: number = walk.steps.find((x: { function?: string }) => x.function === 'tcp_fin').stop;
    await c.dc.customRequest('runToStop', { stop: finStop });
    await c.next('stopped');
    const back = (await c.next('tcpClose/stop')).body;
    assert.equal(back.fn, 'tcp_fin');
    assert.equal(back.moment.hit, 1);
    // past the end: the end of the run
    const end = await c.dc.customRequest('runToStop', { stop: 1e6 });
    const last: number = walk.steps[walk.steps.length - 1].stop; // the shipped walkthrough ends at the last stop
    assert.equal(end.body.stop, last + 1);
    await assert.rejects(c.dc.customRequest('runToStop', { stop: -1 }), /whole number/);
  } finally {
    await c.close();
  }
  c.assertValid();
});
