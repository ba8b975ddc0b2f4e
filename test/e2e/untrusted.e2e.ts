// End-to-end in an untrusted folder: code-server with workspace trust on, the copy of examples/
// opened in Restricted Mode (test/e2e/harness.ts; run with `npm run test:e2e`). Screenshots go to
// test-results/e2e/untrusted/.
//
// What it checks: the extension is active there (the scenario gets its language, the CodeLens
// says the workspace must be trusted to run it); no menu offers a command that runs a scenario
// (Command Palette, Explorer context menu, editor title), while a harmless one is still offered;
// each of those commands, run anyway through a key binding, refuses with the one Restricted Mode
// message and runs nothing: no debug session, no terminal, no file picker or save dialog, no file
// written, no live panel; F5 starts no session either (VS Code asks for trust itself first, in a
// modal dialog, which is answered with Escape); the message's button opens VS Code's "Manage
// Workspace Trust".

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeWorkbench, openWorkbench, page, root, runCommand, step, openFile, openPage, workspace, T } from './harness';

const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
const en = JSON.parse(readFileSync(join(root, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
const MESSAGE = Object.keys(en).find((k) => k.startsWith('Restricted Mode: the TCP close debugger runs no scenario'))!;
const MANAGE = 'Manage Workspace Trust';

/** The commands that run a scenario (src/trust.ts), each bound to a key for this run. */
const RUNNING = [
  { command: 'tcpCloseDebugger.debugScenario', title: nls['tcpCloseDebugger.debugScenario.title'], key: 'j' },
  { command: 'tcpCloseDebugger.runScenarioInTerminal', title: nls['tcpCloseDebugger.runScenarioInTerminal.title'], key: 'k' },
  { command: 'tcpCloseDebugger.walkthrough.play', title: nls['tcpCloseDebugger.walkthrough.play.title'], key: 'l' },
  { command: 'tcpCloseDebugger.walkthrough.playPassiveClose', title: nls['tcpCloseDebugger.walkthrough.playPassiveClose.title'], key: 'u' },
  { command: 'tcpCloseDebugger.walkthrough.export', title: nls['tcpCloseDebugger.walkthrough.export.title'], key: 'i' },
  { command: 'tcpCloseDebugger.walkthrough.exportRun', title: nls['tcpCloseDebugger.walkthrough.exportRun.title'], key: 'o' },
  { command: 'tcpCloseDebugger.explore', title: nls['tcpCloseDebugger.explore.title'], key: 'y' },
  { command: 'tcpCloseDebugger.outcomes.debug', title: nls['tcpCloseDebugger.outcomes.debug.title'], key: 'h' },
];

/** Files under the workspace (relative), to see that nothing was written. */
function files(dir = workspace, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`]));
}

/** Nothing runs: no debug session, terminal, picker or dialog, live panel. */
async function expectNothingRunning(what: string): Promise<void> {
  const found: string[] = [];
  if (await page.locator('.debug-toolbar').isVisible().catch(() => false)) found.push('the debug toolbar');
  if (await page.locator('.tabs-container .tab, .terminal-tabs-entry, .single-terminal-tab', { hasText: /TCP close trace/ }).count()) found.push('a "TCP close trace" terminal');
  if (await page.locator('.quick-input-widget').isVisible().catch(() => false)) found.push(`a picker or save dialog (${(await page.locator('.quick-input-widget').innerText()).slice(0, 200)})`);
  if (await page.locator('.monaco-dialog-box').isVisible().catch(() => false)) found.push('a dialog');
  for (const f of page.frames()) if (f !== page.mainFrame() && (await f.locator('article[data-socket]').count().catch(() => 0))) found.push('the live panel');
  assert.deepEqual(found, [], `${what}: something ran`);
}

describe('tcp-close-debugger in an untrusted folder (Restricted Mode)', { timeout: T(10) * 60_000 }, () => {
  before(() =>
    openWorkbench({
      name: 'untrusted',
      untrusted: true,
      // Restricted Mode without the modal startup question
      settings: { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' },
      keybindings: RUNNING.map((r) => ({ key: `ctrl+shift+alt+${r.key}`, command: r.command })),
    }),
  );
  after(() => closeWorkbench());

  let filesBefore: string[] = [];

  it('01 the folder opens in Restricted Mode; the scenario gets its language and a CodeLens that asks for trust', async (t) => {
    await step(t, 'restricted-mode', async () => {
      await openPage('passive-close.tcpscenario');
      await page.locator('.statusbar-item', { hasText: /Restricted Mode/ }).first().waitFor({ timeout: T(30_000) });
      filesBefore = files();
      await openFile('passive-close.tcpscenario');
      await page.locator('.statusbar-item', { hasText: /^TCP Scenario$/ }).first().waitFor({ timeout: T(15_000) });
      await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Restricted Mode: trust the workspace to run this scenario' }).first().waitFor({ timeout: T(90_000) }); // after activation
      assert.equal(await page.locator('.monaco-editor .codelens-decoration', { hasText: /Debug this scenario|Run in terminal/ }).count(), 0, 'a CodeLens that runs is shown');
    });
  });

  it('02 no menu offers a command that runs a scenario', async (t) => {
    await step(t, 'menus', async () => {
      // the Command Palette: the extension's commands, a harmless one among them, none that runs
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: T(10_000) });
      await input.fill(`>${nls['tcpCloseDebugger.category']}`);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: nls['tcpCloseDebugger.notes.list.title'] }).first().waitFor({ timeout: T(10_000) });
      const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
      for (const r of RUNNING) assert.ok(!rows.some((x) => x.includes(r.title)), `the Command Palette offers "${r.title}": ${JSON.stringify(rows)}`);
      await page.keyboard.press('Escape');
      // the editor title: no Run/Debug buttons of the extension
      const titleActions = await page.locator('.editor-actions .action-label').evaluateAll((els) => els.map((e) => (e as any).getAttribute('aria-label') ?? ''));
      for (const r of RUNNING) assert.ok(!titleActions.some((x) => x.includes(r.title)), `the editor title offers "${r.title}": ${JSON.stringify(titleActions)}`);
      // the Explorer's context menu on a walkthrough file: Rename, but no Play or Export
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'passive-close.walkthrough.json' }).first().click({ button: 'right' });
      const menu = page.locator('.context-view .monaco-menu');
      await menu.locator('.action-label', { hasText: /^Rename/ }).first().waitFor({ timeout: T(10_000) });
      const items = await menu.locator('.action-label').allInnerTexts();
      for (const r of RUNNING) assert.ok(!items.some((x) => x.includes(r.title)), `the Explorer menu offers "${r.title}": ${JSON.stringify(items)}`);
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'hidden', timeout: T(5000) });
    });
  });

  it('03 each command that runs, run through a key binding, refuses with the message and runs nothing', async (t) => {
    for (const r of RUNNING) {
      await step(t, `refuses-${r.command.split('.').pop()}`, async () => {
        await runCommand('Notifications: Clear All Notifications');
        await page.locator('.notifications-toasts .notification-list-item').first().waitFor({ state: 'detached', timeout: T(10_000) });
        // from the scenario's editor (what the command would run)
        await page.locator('.monaco-editor .view-line', { hasText: 'socket server' }).first().click();
        await page.keyboard.press(`Control+Shift+Alt+${r.key.toUpperCase()}`);
        const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: MESSAGE.slice(0, 60) }).first();
        await toast.waitFor({ timeout: T(15_000) });
        const text = (await toast.locator('.notification-list-item-message').innerText()).replace(/\s+/g, ' ').trim();
        assert.equal(text, MESSAGE);
        await toast.getByRole('button', { name: MANAGE, exact: true }).waitFor({ timeout: T(5000) });
        await expectNothingRunning(r.title);
      });
    }
    await step(t, 'nothing-written', async () => {
      await expectNothingRunning('after all the commands');
      assert.deepEqual(files(), filesBefore, 'files were written in the workspace');
    });
  });

  it('04 F5 on the scenario starts no session', async (t) => {
    await step(t, 'f5', async () => {
      await runCommand('Notifications: Clear All Notifications');
      await page.locator('.monaco-editor .view-line', { hasText: 'socket server' }).first().click();
      await page.keyboard.press('F5');
      // VS Code asks for trust itself before any debugger is asked (a modal dialog); or our message
      const dialog = page.locator('.monaco-dialog-box');
      const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: MESSAGE.slice(0, 60) });
      await dialog.or(toast).first().waitFor({ timeout: T(15_000) });
      if (await dialog.isVisible()) {
        t.diagnostic(`F5: VS Code's own dialog: ${(await dialog.innerText()).replace(/\s+/g, ' ').slice(0, 300)}`);
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'hidden', timeout: T(10_000) });
      }
      await expectNothingRunning('F5');
    });
  });

  it("05 the message's button opens VS Code's Manage Workspace Trust", async (t) => {
    await step(t, 'manage-trust', async () => {
      await page.locator('.monaco-editor .view-line', { hasText: 'socket server' }).first().click();
      await page.keyboard.press('Control+Shift+Alt+J');
      const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: MESSAGE.slice(0, 60) }).first();
      await toast.getByRole('button', { name: MANAGE, exact: true }).click({ timeout: T(15_000) });
      // VS Code's trust editor (a modal editor in this version)
      await page.getByText('You are in Restricted Mode', { exact: true }).first().waitFor({ timeout: T(15_000) });
      await expectNothingRunning('Manage Workspace Trust');
    });
  });
});
