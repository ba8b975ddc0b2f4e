// A real VS Code for `npm start` and the end-to-end test: code-server, installed on first use into
// a cache folder outside the repository by scripts/setup.mjs (Node 24 from the npm registry, then
// code-server with its native modules), reused afterwards. Usable as a module or from the command line:
//   node scripts/code-server.mjs install            install (or check) the cached code-server
// (`npm start`, scripts/start.mjs, serves the extension with it.)

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stopTree } from './process-tree.mjs';
import { codeServerBin, ensureCodeServer, node24, SetupRefused } from './setup.mjs';

// the install itself lives in scripts/setup.mjs (shared with npm test)
export { cacheDir, codeServerBin, codeServerReady, ensureCodeServer, node24 } from './setup.mjs';

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

function codeServer(args, opts = {}) {
  return [node24, [codeServerBin, ...args], opts];
}

export function installExtension(vsix, extensionsDir) {
  const [cmd, args] = codeServer(['--install-extension', vsix, '--force', '--extensions-dir', extensionsDir]);
  run(cmd, args);
}

/** A workbench a new user can read straight away: these apply unless the user's settings say otherwise. */
export const READABLE_DEFAULTS = {
  // no Chat/AI side bar, no "sign in to use AI" prompts
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // examples/ sits inside the repository: no "open the parent repository?" notification
  'git.openRepositoryInParentFolders': 'never',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.ignoreRecommendations': true,
};
/** Always: the served folder is trusted, nothing is sent or fetched. */
const FORCED = {
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
};

/**
 * Starts code-server on 127.0.0.1:port serving `folder`, with its own user data (workspace trust
 * off, so the folder is trusted; READABLE_DEFAULTS) and extensions dirs. Resolves when it answers HTTP.
 * `trust: false` leaves workspace trust on: the folder opens untrusted (Restricted Mode).
 * `locale` sets VS Code's display language (a language pack for it must be installed).
 */
export async function startCodeServer({ folder, port, userDataDir, extensionsDir, quiet = false, trust = true, locale }) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  const settingsPath = join(userDataDir, 'User', 'settings.json');
  const own = existsSync(settingsPath) ? JSON.parse(readFileSync(settingsPath, 'utf8') || '{}') : {};
  const settings = { ...READABLE_DEFAULTS, ...own, ...FORCED };
  if (!trust) settings['security.workspace.trust.enabled'] = true;
  writeFileSync(settingsPath, JSON.stringify(settings, null, 2));
  const [cmd, args] = codeServer([
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    ...(trust ? ['--disable-workspace-trust'] : []), ...(locale ? ['--locale', locale] : []), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, folder,
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
  try {
    await ensureCodeServer();
  } catch (e) {
    process.stderr.write(`${e instanceof SetupRefused ? e.message : `setup failed: ${e.message}`}\n`);
    process.exit(1);
  }
}
