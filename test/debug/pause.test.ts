// Pause while a continue is running, over DAP: an edited tcp.c whose tcp_fin loops (for ever, as
// far as the step budget allows: the launch's stepBudget is made large), the passive close run
// with continue, then pause. The adapter must hear the pause between chunks of the motion, stop
// with reason 'pause' on a real C line of the loop, and then step and continue as usual. Every
// message is checked against the DAP schema.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, KERNEL, PASSIVE, clientPerTest, lineOf } from './harness';

let c: Client;
clientPerTest(
  (x) => (c = x),
  () => c,
);

const T = 1;
const FIN_SEQ = 'sk->fin_seq = th->seq + skb->len + th->syn + th->fin;';

/** A copy of the release's tcp.c in a fresh folder, tcp_fin's fin_seq line followed by a two-line loop that ends only when sk->err is set. */
function loopingKernel(): { file: string; loop: number; body: number } {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-pause-'));
  const file = join(dir, 'tcp.c');
  const text = readFileSync(KERNEL, 'utf8');
  assert.ok(text.includes(FIN_SEQ));
  writeFileSync(file, text.replace(FIN_SEQ, `${FIN_SEQ}\n\twhile (sk->err == 0)\n\t\tsk->lingertime++;`));
  const loop = lineOf(file, 'while (sk->err == 0)');
  return { file, loop, body: loop + 1 };
}

/** Continues, lets it run `runMs`, checks that it is still running, pauses; returns the pause's stopped event. */
async function continueThenPause(runMs: number) {
  c.skipPending();
  const before = c.events.length;
  await c.dc.continueRequest({ threadId: T });
  await new Promise((r) => setTimeout(r, runMs));
  const meanwhile = c.events.slice(before).map((e) => e.event);
  assert.ok(!meanwhile.includes('stopped') && !meanwhile.includes('terminated'), `the continue did not keep running: ${meanwhile.join(', ')}`);
  await c.dc.pauseRequest({ threadId: T });
  return (await c.next('stopped')) as Awaited<ReturnType<Client['step']>>;
}

test('pause during a running continue stops on the loop\'s C line; step and continue still work', async () => {
  const k = loopingKernel();
  // a budget far beyond what runs in a few seconds: the loop stands for an endless one
  const entry = await c.launch({ scenario: PASSIVE, kernelSource: k.file, stepBudget: 1_000_000_000 });
  assert.equal(entry.body.reason, 'entry');
  // after 1.5 s the continue is still running (nothing stopped, nothing ended); then pause
  const paused = await continueThenPause(1500);
  assert.equal(paused.body.reason, 'pause');
  assert.equal(paused.body.threadId, T);

  // a real C line: the loop's, in the edited tcp_fin, with the edited file as its source
  const frames = await c.frames(T);
  const top = frames[0];
  assert.equal(top.name, 'tcp_fin');
  assert.equal(top.source?.path, k.file);
  assert.ok([k.loop, k.body].includes(top.line), `paused on line ${top.line}, not the loop (${k.loop}-${k.body})`);
  assert.deepEqual(frames.map((f) => f.name).slice(0, 3), ['tcp_fin', 'tcp_data', 'tcp_rcv']);
  // the loop ran many times: sk->lingertime counts its rounds (a field the scenario does not expect)
  const rounds = Number((await c.vars(T)).lingertime);
  assert.ok(rounds > 1000, `sk->lingertime after 1.5 s of the loop: ${rounds}`);

  // step: from one line of the loop to the other, one round at most
  const stepped = await c.step('next');
  assert.equal(stepped.body.reason, 'step');
  const at = (await c.top(T)).line;
  assert.equal(at, top.line === k.loop ? k.body : k.loop);
  // step back too
  const back = await c.step('stepBack');
  assert.ok(['step', 'pause'].includes(back.body.reason), back.body.reason);
  assert.equal((await c.top(T)).line, top.line);

  // continue runs again, and a second pause stops it again, further on
  const second = await continueThenPause(500);
  assert.equal(second.body.reason, 'pause');
  assert.equal((await c.top(T)).name, 'tcp_fin');
  assert.ok([k.loop, k.body].includes((await c.top(T)).line));
  assert.ok(Number((await c.vars(T)).lingertime) > rounds, 'the second continue did not run the loop further');

  // a what-if ends the loop (sk->err set): continue then runs the rest of the scenario to its end
  const sock = await c.scope((await c.top(T)).id, 'Socket');
  await c.dc.setVariableRequest({ variablesReference: sock.variablesReference, name: 'err', value: '1' });
  const end = await c.step('continue');
  assert.equal(end.body.reason, 'step', `${end.body.description} ${end.body.text}`);
  assert.equal(end.body.description, 'end of the scenario');
  assert.equal((await c.vars(T)).state, 'TCP_CLOSE (7)');
});

test('a launch with a stepBudget that is not a whole number of 1 or more is refused, naming it', async () => {
  await c.dc.initializeRequest({ adapterID: 'tcp-close', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  for (const stepBudget of [0, 2.5, '1000']) await assert.rejects(c.dc.launchRequest({ scenario: PASSIVE, stepBudget } as never), /'stepBudget' must be a whole number of statements, 1 or more/);
});
