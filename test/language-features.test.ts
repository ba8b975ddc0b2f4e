// The language features as VS Code calls them (diagnostics, hover, completion, CodeLens), over a stand-in `vscode` module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { join } from 'node:path';

// `vscode` exists only inside VS Code: resolve it to the stand-in before loading the features.
const mockPath = join(__dirname, 'language', 'vscode-mock.ts');
const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolveFilename = M._resolveFilename;
M._resolveFilename = (request, ...rest) => (request === 'vscode' ? mockPath : resolveFilename(request, ...rest));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vscode = require('./language/vscode-mock') as typeof import('./language/vscode-mock');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { registerLanguageFeatures, DEBUG_SCENARIO_COMMAND, RUN_IN_TERMINAL_COMMAND } = require('../src/language/index') as typeof import('../src/language/index');

const context = { subscriptions: [] as { dispose(): void }[] };
registerLanguageFeatures(context as never);

const TEXT = 'socket server TCP_ESTABLISHD write_seq=5000\n\n0 server < F. seq=1000\n';
const doc = vscode.textDocument('/tmp/features.tcpscenario', TEXT);
const pos = (line: number, character: number) => new vscode.Position(line, character);

test('diagnostics: the engine\'s name check reaches the Problems view, 0-based, after the debounce', async () => {
  vscode.events.open.fire(doc);
  const key = doc.uri.toString();
  for (let i = 0; i < 100 && !vscode.registered.diagnostics.has(key); i++) await new Promise((r) => setTimeout(r, 50));
  const d = vscode.registered.diagnostics.get(key);
  assert.ok(d, 'diagnostics were published');
  assert.equal(d.length, 1);
  assert.deepEqual([d[0].range.start.line, d[0].range.start.character, d[0].range.end.character], [0, 14, 28]);
  assert.equal(d[0].severity, vscode.DiagnosticSeverity.Error);
  assert.match(d[0].message, /TCP_ESTABLISHD/);
  vscode.events.close.fire(doc);
  assert.equal(vscode.registered.diagnostics.has(key), false, 'closing the document clears its problems');
});

test('diagnostics: a syntax error and the engine\'s name checks of the other lines are published together', async () => {
  const mixed = vscode.textDocument('/tmp/features-mixed.tcpscenario', 'socket server TCP_BOGUS write_seq=5000\n0 server < Q\n+0 expect server state=TCP_ALSO_BOGUS\n');
  vscode.events.open.fire(mixed);
  const key = mixed.uri.toString();
  for (let i = 0; i < 100 && !vscode.registered.diagnostics.has(key); i++) await new Promise((r) => setTimeout(r, 50));
  const d = vscode.registered.diagnostics.get(key);
  assert.ok(d, 'diagnostics were published');
  assert.deepEqual(
    d.map((x) => [x.range.start.line, x.range.start.character]),
    [
      [0, 14],
      [1, 11],
      [2, 23],
    ],
  );
  assert.match(d[0].message, /TCP_BOGUS/);
  assert.match(d[1].message, /'Q' is not a flag/);
  assert.match(d[2].message, /TCP_ALSO_BOGUS/);
  vscode.events.close.fire(mixed);
});

test('hover: Markdown for the word under the cursor, with its range', () => {
  const h = vscode.registered.hover[0].provideHover(doc, pos(2, 12));
  assert.match(h.contents.value, /\*\*F\*\*/);
  assert.match(h.contents.value, /\*\*\.\*\*/);
  assert.deepEqual([h.range.start.character, h.range.end.character], [11, 13]);
  assert.equal(vscode.registered.hover[0].provideHover(doc, pos(1, 0)), undefined);
  // a kernel constant's heading gives its value; a field, which has none, shows no '= ' part
  const states = vscode.textDocument('/tmp/hover-values.tcpscenario', 'socket server TCP_CLOSE_WAIT write_seq=5000\n');
  assert.match(vscode.registered.hover[0].provideHover(states, pos(0, 16)).contents.value, /^\*\*TCP\\_CLOSE\\_WAIT\*\* = 8 · /);
  const field = vscode.registered.hover[0].provideHover(states, pos(0, 32)).contents.value;
  assert.match(field, /^\*\*write\\_seq\*\* · /);
  assert.doesNotMatch(field, /= undefined/);
});

test('completion: items replace the word being typed, fields re-open the list', () => {
  const { provider, triggers } = vscode.registered.completion[0];
  assert.ok(triggers.includes('=') && triggers.includes(' '));
  const items = provider.provideCompletionItems(doc, pos(2, 2));
  assert.deepEqual(
    items.map((i: { label: string }) => i.label),
    ['server', 'expect', 'drop', 'set', 'wait'],
  );
  const seg = provider.provideCompletionItems(vscode.textDocument('/tmp/x.tcpscenario', '0 server < F. s'), pos(0, 15));
  const seq = seg.find((i: { label: string }) => i.label === 'seq');
  assert.equal(seq.insertText, 'seq=');
  assert.equal(seq.command.command, 'editor.action.triggerSuggest');
  assert.deepEqual([seq.range.start.character, seq.range.end.character], [14, 15]);
});

test('CodeLens: debug and run in terminal, above the first event', () => {
  const lenses = vscode.registered.codeLens[0].provideCodeLenses(doc);
  assert.deepEqual(
    lenses.map((l: { command: { command: string } }) => l.command.command),
    [DEBUG_SCENARIO_COMMAND, RUN_IN_TERMINAL_COMMAND],
  );
  assert.equal(lenses[0].range.start.line, 2);
  assert.deepEqual(lenses[0].command.arguments, [doc.uri]);
  assert.deepEqual(vscode.registered.codeLens[0].provideCodeLenses(vscode.textDocument('/tmp/y.tcpscenario', 'socket a LISTEN\n')), []);
});

test('diagnostics follow typing: fixing the line clears the problem, a new mistake shows after the debounce', async () => {
  // a document whose text changes as the user types (the stand-in's change event carries it)
  let text = 'socket server TCP_ESTABLISHD\n\n0 server < F. seq=1000\n';
  const base = vscode.textDocument('/tmp/typing.tcpscenario', text);
  const typing = { ...base, version: 1, getText: () => text };
  const key = typing.uri.toString();
  const published = async (want: (d: InstanceType<typeof vscode.Diagnostic>[]) => boolean) => {
    for (let i = 0; i < 100; i++) {
      const d = vscode.registered.diagnostics.get(key);
      if (d && want(d)) return d;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`diagnostics never became as expected: ${JSON.stringify(vscode.registered.diagnostics.get(key))}`);
  };
  vscode.events.open.fire(typing);
  await published((d) => d.length === 1 && /TCP_ESTABLISHD/.test(d[0].message));
  const edit = (next: string) => {
    text = next;
    typing.version++;
    vscode.events.change.fire({ document: typing, contentChanges: [] });
  };
  edit('socket server TCP_ESTABLISHED\n\n0 server < F. seq=1000\n');
  await published((d) => d.length === 0);
  edit('socket server TCP_ESTABLISHED\n\n0 servr < F. seq=1000\n');
  const d = await published((x) => x.length === 1);
  assert.equal(d[0].range.start.line, 2);
  assert.match(d[0].message, /servr/);
  vscode.events.close.fire(typing);
});

test('completion of a value in a socket declaration: the timer reasons after timeout=', () => {
  const { provider } = vscode.registered.completion[0];
  const text = 'socket server TCP_ESTABLISHED timeout=';
  const items = provider.provideCompletionItems(vscode.textDocument('/tmp/decl.tcpscenario', text), pos(0, text.length));
  const labels = items.map((i: { label: string }) => i.label);
  assert.ok(labels.includes('TIME_CLOSE') && labels.includes('TIME_WRITE'), JSON.stringify(labels));
});

test('completion items show what a value is: states and timer reasons as enum members, other constants as constants', () => {
  const { provider } = vscode.registered.completion[0];
  const at = (text: string, label: string) => {
    const items = provider.provideCompletionItems(vscode.textDocument('/tmp/kinds.tcpscenario', text), pos(0, text.length));
    const item = items.find((i: { label: string }) => i.label === label);
    assert.ok(item, `${label} is offered after '${text}'`);
    return item.kind;
  };
  assert.equal(at('0 expect server state=', 'TCP_CLOSE'), vscode.CompletionItemKind.EnumMember);
  assert.equal(at('socket server TCP_ESTABLISHED timeout=', 'TIME_CLOSE'), vscode.CompletionItemKind.EnumMember);
  assert.equal(at('0 expect server shutdown=', 'SHUTDOWN_MASK'), vscode.CompletionItemKind.Constant);
});

test('completion: a socket name says it is declared in this file', () => {
  const { provider } = vscode.registered.completion[0];
  const items = provider.provideCompletionItems(doc, pos(2, 2));
  const server = items.find((i: { label: string }) => i.label === 'server');
  assert.equal(server.detail, 'socket declared in this file');
});

test('CodeLens in an untrusted workspace: nothing that runs, one lens to the trust editor; refreshed when trust is granted', () => {
  const provider = vscode.registered.codeLens[0];
  let refreshed = 0;
  const sub = provider.onDidChangeCodeLenses(() => refreshed++);
  vscode.workspace.isTrusted = false;
  try {
    const lenses = provider.provideCodeLenses(doc);
    assert.deepEqual(
      lenses.map((l: { command: { command: string } }) => l.command.command),
      ['workbench.trust.manage'],
    );
    assert.match(lenses[0].command.title, /Restricted Mode/);
  } finally {
    vscode.workspace.isTrusted = true;
  }
  vscode.events.grantTrust.fire();
  assert.equal(refreshed, 1, 'the lenses are asked for again once the workspace is trusted');
  sub.dispose();
  assert.deepEqual(
    provider.provideCodeLenses(doc).map((l: { command: { command: string } }) => l.command.command),
    [DEBUG_SCENARIO_COMMAND, RUN_IN_TERMINAL_COMMAND],
  );
});
