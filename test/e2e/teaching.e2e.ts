// End-to-end, reading and teaching: walkthrough recording, notes and the Export commands in a real
// VS Code (code-server; test/e2e/harness.ts; run with `npm run test:e2e`). Screenshots of every
// step, and on a failure the text of the relevant views, go to test-results/e2e/teaching/.
//
// What it checks (any error notification fails the step it appears in; no test skips itself), on
// examples/active-close.tcpscenario, which has no walkthrough yet:
// - "Add Narration at This Stop" at the entry stop and at tcp_close's `sk->shutdown = SHUTDOWN_MASK;`
//   writes active-close.walkthrough.json beside the scenario: each step with the stop number the
//   live panel shows, the line and its text as VS Code shows them, the narration typed; the
//   notification's Open shows the file.
// - Notes through the Comments UI on that tcp.c line: a reply (the thread shows both comments, the
//   notes file holds both), an edit (the new text, the "edited" label, `edited` in the file), Tie
//   to This Stop (the thread's label names the run and the scenario, the file has the tie; the
//   live panel shows the note at this stop), List Notes (the quick pick names the file, line,
//   function and the tie; picking it reveals the line), Untie (label and tie gone), Delete Comment
//   (the reply gone), a note on a scenario line whose line is then deleted: shown as orphaned (its
//   label says so, the thread at the top of the file) and listed as orphaned, and Delete Note
//   after the modal question (the note and its thread gone).
// - Play Walkthrough on the recorded file: the debugger stops at each recorded step's line with its
//   narration in a notification and in the live panel.
// - Export Walkthrough to Markdown and Export Run to Markdown, through the save dialog: the files
//   written hold the recorded steps (narration, source excerpt with the stop's line marked, what
//   the line changes) and the whole run (every scenario event, the four state transitions, the
//   segments), and equal what the command line exports for the same files.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import {
  closeWorkbench,
  currentLine,
  expectPanelState,
  nextStop,
  noteFormAtLine,
  openFile,
  openPage,
  openWorkbench,
  page,
  panelFrame,
  panelStop,
  root,
  runCommand,
  settled,
  step,
  stepKey,
  timings,
  workspace,
  type Here,
  T,
} from './harness';

const SCENARIO = 'active-close.tcpscenario';
const WALKTHROUGH = join(workspace, 'active-close.walkthrough.json');
const NOTES = join(workspace, '.vscode', 'tcp-close-notes.json');
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
const stamp = Date.now().toString(36);
const N1 = `The application closes first: close() reaches the kernel through inet_release (${stamp}).`;
const N2 = `tcp_close sets \`shutdown\` to **SHUTDOWN_MASK** before it sends the FIN (${stamp}).`;
const NOTE = `note on shutdown ${stamp}`;
const REPLY = `reply ${stamp}`;
const EDITED = `edited note on shutdown ${stamp}`;
const ORPHAN = `note on a line about to go ${stamp}`;

/** the two recorded steps: where VS Code showed them, and the panel's stop number */
const rec: { here: Here; stop: number }[] = [];

interface NoteFile {
  notes: { id: string; file: string; line: number; function?: string; text: string; at?: { scenario: string; hit: number }; comments: { body: string; edited?: string }[] }[];
}
const readNotes = (): NoteFile => (existsSync(NOTES) ? (JSON.parse(readFileSync(NOTES, 'utf8')) as NoteFile) : { notes: [] });
const noteWith = (body: string) => readNotes().notes.find((n) => n.comments.some((c) => c.body === body));

/** Polls until `check` returns true (a file written, a view updated), else fails with `what` and the last state. */
async function until(what: string, check: () => Promise<boolean> | boolean, state: () => unknown = () => '', ms = T(15_000)): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await page.waitForTimeout(150);
  }
  throw new Error(`${what}: not within ${ms / 1000} s; last seen ${JSON.stringify(await state())}`);
}

/** The comment thread widget (in any editor) that shows `text`. */
const thread = (text: string): Locator => page.locator('.review-widget').filter({ hasText: text }).first();
/** A comment of that thread, by its text. */
const commentIn = (t: Locator, text: string): Locator => t.locator('.review-comment').filter({ hasText: text }).first();
/** The thread's title (its label), whitespace folded. */
const threadTitle = async (t: Locator): Promise<string> => (await t.locator('.head .review-title').innerText().catch(() => '')).replace(/\s+/g, ' ').trim();

/** An action (an icon in a title bar, labelled for screen readers) inside `scope`. */
const action = (scope: Locator, name: string): Locator => scope.locator(`.action-label[aria-label="${name}"]`).first();
/** A button of a comment form (Reply, Save, Add Note…) inside `scope`. */
const formButton = (scope: Locator, name: string): Locator => scope.locator('.monaco-button').filter({ hasText: new RegExp(`^\\s*${name}\\s*$`) }).first();
/** Clicks an action of a comment: in its "…" menu (the actions of comments/comment/title that are not inline). */
async function commentAction(c: Locator, name: string): Promise<void> {
  await c.hover();
  await c.locator('.comment-actions .codicon-toolbar-more, .comment-actions .codicon-more, .action-label[aria-label^="More Actions"]').first().click({ timeout: T(10_000) });
  const item = page.locator('.monaco-menu .action-item .action-label').filter({ hasText: new RegExp(`^\\s*${name}\\s*$`) }).first();
  await item.waitFor({ timeout: T(10_000) });
  await item.click();
}
/** Clicks an action in a thread's title bar. */
async function threadAction(t: Locator, name: string): Promise<void> {
  await t.locator('.head').hover();
  await action(t.locator('.head'), name).click({ timeout: T(10_000) });
}

/** The rows of the quick pick titled `title` (the Command Palette's widget, once it shows that pick), whitespace folded. */
async function quickPickRows(title: string): Promise<string[]> {
  const box = page.locator('.quick-input-widget');
  const readTitle = async () => ((await box.isVisible().catch(() => false)) ? (await box.locator('.quick-input-title').innerText().catch(() => '')).trim() : '');
  await until(`the quick pick "${title}"`, async () => (await readTitle()) === title, readTitle);
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor({ timeout: T(15_000) });
  return (await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
}

/** Types into the input box a command opened (showInputBox with a title), and accepts it; returns the title. */
async function answerInputBox(text: string): Promise<string> {
  const box = page.locator('.quick-input-widget');
  // the same widget as the Command Palette's: the input box once it has its title
  const readTitle = async () => ((await box.isVisible().catch(() => false)) ? (await box.locator('.quick-input-title').innerText().catch(() => '')).trim() : '');
  await until('the input box', async () => (await readTitle()) !== '', readTitle, T(10_000));
  const title = await readTitle();
  await box.locator('input').first().fill(text);
  await page.keyboard.press('Enter');
  await box.waitFor({ state: 'hidden', timeout: T(10_000) });
  return title;
}

/** An information notification whose message starts with `text`. */
const toast = (text: string): Locator =>
  page.locator('.notifications-toasts .notification-list-item').filter({ has: page.locator('.notification-list-item-message', { hasText: text }) });

/** Accepts the save dialog (code-server's simple dialog: a path in a quick input) at its suggested path, which must end with `name`. */
async function acceptSaveDialog(name: string): Promise<void> {
  const box = page.locator('.quick-input-widget');
  await box.waitFor({ state: 'visible', timeout: T(20_000) });
  const input = box.locator('input').first();
  await until(`the save dialog suggests …/${name}`, async () => (await input.inputValue()).endsWith(name), () => input.inputValue());
  await page.keyboard.press('Enter');
  await box.waitFor({ state: 'hidden', timeout: T(10_000) });
}

/** Shows a file of the workspace in the editor, from the Explorer (its tab may have been a preview, replaced since). */
async function showFile(name: string): Promise<void> {
  if (!(await page.locator('.explorer-folders-view').isVisible().catch(() => false))) {
    await runCommand('View: Show Explorer');
    // the tree fills in as it is shown (files made meanwhile): click once its row stays put
    const row = page.locator('.explorer-folders-view .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
    let last = '';
    await until(`the Explorer's row of ${name} in place`, async () => {
      const box = JSON.stringify(await row.boundingBox().catch(() => null));
      const still = box !== 'null' && box === last;
      last = box;
      return still;
    }, () => last);
  }
  await openFile(name);
}

/** The text of a file the extension writes, once it is there and has stopped growing. */
async function written(file: string): Promise<string> {
  let last = -1;
  await until(`${file} written`, () => {
    const size = existsSync(file) ? statSync(file).size : -1;
    const done = size > 0 && size === last;
    last = size;
    return done;
  }, () => last, T(30_000));
  return readFileSync(file, 'utf8');
}

/** What the command line exports for `file` (a .walkthrough.json or a .tcpscenario). */
function cliExport(file: string): string {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'walkthrough', 'export', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Steps (F11 into the calls named by `into`, F10 over everything else) until the current line is `line`. */
async function stepTo(line: string, into: RegExp): Promise<Here> {
  let here = (await currentLine())!;
  const path: string[] = [];
  for (let n = 0; here.line !== line; n++) {
    assert.ok(n < 40, `"${line}" not reached in 40 steps: ${path.join(' | ')}`);
    here = await stepKey(into.test(here.line) ? 'F11' : 'F10');
    path.push(`${here.frame}: ${here.line}`);
  }
  return here;
}

describe('reading and teaching in a real VS Code (code-server): narration, notes, exports', { timeout: T(15) * 60_000 }, () => {
  before(() => openWorkbench({ name: 'teaching' }));
  after(() => closeWorkbench());

  it('01 a session on a scenario without a walkthrough stops on entry', async (t) => {
    await step(t, 'entry', async () => {
      await openPage(SCENARIO);
      assert.ok(!existsSync(WALKTHROUGH), `${WALKTHROUGH} exists before the test`);
      await openFile(SCENARIO);
      // the extension is active once its CodeLens is on the first event
      await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Debug this scenario' }).first().waitFor({ timeout: T(30_000) });
      await page.locator('.monaco-editor .view-line', { hasText: 'socket client TCP_ESTABLISHED' }).first().click();
      await page.keyboard.press('F5');
      const here = await nextStop(null, 'F5', T(60_000));
      assert.match(here.uri, /active-close\.tcpscenario$/);
      assert.equal(here.line, '0 client close');
      await expectPanelState('client', 'ESTABLISHED');
      rec.push({ here, stop: await panelStop(here) });
    });
  });

  it('02 Add Narration at This Stop records the entry stop into active-close.walkthrough.json', async (t) => {
    await step(t, 'narrate-entry', async () => {
      await runCommand(nls['tcpCloseDebugger.walkthrough.addNarration.title']);
      const title = await answerInputBox(N1);
      assert.match(title, new RegExp(`stop ${rec[0].stop}\\b`), `the input box's title: ${JSON.stringify(title)}`);
      await toast(`Stop ${rec[0].stop} narrated in active-close.walkthrough.json (1 steps).`).first().waitFor({ timeout: T(15_000) });
      const w = JSON.parse(readFileSync(WALKTHROUGH, 'utf8'));
      assert.deepEqual(w, { version: 1, title: 'active-close', scenario: SCENARIO, steps: [{ stop: rec[0].stop, line: rec[0].here.lineNo, text: rec[0].here.line, hit: 1, narration: N1 }] });
    });
  });

  it('03 a second narration in tcp_close; the notification opens the file', async (t) => {
    await step(t, 'narrate-tcp-close', async () => {
      // the toast of the first narration: away, so the second one is the only one
      await page.keyboard.press('Escape');
      // close(): into inet_release (af_inet.c), then into sk->prot->close, which is tcp_close
      const here = await stepTo('sk->shutdown = SHUTDOWN_MASK;', /^0 client close$|^tcp_close\(|->close\(sk/);
      assert.match(here.uri, /\/tcp\.c$/);
      assert.ok(here.frame.startsWith('tcp_close '), `not in tcp_close: ${JSON.stringify(here)}`);
      rec.push({ here, stop: await panelStop(here) });
      await runCommand(nls['tcpCloseDebugger.walkthrough.addNarration.title']);
      const title = await answerInputBox(N2);
      assert.ok(title.includes(`stop ${rec[1].stop} (tcp_close:${here.lineNo})`), `the input box's title: ${JSON.stringify(title)}`);
      const done = toast(`Stop ${rec[1].stop} narrated in active-close.walkthrough.json (2 steps).`).first();
      await done.waitFor({ timeout: T(15_000) });
      const w = JSON.parse(readFileSync(WALKTHROUGH, 'utf8'));
      assert.equal(w.steps.length, 2);
      assert.deepEqual(w.steps[1], { stop: rec[1].stop, function: 'tcp_close', line: here.lineNo, text: 'sk->shutdown = SHUTDOWN_MASK;', hit: 1, narration: N2 });
      assert.ok(rec[1].stop > rec[0].stop);
      await done.getByRole('button', { name: 'Open', exact: true }).click();
      await page.locator('.tabs-container .tab', { hasText: 'active-close.walkthrough.json' }).waitFor({ timeout: T(15_000) });
      await page.locator('.monaco-editor .view-line', { hasText: 'SHUTDOWN_MASK' }).first().waitFor({ timeout: T(15_000) });
      // back to tcp.c, where the debugger stands (the walkthrough took the preview tab): the Call Stack's top frame
      await page.locator('.debug-call-stack .stack-frame').first().click();
      await page.locator('.tabs-container .tab.active', { hasText: 'tcp.c' }).waitFor({ timeout: T(10_000) });
    });
  });

  it('04 a note on that line, a reply, an edit', async (t) => {
    await step(t, 'note-create', async () => {
      const form = await noteFormAtLine();
      await form.locator('textarea, .monaco-editor').first().click();
      await page.keyboard.type(NOTE);
      await page.locator('.review-widget').getByRole('button', { name: nls['tcpCloseDebugger.addNote.title'] }).first().click({ timeout: T(10_000) });
      await until('the note in the notes file', () => !!noteWith(NOTE), readNotes);
      const n = noteWith(NOTE)!;
      assert.equal(n.file, 'kernel:linux-1.2.13/net/inet/tcp.c');
      assert.equal(n.line, rec[1].here.lineNo);
      assert.equal(n.function, 'tcp_close');
      assert.equal(n.text, 'sk->shutdown = SHUTDOWN_MASK;');
      await thread(NOTE).waitFor({ timeout: T(10_000) });
    });
    await step(t, 'note-reply', async () => {
      const th = thread(NOTE);
      const form = th.locator('.comment-form').first();
      await form.locator('textarea, .monaco-editor').first().click();
      await page.keyboard.type(REPLY);
      await formButton(th, nls['tcpCloseDebugger.notes.reply.title']).click({ timeout: T(10_000) });
      await until('the reply in the notes file', () => noteWith(NOTE)?.comments.length === 2, () => noteWith(NOTE));
      assert.deepEqual(noteWith(NOTE)!.comments.map((c) => c.body), [NOTE, REPLY]);
      // the thread shows both, in order
      await until('the thread shows the note and the reply', async () => (await th.locator('.review-comment').count()) === 2, () => th.innerText());
      const shown = await th.locator('.review-comment .comment-body').allInnerTexts();
      assert.deepEqual(shown.map((x) => x.trim()), [NOTE, REPLY]);
    });
    await step(t, 'note-edit', async () => {
      const th = thread(NOTE);
      await commentAction(commentIn(th, NOTE), nls['tcpCloseDebugger.notes.edit.title']);
      const box = th.locator('.review-comment .edit-container, .review-comment .comment-form').first();
      await box.waitFor({ timeout: T(10_000) });
      await box.locator('textarea, .monaco-editor').first().click();
      await page.keyboard.press('Control+A');
      await page.keyboard.type(EDITED);
      await formButton(th, nls['tcpCloseDebugger.notes.save.title']).click({ timeout: T(10_000) });
      await until('the edit in the notes file', () => noteWith(EDITED)?.comments[0].body === EDITED, () => noteWith(REPLY));
      const n = noteWith(EDITED)!;
      assert.ok(n.comments[0].edited, 'no `edited` time on the edited comment');
      assert.equal(n.comments[1].body, REPLY);
      assert.equal(n.comments[1].edited, undefined);
      const shown = thread(EDITED);
      await until('the thread shows the edited text, labelled edited', async () => (await commentIn(shown, EDITED).innerText().catch(() => '')).includes('edited'), () => shown.innerText());
      const bodies = (await shown.locator('.review-comment .comment-body').allInnerTexts()).map((x) => x.trim());
      assert.deepEqual(bodies, [EDITED, REPLY]);
    });
  });

  it('05 tie to this stop, List Notes (picking reveals the note), untie, delete the reply', async (t) => {
    await step(t, 'note-tie', async () => {
      const th = thread(EDITED);
      await threadAction(th, nls['tcpCloseDebugger.notes.tieToStop.title']);
      await until('the tie in the notes file', () => !!noteWith(EDITED)?.at, () => noteWith(EDITED));
      assert.deepEqual(noteWith(EDITED)!.at, { scenario: SCENARIO, hit: 1 });
      const want = `Only at run 1 of this line in ${SCENARIO}`;
      await until('the thread is labelled with its tie', async () => (await threadTitle(th)) === want, () => threadTitle(th));
      // the live panel shows the note at this stop
      const frame = await panelFrame();
      await until('the live panel shows the tied note', async () => (await frame.locator('section.notes .notes-body').innerText().catch(() => '')).includes(EDITED), () => frame.locator('section.notes').innerText().catch(() => ''));
    });
    await step(t, 'notes-list-tied', async () => {
      // listed from another editor: picking the note goes back to its line in tcp.c
      await showFile(SCENARIO);
      await runCommand(nls['tcpCloseDebugger.notes.list.title']);
      const rows = await quickPickRows('Kernel notes');
      const row = rows.find((r) => r.includes(EDITED));
      assert.ok(row, `no row for the note: ${JSON.stringify(rows)}`);
      assert.ok(row.includes(`kernel:linux-1.2.13/net/inet/tcp.c:${rec[1].here.lineNo} — tcp_close`), `the row: ${row}`);
      assert.ok(row.includes(`Only at run 1 of this line in ${SCENARIO}`), `the row: ${row}`);
      assert.ok(row.includes(REPLY), `the row does not show the reply: ${row}`);
      await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: EDITED }).first().click();
      await page.locator('.tabs-container .tab.active', { hasText: 'tcp.c' }).waitFor({ timeout: T(10_000) });
      await thread(EDITED).waitFor({ timeout: T(10_000) });
    });
    await step(t, 'note-untie', async () => {
      const th = thread(EDITED);
      await threadAction(th, nls['tcpCloseDebugger.notes.untie.title']);
      await until('the tie gone from the notes file', () => !!noteWith(EDITED) && !noteWith(EDITED)!.at, () => noteWith(EDITED));
      await until('the thread no longer labelled with a tie', async () => !(await threadTitle(th)).includes('Only at run'), () => threadTitle(th));
      // tie again is offered again
      await th.locator('.head').hover();
      await action(th.locator('.head'), nls['tcpCloseDebugger.notes.tieToStop.title']).waitFor({ timeout: T(10_000) });
    });
    await step(t, 'note-delete-reply', async () => {
      const th = thread(EDITED);
      await commentAction(commentIn(th, REPLY), nls['tcpCloseDebugger.notes.deleteComment.title']);
      await until('the reply gone from the notes file', () => noteWith(EDITED)?.comments.length === 1, () => noteWith(EDITED));
      await until('the thread shows the note alone', async () => (await th.locator('.review-comment').count()) === 1 && !(await th.innerText()).includes(REPLY), () => th.innerText());
    });
  });

  it('06 Delete Note asks, then removes the note and its thread', async (t) => {
    await step(t, 'note-delete', async () => {
      const th = thread(EDITED);
      await threadAction(th, nls['tcpCloseDebugger.notes.deleteNote.title']);
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: T(10_000) });
      assert.match(await dialog.innerText(), /Delete this note and its 0 replies\?/);
      await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
      await until('the note gone from the notes file', () => !noteWith(EDITED), () => noteWith(EDITED));
      await until('its thread gone', async () => (await page.locator('.review-widget').filter({ hasText: EDITED }).count()) === 0);
    });
  });

  it('07 Play Walkthrough plays the recorded file: each step at its line, with its narration', async (t) => {
    const plain = (md: string) => md.replace(/(\*\*|`)/g, '');
    const expectStep = async (i: number) => {
      const s = rec[i];
      await until(
        `step ${i + 1}/2 shown`,
        async () => {
          const here = await currentLine();
          return settled(here) && here.uri === s.here.uri && here.lineNo === s.here.lineNo && (await toast(`${i + 1}/2 — ${plain([N1, N2][i])}`).count()) > 0;
        },
        currentLine,
        T(30_000),
      );
      const frame = await panelFrame();
      await until('the live panel narrates the step', async () => (await frame.locator('section.notes .notes-body').innerText().catch(() => '')).replace(/\s+/g, ' ').includes(`active-close — ${i + 1}/2`), () => frame.locator('section.notes').innerText().catch(() => ''));
      assert.equal(await panelStop(s.here), s.stop);
    };
    await step(t, 'play-recorded', async () => {
      // the recording session ends; the walkthrough file is the active editor
      await page.locator('.debug-toolbar .action-item .codicon-debug-stop').first().click();
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: T(15_000) });
      await showFile('active-close.walkthrough.json');
      const t0 = Date.now();
      await runCommand(nls['tcpCloseDebugger.walkthrough.play.title']);
      await expectStep(0);
      timings.playToFirstStep = Date.now() - t0;
    });
    await step(t, 'play-recorded-next', async () => {
      await toast(`1/2 — ${plain(N1)}`).first().getByRole('button', { name: 'Next', exact: true }).click({ timeout: T(10_000) });
      await expectStep(1);
      assert.equal(await toast(`2/2 — ${plain(N2)}`).first().getByRole('button', { name: 'Next', exact: true }).count(), 0, 'the last step offers Next');
    });
  });

  it('08 Export Walkthrough to Markdown writes the recorded steps', async (t) => {
    await step(t, 'export-walkthrough', async () => {
      const out = join(workspace, 'active-close.walkthrough.md');
      await showFile('active-close.walkthrough.json');
      await runCommand(nls['tcpCloseDebugger.walkthrough.export.title']);
      await acceptSaveDialog('active-close.walkthrough.md');
      const md = await written(out);
      const [s1, s2] = rec;
      assert.ok(md.startsWith('# active-close\n'), md.slice(0, 200));
      assert.ok(md.includes(`Scenario: \`${SCENARIO}\` — 2 steps.`), md.slice(0, 400));
      const parts = md.split(/^## /m).slice(1);
      assert.equal(parts.length, 2, `the export's steps: ${parts.map((p) => p.split('\n')[0]).join(' | ')}`);
      assert.ok(parts[0].startsWith(`1. scenario event — ${SCENARIO}:${s1.here.lineNo}\n`), parts[0].slice(0, 200));
      assert.ok(parts[0].includes(`*Stop ${s1.stop}, at `), parts[0].slice(0, 300));
      assert.ok(parts[0].includes(N1));
      assert.ok(parts[1].startsWith(`2. \`tcp_close\` — tcp.c:${s2.here.lineNo}\n`), parts[1].slice(0, 200));
      assert.ok(parts[1].includes(`*Stop ${s2.stop}, at `), parts[1].slice(0, 300));
      assert.ok(parts[1].includes(N2));
      // the source excerpt with the stop's line marked, and what that line does
      assert.match(parts[1], new RegExp(`^> ${s2.here.lineNo}  \\s*sk->shutdown = SHUTDOWN_MASK;$`, 'm'));
      assert.ok(parts[1].includes('| client | `shutdown` | 0 | RCV_SHUTDOWN\\|SEND_SHUTDOWN (3) |'), parts[1]);
      // the same as the command line's export of the same file
      assert.equal(md, cliExport(WALKTHROUGH));
      // and VS Code shows it: the markdown preview
      await page.locator('.tabs-container .tab', { hasText: /Preview active-close\.walkthrough\.md/ }).first().waitFor({ timeout: T(20_000) });
    });
  });

  it('09 a note whose line is deleted shows as orphaned, and is listed as orphaned', async (t) => {
    const lineText = '# against a scripted peer.';
    await step(t, 'note-orphaned', async () => {
      await showFile(SCENARIO);
      const lines = readFileSync(join(workspace, SCENARIO), 'utf8').split('\n');
      const n = lines.indexOf(lineText) + 1;
      assert.ok(n > 0);
      await page.locator('.monaco-editor .view-line', { hasText: 'socket client TCP_ESTABLISHED' }).first().click();
      await page.keyboard.press('Control+Home');
      const form = await noteFormAtLine({ file: `/${SCENARIO}`, n });
      await form.locator('textarea, .monaco-editor').first().click();
      await page.keyboard.type(ORPHAN);
      await page.locator('.review-widget').getByRole('button', { name: nls['tcpCloseDebugger.addNote.title'] }).first().click({ timeout: T(10_000) });
      await until('the note in the notes file', () => !!noteWith(ORPHAN), readNotes);
      assert.deepEqual([noteWith(ORPHAN)!.file, noteWith(ORPHAN)!.line, noteWith(ORPHAN)!.text], [SCENARIO, n, lineText]);
      // the line deleted (and saved): the note's line is gone
      await page.locator('.monaco-editor .view-line', { hasText: 'against a scripted peer' }).first().click();
      await page.keyboard.press('Control+Shift+K');
      await page.keyboard.press('Control+S');
      await until('the line deleted on disk', () => !readFileSync(join(workspace, SCENARIO), 'utf8').includes(lineText));
      const th = thread(ORPHAN);
      const want = `Orphaned note: its line (${SCENARIO}, line ${n}) is gone: ${lineText}`;
      await until('the thread labelled orphaned', async () => (await threadTitle(th)) === want, () => threadTitle(th));
      // kept in the file, untouched
      assert.deepEqual([noteWith(ORPHAN)!.line, noteWith(ORPHAN)!.text], [n, lineText]);
      // shown at the top of the file: the thread is under line 1
      const under = await th.evaluate((w) => {
        const editor = (w as any).closest('.monaco-editor');
        const top = (w as any).getBoundingClientRect().top;
        const rows = [...editor.querySelectorAll('.margin-view-overlays > div')].map((r: any) => ({ n: Number(r.querySelector('.line-numbers')?.textContent), bottom: r.getBoundingClientRect().bottom }));
        return rows.filter((r) => r.bottom <= top + 2).sort((a, b) => b.bottom - a.bottom)[0]?.n ?? null;
      });
      assert.equal(under, 1, 'the orphaned note is not shown at the top of the file');
    });
    await step(t, 'notes-list-orphaned', async () => {
      await runCommand(nls['tcpCloseDebugger.notes.list.title']);
      const rows = await quickPickRows('Kernel notes');
      const row = rows.find((r) => r.includes(ORPHAN));
      assert.ok(row, `no row for the orphaned note: ${JSON.stringify(rows)}`);
      assert.ok(row.startsWith(SCENARIO) && !row.startsWith(`${SCENARIO}:`), `the orphaned row names a line: ${row}`);
      assert.ok(row.includes(`orphaned: was line ${originalLine(lineText)}, ${lineText}`), `the row: ${row}`);
      // the deleted note is not listed
      assert.ok(!rows.some((r) => r.includes(EDITED)), `the deleted note is listed: ${JSON.stringify(rows)}`);
      await page.keyboard.press('Escape');
    });
    function originalLine(text: string): number {
      return readFileSync(join(root, 'examples', SCENARIO), 'utf8').split('\n').indexOf(text) + 1;
    }
  });

  it('10 Export Run to Markdown writes the whole run', async (t) => {
    await step(t, 'export-run', async () => {
      const out = join(workspace, 'active-close.run.md');
      await showFile(SCENARIO);
      await runCommand(nls['tcpCloseDebugger.walkthrough.exportRun.title']);
      await acceptSaveDialog('active-close.run.md');
      const md = await written(out);
      assert.ok(md.startsWith(`# A run of ${SCENARIO}\n`), md.slice(0, 200));
      // every event line of the scenario (as saved: one comment line fewer), in order
      const text = readFileSync(join(workspace, SCENARIO), 'utf8').split('\n');
      const events = text.flatMap((l, i) => (/^(\d|\+)/.test(l) ? [i + 1] : []));
      assert.ok(events.length >= 12, `events: ${events}`);
      const shown = [...md.matchAll(new RegExp(`^## \\d+\\. scenario event — ${SCENARIO.replace('.', '\\.')}:(\\d+)$`, 'gm'))].map((m) => Number(m[1]));
      assert.deepEqual(shown, events);
      // and the client's MSL timer firing twice at the end of TIME_WAIT (TIME_CLOSE, then TIME_DONE), headed as a timer
      assert.equal((md.match(/^## \d+\. timer — client's `sk->timer` fires$/gm) ?? []).length, 2);
      // the client's four transitions, in order
      const transitions = [...md.matchAll(/^- `client`: (TCP_\w+) → (TCP_\w+)/gm)].map((m) => `${m[1]}→${m[2]}`);
      assert.deepEqual(transitions, ['TCP_ESTABLISHED→TCP_FIN_WAIT1', 'TCP_FIN_WAIT1→TCP_FIN_WAIT2', 'TCP_FIN_WAIT2→TCP_TIME_WAIT', 'TCP_TIME_WAIT→TCP_CLOSE']);
      // the segments: our FIN, and the ACKs of the peer's FIN and of its repeat
      assert.match(md, /\| client → peer \| `F\. seq=1000 ack=5000` \|/);
      assert.ok((md.match(/\| client → peer \| `\. seq=1001 ack=5001` \|/g) ?? []).length >= 1, 'no ACK of the peer FIN in the segments');
      assert.equal(md, cliExport(join(workspace, SCENARIO)));
      await page.locator('.tabs-container .tab', { hasText: /Preview active-close\.run\.md/ }).first().waitFor({ timeout: T(20_000) });
    });
  });
});
