// The panel page: the CSP, the nonce, and that nothing of the inputs escapes its attribute.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, escapeHtml, makeNonce, panelHtml } from './html';

const opts = { cspSource: 'https://x.vscode-cdn.net', nonce: 'abc+/=', scriptUri: 'https://x/media/dist/panel.js', styleUri: 'https://x/media/panel.css', codiconUri: 'https://x/media/dist/codicon.css' };

test('the CSP allows nothing by default, resources from the webview origin, scripts by nonce', () => {
  assert.equal(contentSecurityPolicy('SRC', 'N'), "default-src 'none'; style-src SRC; font-src SRC; script-src 'nonce-N'; img-src SRC");
});

test('nonces are 128 random bits in base64, different each time', () => {
  const a = makeNonce();
  assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
  assert.notEqual(a, makeNonce());
});

test('the page: one script, with the nonce; the policy in a meta tag; the stylesheets', () => {
  const html = panelHtml(opts);
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.match(html, /<script nonce="abc\+\/=" src="https:\/\/x\/media\/dist\/panel\.js"><\/script>/);
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src https://x.vscode-cdn.net; font-src https://x.vscode-cdn.net; script-src &#39;nonce-abc+/=&#39;; img-src https://x.vscode-cdn.net">`));
  assert.match(html, /<link rel="stylesheet" href="https:\/\/x\/media\/panel\.css">/);
  assert.match(html, /<link rel="stylesheet" href="https:\/\/x\/media\/dist\/codicon\.css">/);
  assert.doesNotMatch(html, /style=|onclick|javascript:/);
});

test('inputs are escaped; a nonce that is not base64 is refused', () => {
  const html = panelHtml({ ...opts, scriptUri: 'x"><script>alert(1)</script>', title: '<b>' });
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.ok(html.includes('&lt;b&gt;'));
  assert.throws(() => panelHtml({ ...opts, nonce: `a' 'unsafe-inline` }));
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});
