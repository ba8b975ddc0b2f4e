// The mutation check (issue 18): breaks one thing at a time in a COPY of the tree, runs the test
// files that cover it, and reports which breaks the suite noticed (killed) and which it did not
// (survived). The source tree itself is never written: an interrupted run leaves src/ as it was.
//
//   npm run mutants                     the issue's table, then a generated set (a sample per file)
//   npm run mutants -- --table          the table only (--no-table: the generated set only)
//   npm run mutants -- --files=TEXT     generated mutants only of the source files whose path has TEXT
//   npm run mutants -- --all            every generated mutant, not a sample
//   npm run mutants -- --per-file=N     N generated mutants per file (default: each file's `sample`)
//   npm run mutants -- --only=A,B       the mutants whose id contains A or B
//   npm run mutants -- --list           list the mutants, run nothing
//   npm run mutants -- --check          run nothing: exit 1 if a mutant is stale or a covering test file is gone
//
// Each mutant is an exact text and its replacement in one file; a mutant whose text is not found
// exactly once is reported as "stale" (the source moved on: update the table). The generated set
// applies operator rules line by line to the debug controller, the history and the what-if
// branch (Run.write/branch), the snapshot builder and the language features. The report goes to
// stdout and test-results/mutants.md; the exit code is 1 when a mutant of the table survives or
// is stale, or the unmutated tests fail.

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name, dflt) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const PER_FILE = flag('all') ? Infinity : option('per-file') ? Number(option('per-file')) : undefined;
const TIMEOUT_MS = Number(option('timeout', '240')) * 1000;
const ONLY = option('only', '');
/** only generated mutants of source files whose path contains this */
const FILES = option('files', '');

// ---- which tests cover what ----
// A list of test files per source file; `file@pattern` runs that file on its own with
// --test-name-pattern=pattern.

/** The language features' tests through VS Code's API, and the unit tests that import `file` or a module importing it. */
function languageTests(file) {
  const dir = join(root, 'src/language');
  const name = (f) => f.replace(/^.*\//, '').replace(/\.ts$/, '');
  const importers = (m) => readdirSync(dir).filter((f) => f.endsWith('.ts') && new RegExp(`from '\\./${m}'`).test(readFileSync(join(dir, f), 'utf8'))).map(name);
  const near = new Set([name(file), ...importers(name(file))]);
  const unit = readdirSync(dir).filter((f) => f.endsWith('.test.ts') && [...near].some((m) => f === `${m}.test.ts` || new RegExp(`from '\\./${m}'`).test(readFileSync(join(dir, f), 'utf8'))));
  return ['test/language-features.test.ts', ...unit.sort().map((f) => `src/language/${f}`)];
}
const DEBUG = ['test/debug/session.test.ts', 'test/debug/history.test.ts', 'test/debug/stepping.test.ts'];
const TESTS = {
  'src/debug/control.ts': DEBUG,
  'src/engine/history.ts': ['src/engine/fastpath.test.ts', ...DEBUG],
  'src/engine/inspect.ts': DEBUG,
  'src/engine/release/run.ts': ['src/engine/release/run.test.ts', 'src/engine/hits.test.ts', 'test/examples.test.ts', ...DEBUG],
  'src/debug/releaseSnapshot.ts': ['src/debug/releaseSnapshot.test.ts', 'src/common/check.test.ts', 'test/debug/history.test.ts', 'test/panel/panel.test.ts@written by|writer|segments|timers|CLOSE_WAIT|two sockets'],
  // the Chromium tests that read the snapshot's data (the rest only paint it): a whole panel run takes minutes on a busy machine
  'src/debug/snapshot.ts': ['src/common/check.test.ts', 'test/debug/history.test.ts', 'test/panel/panel.test.ts@written by|writer|segments|timers|CLOSE_WAIT|two sockets'],
  'src/language/': languageTests,
};
function testsFor(file) {
  const key = Object.keys(TESTS).find((k) => (k.endsWith('/') ? file.startsWith(k) : file === k));
  if (!key) throw new Error(`no tests are named for ${file}: add it to TESTS in scripts/mutants.mjs`);
  return typeof TESTS[key] === 'function' ? TESTS[key](file) : TESTS[key];
}

// ---- the issue's table: each break, as an exact text and its replacement ----

const TABLE = [
  { id: 'table: hit condition % N always true', file: 'src/debug/control.ts', from: 'return count % h.n === 0;', to: 'return true;' },
  { id: 'table: hit condition >= N made > N+5', file: 'src/debug/control.ts', from: 'return count >= h.n;', to: 'return count > h.n + 5;' },
  { id: 'table: ReleaseRun.whatIf without this.branch()', file: 'src/engine/release/run.ts', from: '  whatIf(change: () => void): ReleaseStop {\n    this.branch();\n', to: '  whatIf(change: () => void): ReleaseStop {\n' },
  { id: "table: diagnostics' onDidChangeTextDocument a no-op", file: 'src/language/diagnostics.ts', from: 'vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),', to: 'vscode.workspace.onDidChangeTextDocument(() => undefined),' },
  { id: 'table: timer "time left" off by one', file: 'src/engine/inspect.ts', from: 'const left = (t.expires - now) | 0;', to: 'const left = (t.expires - now + 1) | 0;' },
  // the three below break the release's code, which the debugger runs by default (F5, the panel, the CLI)
  { id: "table: every recorded segment's win 12345", file: 'src/engine/release/run.ts', from: 'len: d.len, win: d.win, mss: d.mss, dropped: 0, wire: w };', to: 'len: d.len, win: 12345, mss: d.mss, dropped: 0, wire: w };' },
  { id: 'table: field writers one stop early', file: 'src/debug/releaseSnapshot.ts', from: 'return s.fn && s.loc ? { stop: lo, fn: s.fn.name', to: 'return s.fn && s.loc ? { stop: Math.max(0, lo - 1), fn: s.fn.name' },
  { id: 'table: segment list not undone on step back', file: 'src/engine/release/run.ts', from: 'H.push(this.segs, rec);', to: 'this.segs.push(rec);' },
];

// ---- the generated set ----

/** Where generated mutants go: whole files, or a part of one (from a line containing `start` to one containing `end`). */
// `sample`: how many of a file's mutants a default run takes (evenly spread over the file); the
// history's tests include the fast path's, which take a minute and more on a busy machine.
const GENERATED = [
  { file: 'src/debug/control.ts', sample: 10 },
  { file: 'src/engine/history.ts', sample: 4 },
  { file: 'src/engine/release/run.ts', start: '  backward(): ReleaseStop {', end: '  /** The scenario', sample: 4 },
  { file: 'src/debug/snapshot.ts', sample: 5 },
  ...readdirSync(join(root, 'src/language'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !['index.ts', 'ids.ts', 'l10nKeys.ts'].includes(f))
    .sort()
    .map((f) => ({ file: `src/language/${f}`, sample: 2 })),
];

/** Operator rules: each match on a line is one mutant. */
const RULES = [
  { name: '=== → !==', re: / === /g, to: ' !== ' },
  { name: '!== → ===', re: / !== /g, to: ' === ' },
  { name: '< → <=', re: / < (?!-)/g, to: ' <= ' },
  { name: '<= → <', re: / <= /g, to: ' < ' },
  { name: '> → >=', re: / > /g, to: ' >= ' },
  { name: '>= → >', re: / >= /g, to: ' > ' },
  { name: '&& → ||', re: / && /g, to: ' || ' },
  { name: '|| → &&', re: / \|\| /g, to: ' && ' },
  { name: '+ 1 → - 1', re: / \+ 1\b/g, to: ' - 1' },
  { name: '- 1 → + 1', re: / - 1\b/g, to: ' + 1' },
  { name: '++ → --', re: /(\w)\+\+/g, to: '$1--' },
  { name: 'true → false', re: /\btrue\b/g, to: 'false' },
  { name: 'false → true', re: /\bfalse\b/g, to: 'true' },
  { name: 'negate if', re: /\bif \((.+)\) (return|continue|break)\b/g, to: 'if (!($1)) $2' },
];

/** A line that is a whole statement (a call or an assignment), deleted by the 'delete statement' rule. */
const STATEMENT = /^\s+(this\.|[\w.[\]]+\s*(=|\+=|-=|\+\+|\()|[\w.]+\.(push|set|delete|add|clear)\().*;\s*$/;

/**
 * Survivors looked at and found equivalent (no test can tell them apart), keyed by
 * `file rule: the original line, trimmed` so that an edit elsewhere in the file keeps the key.
 */
const EXPLAINED = {
  'src/debug/control.ts true → false: stopOnFailure = true;':
    "equivalent: the session sets stopOnFailure from the exception filters when it makes the controller and on every setExceptionBreakpoints (session.ts), so the field's initial value is never read",
  'src/debug/snapshot.ts <= → <: if (ev.length <= MAX_EVENTS) return ev;':
    'equivalent: with exactly MAX_EVENTS events the window of MAX_EVENTS around the clock is all of them, the same list',
  'src/debug/snapshot.ts delete statement: if (!p) continue;':
    'equivalent: the previous snapshot comes from the same run, whose sockets are all declared before the first stop',
};
const explained = (m) => EXPLAINED[`${m.file} ${m.rule}: ${m.from.trim()}`];

function generated() {
  const out = [];
  for (const g of GENERATED) {
    const text = readFileSync(join(root, g.file), 'utf8');
    const lines = text.split('\n');
    let from = 0;
    let to = lines.length;
    if (g.start) {
      from = lines.findIndex((l) => l.includes(g.start));
      to = lines.findIndex((l, i) => i > from && l.includes(g.end));
      if (from < 0 || to < 0) throw new Error(`${g.file}: the part '${g.start}' … '${g.end}' is not there any more`);
    }
    const here = [];
    for (let i = from; i < to; i++) {
      const line = lines[i];
      const t = line.trim();
      if (!t || t.startsWith('//') || t.startsWith('*') || t.startsWith('/*') || t.startsWith('import ') || t.startsWith('export type') || /^(readonly |private |)?\w+\??: [\w<>[\]|' ]+;$/.test(t)) continue;
      const code = line.replace(/\/\/.*$/, '');
      for (const r of RULES) {
        for (const m of code.matchAll(r.re)) {
          // not inside a string or a template: an even number of quotes before the match
          const before = code.slice(0, m.index);
          if ((before.match(/'/g) ?? []).length % 2 || (before.match(/`/g) ?? []).length % 2) continue;
          const mutated = line.slice(0, m.index) + m[0].replace(new RegExp(r.re.source), r.to) + line.slice(m.index + m[0].length);
          here.push({ file: g.file, line: i + 1, rule: r.name, orig: line, mutated });
        }
      }
      if (STATEMENT.test(code) && !/^\s*(const|let|return|throw)\b/.test(code) && /;\s*$/.test(code) && !code.includes('{')) {
        here.push({ file: g.file, line: i + 1, rule: 'delete statement', orig: line, mutated: line.replace(/\S.*$/, '/* deleted */') });
      }
    }
    // an even sample over the file, the same on every run
    const n = PER_FILE ?? g.sample;
    const step = here.length > n ? here.length / n : 1;
    for (let k = 0, took = 0; k < here.length && took < n; k += step, took++) out.push(here[Math.floor(k)]);
  }
  return out.filter((m) => m.file.includes(FILES)).map((m) => ({
    id: `${m.file}:${m.line} ${m.rule}`,
    file: m.file,
    from: m.orig,
    to: m.mutated,
    wholeLine: true,
    line: m.line,
    rule: m.rule,
  }));
}

// ---- running ----

function copyTree() {
  const base = mkdtempSync(join(tmpdir(), 'tcp-close-mutants-'));
  const tree = join(base, 'tree');
  const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
  for (const f of files) {
    const src = join(root, f);
    if (!existsSync(src)) continue;
    mkdirSync(dirname(join(tree, f)), { recursive: true });
    cpSync(src, join(tree, f));
  }
  symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
  // the project's shared folder sits beside the tree
  if (existsSync(join(root, '..', 'shared'))) symlinkSync(resolve(root, '..', 'shared'), join(base, 'shared'));
  return { base, tree };
}

/** Runs the test files (plain ones together, each `file@pattern` on its own); stops at the first failing run. */
async function runTests(tree, files) {
  const plain = files.filter((f) => !f.includes('@'));
  const runs = [...(plain.length ? [[...plain]] : []), ...files.filter((f) => f.includes('@')).map((f) => [f.slice(0, f.indexOf('@')), `--test-name-pattern=${f.slice(f.indexOf('@') + 1)}`])];
  const total = { ok: true, timedOut: false, seconds: 0, out: '' };
  for (const r of runs) {
    const one = await runOnce(tree, r);
    total.seconds += one.seconds;
    total.out += one.out;
    total.timedOut ||= one.timedOut;
    if (!one.ok) {
      total.ok = false;
      break;
    }
  }
  return total;
}

/** the test run going on (killed with the script) */
let current;

function runOnce(tree, files) {
  return new Promise((done) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=dot', ...files.filter((f) => f.startsWith('--')), ...files.filter((f) => !f.startsWith('--'))], { cwd: tree, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ ok: code === 0 && !timedOut, timedOut, seconds: (Date.now() - t0) / 1000, out });
    });
  });
}

/** The names of the failing tests in a run's output (the dot reporter lists them at the end). */
function failingTests(out) {
  const names = [...out.matchAll(/^\s*✖ (.+?) \(\d/gm)].map((m) => m[1]);
  return [...new Set(names)].slice(0, 3).join('; ');
}

/**
 * `--check`: runs no test, only says whether the check can still run: each mutant's text is found
 * exactly once in its file, and every test file named to cover it exists (npm test runs this, so
 * a moved file or an edited line shows at once, not when someone next runs the mutants).
 */
function check(mutants) {
  const problems = [];
  for (const m of mutants) {
    const text = readFileSync(join(root, m.file), 'utf8');
    const n = m.wholeLine ? (text.split('\n')[m.line - 1] === m.from ? 1 : 0) : text.split(m.from).length - 1;
    if (n !== 1) problems.push(`${m.id}: its text is found ${n} times in ${m.file}`);
    for (const t of testsFor(m.file)) if (!existsSync(join(root, t.split('@')[0]))) problems.push(`${m.id}: the covering test ${t.split('@')[0]} does not exist`);
  }
  for (const p of [...new Set(problems)]) console.log(`[mutants] ${p}`);
  console.log(`[mutants] --check: ${mutants.length} mutants, ${problems.length ? `${new Set(problems).size} problems` : 'every text found once and every covering test present'}`);
  return problems.length ? 1 : 0;
}

async function main() {
  let mutants = flag('table') ? [...TABLE] : flag('no-table') ? generated() : [...TABLE, ...generated()];
  if (ONLY) mutants = mutants.filter((m) => ONLY.split(',').some((o) => m.id.includes(o)));
  if (flag('list')) {
    for (const m of mutants) console.log(`${m.id}\n    - ${m.from.trim()}\n    + ${m.to.trim()}`);
    console.log(`${mutants.length} mutants`);
    return 0;
  }
  if (flag('check')) return check(mutants);
  const { base, tree } = copyTree();
  const cleanup = () => rmSync(base, { recursive: true, force: true });
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      if (current) {
        try {
          process.kill(-current.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      cleanup();
      process.exit(130);
    });
  }
  try {
    console.log(`[mutants] ${mutants.length} mutants, tree copied to ${tree}`);
    // the unmutated tests must pass first, or every mutant would look killed
    const suites = [...new Set(mutants.map((m) => JSON.stringify(testsFor(m.file))))].map((s) => JSON.parse(s));
    for (const s of suites) {
      const r = await runTests(tree, s);
      console.log(`[mutants] baseline ${s.join(' ')}: ${r.ok ? 'pass' : 'FAIL'} (${r.seconds.toFixed(0)} s)`);
      if (!r.ok) {
        console.log(r.out.slice(-4000));
        return 1;
      }
    }
    const results = [];
    for (const m of mutants) {
      const path = join(tree, m.file);
      const original = readFileSync(path, 'utf8');
      let result;
      if (m.wholeLine) {
        const lines = original.split('\n');
        if (lines[m.line - 1] !== m.from) result = { status: 'stale' };
        else {
          lines[m.line - 1] = m.to;
          writeFileSync(path, lines.join('\n'));
        }
      } else {
        const n = original.split(m.from).length - 1;
        if (n !== 1) result = { status: 'stale', detail: `the text is found ${n} times` };
        else writeFileSync(path, original.replace(m.from, () => m.to));
      }
      if (!result) {
        const files = testsFor(m.file);
        try {
          const r = await runTests(tree, files);
          result = { status: r.ok ? 'survived' : r.timedOut ? 'killed (timeout)' : 'killed', seconds: r.seconds, by: r.ok ? '' : failingTests(r.out), files };
        } finally {
          writeFileSync(path, original);
        }
      }
      results.push({ ...m, ...result });
      console.log(`[mutants] ${result.status.padEnd(16)} ${m.id}${result.by ? `  (${result.by})` : ''}${result.seconds ? ` ${result.seconds.toFixed(0)} s` : ''}`);
    }
    const report = [
      '# Mutation check',
      '',
      `${new Date().toISOString()}: ${results.filter((r) => r.status.startsWith('killed')).length} killed, ${results.filter((r) => r.status === 'survived').length} survived, ${results.filter((r) => r.status === 'stale').length} stale of ${results.length}.`,
      '',
      '| mutant | change | result | noticed by |',
      '| --- | --- | --- | --- |',
      ...results.map((r) => `| ${r.id} | \`${r.from.trim().slice(0, 70).replace(/\|/g, '\\|').replace(/\n/g, ' ')}\` → \`${r.to.trim().slice(0, 70).replace(/\|/g, '\\|').replace(/\n/g, ' ')}\` | ${r.status}${r.status === 'survived' && explained(r) ? ` (${explained(r)})` : ''} | ${(r.by ?? '').replace(/\|/g, '\\|')} |`),
      '',
    ].join('\n');
    mkdirSync(join(root, 'test-results'), { recursive: true });
    writeFileSync(join(root, 'test-results', 'mutants.md'), report);
    console.log(`\n${report}`);
    const tableBad = results.filter((r) => r.id.startsWith('table:') && !r.status.startsWith('killed'));
    if (tableBad.length) console.log(`[mutants] the table is not fully killed: ${tableBad.map((r) => `${r.id} (${r.status})`).join(', ')}`);
    return tableBad.length ? 1 : 0;
  } finally {
    cleanup();
  }
}

process.exitCode = await main();
