// End-to-end: the packaged extension in a real VS Code (code-server, see scripts/code-server.mjs),
// driven through its UI with playwright-core and Debian's Chromium (test/e2e/harness.ts). Not part
// of `npm test` (the name is not *.test.ts); run it with `npm run test:e2e`. Screenshots of every
// step, and on a failure the text of the relevant views, go to test-results/e2e/trusted/.
//
// What it checks (any error notification fails the step it appears in; no test skips itself): the
// VSIX installs and activates (the scenario's language in the status bar, the extension listed by
// Show Running Extensions); F5 on an open scenario starts a session (no launch.json) that stops on
// entry; stepping with F10/F11 reaches tcp.c and runs tcp_fin's tcp_set_state(sk,TCP_CLOSE_WAIT):
// the Variables view and the live panel show TCP_CLOSE_WAIT; Step Back shows TCP_ESTABLISHED again;
// a note added through the Comments UI lands in .vscode/tcp-close-notes.json and is shown at that
// line (its thread under the line, a thread mark in the line's gutter); the live panel drives the
// session: a field's "step back to its writer" stops VS Code at the writer's function and line (Call
// Stack and editor), on a line that writes the field, and the timeline scrubber goes back to the
// tcp_set_state stop; three lines typed above the note move its thread and gutter mark down three
// lines, and deleting them moves both back; "Play the Passive Close Walkthrough" (after ending
// that session) stops on the shipped walkthrough's first step with its narration in a notification
// and in the live panel's notes, the notification's Next moves to each of the 16 steps' lines with
// that step's narration, and Back from the last step returns to the 15th.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import {
  activationTimes,
  closeWorkbench,
  collectErrorToasts,
  currentLine,
  errorToasts,
  expectPanelState,
  expectSocketState,
  nextStop,
  openWorkbench,
  outDir,
  page,
  panelLog,
  panelStop,
  panelFrame,
  noteFormAtLine,
  panelState,
  root,
  runCommand,
  settled,
  shot,
  step,
  stepKey,
  timings,
  openFile,
  openPage,
  workspace,
  type Here,
  T,
} from './harness';

/** The release's net/inet/*.c file that defines `fn` (a line that starts a definition of it, not a prototype). */
function definingFile(fn: string): string {
  const dir = join(root, 'src', 'kernel', 'linux-1.2.13', 'net', 'inet');
  const def = new RegExp(`^\\w[\\w\\s*]*\\b${fn}\\([^;]*$`, 'm');
  const found = readdirSync(dir).filter((f) => f.endsWith('.c') && def.test(readFileSync(join(dir, f), 'utf8')));
  assert.equal(found.length, 1, `${fn} is defined in ${found.join(', ') || 'no file'}`);
  return found[0];
}

const SCENARIO = 'passive-close.tcpscenario';
let runningExtensionsRow = '';
/** tcp_fin's tcp_set_state(sk,TCP_CLOSE_WAIT) before it runs (test 05): its stop and where VS Code showed it */
let setState: { stop: number; here: Here } | undefined;
/** the text of the note test 06 added there */
let noteText = '';

/** Where the start of line `n` of the tcp.c editor is on the page. */
async function lineStart(n: number): Promise<{ x: number; y: number }> {
  const at = await page.evaluate((n) => {
    const document = (globalThis as any).document;
    const editor = [...document.querySelectorAll('.monaco-editor')].find((e: any) => (e.getAttribute('data-uri') ?? '').endsWith('/tcp.c')) as any;
    if (!editor) return null;
    const num = [...editor.querySelectorAll('.margin-view-overlays > div')].find((r: any) => Number(r.querySelector('.line-numbers')?.textContent) === n) as any;
    if (!num) return null;
    const line = [...editor.querySelectorAll('.view-lines .view-line')].find((l: any) => l.style.top === num.style.top) as any;
    const r = line?.getBoundingClientRect();
    return r ? { x: r.x + 2, y: r.y + r.height / 2 } : null;
  }, n);
  assert.ok(at, `line ${n} of tcp.c is not in view`);
  return at;
}

/** Waits until the note `text` is shown at `line` of tcp.c: its thread right under that line, a thread mark in that line's gutter. */
async function expectNoteAt(text: string, line: number): Promise<void> {
  const deadline = Date.now() + T(15_000);
  let seen: unknown = null;
  while (Date.now() < deadline) {
    seen = await page.evaluate((text) => {
      const document = (globalThis as any).document;
      const editor = [...document.querySelectorAll('.monaco-editor')].find((e: any) => (e.getAttribute('data-uri') ?? '').endsWith('/tcp.c')) as any;
      if (!editor) return { error: 'no tcp.c editor' };
      const rows = [...editor.querySelectorAll('.margin-view-overlays > div')].map((r: any) => ({ n: Number(r.querySelector('.line-numbers')?.textContent), r: r.getBoundingClientRect(), mark: !!r.querySelector('[class*="comment-thread"]') }));
      const widget = [...editor.querySelectorAll('.review-widget')].find((w: any) => (w.textContent ?? '').includes(text)) as any;
      const gutter = rows.filter((r) => r.mark).map((r) => r.n);
      if (!widget) return { gutter, widgetUnder: null };
      const top = widget.getBoundingClientRect().top;
      const above = rows.filter((r) => r.r.bottom <= top + 2).sort((a, b) => b.r.bottom - a.r.bottom)[0];
      return { gutter, widgetUnder: above?.n ?? null };
    }, text);
    const s = seen as { gutter?: number[]; widgetUnder?: number | null };
    if (s.gutter?.includes(line) && s.widgetUnder === line) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`the note ${JSON.stringify(text)} is not shown at tcp.c:${line} (gutter marks on lines, the thread under line): ${JSON.stringify(seen)}`);
}

describe('tcp-close-debugger in a real VS Code (code-server)', { timeout: T(15) * 60_000 }, () => {
  before(() => openWorkbench({ name: 'trusted' }));

  after(() => closeWorkbench({ activation: `Running Extensions view: "${runningExtensionsRow}"\n  exthost log: ${activationTimes()}` }));

  it('01 opens the workbench', async (t) => {
    await step(t, 'workbench', async () => {
      // the explorer shows the copied examples
      await openPage(SCENARIO);
    });
  });

  it('02 opens the scenario: the extension gives it its language', async (t) => {
    await step(t, 'scenario-open', async () => {
      await openFile(SCENARIO);
      await page.locator('.monaco-editor .view-line', { hasText: 'socket server TCP_ESTABLISHED' }).first().waitFor({ timeout: T(15_000) });
      await page.locator('.statusbar-item', { hasText: /^TCP Scenario$/ }).first().waitFor({ timeout: T(15_000) });
    });
  });

  it('02b the extension runs (Developer: Show Running Extensions), and its activation time', async (t) => {
    // The row must be there: the extension activated. The activation time on it is a measurement,
    // reported and not checked (npm run bench measures activate() too).
    await step(t, 'running-extensions-row', async () => {
      await runCommand('Developer: Show Running Extensions');
      const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'TCP Close Debugger' }).first();
      await row.waitFor({ timeout: T(60_000) });
      // the time appears on the row once the view has the extension host's figures
      await page
        .waitForFunction((el) => /\d+\s*ms/.test((el as any).innerText), await row.elementHandle(), { timeout: T(10_000) })
        .catch(() => t.diagnostic('activation time: not shown on the row within 10 s'));
      runningExtensionsRow = (await row.innerText()).replace(/\s+/g, ' ');
      await shot('running-extensions-row');
      // closed: Escape closes it where it opens as a modal editor, Ctrl+W where it is a tab
      await page.keyboard.press('Escape');
      if (await page.locator('.tabs-container .tab.active', { hasText: /Running Extensions/ }).count()) await page.keyboard.press('Control+W');
      await page.locator('.runtime-extensions-editor').waitFor({ state: 'hidden', timeout: T(10_000) });
    });
  });

  it('03 F5 starts a session that stops on entry; stepping reaches tcp.c', async (t) => {
    await step(t, 'stopped-on-entry', async () => {
      const t0 = Date.now();
      await page.locator('.monaco-editor .view-line', { hasText: 'socket server' }).first().click();
      await page.keyboard.press('F5');
      // stopped at the scenario's first event: its line in the scenario editor
      const here = await nextStop(null, 'F5', 60_000);
      assert.ok(here.line.startsWith('0 ') && here.line.includes('server < F.'), `not stopped on the first event: ${JSON.stringify(here)}`);
      assert.match(here.uri, /passive-close\.tcpscenario$/);
      timings.f5ToStop = Date.now() - t0;
      // the debugger shows its first stop once the live panel has painted it (src/panel/hold.ts): read at once, no waiting
      const painted = await panelState('server');
      assert.equal(painted, 'ESTABLISHED', `the debugger stopped but the live panel does not show the first stop yet (it shows ${JSON.stringify(painted)})`);
      // released because the panel said it painted, not because the wait ran out (the log is written a moment later)
      let released: string | undefined;
      for (let i = 0; i < 50 && !released; i++) {
        released = panelLog().find((l) => l.includes('first stop of '));
        if (!released) await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(released ?? '(nothing logged)', /first stop of .*: painted after \d+ ms/);
      if (!(await page.locator('.debug-variables').isVisible())) await runCommand('View: Show Run and Debug');
      await page.locator('.debug-variables').waitFor({ timeout: T(10_000) });
      await page.locator('.debug-call-stack .stack-frame').first().waitFor({ timeout: T(10_000) });
    });
    await step(t, 'tcp-c-first-line', async () => {
      // into the kernel: the segment's arrival starts in the release's alloc_skb (the machine
      // layer's device, which never stops, allocates the skb as a driver does)
      const alloc = await stepKey('F11');
      assert.match(alloc.uri, /\/linux-1\.2\.13\/net\/inet\/skbuff\.c$/, `not in skbuff.c: ${JSON.stringify(alloc)}`);
      assert.match(alloc.frame, /^alloc_skb skbuff\.c /);
      // out of it: the next release statement is tcp_rcv's first, in the real tcp.c
      const here = await stepKey('Shift+F11');
      assert.match(here.uri, /\/linux-1\.2\.13\/net\/inet\/tcp\.c$/, `not in tcp.c: ${JSON.stringify(here)}`);
      assert.equal(here.line, 'int syn_ok=0;');
      assert.ok(here.glyph, 'no current-line glyph in the gutter');
      await page.locator('.tabs-container .tab.active', { hasText: 'tcp.c' }).waitFor({ timeout: T(5000) });
      await expectSocketState('TCP_ESTABLISHED');
      // the live panel opened beside the editor when the session started
      await expectPanelState('server', 'ESTABLISHED');
    });
  });

  it('04 F10/F11 until tcp_set_state(sk,TCP_CLOSE_WAIT) has run: Variables view and live panel', async (t) => {
    const path: string[] = [];
    t.after(() => writeFileSync(join(outDir, 'steps.txt'), path.join('\n') + '\n'));
    await step(t, 'close-wait', async () => {
      // step over, except into the calls on the way to tcp_fin's state change
      let here = (await currentLine())!;
      for (let n = 0; ; n++) {
        assert.ok(n < 200, `tcp_set_state(sk,TCP_CLOSE_WAIT) not reached in 200 steps: ${path.join(' | ')}`);
        const intoCall = /^(if\s*\()?tcp_data\(|^tcp_fin\(/.test(here.line);
        const last = here.line === 'tcp_set_state(sk,TCP_CLOSE_WAIT);';
        here = await stepKey(intoCall ? 'F11' : 'F10');
        path.push(`${intoCall ? 'F11' : 'F10'} → ${here.frame}: ${here.line}`);
        const toasts = errorToasts.size;
        await collectErrorToasts();
        if (errorToasts.size > toasts) path.push(`   (error notification: ${[...errorToasts].slice(toasts).join(' | ')})`);
        if (last) break;
      }
      await expectSocketState('TCP_CLOSE_WAIT');
      await expectPanelState('server', 'CLOSE_WAIT');
      await collectErrorToasts();
      timings.stepsToCloseWait = path.filter((p) => /^F1[01] /.test(p)).length;
    });
  });

  it('05 Step Back: TCP_ESTABLISHED again', async (t) => {
    await step(t, 'step-back', async () => {
      const before = await currentLine();
      const button = page.locator('.debug-toolbar .action-item .codicon-debug-step-back');
      if (await button.count()) await button.first().click();
      else await runCommand('Debug: Step Back');
      const here = await nextStop(before, 'Step Back');
      assert.equal(here.line, 'tcp_set_state(sk,TCP_CLOSE_WAIT);');
      await expectSocketState('TCP_ESTABLISHED');
      await expectPanelState('server', 'ESTABLISHED');
      // where the later steps come back to: this stop's number (the panel's) and line
      setState = { stop: await panelStop(here), here };
    });
  });

  it('06 a note through the Comments UI lands in .vscode/tcp-close-notes.json and is shown at its line', async (t) => {
    await step(t, 'note', async () => {
      const file = join(workspace, '.vscode', 'tcp-close-notes.json');
      const text = `e2e note ${Date.now()}`;
      const form = await noteFormAtLine();
      await form.locator('textarea, .monaco-editor').first().click();
      await page.keyboard.type(text);
      // the controller's "Add Note" (comments/commentThread/context), enabled once there is text
      const submit = page.locator('.review-widget').getByRole('button', { name: 'Add Note' }).first();
      await submit.waitFor({ timeout: T(10_000) });
      await submit.click({ timeout: T(10_000) }); // playwright waits for it to be enabled
      const until = Date.now() + T(15_000);
      while (Date.now() < until) {
        if (existsSync(file) && readFileSync(file, 'utf8').includes(text)) break;
        await page.waitForTimeout(200);
      }
      assert.ok(existsSync(file), `${file} was not written`);
      const saved = readFileSync(file, 'utf8');
      assert.ok(saved.includes(text), `the note is not in ${file}: ${saved.slice(0, 2000)}`);
      writeFileSync(join(outDir, 'tcp-close-notes.json'), saved);
      noteText = text;
      // shown where it was added: the thread under the debugger's line, the gutter marks that line
      await expectNoteAt(text, setState!.here.lineNo);
    });
  });

  it('06b the live panel drives the session: step back to a field\'s writer, scrubber goto', async (t) => {
    await step(t, 'panel-writer', async () => {
      const frame = await panelFrame();
      // a field of the server that kernel C has written before this stop: its writer cell
      const rows = frame.locator('article[data-socket="server"] tr[data-field]');
      await rows.first().waitFor({ timeout: T(10_000) });
      let row: ReturnType<Frame['locator']> | undefined;
      for (let i = 0, n = await rows.count(); i < n && !row; i++) if (await rows.nth(i).locator('button.goto').isVisible()) row = rows.nth(i);
      assert.ok(row, 'no field of the server has a writer in the panel');
      const back = row.locator('button.goto');
      const field = (await row.getAttribute('data-field'))!;
      const writer = (await row.locator('button.reveal').innerText()).trim(); // "tcp_fin:1210"
      const stop = Number(await back.getAttribute('data-stop'));
      const [fn, line] = [writer.split(':')[0], Number(writer.split(':')[1])];
      assert.ok(fn && line > 0 && stop < setState!.stop, `writer of ${field}: ${writer} at stop ${stop}`);
      const before = await currentLine();
      await back.click();
      const here = await nextStop(before, `the panel's step back to the writer of ${field}`);
      // VS Code's own UI: the Call Stack's top frame and the editor's current line are the writer's
      assert.ok(here.frame.startsWith(`${fn} `), `top frame is not ${fn}: ${JSON.stringify(here)}`);
      assert.equal(here.frameLine, line, `not on ${writer}: ${JSON.stringify(here)}`);
      assert.match(here.uri, /\/tcp\.c$/);
      assert.ok(new RegExp(`\\b${field}\\b`).test(here.line), `the line shown does not write ${field}: ${JSON.stringify(here.line)}`);
      assert.equal(await panelStop(here), stop);
    });
    await step(t, 'panel-scrubber', async () => {
      const frame = await panelFrame();
      const before = await currentLine();
      await frame.locator('input.scrubber').fill(String(setState!.stop));
      const here = await nextStop(before, `the scrubber's goto stop ${setState!.stop}`);
      assert.equal(here.line, 'tcp_set_state(sk,TCP_CLOSE_WAIT);');
      assert.equal(here.lineNo, setState!.here.lineNo);
      assert.ok(here.frame.startsWith('tcp_fin '), `top frame is not tcp_fin: ${JSON.stringify(here)}`);
      await expectSocketState('TCP_ESTABLISHED');
      await expectPanelState('server', 'ESTABLISHED');
    });
  });

  it('06c the note follows an edit above its line, and comes back when the edit is deleted', async (t) => {
    await step(t, 'note-after-edit', async () => {
      const L = setState!.here.lineNo;
      await expectNoteAt(noteText, L);
      // three line breaks typed into a line four lines above the note's
      const at = await lineStart(L - 4);
      await page.mouse.click(at.x, at.y);
      for (let i = 0; i < 3; i++) await page.keyboard.press('Enter');
      await expectNoteAt(noteText, L + 3);
      await shot('note-moved');
      // the three empty lines deleted again (the cursor stands after them): back where it was
      for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace');
      await expectNoteAt(noteText, L);
    });
  });

  it('06d the panel\'s Why? view for fin_seq after the FIN leads back to the FIN\'s scenario line', async (t) => {
    await step(t, 'panel-why-fin-seq', async () => {
      // the debugger stands in tcp_fin after `sk->fin_seq = ...` (the scrubber's stop of 06b)
      const finLine = 1 + readFileSync(join(workspace, SCENARIO), 'utf8').split('\n').findIndex((l) => /^\S+\s+server < F\./.test(l));
      assert.ok(finLine > 0, 'the scenario has the client\'s FIN');
      const frame = await panelFrame();
      await frame.locator('article[data-socket="server"] tr[data-field="fin_seq"] button.why').click();
      const view = frame.locator('section.why');
      await view.locator('ul.why-tree').waitFor({ timeout: T(15_000) });
      assert.match((await view.locator('h2').textContent()) ?? '', /^Why is server\.fin_seq 1001 at stop \d+\?$/);
      const top = view.locator('ul.why-tree > li').first();
      assert.match((await top.locator('.why-link').first().textContent()) ?? '', /server\.fin_seq = 1001 ← written by tcp_fin:\d+/);
      await shot('panel-why-fin-seq');
      // among its roots, the FIN segment: a button back to that scenario line's event
      const toFin = view.locator(`li[data-kind="event"] button.why-goto[title$="(line ${finLine})"]`);
      assert.ok((await toFin.count()) > 0, `no link of the chain goes back to the FIN's line ${finLine}: ${(await view.innerText()).slice(0, 2000)}`);
      const before = await currentLine();
      await toFin.first().click();
      const here = await nextStop(before, "the Why? view's step back to the FIN");
      assert.match(here.uri, /passive-close\.tcpscenario$/);
      assert.equal(here.lineNo, finLine, `not on the FIN's scenario line: ${JSON.stringify(here)}`);
      assert.match(here.line, /server < F\./);
    });
  });

  it('07 the shipped walkthrough of the passive close: Next moves to each narrated stop', async (t) => {
    const wfile = join(root, 'examples', 'passive-close.walkthrough.json');
    const title: string = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'))['tcpCloseDebugger.walkthrough.playPassiveClose.title'];
    // the walkthrough as an English reader sees it (the file gives each text per language: { "en": …, "zh-cn": … })
    type Text = string | Record<string, string>;
    const en = (x: Text) => (typeof x === 'string' ? x : x.en);
    const file = JSON.parse(readFileSync(wfile, 'utf8')) as { title: Text; steps: { stop: number; function?: string; line: number; text: string; narration: Text }[] };
    const w = { title: en(file.title), steps: file.steps.map((s) => ({ ...s, narration: en(s.narration) })) };
    const n = w.steps.length;
    // the narration as src/notes/walkthrough.ts shows it: markdown markers dropped, one line
    const plain = (md: string) => md.replace(/```\w*\n?/g, '').replace(/(\*\*|__|`)/g, '').replace(/\s+/g, ' ').trim();
    const prefix = (i: number) => plain(w.steps[i].narration).slice(0, 60);
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    /** the toast of step i ("2/16 — …"): its message starts with the step's number and narration */
    const toast = (i: number) =>
      page
        .locator('.notifications-toasts .notification-list-item')
        .filter({ has: page.locator('.notification-list-item-message', { hasText: new RegExp(`^\\s*${i + 1}/${n} — ${esc(prefix(i))}`) }) });
    /** the live panel's notes area (a webview: frames inside the page), whitespace folded */
    const panelNotes = async (): Promise<string | null> => {
      for (const f of page.frames()) {
        if (f === page.mainFrame()) continue;
        const loc = f.locator('section.notes .notes-body');
        if (!(await loc.count().catch(() => 0))) continue;
        if (!(await f.locator('section.notes').first().isVisible().catch(() => false))) return '';
        return (await loc.first().innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
      }
      return null;
    };
    /** Waits until the debugger stands on step i's line, its toast is shown and the panel narrates it. */
    const expectStep = async (i: number, ms = T(20_000)): Promise<Here> => {
      const s = w.steps[i];
      const deadline = Date.now() + ms;
      let here: Here | null = null;
      let notes: string | null = null;
      let toastSeen = false;
      const want = `${w.title} — ${i + 1}/${n} ${plain(s.narration)}`;
      while (Date.now() < deadline) {
        here = await currentLine();
        toastSeen = (await toast(i).count().catch(() => 0)) > 0;
        notes = await panelNotes();
        if (settled(here) && here.lineNo === s.line && toastSeen && notes?.includes(want.slice(0, 80))) break;
        await page.waitForTimeout(100);
      }
      const ctx = `step ${i + 1}/${n} (stop ${s.stop}, ${s.function ?? ''}:${s.line}): here ${JSON.stringify(here)}; toast seen ${toastSeen}; panel notes ${JSON.stringify(notes?.slice(0, 200))}`;
      assert.ok(settled(here), `no settled stop: ${ctx}`);
      assert.equal(here.lineNo, s.line, `not on the step's line: ${ctx}`);
      assert.equal(here.line, s.text.replace(/\s+/g, ' ').trim(), `not the step's text: ${ctx}`);
      if (s.function) {
        // in the release file that defines the step's function (tcp.c; sock.c for release_sock)
        const home = definingFile(s.function);
        assert.ok(here.uri.endsWith(`/linux-1.2.13/net/inet/${home}`), `not in ${home}: ${ctx}`);
        assert.ok(here.frame.startsWith(`${s.function} `), `top frame is not ${s.function}: ${ctx}`);
      }
      assert.ok(toastSeen, `no notification "${i + 1}/${n} — ${prefix(i)}…": ${ctx}`);
      assert.ok(notes?.includes(want.slice(0, 80)), `the live panel's notes do not narrate step ${i + 1}: ${ctx}`);
      return here;
    };

    await step(t, 'walkthrough-start', async () => {
      // the session of the earlier steps ends first: the walkthrough starts its own (and the panel is reused)
      await page.keyboard.press('Escape');
      const stop = page.locator('.debug-toolbar .action-item .codicon-debug-stop');
      if (await stop.count()) {
        await stop.first().click();
        await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: T(15_000) });
      }
      const t0 = Date.now();
      await runCommand(title);
      await page.locator('.debug-toolbar').waitFor({ timeout: T(60_000) });
      await expectStep(0, T(60_000));
      timings.walkthroughToFirstStep = Date.now() - t0;
      // Next and Back in the debug toolbar while it plays
      await page.locator('.debug-toolbar .action-item .codicon-arrow-right').first().waitFor({ timeout: T(10_000) });
      await collectErrorToasts();
    });
    // every step with Next (the last has no Next), then Back once
    assert.equal(n, 16, 'the shipped walkthrough has 16 steps');
    for (let i = 1; i < n; i++) {
      await step(t, `walkthrough-step-${i + 1}`, async () => {
        await toast(i - 1).first().getByRole('button', { name: 'Next', exact: true }).click({ timeout: T(10_000) });
        await expectStep(i);
        // the previous step's toast went with its button
        assert.equal(await toast(i - 1).count(), 0, `the toast of step ${i} is still shown`);
      });
    }
    await step(t, 'walkthrough-back', async () => {
      const last = toast(n - 1).first();
      assert.equal(await last.getByRole('button', { name: 'Next', exact: true }).count(), 0, 'the last step offers Next');
      await last.getByRole('button', { name: 'Back', exact: true }).click({ timeout: T(10_000) });
      await expectStep(n - 2);
      assert.equal(await toast(n - 1).count(), 0, `the toast of step ${n} is still shown`);
    });
  });
});
