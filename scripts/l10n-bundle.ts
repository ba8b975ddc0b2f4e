// Writes l10n/bundle.l10n.json (the English strings of src/language) and lists the keys a translation lacks or no longer needs.
// Run: npx tsx scripts/l10n-bundle.ts
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { l10nKeys } from '../src/language/l10nKeys';

const dir = join(__dirname, '..', 'l10n');
const keys = l10nKeys();
writeFileSync(join(dir, 'bundle.l10n.json'), JSON.stringify(Object.fromEntries(keys.map((k) => [k, k])), null, 2) + '\n');
console.log(`l10n/bundle.l10n.json: ${keys.length} strings`);
for (const f of existsSync(dir) ? readdirSync(dir) : []) {
  if (!/^bundle\.l10n\..+\.json$/.test(f)) continue;
  const t = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, string>;
  for (const k of keys) if (!(k in t)) console.log(`${f}: missing ${JSON.stringify(k)}`);
  for (const k of Object.keys(t)) if (!keys.includes(k)) console.log(`${f}: unused ${JSON.stringify(k)}`);
}
