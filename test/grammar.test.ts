// Runs the TextMate grammar tests (test/grammar/*.tcpscenario, test/grammar/*.pkt) through vscode-tmgrammar-test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

/** vscode-tmgrammar-test's result for one grammar over its test files. */
function grammarTest(grammar: string, files: string) {
  const cli = join(root, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');
  return spawnSync(process.execPath, [cli, '-c', '-g', grammar, files], { cwd: root, encoding: 'utf8', timeout: 60_000 });
}

test('the tcpscenario grammar passes every assertion in test/grammar', () => {
  const r = grammarTest('syntaxes/tcpscenario.tmLanguage.json', 'test/grammar/*.tcpscenario');
  assert.equal(r.status, 0, `vscode-tmgrammar-test failed:\n${r.stdout}\n${r.stderr}`);
});

test('the packetdrill grammar passes every assertion in test/grammar', () => {
  // the Python grammar a %{ }% block includes is VS Code's: absent here, the block is still tested as a block
  const r = grammarTest('syntaxes/packetdrill.tmLanguage.json', 'test/grammar/*.pkt');
  assert.equal(r.status, 0, `vscode-tmgrammar-test failed:\n${r.stdout}\n${r.stderr}`);
  for (const f of ['syscalls.pkt', 'segments.pkt', 'embedded.pkt']) assert.match(r.stdout, new RegExp(`${f.replace('.', '\\.')} run successfuly`), `${f} was not run`);
});
