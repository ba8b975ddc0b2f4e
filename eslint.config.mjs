// Lint for the whole repository (`npm run lint`, part of `npm test`): typescript-eslint's
// recommended rules, a few type-aware ones that catch real bugs (a promise nobody awaits or
// handles, an `await` on a non-promise), and the layer rule below.
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import layers from './scripts/eslint-layers.mjs';

const root = import.meta.dirname;

// ---- The layers: who may import whom ----
// Data flows one way: scenario text → engine → stops → adapter / panel / CLI. A layer may import
// itself and what its `allow` names: other layers, or `vscode`, `node` (Node's built-ins) and
// `packages` (any other npm package); a path (`src/debug/snapshot`) allows that one file only.
// Anything else is an error naming the import. The order, from the bottom:
//
//   common    the message protocol of the panel (both sides), its shape checks, the ids several
//             layers name (debug type, stop event, custom requests, language and command ids), the
//             clock's formats. It imports nothing: the browser bundle uses it, so no Node either.
//   scenario  the scenario language: common only (no I/O).
//   engine    the C front end and machine, history, world: scenario and common, and packages
//             (web-tree-sitter); no vscode and no Node built-ins (the engine does no I/O: files
//             come in through src/host).
//   host      Node's file access for the engine: loads kernels and scenarios.
//   debug     the DAP session (@vscode/debugadapter): host and below; no vscode, no panel, no
//             notes (what a stop report needs from notes, the line hit counts, is engine/hits.ts).
//   panel     the panel's VS Code side: vscode and common; it knows nothing of the engine or the
//             adapter (it gets snapshots as messages) nor of notes (they come through the object
//             registerPanel returns, handed over by src/extension.ts).
//   workbench VS Code-side pieces several features share (the workspace-trust gate every command
//             that runs C goes through): vscode and common.
//   language  the scenario language's editor support: vscode, host and below.
//   notes     notes and walkthroughs: vscode, host and below, and the adapter's snapshot builder
//             (an export shows what the panel showed); not the panel, not the debug session.
//   outcomes  the explorer's VS Code side (Explore Schedules, the Outcomes view, Debug this
//             outcome): vscode, workbench, host and below.
//   cli       the command line: host and below, and the notes feature's command (src/notes/cli).
//   browser   the panel's browser side (media/*.ts): only common (and itself).
//   extension src/extension.ts, the wiring: anything.
// Tests beside the code (*.test.ts, and the kits they share, *.testkit.ts) may also use host, engine and scenario, the snapshot builder,
// Node and packages to make real inputs; never a layer's forbidden `vscode`. test/ and scripts/ are
// not layers.
const LAYERS = {
  common: { paths: ['src/common/'], allow: [] },
  scenario: { paths: ['src/scenario/'], allow: ['common', 'packages'] },
  engine: { paths: ['src/engine/'], allow: ['scenario', 'common', 'packages'] },
  host: { paths: ['src/host/'], allow: ['engine', 'scenario', 'common', 'node', 'packages'] },
  debug: { paths: ['src/debug/'], allow: ['host', 'engine', 'scenario', 'common', 'node', 'packages'] },
  panel: { paths: ['src/panel/'], allow: ['common', 'vscode', 'node', 'packages'] },
  workbench: { paths: ['src/workbench/'], allow: ['common', 'vscode'] },
  language: { paths: ['src/language/'], allow: ['workbench', 'host', 'engine', 'scenario', 'common', 'vscode', 'node', 'packages'] },
  notes: { paths: ['src/notes/'], allow: ['src/debug/releaseSnapshot', 'workbench', 'host', 'engine', 'scenario', 'common', 'vscode', 'node', 'packages'] },
  outcomes: { paths: ['src/outcomes/'], allow: ['workbench', 'host', 'engine', 'scenario', 'common', 'vscode', 'node', 'packages'] },
  cli: { paths: ['src/cli/'], allow: ['src/notes/cli', 'host', 'engine', 'scenario', 'common', 'node', 'packages'] },
  browser: { paths: ['media/'], allow: ['common'] },
  extension: { paths: ['src/extension.ts'], allow: ['common', 'scenario', 'engine', 'host', 'debug', 'panel', 'workbench', 'language', 'notes', 'outcomes', 'vscode', 'node', 'packages'] },
};
const TESTS_ALSO_ALLOW = ['host', 'engine', 'scenario', 'src/debug/releaseSnapshot', 'node', 'packages'];

export default defineConfig(
  { ignores: ['dist/', 'media/dist/', 'out/', 'node_modules/', 'test-results/', '.cache/', 'src/kernel/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    rules: {
      // node:test's test() and describe() return promises the runner itself awaits
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] }],
      '@typescript-eslint/await-thenable': 'error',
      // most imports already say `type`; `typeof import('...')` stays allowed for require() after a module hook
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // the engine's cells hold any C value (number, struct, pointer, function) by design
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['src/**/*.ts', 'media/**/*.ts'],
    plugins: { layers },
    rules: { 'layers/imports': ['error', { root, layers: LAYERS, testsAlsoAllow: TESTS_ALSO_ALLOW }] },
  },
);
