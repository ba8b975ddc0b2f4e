// Every English string the extension translates (the l10n bundle's keys): literal vscode.l10n.t calls under src/, the language features' message tables, and the glossary.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECK_MESSAGES } from './checks';
import { DESCRIBE_MESSAGES } from './describe';
import { glossaryTexts } from './glossary';

/** The string literals passed first to l10n.t( in a TypeScript source (single or double quotes, no concatenation). */
export function literalL10nCalls(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/l10n\.t\(\s*(['"])((?:\\.|(?!\1).)*)\1/g)) {
    out.push(m[2].replace(/\\(['"\\])/g, '$1'));
  }
  return out;
}

function sources(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, f.name);
    if (f.isDirectory()) sources(p, out);
    else if (f.name.endsWith('.ts') && !f.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** The bundle's keys, in a stable order: literal calls file by file (all of src/), then the message tables, then the glossary. */
export function l10nKeys(srcDir: string = join(__dirname, '..')): string[] {
  const keys: string[] = [];
  for (const f of sources(srcDir)) keys.push(...literalL10nCalls(readFileSync(f, 'utf8')));
  keys.push(...Object.values(CHECK_MESSAGES), ...Object.values(DESCRIBE_MESSAGES), ...glossaryTexts());
  return [...new Set(keys)];
}
