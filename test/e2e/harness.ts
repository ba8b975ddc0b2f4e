// The end-to-end tests' harness: the packaged extension in a real VS Code (code-server, see
// scripts/code-server.mjs), driven through its UI with playwright-core and Debian's Chromium.
// Each *.e2e.ts file calls openWorkbench in its before hook and closeWorkbench in its after hook,
// and runs its steps through step(). Screenshots of every step, and on a failure the text of the
// relevant views, go to test-results/e2e/NAME/.

import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';

export const root = join(__dirname, '..', '..');

/**
 * An upper bound for a wait on a condition, scaled for a loaded machine: every wait ends as soon as
 * its condition holds, so a larger bound costs a passing run nothing. E2E_TIMEOUT_SCALE (default 3)
 * multiplies the figures written in the tests, which are what an idle machine needs.
 */
const scale = Number(process.env.E2E_TIMEOUT_SCALE ?? 3) || 3;
export const T = (ms: number): number => ms * scale;
const vsix = join(root, 'tcp-close-debugger.vsix');
/** this run's screenshots and failure texts: test-results/e2e/NAME/ (openWorkbench sets it) */
export let outDir = join(root, 'test-results', 'e2e');

// scripts/*.mjs, loaded untyped (no declaration files): their shapes as used here
interface CodeServerModule {
  ensureCodeServer(): Promise<void>;
  installExtension(vsix: string, extensionsDir: string): void;
  startCodeServer(o: { folder: string; port: number; userDataDir: string; extensionsDir: string; quiet?: boolean; trust?: boolean; locale?: string }): Promise<{ child: ChildProcess; url: string }>;
}
interface ProcessTreeModule {
  stopTree(pid: number | undefined, graceMs?: number, known?: number[]): Promise<void>;
  watchTree(pid: number, intervalMs?: number): { pids(): number[]; stop(): void };
}
const load = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(join(root, rel)).href)) as T;

// ---------------------------------------------------------------------------------------------
// setup: the VSIX, code-server, the browser

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = 0;
  for (const n of readdirSync(p)) if (n !== 'dist' && n !== 'node_modules') m = Math.max(m, newestMtime(join(p, n)));
  return m;
}

/** Packages the VSIX unless it is newer than everything it is built from. */
function ensureVsix(): void {
  const inputs = ['src', 'media', 'syntaxes', 'snippets', 'l10n', 'examples', 'package.json', 'package.nls.json', 'package.nls.zh-cn.json', 'language-configuration.json', 'language-configuration.packetdrill.json', 'scripts/build.mjs', '.vscodeignore'];
  const newest = Math.max(...inputs.map((p) => newestMtime(join(root, p))));
  if (existsSync(vsix) && statSync(vsix).mtimeMs >= newest) return;
  const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  assert.equal(r.status, 0, 'npm run package failed');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'tcp-close-e2e-'));
/** the folder code-server opens: a copy of examples/ */
export const workspace = join(tmp, 'examples');
/** this run's own scratch folder (removed with it) */
export const scratch = join(tmp, 'scratch');
const userDataDir = join(tmp, 'user-data');
const extensionsDir = join(tmp, 'extensions');
let server: { child: ChildProcess; url: string } | undefined;
let tree: { pids(): number[]; stop(): void } | undefined;
let stopTree: ProcessTreeModule['stopTree'] | undefined;
let browser: Browser | undefined;
export let page: Page;
export const timings: Record<string, number> = {};

// ---------------------------------------------------------------------------------------------
// evidence: screenshots, and the views' text when something fails

let shotNo = 0;
export async function shot(name: string): Promise<void> {
  shotNo++;
  await page.screenshot({ path: join(outDir, `${String(shotNo).padStart(2, '0')}-${name}.png`) }).catch(() => {});
}

/** The text of the parts of the workbench a failure is usually explained by. */
export async function viewsText(): Promise<string> {
  const parts: string[] = [];
  const grab = async (label: string, selector: string) => {
    const texts = await page.locator(selector).allInnerTexts().catch(() => [] as string[]);
    parts.push(`=== ${label} (${selector})\n${texts.join('\n---\n') || '(none)'}`);
  };
  parts.push(`=== title\n${await page.title().catch(() => '?')}`);
  parts.push(`=== current line\n${JSON.stringify(await currentLine().catch((e) => String(e)))}`);
  await grab('editor tabs', '.tabs-container .tab');
  await grab('call stack', '.debug-call-stack');
  await grab('variables', '.debug-variables');
  await grab('debug toolbar', '.debug-toolbar');
  await grab('status bar', '.statusbar');
  await grab('notifications', '.notifications-toasts, .notifications-center');
  await grab('panel (debug console, output)', '.part.panel');
  for (const f of page.frames()) {
    if (f === page.mainFrame()) continue;
    const t = await f.locator('body').innerText({ timeout: T(1000) }).catch(() => '');
    if (t.trim()) parts.push(`=== frame ${f.url().slice(0, 120)}\n${t}`);
  }
  return parts.join('\n\n');
}

export let failed = false;
/**
 * Runs one step; fails it on an error notification shown meanwhile. On failure saves a screenshot
 * and the views' text, and later steps are skipped (the run has failed already).
 */
export async function step(t: TestContext, name: string, body: () => Promise<void>): Promise<void> {
  if (failed) return t.skip('an earlier step failed');
  const t0 = Date.now();
  try {
    await collectErrorToasts();
    const known = errorToasts.size;
    await body();
    await collectErrorToasts();
    const shown = [...errorToasts].slice(known);
    assert.equal(shown.length, 0, `error notification(s) during "${name}": ${shown.map((x) => JSON.stringify(x)).join('; ')}`);
    await shot(name);
  } catch (e) {
    failed = true;
    shotNo++;
    const base = join(outDir, `${String(shotNo).padStart(2, '0')}-${name}-FAILED`);
    await page?.screenshot({ path: `${base}.png` }).catch(() => {});
    if (page) writeFileSync(`${base}.txt`, `${(e as Error).stack ?? e}\n\n${await viewsText()}\n`);
    throw e;
  } finally {
    timings[name] = Date.now() - t0;
  }
}

// ---------------------------------------------------------------------------------------------
// the workbench

/** Whether `el` or an ancestor is inert (the workbench's quick input is, while it plays its close
 * animation). In the page: no DOM types in this project's TypeScript setup. */
const inert = (el: any): boolean => el.closest('[inert]') !== null;

/**
 * Opens the Command Palette: F1, until its input is shown and usable. A quick input that was just
 * hidden stays inert for its close animation, and F1 pressed then has been seen (CI, once) to leave
 * it inert: the palette is closed with Escape and opened again, and the retry is logged. A modal
 * dialog is the product's doing, never dismissed here: the step fails with its text.
 */
async function openPalette(): Promise<Locator> {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: T(10_000) });
    const deadline = Date.now() + T(3_000);
    while (Date.now() < deadline && (await input.evaluate(inert).catch(() => true))) await page.waitForTimeout(50);
    if (!(await input.evaluate(inert).catch(() => true))) return input;
    const dialog = page.locator('.monaco-dialog-box');
    if (await dialog.isVisible().catch(() => false)) throw new Error(`a modal dialog is open: ${await dialog.innerText()}`);
    if (attempt === 3) throw new Error('the Command Palette stayed inert after three tries');
    console.log(`# the Command Palette opened inert (try ${attempt}): Escape, and F1 again`);
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
  }
}

export async function runCommand(label: string): Promise<void> {
  const input = await openPalette();
  await input.fill(`>${label}`);
  // the row of that very command (the list filters as it is typed, fuzzily: "Play Walkthrough" also
  // finds "Play the Passive Close Walkthrough", which may come first): its label ends with `label`
  const esc = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`(^|: )${esc}$`) }) }).first();
  await row.waitFor({ timeout: T(10_000) });
  await row.click();
}

export interface Here {
  /** the editor's document */
  uri: string;
  /** its line with the top stack frame's decoration, and that line's number */
  line: string;
  lineNo: number;
  /** the current-line arrow in the gutter */
  glyph: boolean;
  /** the Call Stack view's top frame, e.g. "tcp_fin tcp.c 1210:1", and its line */
  frame: string;
  frameLine: number;
}

/** Where the debugger stands: the editor with the top stack frame's decoration, and that line. */
export async function currentLine(): Promise<Here | null> {
  // in the page (no DOM types in this project's TypeScript setup: `any` there)
  return page.evaluate(() => {
    const document = (globalThis as any).document;
    const frameEl = document.querySelector('.debug-call-stack .stack-frame');
    const frame = frameEl ? frameEl.innerText.replace(/\s+/g, ' ').trim() : '';
    const deco = document.querySelector('.view-overlays .debug-top-stack-frame-line');
    if (!deco) return null;
    const editor = deco.closest('.monaco-editor');
    const top = deco.parentElement.style.top;
    const lineEl = [...editor.querySelectorAll('.view-lines .view-line')].find((l: any) => l.style.top === top);
    const numEl = [...editor.querySelectorAll('.margin-view-overlays > div')].find((l: any) => l.style.top === top);
    return {
      uri: (editor.getAttribute('data-uri') ?? '') as string,
      // spaces are rendered as U+00A0; the inline stack-frame decoration is a codicon (private use)
      line: ((lineEl?.textContent ?? '') as string).replace(/[\ue000-\uf8ff\u200b-\u200d\ufeff]/g, '').replace(/[\s\u00a0]+/g, ' ').trim(),
      lineNo: Number(numEl?.querySelector('.line-numbers')?.textContent ?? NaN),
      glyph: !!editor.querySelector('.margin .codicon-debug-stackframe'),
      frame,
      frameLine: Number(/(\d+):\d+$/.exec(frame)?.[1] ?? NaN),
    };
  });
}

/** A settled stop: the Call Stack view and the editor's decoration agree on the line. */
export const settled = (h: Here | null): h is Here => !!h && !!h.line && h.lineNo === h.frameLine;

/** Waits for a settled stop other than `from`. */
export async function nextStop(from: Here | null, what: string, ms = T(15_000)): Promise<Here> {
  const deadline = Date.now() + ms;
  let now: Here | null = null;
  while (Date.now() < deadline) {
    now = await currentLine();
    if (settled(now) && (now.frame !== from?.frame || now.uri !== from?.uri)) {
      // the same again a moment later: not a transient mix of the old and the new stop
      await page.waitForTimeout(30);
      const again = await currentLine();
      if (again && again.frame === now.frame && again.lineNo === now.lineNo && again.uri === now.uri) return again;
    }
    await page.waitForTimeout(50);
  }
  throw new Error(`${what} from ${JSON.stringify(from)}: no new stop within ${ms / 1000} s (last seen ${JSON.stringify(now)})`);
}

/** Presses a step key and waits for the next stop. */
export async function stepKey(key: 'F10' | 'F11' | 'Shift+F11'): Promise<Here> {
  const before = await currentLine();
  await page.keyboard.press(key);
  return nextStop(before, key);
}

/** The live panel's frame (a webview: frames inside the page). */
export async function panelFrame(ms = T(15_000)): Promise<Frame> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      if (f !== page.mainFrame() && (await f.locator('article[data-socket]').count().catch(() => 0))) return f;
    }
    await page.waitForTimeout(100);
  }
  throw new Error('the live panel is not shown');
}

/** The panel's stop number, once the panel shows the stop VS Code shows (`here`). */
export async function panelStop(here: Here): Promise<number> {
  const frame = await panelFrame();
  const deadline = Date.now() + T(15_000);
  let where = '';
  // a C line's location reads "tcp_fin · tcp.c:1210"; a scenario event has none (its kind is in the stop's label)
  const scenario = here.uri.endsWith('.tcpscenario');
  while (Date.now() < deadline) {
    where = (await frame.locator('header.top button.location').innerText().catch(() => '')).trim();
    const kind = /· (\w+)$/.exec((await frame.locator('header.top .stop-label').innerText().catch(() => '')).trim())?.[1];
    const located = await frame.locator('header.top button.location').isVisible().catch(() => false);
    if (scenario ? !located && kind !== undefined && kind !== 'statement' : located && where.endsWith(`:${here.frameLine}`)) {
      const label = await frame.locator('header.top .stop-label').innerText();
      const m = /^stop (\d+) of/.exec(label.trim());
      assert.ok(m, `panel stop label: ${JSON.stringify(label)}`);
      return Number(m[1]);
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`the live panel does not show line ${here.frameLine} (${here.frame}): it shows ${JSON.stringify(where)}`);
}

/**
 * Opens a new note's form through the Comments UI: hovers the gutter of a line until the comment
 * `+` shows there, and clicks it. The line: the debugger's current line, or line `n` of the editor
 * whose document's path ends with `file`.
 */
export async function noteFormAtLine(at?: { file: string; n: number }): Promise<Locator> {
  const gutterRow = () =>
    page.evaluate((at) => {
      const document = (globalThis as any).document;
      let row: any;
      if (!at) {
        const deco = document.querySelector('.view-overlays .debug-top-stack-frame-line');
        const editor = deco.closest('.monaco-editor');
        const top = deco.parentElement.style.top;
        row = [...editor.querySelectorAll('.margin-view-overlays > div')].find((l: any) => l.style.top === top);
      } else {
        const editor = [...document.querySelectorAll('.monaco-editor')].find((e: any) => (e.getAttribute('data-uri') ?? '').endsWith(at.file)) as any;
        row = editor && [...editor.querySelectorAll('.margin-view-overlays > div')].find((r: any) => Number(r.querySelector('.line-numbers')?.textContent) === at.n);
      }
      if (!row) return null;
      const r = row.getBoundingClientRect();
      const g = row.querySelector('.comment-range-glyph')?.getBoundingClientRect();
      return { y: r.y + r.height / 2, x: r.x + r.width - 10, glyph: g ? { x: g.x + g.width / 2, y: g.y + g.height / 2 } : null };
    }, at ?? null);
  let row = await gutterRow();
  assert.ok(row, `the line is not in view: ${JSON.stringify(at ?? 'the current line')}`);
  const deadline = Date.now() + T(10_000);
  while (!row?.glyph && Date.now() < deadline) {
    await page.mouse.move(row!.x - ((Date.now() / 100) % 8), row!.y);
    await page.waitForTimeout(100);
    row = await gutterRow();
  }
  assert.ok(row?.glyph, `no comment \`+\` in the gutter of ${JSON.stringify(at ?? 'the current line')}`);
  await page.mouse.click(row.glyph.x, row.glyph.y);
  const form = page.locator('.review-widget .comment-form').first();
  await form.waitFor({ timeout: T(10_000) });
  return form;
}

/** Rows of the Variables view as "name: value", the scopes as "[scope]". */
export async function variables(): Promise<string[]> {
  return page.locator('.debug-variables .monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => {
      const el = r as any;
      if (el.querySelector('.scope')) return `[${el.innerText.trim()}]`;
      const name = el.querySelector('.name')?.textContent ?? '';
      const value = el.querySelector('.value')?.textContent ?? '';
      return `${name.replace(/\s*[:=]\s*$/, '')}: ${value}`;
    }),
  );
}

/** Polls the Variables view until the Socket scope's `state` row reads `want`. */
export async function expectSocketState(want: string): Promise<void> {
  const deadline = Date.now() + T(15_000);
  let rows: string[] = [];
  while (Date.now() < deadline) {
    rows = await variables();
    const i = rows.indexOf('[Socket]');
    if (i >= 0) {
      const expanded = rows[i + 1] !== undefined && !rows[i + 1].startsWith('[');
      if (!expanded) {
        await page.locator('.debug-variables .monaco-list-row').filter({ has: page.locator('.scope', { hasText: /^Socket$/ }) }).first().click();
      } else {
        const state = rows.slice(i + 1).find((r) => r.startsWith('state: '));
        // the value reads "TCP_CLOSE_WAIT (8)"
        if (state?.split(' ')[1] === want) return;
      }
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`Variables view: Socket › state is not ${want}; rows: ${JSON.stringify(rows)}`);
}

/** The live panel (a webview: frames inside the page) shows `socket`'s state in its card's header. */
/** The lines of the extension's panel log (a LogOutputChannel, written under the user data's logs/). */
export function panelLog(): string[] {
  const walk = (d: string): string[] =>
    existsSync(d) ? readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name === 'TCP Close Debugger Panel.log' ? [join(d, e.name)] : [])) : [];
  return walk(join(userDataDir, 'logs')).flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean));
}

export async function panelState(socket: string): Promise<string | null> {
  for (const f of page.frames()) {
    if (f === page.mainFrame()) continue;
    const loc = f.locator(`article[data-socket="${socket}"] header .state-name`);
    if (await loc.count().catch(() => 0)) return (await loc.first().innerText().catch(() => '')).trim();
  }
  return null;
}

export async function expectPanelState(socket: string, want: string): Promise<void> {
  const deadline = Date.now() + T(15_000);
  let seen: string | null = null;
  while (Date.now() < deadline) {
    seen = await panelState(socket);
    if (seen === want) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`live panel: socket ${socket} shows ${JSON.stringify(seen)}, not ${want}`);
}

/**
 * Every error notification the workbench has shown, in order (a user saw something wrong): step()
 * fails on any new one. Recorded in the page while it is shown (a scan of the notifications every
 * 100 ms, installed before the workbench loads; cheaper than observing every DOM change), so one
 * that is gone again before a step ends still counts.
 */
export const errorToasts = new Set<string>();
async function watchErrorNotifications(p: Page): Promise<void> {
  await p.addInitScript(() => {
    const g = globalThis as any;
    const seen: string[] = (g.__e2eErrorNotifications = []);
    const scan = () => {
      for (const item of g.document.querySelectorAll('.notification-list-item')) {
        if (!item.querySelector('.codicon-error')) continue;
        const msg = item.querySelector('.notification-list-item-message') ?? item;
        const text = String(msg.textContent ?? '').replace(/\s+/g, ' ').trim();
        if (text && !seen.includes(text)) seen.push(text);
      }
    };
    g.setInterval(scan, 100);
  });
}
export async function collectErrorToasts(): Promise<void> {
  const texts = await page.evaluate(() => ((globalThis as any).__e2eErrorNotifications ?? []) as string[]).catch(() => [] as string[]);
  for (const t of texts) errorToasts.add(t);
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// the run: the VSIX installed into a fresh code-server over a copy of examples/, and a browser

export interface WorkbenchOptions {
  /** test-results/e2e/NAME/ */
  name: string;
  /** open the folder untrusted (code-server's workspace trust on); default: trusted */
  untrusted?: boolean;
  /** user settings.json entries beyond the quiet, roomy defaults */
  settings?: Record<string, unknown>;
  /** user keybindings.json (a way to run a command the menus hide) */
  keybindings?: { key: string; command: string }[];
  /** more extensions to install beside ours (.vsix files or extension folders), made by the test */
  extensions?: string[];
  /** VS Code's display language (code-server --locale) */
  locale?: string;
  /** runs after the extensions are installed, before code-server starts */
  beforeStart?: (dirs: { userDataDir: string; extensionsDir: string }) => void;
}

/** The before hook of an e2e file: packages, installs, starts code-server and the browser. */
export async function openWorkbench(o: WorkbenchOptions): Promise<void> {
  outDir = join(root, 'test-results', 'e2e', o.name);
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) rmSync(join(outDir, f), { force: true, recursive: true });
  let t0 = Date.now();
  ensureVsix();
  timings.package = Date.now() - t0;
  const cs = await load<CodeServerModule>('scripts/code-server.mjs');
  const pt = await load<ProcessTreeModule>('scripts/process-tree.mjs');
  stopTree = pt.stopTree;
  await cs.ensureCodeServer();
  // a quiet, roomy workbench (startCodeServer adds its own settings to these)
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({
      'chat.disableAIFeatures': true,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'workbench.tips.enabled': false,
      'debug.openDebug': 'openOnSessionStart',
      'editor.minimap.enabled': false,
      'editor.stickyScroll.enabled': false,
      ...o.settings,
    }),
  );
  if (o.keybindings) writeFileSync(join(userDataDir, 'User', 'keybindings.json'), JSON.stringify(o.keybindings));
  cpSync(join(root, 'examples'), workspace, { recursive: true });
  t0 = Date.now();
  cs.installExtension(vsix, extensionsDir);
  for (const x of o.extensions ?? []) cs.installExtension(x, extensionsDir);
  timings.installVsix = Date.now() - t0;
  o.beforeStart?.({ userDataDir, extensionsDir });
  t0 = Date.now();
  server = await cs.startCodeServer({ folder: workspace, port: await freePort(), userDataDir, extensionsDir, quiet: true, trust: !o.untrusted, locale: o.locale });
  tree = pt.watchTree(server.child.pid!);
  // interrupted (Ctrl+C): the after hook may not run; stop code-server here, then go
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      void browser?.close().catch(() => {});
      void pt.stopTree(server?.child.pid, 3000, tree?.pids() ?? []).then(() => {
        rmSync(tmp, { recursive: true, force: true });
        process.exit(130);
      });
    });
  }
  timings.startServer = Date.now() - t0;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await watchErrorNotifications(page);
}

/**
 * Opens a file of the workspace's top folder from the Explorer, and waits for its editor tab. (Not
 * with Quick Open: the first file search of a fresh server took over 3 minutes on a loaded machine.)
 */
export async function openFile(name: string): Promise<void> {
  const row = page.locator('.explorer-folders-view .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
  await row.first().click({ timeout: T(15_000) });
  // by the tab's file name (the live panel's tab title names the scenario too)
  await page.locator(`.tabs-container .tab.active[data-resource-name="${name}"]`).first().waitFor({ timeout: T(15_000) });
}

/** The URL that opens the workspace in code-server. */
export const workbenchUrl = (): string => server!.url;

/**
 * Opens the workbench and waits until the Explorer lists `file`. Waits for the workbench itself, not
 * for the page's load event (which a loaded machine delays past playwright's 30 s default).
 */
export async function openPage(file: string): Promise<void> {
  await page.goto(workbenchUrl(), { waitUntil: 'commit', timeout: T(120_000) });
  await page.locator('.monaco-workbench').waitFor({ timeout: T(120_000) });
  await page.waitForFunction(() => ((globalThis as any).document.title as string).endsWith('code-server'), null, { timeout: T(60_000) });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).waitFor({ timeout: T(60_000) });
}

/** The after hook: stops the browser and code-server, writes the measurements (with `extra`). */
export async function closeWorkbench(extra: Record<string, unknown> = {}): Promise<void> {
  if (page) await collectErrorToasts();
  await browser?.close().catch(() => {});
  if (server) await stopTree?.(server.child.pid, 5000, tree?.pids() ?? []);
  tree?.stop();
  process.stdout.write(`\ne2e timings (ms): ${JSON.stringify(timings)}\n`);
  process.stdout.write(`VSIX size: ${existsSync(vsix) ? statSync(vsix).size : '?'} bytes\n`);
  for (const [k, v] of Object.entries(extra)) process.stdout.write(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}\n`);
  if (errorToasts.size) process.stdout.write(`error notifications seen: ${JSON.stringify([...errorToasts])}\n`);
  writeFileSync(join(outDir, 'measurements.json'), JSON.stringify({ timings, vsixBytes: existsSync(vsix) ? statSync(vsix).size : null, ...extra, errorToasts: [...errorToasts] }, null, 2));
  if (!failed) rmSync(tmp, { recursive: true, force: true });
  else process.stdout.write(`kept for inspection: ${tmp}\n`);
}

/** activate() times of this extension from the extension host's log in the user-data-dir. */
export function activationTimes(): string {
  const logs = join(userDataDir, 'logs');
  const found: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/exthost.*\.log$/.test(n)) {
        for (const l of readFileSync(p, 'utf8').split('\n')) if (/tcp-close-debugger/.test(l) && /activat/i.test(l)) found.push(l.trim());
      }
    }
  };
  walk(logs);
  return found.length ? found.join('\n  ') : '(no activation line in the extension host log)';
}
