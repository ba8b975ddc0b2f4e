// The layer rule of eslint.config.mjs, run through ESLint's own API on probe files placed in the
// layers (the text is linted as if it were that file; nothing is written): forbidden imports fail
// with a message naming them, allowed ones pass. Type-aware rules are switched off for the probes
// (they need the TypeScript program and are not what is tested here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const root = join(__dirname, '..');
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

/** The layer rule's messages for `code` linted as `file` (repository-relative). */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `${file} did not parse`);
  return result.messages.filter((m) => m.ruleId === 'layers/imports').map((m) => m.message);
}

test('src/engine importing vscode fails the lint, in every import form', async () => {
  const forms = [
    "import * as vscode from 'vscode';\nexport const v = vscode.version;\n",
    "import type * as vscode from 'vscode';\nexport type U = vscode.Uri;\n",
    "export { window } from 'vscode';\n",
    "export const v = import('vscode');\n",
    "export const v = require('vscode');\n",
    "export type U = import('vscode').Uri;\n",
  ];
  for (const code of forms) {
    const errors = await layerErrors('src/engine/probe.ts', code);
    assert.equal(errors.length, 1, code);
    assert.match(errors[0], /^engine may not import vscode \('vscode'\): it may use scenario, common, packages/);
  }
});

test('each forbidden direction is reported, however the path is written', async () => {
  const cases: [string, string, RegExp][] = [
    ['src/engine/probe.ts', '../debug/session', /engine may not import debug/],
    ['src/engine/probe.ts', '../engine/../debug/session', /engine may not import debug/],
    ['src/engine/probe.ts', '../panel/wiring', /engine may not import panel/],
    ['src/engine/probe.ts', '../notes/store', /engine may not import notes/],
    ['src/engine/probe.ts', '../host/load', /engine may not import host/],
    ['src/engine/probe.ts', 'node:fs', /engine may not import Node built-ins/],
    ['src/engine/probe.ts', 'fs', /engine may not import Node built-ins/],
    ['src/scenario/probe.ts', '../engine/release/run', /scenario may not import engine/],
    ['src/scenario/probe.ts', 'vscode', /scenario may not import vscode/],
    ['src/common/probe.ts', '../scenario/ast', /common may not import scenario .*: it may use nothing but itself/],
    ['src/common/probe.ts', 'web-tree-sitter', /common may not import the package 'web-tree-sitter'/],
    ['src/debug/probe.ts', '../notes/store', /debug may not import notes/],
    ['src/debug/probe.ts', '../panel/panel', /debug may not import panel/],
    ['src/debug/probe.ts', 'vscode', /debug may not import vscode/],
    ['src/notes/probe.ts', '../panel/wiring', /notes may not import panel/],
    ['src/notes/probe.ts', '../debug/session', /notes may not import debug/],
    ['src/panel/probe.ts', '../engine/release/run', /panel may not import engine/],
    ['src/cli/probe.ts', '../notes/workspace', /cli may not import notes/],
    ['media/probe.ts', '../src/engine/release/run', /browser may not import engine/],
    ['media/probe.ts', '../src/panel/panel', /browser may not import panel/],
    ['media/probe.ts', '../test/panel/harness', /browser may not import test\/panel\/harness \(outside the layers\)/],
    ['src/engine/probe.test.ts', 'vscode', /engine may not import vscode/],
  ];
  for (const [file, spec, expected] of cases) {
    const errors = await layerErrors(file, `import { x } from '${spec}';\nexport const y = x;\n`);
    assert.equal(errors.length, 1, `${file} importing ${spec}: ${JSON.stringify(errors)}`);
    assert.match(errors[0], expected);
  }
});

test('the allowed directions pass', async () => {
  const cases: [string, string][] = [
    ['src/engine/probe.ts', './machine'],
    ['src/engine/probe.ts', '../scenario/ast'],
    ['src/engine/probe.ts', '../common/clock'],
    ['src/engine/probe.ts', 'web-tree-sitter'],
    ['src/debug/probe.ts', '../engine/hits'],
    ['src/debug/probe.ts', '../host/load'],
    ['src/debug/probe.ts', '@vscode/debugadapter'],
    ['src/notes/probe.ts', '../debug/releaseSnapshot'],
    ['src/notes/probe.ts', 'vscode'],
    ['src/panel/probe.ts', '../common/protocol'],
    ['src/cli/probe.ts', '../notes/cli'],
    ['media/probe.ts', '../src/common/protocol'],
    ['media/probe.ts', './dom'],
    ['src/engine/probe.test.ts', '../host/load'],
    ['src/extension.ts', './notes/wiring'],
    ['test/probe.test.ts', '../src/panel/panel'],
  ];
  for (const [file, spec] of cases) {
    assert.deepEqual(await layerErrors(file, `import { x } from '${spec}';\nexport const y = x;\n`), [], `${file} importing ${spec}`);
  }
});
