// End-to-end with VS Code's display language set to Simplified Chinese (zh-cn; test/e2e/harness.ts
// sets it offline, see displayLanguage there; run with `npm run test:e2e`). Screenshots go to
// test-results/e2e/zh-cn/.
//
// What it checks: the extension's contributed strings come from package.nls.zh-cn.json (the
// scenario language's name in the status bar, the commands' category and titles in the Command
// Palette) and its run-time strings from l10n/bundle.l10n.zh-cn.json (the CodeLens), as VS Code
// shows them; and not one of them is the English text.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeWorkbench, openWorkbench, page, root, step, openFile, openPage, T } from './harness';

const json = (p: string) => JSON.parse(readFileSync(join(root, p), 'utf8')) as Record<string, string>;
const nls = json('package.nls.zh-cn.json');
const nlsEn = json('package.nls.json');
const l10n = json('l10n/bundle.l10n.zh-cn.json');
const SCENARIO = 'passive-close.tcpscenario';

describe('tcp-close-debugger with the display language zh-cn', { timeout: T(10) * 60_000 }, () => {
  before(() => openWorkbench({ name: 'zh-cn', locale: 'zh-cn' }));
  after(() => closeWorkbench());

  it('01 a scenario: the language name in Chinese, the CodeLens in Chinese', async (t) => {
    await step(t, 'scenario-zh-cn', async () => {
      await openPage(SCENARIO);
      await openFile(SCENARIO);
      // package.nls.zh-cn.json: the language's alias
      await page.locator('.statusbar-item', { hasText: new RegExp(`^${nls['tcpScenario.language.name']}$`) }).first().waitFor({ timeout: T(20_000) });
      // l10n/bundle.l10n.zh-cn.json: vscode.l10n.t at run time
      for (const s of ['Debug this scenario', 'Run in terminal']) {
        await page.locator('.monaco-editor .codelens-decoration', { hasText: l10n[s] }).first().waitFor({ timeout: T(90_000) });
      }
      assert.equal(await page.locator('.monaco-editor .codelens-decoration', { hasText: /Debug this scenario|Run in terminal/ }).count(), 0, 'an English CodeLens');
    });
  });

  it('02 the Command Palette: the category and the titles in Chinese', async (t) => {
    await step(t, 'palette-zh-cn', async () => {
      await page.locator('.monaco-editor .view-line', { hasText: 'socket server' }).first().click();
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: T(10_000) });
      await input.fill(`>${nls['tcpCloseDebugger.category']}`);
      const want = ['tcpCloseDebugger.debugScenario.title', 'tcpCloseDebugger.runScenarioInTerminal.title', 'tcpCloseDebugger.notes.list.title'];
      for (const k of want) await page.locator('.quick-input-list .monaco-list-row', { hasText: `${nls['tcpCloseDebugger.category']}: ${nls[k]}` }).first().waitFor({ timeout: T(10_000) });
      const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
      for (const k of want) assert.ok(!rows.some((r) => r.includes(nlsEn[k])), `English title "${nlsEn[k]}" shown: ${JSON.stringify(rows)}`);
      await page.keyboard.press('Escape');
    });
  });
});
