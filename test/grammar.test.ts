// Runs the TextMate grammar tests (test/grammar/*.tcpscenario) through vscode-tmgrammar-test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

test('the tcpscenario grammar passes every assertion in test/grammar', () => {
  const cli = join(root, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');
  const r = spawnSync(process.execPath, [cli, '-c', '-g', 'syntaxes/tcpscenario.tmLanguage.json', 'test/grammar/*.tcpscenario'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `vscode-tmgrammar-test failed:\n${r.stdout}\n${r.stderr}`);
});
