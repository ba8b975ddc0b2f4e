// Tests that every translated string has its English and Simplified Chinese entries, placeholders intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { l10nKeys, literalL10nCalls } from './l10nKeys';

const root = join(__dirname, '..', '..');
const json = (p: string) => JSON.parse(readFileSync(join(root, p), 'utf8')) as Record<string, string>;
const placeholders = (s: string) => (s.match(/\{\d+\}/g) ?? []).sort();
const CJK = /[\u4e00-\u9fff]/;

test('literal l10n.t calls are found, quotes unescaped', () => {
  assert.deepEqual(literalL10nCalls(`vscode.l10n.t('a {0}', x); l10n.t("it's"); l10n.t('don\\'t')`), ['a {0}', "it's", "don't"]);
});

test('l10n/bundle.l10n.json holds exactly the strings of the code (run: npx tsx scripts/l10n-bundle.ts)', () => {
  const bundle = json('l10n/bundle.l10n.json');
  assert.deepEqual(Object.keys(bundle).sort(), [...l10nKeys()].sort());
  for (const [k, v] of Object.entries(bundle)) assert.equal(v, k);
});

test('l10n/bundle.l10n.zh-cn.json translates every string, keeping {0}, {1}...', () => {
  const en = json('l10n/bundle.l10n.json');
  const zh = json('l10n/bundle.l10n.zh-cn.json');
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
  for (const [k, v] of Object.entries(zh)) {
    assert.ok(v.trim().length > 0, k);
    assert.deepEqual(placeholders(v), placeholders(k), k);
    assert.ok(CJK.test(v) || v !== k, `not translated: ${k}`);
  }
});

test('package.nls.json and package.nls.zh-cn.json have the same keys, and package.json uses only known ones', () => {
  const en = json('package.nls.json');
  const zh = json('package.nls.zh-cn.json');
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
  for (const [k, v] of Object.entries(zh)) assert.match(v, CJK, k);
  const used = [...readFileSync(join(root, 'package.json'), 'utf8').matchAll(/"%([^"%]+)%"/g)].map((m) => m[1]);
  for (const k of used) assert.ok(k in en, `package.json uses %${k}% but package.nls.json lacks it`);
});
