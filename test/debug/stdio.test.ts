// The bundled adapter (dist/adapter.js) over stdio, as VS Code runs it: launch, a breakpoint in
// tcp_fin, next, step back, and the Socket scope's state before and after.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { Client, KERNEL, PASSIVE, ROOT, closeWaitLine } from './harness';

const ADAPTER = join(ROOT, 'dist', 'adapter.js');
let c: Client;

before(async () => {
  if (!existsSync(ADAPTER)) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const dc = new DebugClient('node', ADAPTER, 'tcp-close');
  dc.defaultTimeout = 20000;
  await dc.start();
  c = new Client(dc);
});

after(async () => {
  await c.close();
  c.assertValid();
});

test('over stdio: launch, breakpoint, next, step back, variables', async () => {
  const line = closeWaitLine();
  const entry = await c.launch({ scenario: PASSIVE }, async (dc) => {
    const r = await dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line }] });
    assert.equal(r.body.breakpoints[0].verified, true);
  });
  assert.equal(entry.body.reason, 'entry');
  const hit = await c.step('continue');
  assert.equal(hit.body.reason, 'breakpoint');
  assert.equal((await c.top(1)).line, line);
  await c.step('next');
  assert.equal((await c.vars(1)).state, 'TCP_CLOSE_WAIT (8)');
  await c.step('stepBack');
  assert.equal((await c.top(1)).line, line);
  assert.equal((await c.vars(1)).state, 'TCP_ESTABLISHED (1)');
});
