// Which files `reveal` may open: the session's scenario and kernel C only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AllowedFiles, sessionFiles } from './files';

test('the scenario and kernel of a launch configuration, relative to the workspace folder', () => {
  assert.deepEqual(sessionFiles({ scenario: 'examples/a.tcpscenario', kernelPath: '/k/tcp.c' }, '/ws', ['/ext/dist/kernel/tcp.c']), { scenario: '/ws/examples/a.tcpscenario', kernels: ['/k/tcp.c'] });
  assert.deepEqual(sessionFiles({ program: '/abs/b.tcpscenario' }, undefined, ['/ext/dist/kernel/tcp.c']), { scenario: '/abs/b.tcpscenario', kernels: ['/ext/dist/kernel/tcp.c'] });
  assert.deepEqual(sessionFiles({ scenario: 3 }, '/ws', []), { scenario: undefined, kernels: [] });
  // the adapter's attribute for an edited kernel (src/debug/session.ts)
  assert.deepEqual(sessionFiles({ scenario: '/s.tcpscenario', kernelSource: 'my/tcp.c' }, '/ws', ['/ext/dist/kernel/tcp.c']).kernels, ['/ws/my/tcp.c']);
  // `kernel` says which kernel runs (release), it is no file
  assert.deepEqual(sessionFiles({ scenario: '/s.tcpscenario', kernel: 'release' }, '/ws', ['/ext/dist/kernel/linux-1.2.13/net/inet/tcp.c']).kernels, ['/ext/dist/kernel/linux-1.2.13/net/inet/tcp.c']);
});

test('only the files added are allowed, whatever the spelling of the path', () => {
  const a = new AllowedFiles(false);
  a.add('/ws/examples/a.tcpscenario');
  a.add('/ext/dist/kernel/tcp.c');
  a.add(undefined);
  a.add('relative/ignored.c');
  assert.equal(a.has('/ws/examples/a.tcpscenario'), true);
  assert.equal(a.has('/ws/examples/../examples/a.tcpscenario'), true);
  assert.equal(a.has('/ext/dist/kernel/tcp.c'), true);
  assert.equal(a.has('/etc/passwd'), false);
  assert.equal(a.has('/ws/examples/../../etc/passwd'), false);
  assert.equal(a.has('relative/ignored.c'), false);
  assert.equal(a.has('/WS/examples/a.tcpscenario'), false);
  const ci = new AllowedFiles(true);
  ci.add('/WS/A.tcpscenario');
  assert.equal(ci.has('/ws/a.tcpscenario'), true);
});
