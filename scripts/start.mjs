// `npm start`: the extension in a real VS Code. Makes sure code-server (VS Code in the browser;
// there is no desktop VS Code on these machines) is in the cache (scripts/setup.mjs; the first run
// installs it), builds and packages the extension (VSIX), installs the VSIX into it and serves
// the repository's examples/ folder on 127.0.0.1.
// Runs until Ctrl+C, then stops code-server and everything it started.
//
//   npm start                  port 8080 (or the next free one)
//   PORT=9000 npm start        another port
//   npm start -- --verbose     also show code-server's own log

import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';
import { processTree, stopTree, watchTree } from './process-tree.mjs';
import { installExtension, startCodeServer } from './code-server.mjs';
import { cacheDir, CODE_SERVER_VERSION, codeServerReady, ensureCodeServer, SetupRefused } from './setup.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vsix = join(root, 'tcp-close-debugger.vsix');
const examples = join(root, 'examples');
const verbose = process.argv.includes('--verbose') || process.env.VERBOSE === '1';
const tty = process.stdout.isTTY;
const bold = (s) => (tty ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (tty ? `\x1b[2m${s}\x1b[0m` : s);
const home = (p) => (p.startsWith(homedir() + '/') ? '~' + p.slice(homedir().length) : p);
const secs = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

function header(n, text) {
  process.stdout.write(`\n${bold(`[${n}/4] ${text}`)}\n`);
}
function info(text) {
  process.stdout.write(`      ${text}\n`);
}

function runInherit(cmd, args) {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    c.on('error', reject);
    c.on('exit', (code, sig) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (${sig ?? `exit ${code}`})`))));
  });
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function freePort(first) {
  for (let p = first; p < first + 100; p++) if (await portFree(p)) return p;
  throw new Error(`no free port in ${first}..${first + 99}`);
}

let child = null;
let watcher = null;
let stopping = false;

/** Stops code-server and every process it started (extension host included), then exits. */
function stop(code = 0) {
  if (stopping) {
    // a second Ctrl+C: do not wait any longer
    for (const p of child ? [...processTree(child.pid), ...watcher.pids()] : []) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // gone
      }
    }
    process.exit(code || 130);
  }
  stopping = true;
  if (!child) process.exit(code);
  process.stdout.write('\nStopping code-server…\n');
  stopTree(child.pid, 5000, watcher.pids()).then(() => {
    process.stdout.write('code-server stopped.\n');
    process.exit(code);
  });
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(0));

async function main() {
  const tAll = Date.now();
  process.stdout.write(bold('TCP Close Debugger in a real VS Code (code-server)\n'));

  // 1. code-server (first run: Debian packages, Node 24, code-server into the cache)
  const installed = codeServerReady();
  header(1, `VS Code for the browser: code-server ${CODE_SERVER_VERSION}`);
  if (installed) {
    info(`already installed in ${home(cacheDir)} (reused)`);
  } else {
    info('There is no desktop VS Code here, so the extension runs in code-server (the real VS Code');
    info('workbench and extension host, served to a browser). First run only, a few minutes:');
  }
  let t0 = Date.now();
  await ensureCodeServer();
  if (!installed) info(`installed in ${secs(t0)}`);

  // 2. the VSIX
  header(2, 'Building and packaging the extension (esbuild, minified; vsce → tcp-close-debugger.vsix)');
  t0 = Date.now();
  await runInherit('npm', ['run', '--silent', 'package']);
  info(`${relative(root, vsix)}: ${(statSync(vsix).size / 1024).toFixed(0)} KB, built in ${secs(t0)}`);

  // 3. the extension into code-server
  const extensionsDir = join(cacheDir, 'extensions');
  const userDataDir = join(cacheDir, 'user-data');
  header(3, `Installing the VSIX into code-server's extensions (${home(extensionsDir)})`);
  t0 = Date.now();
  installExtension(vsix, extensionsDir);
  info(`done in ${secs(t0)}`);

  // 4. serve examples/
  const wanted = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(wanted) || wanted <= 0 || wanted > 65535) throw new Error(`PORT=${process.env.PORT} is not a port number`);
  const port = await freePort(wanted);
  header(4, `Starting code-server on 127.0.0.1:${port}${port !== wanted ? ` (${wanted} is busy)` : ''}, serving ${relative(process.cwd(), examples) || '.'}/`);
  t0 = Date.now();
  const started = await startCodeServer({ folder: examples, port, userDataDir, extensionsDir, quiet: !verbose });
  child = started.child;
  watcher = watchTree(child.pid);
  child.on('exit', (code, sig) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\ncode-server exited on its own (${sig ?? `exit ${code}`})${verbose ? '' : '; run `npm start -- --verbose` to see its log'}.\n`);
    stopTree(child.pid, 2000, watcher.pids()).then(() => process.exit(1));
  });
  info(`up in ${secs(t0)} ${dim(`(everything: ${secs(tAll)})`)}`);

  // readable URL: the folder's slashes unescaped
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(examples).replace(/%2F/g, '/')}`;
  process.stdout.write(
    `\n${bold('Open in a browser:')}  ${bold(url)}\n\n` +
      `Then open passive-close.tcpscenario (Explorer, or Ctrl+P) and press F5: the debugger stops at the\n` +
      `first event; F11 steps into the unmodified Linux 1.2.13 C (the segment's skb in alloc_skb; Shift+F11\n` +
      `goes on to tcp_rcv in tcp.c), F10 steps over, the live panel opens beside it.\n\n` +
      `${dim(`Settings and state: ${home(userDataDir)}.`)} Ctrl+C stops code-server.\n`,
  );
}

main().catch((e) => {
  // not root and a Debian package missing: the one line with the command to run
  process.stderr.write(e instanceof SetupRefused ? `\n${e.message}\n` : `\nnpm start failed: ${e.message}\n`);
  stop(1);
});
