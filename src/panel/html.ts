// The panel's HTML page and its Content-Security-Policy, as pure functions (no VS Code import) so
// that the unit tests and the browser tests use exactly what the extension serves.

import { randomBytes } from 'node:crypto';

/** A fresh nonce for the page's one script (128 random bits, base64). */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/** The policy: nothing by default; styles, fonts and images only from the webview's resource origin; scripts only with the nonce. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${cspSource}`,
  ].join('; ');
}

export interface PanelHtmlOptions {
  /** `webview.cspSource` */
  cspSource: string;
  nonce: string;
  /** URIs already turned into webview URIs (`asWebviewUri`) */
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
  title?: string;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** The whole page: an empty shell that media/panel.js fills from the messages it receives. */
export function panelHtml(o: PanelHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=]+$/.test(o.nonce)) throw new Error('the nonce must be base64');
  const a = escapeHtml;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${a(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${a(o.codiconUri)}">
<link rel="stylesheet" href="${a(o.styleUri)}">
<title>${a(o.title ?? 'TCP close')}</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="placeholder">Waiting for the debugger…</p></main>
<script nonce="${a(o.nonce)}" src="${a(o.scriptUri)}"></script>
</body>
</html>
`;
}
