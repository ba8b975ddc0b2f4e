// The language features as VS Code calls them (diagnostics, hover, completion, CodeLens), over a stand-in `vscode` module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pktScripts } from '../src/scenario/packetdrill/scripts.testkit';

// `vscode` exists only inside VS Code: resolve it to the stand-in before loading the features.
const mockPath = join(__dirname, 'language', 'vscode-mock.ts');
const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolveFilename = M._resolveFilename;
M._resolveFilename = (request, ...rest) => (request === 'vscode' ? mockPath : resolveFilename(request, ...rest));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vscode = require('./language/vscode-mock') as typeof import('./language/vscode-mock');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { registerLanguageFeatures, DEBUG_SCENARIO_COMMAND, DEBUG_PACKETDRILL_COMMAND, PACKETDRILL_LANGUAGE_ID, RUN_IN_TERMINAL_COMMAND } = require('../src/language/index') as typeof import('../src/language/index');

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

/** The diagnostics of `key` once `want` holds of them (they come after the debounce). */
async function publishedFor(key: string, want: (d: InstanceType<typeof vscode.Diagnostic>[]) => boolean) {
  for (let i = 0; i < 200; i++) {
    const d = vscode.registered.diagnostics.get(key);
    if (d && want(d)) return d;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`diagnostics never became as expected: ${JSON.stringify(vscode.registered.diagnostics.get(key))}`);
}

test('packetdrill diagnostics: a real script\'s notes are information at its lines; a mistake typed in is an error at its line and column', async () => {
  const script = pktScripts().find((s) => s.name === 'close-remote-fin-then-close.pkt')!;
  let text = readFileSync(script.path, 'utf8');
  const base = vscode.textDocument(script.path, text, PACKETDRILL_LANGUAGE_ID);
  const typing = { ...base, version: 1, getText: () => text };
  const key = typing.uri.toString();
  vscode.events.open.fire(typing);
  const notes = await publishedFor(key, (d) => d.length > 0);
  assert.ok(notes.every((d) => d.severity === vscode.DiagnosticSeverity.Information && d.source === 'packetdrill'), JSON.stringify(notes));
  const shellLine = text.split('\n').findIndex((l) => l.startsWith('`'));
  const shell = notes.find((d) => /^not translated: the shell command/.test(d.message));
  assert.deepEqual([shell?.range.start.line, shell?.range.start.character], [shellLine, 0], '0-based, at the backtick');
  // close(5): no such socket, an error where the 5 is
  const closeLine = text.split('\n').findIndex((l) => /close\(4\)/.test(l));
  text = text.replace('close(4)', 'close(5)');
  typing.version++;
  vscode.events.change.fire({ document: typing, contentChanges: [] });
  const d = await publishedFor(key, (x) => x.some((y) => y.severity === vscode.DiagnosticSeverity.Error));
  const error = d.find((y) => y.severity === vscode.DiagnosticSeverity.Error)!;
  assert.equal(error.range.start.line, closeLine);
  assert.equal(error.range.start.character, text.split('\n')[closeLine].indexOf('5'));
  assert.match(error.message, /'5' is not a socket/);
  vscode.events.close.fire(typing);
  assert.equal(vscode.registered.diagnostics.has(key), false, 'closing the script clears its problems');
});

test('packetdrill diagnostics: an unsaved script, or one of another name, is checked as a .pkt', async () => {
  const doc = vscode.textDocument('/tmp/not-a-pkt.txt', '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bogus(3) = 0\n', PACKETDRILL_LANGUAGE_ID);
  vscode.events.open.fire(doc);
  const d = await publishedFor(doc.uri.toString(), (x) => x.length > 0);
  assert.deepEqual(
    d.map((x) => [x.severity, x.range.start.line, x.range.start.character]),
    [[vscode.DiagnosticSeverity.Information, 1, 3]],
  );
  vscode.events.close.fire(doc);
});

test('packetdrill CodeLens: "Debug with Linux 1.2" and "Run in terminal" above the first statement; Restricted Mode says so', () => {
  const provider = vscode.registered.codeLens[0];
  const text = '// a comment\n/* and a block\n   comment */\n\n   0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n  +0 close(3) = 0\n';
  const pkt = vscode.textDocument('/tmp/lens.pkt', text, PACKETDRILL_LANGUAGE_ID);
  const lenses = provider.provideCodeLenses(pkt);
  assert.deepEqual(
    lenses.map((l: { command: { command: string; title: string } }) => [l.command.command, l.command.title]),
    [
      [DEBUG_PACKETDRILL_COMMAND, '$(debug-alt) Debug with Linux 1.2'],
      [RUN_IN_TERMINAL_COMMAND, '$(terminal) Run in terminal'],
    ],
  );
  assert.equal(lenses[0].range.start.line, 4);
  assert.deepEqual(lenses[1].command.arguments, [pkt.uri]);
  // a real script's first statement is its `../common/defaults.sh` line
  for (const { name, path } of pktScripts()) {
    const real = readFileSync(path, 'utf8');
    assert.equal(provider.provideCodeLenses(vscode.textDocument(path, real, PACKETDRILL_LANGUAGE_ID))[0].range.start.line, real.split('\n').findIndex((l) => l.startsWith('`')), name);
  }
  // far down a long script, and none in a script with no statement
  const late = '// nothing yet\n'.repeat(500) + '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n';
  assert.equal(provider.provideCodeLenses(vscode.textDocument('/tmp/late.pkt', late, PACKETDRILL_LANGUAGE_ID))[0].range.start.line, 500);
  assert.deepEqual(provider.provideCodeLenses(vscode.textDocument('/tmp/empty.pkt', '// nothing\n', PACKETDRILL_LANGUAGE_ID)), []);
  vscode.workspace.isTrusted = false;
  try {
    const restricted = provider.provideCodeLenses(pkt);
    assert.deepEqual(
      restricted.map((l: { command: { command: string; title: string } }) => [l.command.command, l.command.title]),
      [['workbench.trust.manage', '$(shield) Restricted Mode: trust the workspace to run this script']],
    );
  } finally {
    vscode.workspace.isTrusted = true;
  }
});

test('package.json: .pkt files are the packetdrill language, with its grammar and configuration, debugged and run like scenarios', () => {
  const root = join(__dirname, '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'));
  const c = pkg.contributes;
  const lang = c.languages.find((l: { id: string }) => l.id === PACKETDRILL_LANGUAGE_ID);
  assert.deepEqual(lang.extensions, ['.pkt']);
  const config = JSON.parse(readFileSync(join(root, lang.configuration), 'utf8'));
  assert.deepEqual(config.comments, { lineComment: '//', blockComment: ['/*', '*/'] });
  assert.deepEqual(config.brackets, [['(', ')'], ['[', ']'], ['{', '}']]);
  const grammar = c.grammars.find((g: { language: string }) => g.language === PACKETDRILL_LANGUAGE_ID);
  assert.equal(JSON.parse(readFileSync(join(root, grammar.path), 'utf8')).scopeName, grammar.scopeName);
  assert.equal(grammar.scopeName, 'source.packetdrill');
  assert.ok(pkg.activationEvents.includes(`onLanguage:${PACKETDRILL_LANGUAGE_ID}`));
  assert.ok(c.debuggers[0].languages.includes(PACKETDRILL_LANGUAGE_ID), 'F5 offers the tcp-close debugger on a .pkt');
  assert.ok(c.breakpoints.some((b: { language: string }) => b.language === PACKETDRILL_LANGUAGE_ID), 'breakpoints can be set in a .pkt');
  const title = c.commands.find((x: { command: string }) => x.command === DEBUG_PACKETDRILL_COMMAND).title;
  assert.equal(nls[title.slice(1, -1)], 'Debug with Linux 1.2');
  // every menu that offers debugging a scenario offers debugging a .pkt, and Run in Terminal shows for both
  const menus = c.menus as Record<string, { command: string; when?: string }[]>;
  for (const m of ['editor/title/run', 'editor/context', 'explorer/context', 'commandPalette']) {
    const e = menus[m].find((x) => x.command === DEBUG_PACKETDRILL_COMMAND);
    assert.match(e?.when ?? '', /packetdrill|\.pkt/, m);
  }
  for (const m of ['editor/title/run', 'commandPalette']) {
    const when = menus[m].find((x) => x.command === RUN_IN_TERMINAL_COMMAND)?.when ?? '';
    const lang = /LangId =~ \/(.*)\/ &&/.exec(when);
    assert.ok(lang, `${m}: ${when}`);
    for (const id of ['tcp-scenario', PACKETDRILL_LANGUAGE_ID]) assert.match(id, new RegExp(lang[1]), `${m}: run in terminal for ${id}`);
    assert.doesNotMatch('c', new RegExp(lang[1]), m);
  }
});
