// `npm run package`: a minified build, then the VSIX with @vscode/vsce. The packaged README is
// README.md with its repository-relative links and images (BENCHMARKS.md, screenshots) turned into
// plain text: the extension has no public repository for vsce to point them at.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--minify']);

const relative = (url) => !/^([a-z]+:|#)/i.test(url);
const readme = readFileSync(join(root, 'README.md'), 'utf8')
  .replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (m, alt, url) => (relative(url) ? `*(${alt}: a picture in the repository, ${url})*` : m))
  .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (m, text, url) => (relative(url) ? `${text} (\`${url}\` in the repository)` : m));
// vsce takes the README from inside the package folder: dist/ is built output, git-ignored
writeFileSync(join(root, 'dist', 'README.md'), readme);
run(join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--readme-path', 'dist/README.md', '--out', 'tcp-close-debugger.vsix']);
