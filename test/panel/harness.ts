// What the panel's browser tests and benchmark share: recorded snapshots of an example run
// (made from the engine at run time), a local server for the real panel page (src/panel/html.ts,
// same CSP) with media/, a stub of acquireVsCodeApi, Chromium, and theme variables.

import { createServer, type Server } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, normalize, extname, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadReleaseRun } from '../../src/host/load';
import { ReleaseSnapshotBuilder } from '../../src/debug/releaseSnapshot';
import { makeNonce, panelHtml } from '../../src/panel/html';
import type { FieldChangeSnapshot, HostToWebview, StopSnapshot, WhyLinkSnapshot } from '../../src/common/protocol';
import { fieldHistory } from '../../src/engine/release/fieldHistory';
import { why } from '../../src/engine/release/why';
import type { CT } from '../../src/engine/cmachine/types';

export const root = join(__dirname, '..', '..');

/** Every stop of a scenario, forward from the start, each snapshot built against the previous one. */
export async function recordSnapshots(scenarioPath: string, scenarioText?: string, max = 5000): Promise<StopSnapshot[]> {
  // the release, as the debugger runs it by default
  const { run, text } = await loadReleaseRun({ scenarioPath: join(root, scenarioPath), scenarioText });
  const builder = new ReleaseSnapshotBuilder(run, text);
  let prev = builder.build(undefined);
  const all = [prev];
  for (let i = 0; i < max && !run.finished; i++) {
    run.forward();
    prev = builder.build(prev);
    all.push(prev);
  }
  return all;
}

/** The "Why?" chain of socket `sock`'s `field` at the first stop showing `value` (as the adapter answers `why`), with that stop, and the field's history. */
export async function whyChain(scenarioPath: string, field: string, value: number, sock = 0): Promise<{ stop: number; chain: WhyLinkSnapshot; history: FieldChangeSnapshot[] }> {
  const { run } = await loadReleaseRun({ scenarioPath: join(root, scenarioPath) });
  run.runFast();
  const f = run.sock.byName.get(field)!;
  const sk = run.socks[sock].sk;
  let stop = -1;
  for (let n = 0; n < run.stopCount && stop < 0; n++) {
    run.goto(n);
    if (run.field(sk, field) === value) stop = n;
  }
  if (stop < 0) throw new Error(`${field} is never ${value} in ${scenarioPath}`);
  run.goto(stop);
  const chain = why(run, { kind: 'memory', name: `${run.socks[sock].name}.${field}`, addr: sk + f.offset, t: f.type as CT });
  const t = f.type as { size: number; signed: boolean };
  const history = fieldHistory(run, { addr: sk + f.offset, size: t.size, signed: t.signed, bits: f.bits, bitOffset: f.bitOffset }).map((c) => ({ stop: c.stop, value: String(c.value), ...(c.writer ? { writer: c.writer } : {}) }));
  return { stop, chain: JSON.parse(JSON.stringify(chain)) as WhyLinkSnapshot, history };
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json', '.html': 'text/html' };

export interface Fixture {
  server: Server;
  origin: string;
  close(): Promise<void>;
}

/** Serves the panel page at / (a fresh nonce each time) and media/ under /media/, on 127.0.0.1, port 0. */
export async function serveFixture(): Promise<Fixture> {
  const media = join(root, 'media');
  let origin = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        panelHtml({
          cspSource: origin,
          nonce: makeNonce(),
          scriptUri: `${origin}/media/dist/panel.js`,
          styleUri: `${origin}/media/panel.css`,
          codiconUri: `${origin}/media/dist/codicon.css`,
        }),
      );
      return;
    }
    if (url.pathname.startsWith('/media/')) {
      const file = normalize(join(media, decodeURIComponent(url.pathname.slice('/media/'.length))));
      if (file.startsWith(media + sep) && existsSync(file) && statSync(file).isFile()) {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(readFileSync(file));
        return;
      }
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, origin, close: () => new Promise((r) => server.close(() => r())) };
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * The stub of VS Code's webview API: posted messages in window.__posted; the state survives a
 * reload of the page through sessionStorage (as VS Code keeps it for a hidden webview).
 */
const STUB = `(() => {
  const posted = [];
  window.__posted = posted;
  let state;
  try { const s = sessionStorage.getItem('__vscodeState'); state = s ? JSON.parse(s) : undefined; } catch {}
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return Object.freeze({
      postMessage: (m) => posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => state,
      setState: (s) => { state = s; sessionStorage.setItem('__vscodeState', JSON.stringify(s)); return s; },
    });
  };
})();`;

export interface PanelPage {
  page: Page;
  errors: Error[];
  console: { type: string; text: string }[];
  /** messages the panel posted to the host */
  posted(): Promise<unknown[]>;
  send(m: unknown): Promise<void>;
  /** sends a stop and waits until it is painted */
  showStop(stop: StopSnapshot): Promise<void>;
}

export async function openPanel(browser: Browser, fixture: Fixture, theme: 'light' | 'dark' = 'dark'): Promise<PanelPage> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 1300 } });
  const page = await context.newPage();
  const errors: Error[] = [];
  const consoleMessages: { type: string; text: string }[] = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  await page.addInitScript(STUB);
  await page.goto(`${fixture.origin}/`);
  await setTheme(page, theme);
  await page.waitForFunction('window.__posted.some((m) => m.type === "ready")');
  const send = async (m: unknown) => {
    await page.evaluate((msg) => (globalThis as any).postMessage(msg, '*'), m);
  };
  return {
    page,
    errors,
    console: consoleMessages,
    posted: () => page.evaluate(() => (globalThis as any).__posted as unknown[]),
    send,
    async showStop(stop) {
      const before = await page.evaluate(() => (globalThis as any).performance.getEntriesByName('stop-to-paint').length as number);
      await send({ type: 'stop', stop } satisfies HostToWebview);
      await page.waitForFunction((n) => (globalThis as any).performance.getEntriesByName('stop-to-paint').length > n, before);
    },
  };
}

/** Approximations of VS Code's Light+ and Dark+ variables, set the way VS Code sets them (on <html>). */
const THEMES: Record<'light' | 'dark', Record<string, string>> = {
  light: {
    '--vscode-editor-foreground': '#3b3b3b',
    '--vscode-editor-background': '#ffffff',
    '--vscode-descriptionForeground': '#717171',
    '--vscode-panel-border': '#e5e5e5',
    '--vscode-textLink-foreground': '#005fb8',
    '--vscode-focusBorder': '#005fb8',
    '--vscode-diffEditor-insertedTextBackground': 'rgba(156, 204, 44, 0.25)',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-purple': '#652d90',
    '--vscode-charts-green': '#388a34',
    '--vscode-charts-lines': 'rgba(59, 59, 59, 0.5)',
    '--vscode-errorForeground': '#f85149',
    '--vscode-gitDecoration-deletedResourceForeground': '#ad0707',
    '--vscode-editorWidget-background': '#f8f8f8',
    '--vscode-editor-selectionBackground': '#add6ff',
  },
  dark: {
    '--vscode-editor-foreground': '#cccccc',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-panel-border': '#2b2b2b',
    '--vscode-textLink-foreground': '#4daafc',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-diffEditor-insertedTextBackground': 'rgba(156, 204, 44, 0.2)',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
    '--vscode-errorForeground': '#f85149',
    '--vscode-gitDecoration-deletedResourceForeground': '#c74e39',
    '--vscode-editorWidget-background': '#202020',
    '--vscode-editor-selectionBackground': '#264f78',
  },
};

export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate(
    ({ theme, vars }) => {
      const d = (globalThis as any).document;
      d.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
      d.body.classList.add(`vscode-${theme}`);
      for (const [k, v] of Object.entries(vars)) d.documentElement.style.setProperty(k, v);
    },
    { theme, vars: THEMES[theme] },
  );
}

export function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}
