// Loads the given test files into this one process, where node:test runs them as they register:
// a run pays once for starting Node, tsx and tree-sitter instead of once per file (each file is a
// process of its own under `node --test`). `node scripts/test.mjs --unit` runs the fast suites so.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

for (const f of process.argv.slice(2)) await import(pathToFileURL(resolve(f)).href);
