// Bundles the extension's entry points with esbuild and copies the files they load at run time
// (the tree-sitter wasm files and the shipped kernel C) beside the bundles in dist/; bundles the
// panel's browser side into media/dist/ (the webview may load only from media/) with the codicons.
import { build } from 'esbuild';
import { cpSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const minify = process.argv.includes('--minify');
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

const entries = [
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'src/debug/adapter.ts', out: 'adapter' },
  { in: 'src/extension.ts', out: 'extension' },
  // the explorer's worker threads (src/host/explore/pool.ts starts them from dist/)
  { in: 'src/host/explore/worker.ts', out: 'exploreWorker' },
];
await build({
  entryPoints: entries.map((e) => ({ in: join(root, e.in), out: e.out })).filter((e) => existsSync(e.in)),
  outdir: dist,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !minify,
  minify,
  external: ['vscode'],
  // web-tree-sitter reads import.meta.url; in a CommonJS bundle it is this file's URL
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});

cpSync(join(root, 'node_modules/web-tree-sitter/tree-sitter.wasm'), join(dist, 'tree-sitter.wasm'));
cpSync(join(root, 'node_modules/tree-sitter-c/tree-sitter-c.wasm'), join(dist, 'tree-sitter-c.wasm'));
cpSync(join(root, 'src/kernel'), join(dist, 'kernel'), { recursive: true });

// the panel's webview script (browser, one IIFE) and the codicon font it uses, inside media/
const mediaDist = join(root, 'media', 'dist');
mkdirSync(mediaDist, { recursive: true });
await build({
  entryPoints: [join(root, 'media/panel.ts')],
  outfile: join(mediaDist, 'panel.js'),
  bundle: true,
  platform: 'browser',
  target: 'chrome120',
  format: 'iife',
  sourcemap: !minify,
  minify,
  logLevel: 'warning',
});
cpSync(join(root, 'node_modules/@vscode/codicons/dist/codicon.css'), join(mediaDist, 'codicon.css'));
cpSync(join(root, 'node_modules/@vscode/codicons/dist/codicon.ttf'), join(mediaDist, 'codicon.ttf'));
