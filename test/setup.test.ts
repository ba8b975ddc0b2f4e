// The first-run setup (scripts/setup.mjs): the not-root refusal changes nothing and says the one
// command to run; an interrupted install is not trusted and is cleaned up; two runs do not install
// at once. (The install itself, apt-get and the ~800 MB of code-server, is proved by .ci/run,
// which runs it into an empty cache every time.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(__dirname, '..');
const setup = join(root, 'scripts', 'setup.mjs');
const FAKE = 'tcp-close-no-such-package';

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'tcp-close-setup-test-'));
  chmodSync(d, 0o777); // the not-root user could write here: that it does not is what is checked
  return d;
}

/** `node scripts/setup.mjs what` as a user who is not root (nobody, when the test runs as root). */
function asNotRoot(what: string, env: Record<string, string>) {
  const asRoot = process.getuid?.() === 0;
  const cmd = asRoot ? 'setpriv' : process.execPath;
  const args = asRoot ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, setup, what] : [setup, what];
  return spawnSync(cmd, args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', ...env } });
}

for (const [what, purpose] of [['test', 'npm test'], ['code-server', 'code-server']] as const) {
  test(`not root, a package missing (${what}): one line with the command to run, exit 1, nothing written`, () => {
    const d = tmp();
    const cache = join(d, 'cache');
    try {
      const r = asNotRoot(what, { TCP_CLOSE_CACHE: cache, TCP_CLOSE_SETUP_EXTRA_PACKAGES: FAKE });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `not one line: ${r.stderr}`);
      assert.ok(lines[0].startsWith(purpose), lines[0]);
      assert.match(lines[0], new RegExp(`run: sudo apt-get update && sudo apt-get install -y ([a-z0-9.+-]+ )*${FAKE}$`));
      assert.equal(existsSync(cache), false, 'the refused run created the cache folder');
      assert.deepEqual(readdirSync(d), []);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
}

/** Runs `body` (module code using `s`, the setup module) in a child with TCP_CLOSE_CACHE=cache. */
function child(cache: string, body: string) {
  const code = `const s = await import(${JSON.stringify(pathToFileURL(setup).href)});\n${body}`;
  return spawn(process.execPath, ['--input-type=module', '-e', code], { env: { ...process.env, TCP_CLOSE_CACHE: cache }, stdio: ['ignore', 'pipe', 'pipe'] });
}
function finish(c: ReturnType<typeof child>): Promise<{ code: number | null; out: string; err: string }> {
  let out = '';
  let err = '';
  c.stdout!.on('data', (b) => (out += b));
  c.stderr!.on('data', (b) => (err += b));
  return new Promise((r) => c.on('exit', (code) => r({ code, out, err })));
}

test('a half-filled cache is not trusted; the next install removes what an interrupted one left', async () => {
  const cache = tmp();
  try {
    // what an interrupted run leaves: a partial folder, and (the layout before partial folders) a
    // code-server folder without its completion marker
    const cs = join(cache, 'code-server-4.139.1');
    mkdirSync(join(cs, 'node_modules', 'code-server', 'out', 'node'), { recursive: true });
    writeFileSync(join(cs, 'node_modules', 'code-server', 'out', 'node', 'entry.js'), '');
    mkdirSync(join(cache, 'thing.partial-12345', 'junk'), { recursive: true });
    let r = await finish(child(cache, `console.log(JSON.stringify(s.codeServerReady()));`));
    assert.equal(r.out.trim(), 'false', r.err);

    // an install that fails half-way leaves no final folder, only its partial one
    r = await finish(child(cache, `await s.installInto(${JSON.stringify(join(cache, 'thing'))}, async (d) => { (await import('node:fs')).writeFileSync(d + '/half', ''); throw new Error('interrupted'); }).catch((e) => console.log(e.message));`));
    assert.equal(r.out.trim(), 'interrupted', r.err);
    assert.equal(existsSync(join(cache, 'thing')), false);
    // the next one starts clean, and renames a complete, marked folder into place
    r = await finish(child(cache, `await s.installInto(${JSON.stringify(join(cache, 'thing'))}, async (d) => (await import('node:fs')).writeFileSync(d + '/whole', ''));`));
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(readdirSync(cache).filter((n) => n.startsWith('thing')), ['thing']);
    assert.deepEqual(readdirSync(join(cache, 'thing')).sort(), ['.installed', 'whole']);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('two runs at once: the second waits for the first to finish installing', async () => {
  const cache = tmp();
  const log = join(cache, 'log');
  const go = join(cache, 'go');
  const until = async (what: string, ok: () => boolean) => {
    const deadline = Date.now() + 30_000;
    while (!ok()) {
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const children: ReturnType<typeof child>[] = [];
  try {
    // a holds the lock until told to go; b is started while a holds it
    const body = (name: string) =>
      `const fs = await import('node:fs');
       await s.withCacheLock(async () => {
         fs.appendFileSync(${JSON.stringify(log)}, '${name} in\\n');
         while (${name === 'a'} && !fs.existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 20));
         fs.appendFileSync(${JSON.stringify(log)}, '${name} out\\n');
       });`;
    const a = child(cache, body('a'));
    children.push(a);
    const ra = finish(a);
    await until('a to hold the lock', () => existsSync(log) && readFileSync(log, 'utf8').includes('a in'));
    const b = child(cache, body('b'));
    children.push(b);
    let bErr = '';
    b.stderr!.on('data', (d) => (bErr += d));
    const rb = finish(b);
    await until('b to say it waits', () => /waiting for it to finish/.test(bErr));
    assert.equal(readFileSync(log, 'utf8'), 'a in\n', 'b went in while a held the lock');
    writeFileSync(go, '');
    const [da, db] = await Promise.all([ra, rb]);
    assert.equal(da.code, 0, da.err);
    assert.equal(db.code, 0, db.err);
    assert.equal(readFileSync(log, 'utf8'), 'a in\na out\nb in\nb out\n');
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(cache, { recursive: true, force: true });
  }
});
