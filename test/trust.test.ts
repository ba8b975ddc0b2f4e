// Workspace trust (src/trust.ts): the commands that run a scenario refuse in an untrusted workspace
// and run nothing, package.json hides their menu entries there, and no other vscode-side code runs
// a scenario without the gate. The real refusal in a real VS Code is in test/e2e/untrusted.e2e.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const mockPath = join(__dirname, 'language', 'vscode-mock.ts');
const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolveFilename = M._resolveFilename;
M._resolveFilename = (request, ...rest) => (request === 'vscode' ? mockPath : resolveFilename(request, ...rest));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vscode = require('./language/vscode-mock') as typeof import('./language/vscode-mock');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RUNNING_COMMANDS, registerRunningCommand, mayRun } = require('../src/workbench/trust') as typeof import('../src/workbench/trust');

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

test('an untrusted workspace: a running command refuses with the message and runs nothing; trusted, it runs', async () => {
  let ran: unknown[] | undefined;
  registerRunningCommand('tcpCloseDebugger.walkthrough.play', (...args: unknown[]) => (ran = args));
  const cmd = vscode.commands.registered.get('tcpCloseDebugger.walkthrough.play')!;
  vscode.workspace.isTrusted = false;
  try {
    vscode.shown.answer = 'Manage Workspace Trust';
    cmd('file:///w/x.walkthrough.json');
    assert.equal(ran, undefined, 'the handler ran in an untrusted workspace');
    assert.equal(vscode.shown.warnings.length, 1);
    assert.match(vscode.shown.warnings[0].message, /^Restricted Mode: .*runs no scenario in an untrusted workspace/);
    assert.deepEqual(vscode.shown.warnings[0].items, ['Manage Workspace Trust']);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(vscode.shown.executed, ['workbench.trust.manage'], 'the button opens VS Code\'s trust editor');
    assert.equal(mayRun(), false);
  } finally {
    vscode.workspace.isTrusted = true;
  }
  vscode.shown.warnings.length = 0;
  cmd('file:///w/x.walkthrough.json');
  assert.deepEqual(ran, ['file:///w/x.walkthrough.json']);
  assert.equal(vscode.shown.warnings.length, 0);
});

test('package.json: every menu entry of a running command carries isWorkspaceTrusted, the palette included', () => {
  const contributed = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const menus = pkg.contributes.menus as Record<string, { command: string; when?: string }[]>;
  for (const id of RUNNING_COMMANDS) {
    assert.ok(contributed.has(id), `${id} is not contributed`);
    const entries = Object.entries(menus).flatMap(([menu, es]) => es.filter((e) => e.command === id).map((e) => ({ menu, ...e })));
    assert.ok(entries.some((e) => e.menu === 'commandPalette'), `${id} has no commandPalette entry (it would show in Restricted Mode)`);
    // (an entry whose when is "false" never shows: a command only a view's row runs)
    for (const e of entries) if (e.when !== 'false') assert.match(e.when ?? '', /(^|&& )isWorkspaceTrusted( &&|$)/, `${e.menu} › ${id}: when "${e.when ?? ''}" lacks isWorkspaceTrusted`);
  }
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
});

function sources(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (n.endsWith('.ts') && !n.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

test('no vscode-side code runs a scenario outside the gate', () => {
  // the extension host's ways to run a scenario: a debug session, a run set up from files (either
  // engine, or the notes' reader of them), a terminal; and the editor's check, which binds names only
  const runs = /\b(startDebugging|createTerminal)\(|\b(loadReleaseRun|loadNotesRun|checkOnRelease|exploreScenario)\b/;
  const found: Record<string, string> = {};
  for (const f of sources(join(root, 'src'))) {
    const text = readFileSync(f, 'utf8');
    if (!/from 'vscode'/.test(text) || !runs.test(text)) continue;
    const rel = relative(root, f);
    found[rel] = /registerRunningCommand\(|mayRun\(/.test(text) ? 'gated' : 'not gated';
  }
  // diagnostics bind a scenario to the shipped release only (no kernelPath) and run nothing: allowed
  assert.equal(found['src/language/diagnostics.ts'], 'not gated');
  assert.doesNotMatch(readFileSync(join(root, 'src/language/checks.ts'), 'utf8'), /kernelPath/, 'the diagnostics must not load a kernel the workspace names');
  delete found['src/language/diagnostics.ts'];
  assert.deepEqual(found, { 'src/extension.ts': 'gated', 'src/notes/walkthrough.ts': 'gated', 'src/outcomes/wiring.ts': 'gated' }, 'a new place runs a scenario: gate it with src/trust.ts and list it here');
  const outcomes = readFileSync(join(root, 'src/outcomes/wiring.ts'), 'utf8');
  for (const c of ['EXPLORE_COMMAND', 'DEBUG_OUTCOME_COMMAND']) assert.match(outcomes, new RegExp(`registerRunningCommand\\(${c},`), `${c} is not gated`);
  // and in those files every call that runs sits in a command registered through the gate
  const walk = readFileSync(join(root, 'src/notes/walkthrough.ts'), 'utf8');
  for (const c of ['play', 'playShipped', 'export', 'exportRun']) assert.match(walk, new RegExp(`registerRunningCommand\\(WALKTHROUGH_COMMANDS\\.${c},`), `walkthrough.${c} is not gated`);
  const ext = readFileSync(join(root, 'src/extension.ts'), 'utf8');
  for (const c of ['DEBUG_SCENARIO_COMMAND', 'DEBUG_PACKETDRILL_COMMAND', 'RUN_IN_TERMINAL_COMMAND']) assert.match(ext, new RegExp(`registerRunningCommand\\(${c},`), `${c} is not gated`);
  assert.match(ext, /resolveDebugConfiguration[\s\S]*?if \(!mayRun\(\)\) return undefined;/, 'the debug configuration provider does not ask mayRun');
});
