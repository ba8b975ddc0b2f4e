// End-to-end in Chinese: code-server with the display language zh-cn (test/e2e/harness.ts; run with
// `npm run test:e2e`). Screenshots go to test-results/e2e/zh-cn/.
//
// No Chinese language pack can be downloaded here, and VS Code shows English unless a language
// pack for the display language is installed. The test makes a stand-in one: an extension that
// contributes the zh-cn localization (its translation of VS Code's own strings is empty, so the
// workbench itself stays English), packaged with @vscode/vsce and installed beside ours. With it
// VS Code resolves the language to zh-cn, and our extension's own translations must show:
// package.nls.zh-cn.json (the scenario language's name in the status bar, a command's title and
// category in the Command Palette) and l10n/bundle.l10n.zh-cn.json (the CodeLens, made at run time
// with vscode.l10n.t). The shipped walkthrough then plays in Chinese: each step's "zh-cn"
// narration in its notification and in the live panel, under the Chinese title.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeWorkbench, openFile, openPage, openWorkbench, page, root, runCommand, scratch, step, T } from './harness';

const SCENARIO = 'passive-close.tcpscenario';
const zh = JSON.parse(readFileSync(join(root, 'package.nls.zh-cn.json'), 'utf8')) as Record<string, string>;
const bundle = JSON.parse(readFileSync(join(root, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;

const PACK = { name: 'e2e-language-pack-zh-cn', publisher: 'tcp-close-debugger-e2e', version: '1.0.0' };

/** A language pack for zh-cn that translates nothing of VS Code itself, as a .vsix. */
function standInLanguagePack(): string {
  const dir = join(scratch, 'zh-cn-language-pack');
  mkdirSync(join(dir, 'translations'), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        ...PACK,
        displayName: 'zh-cn stand-in language pack (e2e)',
        description: 'Declares the zh-cn display language for the e2e test; VS Code\'s own strings stay English.',
        license: 'GPL-2.0-or-later',
        engines: { vscode: '*' },
        categories: ['Language Packs'],
        contributes: {
          localizations: [
            {
              languageId: 'zh-cn',
              languageName: 'Chinese Simplified',
              localizedLanguageName: '中文(简体)',
              translations: [{ id: 'vscode', path: './translations/main.i18n.json' }],
            },
          ],
        },
      },
      null,
      2,
    ),
  );
  writeFileSync(join(dir, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
  writeFileSync(join(dir, 'README.md'), '# zh-cn stand-in language pack\n\nMade by test/e2e/zh-cn.e2e.ts.\n');
  writeFileSync(join(dir, 'LICENSE'), 'GPL-2.0-or-later\n');
  const out = join(scratch, 'zh-cn-language-pack.vsix');
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--allow-missing-repository', '--out', out], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, `vsce package: ${r.stdout}\n${r.stderr}`);
  return out;
}

/**
 * The language pack's entry in the user data's languagepacks.json, as VS Code's language pack
 * service writes it after installing a pack from the UI (an install from the command line, as
 * here, leaves it unwritten, and VS Code then stays English).
 */
function registerLanguagePack({ userDataDir, extensionsDir }: { userDataDir: string; extensionsDir: string }): void {
  const id = `${PACK.publisher}.${PACK.name}`;
  const dir = readdirSync(extensionsDir).find((d) => d.startsWith(`${id}-`));
  assert.ok(dir, `the language pack is not in ${extensionsDir}: ${readdirSync(extensionsDir).join(', ')}`);
  const hash = createHash('md5').update(id).update(PACK.version).digest('hex');
  const packs = { 'zh-cn': { hash, extensions: [{ extensionIdentifier: { id }, version: PACK.version }], translations: { vscode: join(extensionsDir, dir, 'translations', 'main.i18n.json') }, label: '中文(简体)' } };
  writeFileSync(join(userDataDir, 'languagepacks.json'), JSON.stringify(packs));
}

describe('tcp-close-debugger with the display language zh-cn (code-server)', { timeout: T(10) * 60_000 }, () => {
  before(async () => {
    mkdirSync(scratch, { recursive: true });
    await openWorkbench({ name: 'zh-cn', locale: 'zh-cn', extensions: [standInLanguagePack()], beforeStart: registerLanguagePack });
  });
  after(() => closeWorkbench());

  it('01 the scenario language, the CodeLens and a command are shown in Chinese', async (t) => {
    await step(t, 'zh-cn-scenario', async () => {
      await openPage(SCENARIO);
      await openFile(SCENARIO);
      // package.nls.zh-cn.json: the language's name in the status bar
      await page.locator('.statusbar-item', { hasText: new RegExp(`^${zh['tcpScenario.language.name']}$`) }).first().waitFor({ timeout: T(30_000) });
      // l10n/bundle.l10n.zh-cn.json: the CodeLens over the first event
      await page.locator('.monaco-editor .codelens-decoration', { hasText: bundle['Debug this scenario'] }).first().waitFor({ timeout: T(30_000) });
      assert.equal(await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Debug this scenario' }).count(), 0, 'the CodeLens is in English');
    });
    await step(t, 'zh-cn-command', async () => {
      // package.nls.zh-cn.json: our commands in the Command Palette, listed under the Chinese category
      const input = page.locator('.quick-input-widget input');
      const rows = page.locator('.quick-input-list .monaco-list-row');
      const want = `${zh['tcpCloseDebugger.category']}: ${zh['tcpCloseDebugger.walkthrough.playPassiveClose.title']}`;
      // The palette takes its commands' `when` clauses (isWorkspaceTrusted here) as they stand when it
      // opens, and code-server settles some context keys late: open it again until the command is
      // listed or the time is up.
      let texts: string[] = [];
      const until = Date.now() + T(20_000);
      for (;;) {
        await page.keyboard.press('F1');
        await input.waitFor({ state: 'visible', timeout: T(10_000) });
        await input.fill(`>${zh['tcpCloseDebugger.category']}`);
        await rows.first().waitFor({ timeout: T(10_000) });
        await page.waitForTimeout(1000);
        texts = (await rows.allInnerTexts()).map((x) => x.replace(/\s+/g, ' ').trim());
        if (texts.some((x) => x.startsWith(want)) || Date.now() > until) break;
        await page.keyboard.press('Escape');
        await page.waitForTimeout(1000);
      }
      t.diagnostic(`palette rows for "${zh['tcpCloseDebugger.category']}": ${JSON.stringify(texts)}`);
      assert.ok(texts.some((x) => x.startsWith(want)), `no "${want}" in ${JSON.stringify(texts)}`);
      await page.keyboard.press('Escape');
    });
  });

  it('02 the shipped walkthrough plays in Chinese: the zh-cn narration in the notification and the live panel', async (t) => {
    type Text = string | Record<string, string>;
    const w = JSON.parse(readFileSync(join(root, 'examples', 'passive-close.walkthrough.json'), 'utf8')) as { title: Text; steps: { line: number; narration: Text }[] };
    const zhText = (x: Text) => (typeof x === 'string' ? x : x['zh-cn']);
    // as src/notes/walkthrough.ts shows it: markdown markers dropped, one line
    const plain = (md: string) => md.replace(/```\w*\n?/g, '').replace(/(\*\*|__|`)/g, '').replace(/\s+/g, ' ').trim();
    const n = w.steps.length;
    // the message of step i's notification (relative: inside a toast), and its toast
    const message = (i: number) => page.locator('.notification-list-item-message', { hasText: `${i + 1}/${n} — ${plain(zhText(w.steps[i].narration)).slice(0, 40)}` });
    const toast = (i: number) => page.locator('.notifications-toasts .notification-list-item').filter({ has: message(i) });
    const panelNotes = async (): Promise<string> => {
      for (const f of page.frames()) {
        if (f === page.mainFrame()) continue;
        const loc = f.locator('section.notes .notes-body');
        if (await loc.count().catch(() => 0)) return (await loc.first().innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
      }
      return '';
    };
    for (const i of [0, 1]) {
      await step(t, `zh-cn-walkthrough-${i + 1}`, async () => {
        if (i === 0) await runCommand(zh['tcpCloseDebugger.walkthrough.playPassiveClose.title']);
        else await toast(0).first().getByRole('button', { name: bundle['Next'], exact: true }).click({ timeout: T(10_000) });
        await toast(i).first().waitFor({ timeout: T(60_000) });
        const want = `${zhText(w.title)} — ${i + 1}/${n} ${plain(zhText(w.steps[i].narration)).slice(0, 40)}`;
        const deadline = Date.now() + T(20_000);
        let notes = '';
        while (!notes.includes(want) && Date.now() < deadline) {
          notes = await panelNotes();
          await page.waitForTimeout(100);
        }
        assert.ok(notes.includes(want), `the live panel does not narrate step ${i + 1} in Chinese: ${JSON.stringify(notes.slice(0, 200))}`);
        const en = w.steps[i].narration;
        if (typeof en !== 'string') assert.equal(await page.locator('.notifications-toasts', { hasText: plain(en.en).slice(0, 40) }).count(), 0, 'an English narration is shown');
      });
    }
    await page.locator('.debug-toolbar .action-item .codicon-debug-stop').first().click();
  });
});
