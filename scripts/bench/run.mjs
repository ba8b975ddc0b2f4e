// `npm run bench`: builds what it needs (the minified bundles and the VSIX through `npm run
// package`, a bundle of scripts/bench/engine.ts, the gcc drivers), runs every benchmark, prints
// each figure and writes BENCHMARKS.md with the machine it ran on. Benchmarks print; they never
// fail on a number (the exit status is non-zero only when a benchmark could not run at all).
//
//   node scripts/bench/run.mjs [--quick]     --quick: smaller sizes, for a smoke run

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const quick = process.argv.includes('--quick');
// --only 9 (or --only 1,11): run those sections alone and replace their parts of BENCHMARKS.md and
// their rows of the summary (the rest is kept)
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const onlyList = only ? only.split(',') : [];
const wants = (n) => !only || onlyList.includes(n);
// --before DIR (or BENCH_BEFORE=DIR): a clone of an earlier commit, built (dist/), measured in section 9 too
const beforeDir = process.argv.includes('--before') ? process.argv[process.argv.indexOf('--before') + 1] : process.env.BENCH_BEFORE;
const tmp = mkdtempSync(join(tmpdir(), 'tcp-bench-'));
// the engine bundle lives inside the package (it finds the wasm files and the kernel from there)
const benchDir = join(root, 'node_modules', '.cache', 'tcp-close-debugger-bench');
mkdirSync(benchDir, { recursive: true });
// The reduced port's engine (src/engine/run.ts, compile.ts, world.ts; src/kernel/tcp.c) was removed
// after this commit of main. Sections 1-7 and 9 measure it as they did (scripts/bench/engine.ts,
// sockets.ts, native.c, the differential harness): from a copy of that commit, taken here with
// `git archive` into a temporary folder, its node_modules this tree's, built there (dist/).
// Sections 8, 10 and 11 measure this tree.
const OLD_ENGINE_COMMIT = '4987072b08ba0828ddf474e972e92b0b4d98adbd';
const OLD_SECTIONS = ['1', '2', '3', '4', '5', '6', '7', '9'];
let oldTreeDir;
/** The pinned commit's tree (made once): where the old engine's drivers are built and run. */
function oldTree() {
  if (oldTreeDir) return oldTreeDir;
  const dir = join(tmp, 'old-engine');
  mkdirSync(dir, { recursive: true });
  const a = spawnSync('sh', ['-c', `git -C "${root}" archive ${OLD_ENGINE_COMMIT} | tar -x -C "${dir}"`], { encoding: 'utf8' });
  if (a.status !== 0) throw new Error(`git archive ${OLD_ENGINE_COMMIT} failed (a checkout with that commit is needed): ${a.stderr}`);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  const b = spawnSync(process.execPath, [join(dir, 'scripts', 'build.mjs')], { cwd: dir, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`building ${OLD_ENGINE_COMMIT} failed: ${b.stderr}`);
  mkdirSync(join(dir, '.bench'), { recursive: true });
  return (oldTreeDir = dir);
}
const started = Date.now();
const R = {}; // every figure, for BENCHMARKS.md
const problems = [];

const say = (s) => console.log(s);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN;
};
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
};
const spread = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), p10: quantile(xs, 0.1), p90: quantile(xs, 0.9), n: xs.length });
const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const M = (x) => f(x / 1e6, 2);

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

/** Runs one measurement of the engine bundle in a fresh process; returns its JSON line. */
function engine(args, nodeFlags = []) {
  const r = sh(process.execPath, [...nodeFlags, join(oldTree(), '.bench', 'engine.js'), ...args], { env: { ...process.env, BENCH_ROOT: oldTree() } });
  const last = r.stdout.trim().split('\n').pop();
  if (r.status !== 0 || !last) throw new Error(`engine ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(last);
}

function section(name, fn) {
  if (only && !onlyList.some((o) => name.startsWith(`${o}.`))) return;
  const t = Date.now();
  say(`\n== ${name}`);
  try {
    fn();
  } catch (e) {
    problems.push(`${name}: ${e.message.split('\n')[0]}`);
    say(`   could not run: ${e.message}`);
  }
  say(`   (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}

// ---- the machine ----

function machine() {
  let model = 'unknown';
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    model = cpus()[0]?.model ?? model;
  }
  return { model, cores: cpus().length, node: process.version, date: new Date().toISOString(), memGB: totalmem() / 2 ** 30, load: loadavg() };
}
/** The share of CPU time other processes used over `ms` (from /proc/stat), or undefined. */
function busyShare(ms) {
  const read = () => {
    const l = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { idle: l[3] + (l[4] ?? 0), total: l.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = read();
    spawnSync(process.execPath, ['-e', `setTimeout(() => {}, ${ms})`]);
    const b = read();
    return 1 - (b.idle - a.idle) / (b.total - a.total);
  } catch {
    return undefined;
  }
}

R.machine = machine();
R.machine.busyBefore = busyShare(2000);
say(`tcp-close-debugger benchmarks: ${R.machine.model}, ${R.machine.cores} cores, Node ${R.machine.node}, load ${R.machine.load.map((x) => x.toFixed(2)).join(' ')}, other processes ${f(100 * (R.machine.busyBefore ?? NaN), 0)} % CPU`);

// ---- building ----

section('build (npm run package: minified bundles and the VSIX; the bench bundle; gcc)', () => {
  const p = sh(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'package']);
  if (p.status !== 0 || !existsSync(join(root, 'tcp-close-debugger.vsix'))) {
    problems.push(`npm run package failed: ${(p.stderr || p.stdout).trim().split('\n').slice(-3).join(' ')}`);
    const b = sh(process.execPath, [join(root, 'scripts', 'build.mjs')]);
    if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  } else {
    R.vsixBytes = statSync(join(root, 'tcp-close-debugger.vsix')).size;
    say(`   VSIX: ${(R.vsixBytes / 1024).toFixed(0)} KiB`);
  }
});
/** A Node bundle of a benchmark driver (import.meta.url kept working for the wasm loader). */
const bundle = (entry, outfile) =>
  build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    define: { 'import.meta.url': '__importMetaUrl' },
    banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  });
// the old engine's driver, bundled in the pinned commit's tree (it finds that tree's kernel and wasm from there)
if (!only || onlyList.some((o) => OLD_SECTIONS.includes(o))) await bundle(join(oldTree(), 'scripts', 'bench', 'engine.ts'), join(oldTree(), '.bench', 'engine.js'));

const gccBins = {};
section('gcc: scripts/bench/native.c at -O0 and -O2', () => {
  for (const o of ['O0', 'O2']) {
    const out = join(tmp, `native-${o}`);
    // as test/differential/build.sh: i386 where it runs, else 64-bit with long as int (-no-pie)
    let r = sh('gcc', ['-m32', `-${o}`, '-w', '-o', out, 'scripts/bench/native.c'], { cwd: oldTree() });
    let mode = 'i386 (-m32)';
    if (r.status !== 0 || sh(out, ['1'], { input: '' }).status !== 0) {
      r = sh('gcc', [`-${o}`, '-w', '-no-pie', '-o', out, 'scripts/bench/native.c'], { cwd: oldTree() });
      mode = 'x86-64 (long as int, -no-pie)';
    }
    if (r.status !== 0) throw new Error(`gcc -${o} failed: ${r.stderr}`);
    gccBins[o] = out;
    R.gccMode = mode;
    R.gccVersion = sh('gcc', ['-dumpfullversion']).stdout.trim();
  }
  say(`   gcc ${R.gccVersion}, ${R.gccMode}`);
});

// ---- 1. throughput ----

const PAIRS = quick ? 1000 : 10_000;
section(`1. interpreter throughput: ${PAIRS} socket pairs, full four-way close each (run.runFast)`, () => {
  R.throughput = { pairs: PAIRS };
  const runs = quick ? 1 : 3;
  for (const h of ['on', 'off']) {
    const xs = [];
    for (let i = 0; i < runs; i++) xs.push(engine(['throughput', String(PAIRS), h], ['--max-old-space-size=8192']));
    const per = xs.map((x) => x.perSec);
    R.throughput[h] = { ...spread(per), statements: xs[0].statements, stops: xs[0].stops, ms: spread(xs.map((x) => x.ms)), cpuMs: spread(xs.map((x) => x.cpuMs)), setupMs: spread(xs.map((x) => x.setupMs)), writes: xs[0].writes, heapMB: xs[0].heapMB };
    say(`   history ${h.padEnd(3)}: ${M(R.throughput[h].median)} M statements/s (min ${M(R.throughput[h].min)}, max ${M(R.throughput[h].max)}; ${runs} runs) — ${xs[0].statements} statements, ${xs[0].stops} stops in ${f(median(xs.map((x) => x.ms)), 0)} ms (setup ${f(median(xs.map((x) => x.setupMs)), 0)} ms)`);
  }
  // where the time goes: a CPU profile of a shorter run with history on
  const dir = join(tmp, 'prof');
  sh(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, join(oldTree(), '.bench', 'engine.js'), 'throughput', String(Math.min(PAIRS, 2000)), 'on'], { env: { ...process.env, BENCH_ROOT: oldTree() } });
  R.throughput.profile = topOfProfile(dir, 10, ['runFast']);
  say(`   profile (history on, self time inside runFast's subtree): ${R.throughput.profile.map((p) => `${p.name} ${f(p.pct, 1)}%`).join(', ')}`);
});

/** Self time by function in the subtree under the function named `under` (else the whole profile). */
function topOfProfile(dir, n, under) {
  const files = readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'));
  const file = files.map((x) => [x, statSync(join(dir, x)).size]).sort((a, b) => b[1] - a[1])[0][0];
  const p = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const parent = new Map();
  for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const inside = (id) => {
    for (let k = id; k !== undefined; k = parent.get(k)) if (under.includes(byId.get(k).callFrame.functionName)) return true;
    return false;
  };
  const self = new Map();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i];
    const node = byId.get(id);
    const isGc = node.callFrame.functionName === '(garbage collector)';
    if (!isGc && !inside(id)) continue;
    const cf = node.callFrame;
    const key = isGc ? '(garbage collection)' : `${cf.functionName || '(anonymous)'}`;
    const dt = p.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  rmSync(dir, { recursive: true, force: true });
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, t]) => ({ name, pct: (100 * t) / total, ms: t / 1000 }));
}

// ---- 2. native ----

section('2. the same calls natively (gcc -O0, -O2) and interpreted: the differential cases', () => {
  const rounds = quick ? 200 : 2000;
  const cases = readFileSync(join(oldTree(), 'test', 'differential', 'cases.txt'), 'utf8');
  R.native = {};
  for (const o of ['O0', 'O2']) {
    const r = sh(gccBins[o], [String(rounds)], { input: cases });
    if (r.status !== 0) throw new Error(`native-${o} failed: ${r.stderr}`);
    const [withCall, restoreOnly] = r.stdout.trim().split('\n').map((l) => l.split(' ').slice(2).map(Number).slice(Math.floor(rounds / 10)));
    const calls = withCall.map((x, i) => x - restoreOnly[i]);
    R.native[o] = { roundNs: spread(withCall), restoreNs: spread(restoreOnly), callNs: median(withCall) - median(restoreOnly), cases: Number(r.stdout.split(' ')[1]) };
    say(`   gcc -${o}: ${f(R.native[o].callNs / 1000, 2)} µs per round of ${R.native[o].cases} calls (round ${f(R.native[o].roundNs.median / 1000, 2)} µs, p10–p90 ${f(R.native[o].roundNs.p10 / 1000, 2)}–${f(R.native[o].roundNs.p90 / 1000, 2)}; restoring the states alone ${f(R.native[o].restoreNs.median / 1000, 2)} µs)`);
    void calls;
  }
  const iRounds = quick ? 30 : 100;
  R.interp = {};
  for (const h of ['on', 'off']) {
    const x = engine(['calls', String(iRounds), h]);
    const warm = Math.floor(iRounds / 5);
    const callsMs = x.callsPerRoundMs.slice(warm);
    R.interp[h] = { callMs: spread(callsMs), roundMs: spread(x.perRoundMs.slice(warm)), statementsPerRound: x.statements / x.rounds };
    say(`   interpreter, history ${h}: ${f(R.interp[h].callMs.median * 1000, 0)} µs per round of calls (p10–p90 ${f(R.interp[h].callMs.p10 * 1000, 0)}–${f(R.interp[h].callMs.p90 * 1000, 0)}; ${R.interp[h].statementsPerRound} statements, a stop recorded at each) — building the socks adds ${f((R.interp[h].roundMs.median - R.interp[h].callMs.median) * 1000, 0)} µs`);
  }
  R.ratio = {
    O0: (R.interp.on.callMs.median * 1e6) / R.native.O0.callNs,
    O2: (R.interp.on.callMs.median * 1e6) / R.native.O2.callNs,
    O0off: (R.interp.off.callMs.median * 1e6) / R.native.O0.callNs,
  };
  say(`   ratio interpreter/native: ${f(R.ratio.O0, 0)}× -O0, ${f(R.ratio.O2, 0)}× -O2 (history on); ${f(R.ratio.O0off, 0)}× -O0 with history off`);
});

// ---- 3. JSCPP ----

section('3. the peer: JSCPP', () => {
  const x = engine(['jscpp']);
  R.jscpp = x;
  for (const r of x.results) say(`   ${r.name}: ${r.ok ? `runs (${f(r.ms, 0)} ms)` : `refused: ${r.error}`}`);
  const peer = x.results[x.results.length - 1];
  if (peer.ok) {
    R.jscpp.ratio = peer.ms / x.ours.ms;
    say(`   ${x.N} calls of tcp_close_state: JSCPP ${f(peer.ms, 0)} ms (int state, no struct), ours ${f(x.ours.ms, 0)} ms (the real function on a struct sock, a stop per statement): JSCPP/ours = ${f(R.jscpp.ratio, 1)}× (same result: ${x.peerSum === x.ours.sum})`);
  }
});

// ---- 4 & 5 over DAP ----

const LONG_ROUNDS = quick ? 1500 : 14_000;
section('4/5. DAP over stdio (dist/adapter.js): next latency; stepBack and gotoStop at depth', () => {
  const long = join(tmp, 'long.tcpscenario');
  const { breakLine } = engine(['long-scenario', String(LONG_ROUNDS), long]);
  const r = sh(process.execPath, [join(root, 'scripts', 'bench', 'dap.mjs'), oldTree(), join(oldTree(), 'examples', 'four-way.tcpscenario'), long, String(breakLine)], { timeout: 400_000, env: { ...process.env, BENCH_DAP_DEPTHS: quick ? '10,10000,100000' : '10,10000,1000000' } });
  const last = r.stdout.trim().split('\n').pop();
  if (r.status !== 0 || !last) throw new Error(`dap.mjs failed (${r.status}): ${r.stderr.slice(-1500)}`);
  const x = JSON.parse(last);
  R.dap = { step: spread(x.stepMs), recordMs: x.recordMs, depths: x.depths.map((d) => ({ depth: d.depth, back: spread(d.stepBackMs), jump: spread(d.gotoStopMs) })) };
  say(`   next -> stopped + stackTrace + scopes + variables: median ${f(R.dap.step.median)} ms (p10–p90 ${f(R.dap.step.p10)}–${f(R.dap.step.p90)}, n=${R.dap.step.n}; four-way.tcpscenario)`);
  say(`   recording the long two-socket run (continue to a breakpoint): ${f(x.recordMs / 1000, 1)} s`);
  for (const d of R.dap.depths) say(`   at stop ${d.depth}: stepBack ${f(d.back.median)} ms (max ${f(d.back.max)}), gotoStop to an earlier stop ${f(d.jump.median)} ms (max ${f(d.jump.max)})`);
});

section('5. in process: run.backward() and run.goto(n) at depth', () => {
  const x = engine(['depth'], ['--max-old-space-size=8192']);
  R.depth = x.depths.map((d) => ({ depth: d.depth, back: spread(d.stepBackMs), jump: spread(d.gotoMs), far: spread(d.gotoFarMs), ret: spread(d.gotoEndMs), writes: d.span }));
  for (const d of R.depth) say(`   at stop ${d.depth} (log of ${d.writes} writes): backward ${f(d.back.median, 4)} ms; goto(random earlier) ${f(d.jump.median, 3)} ms (max ${f(d.jump.max, 3)}); goto(0) ${f(d.far.median, 3)} ms (max ${f(d.far.max, 3)})`);
});

// ---- 6. memory ----

section('6. history memory at 1,000,000 recorded steps', () => {
  const xs = [];
  for (let i = 0; i < (quick ? 1 : 3); i++) xs.push(engine(['memory'], ['--expose-gc', '--max-old-space-size=8192']));
  R.memory = { perStep: spread(xs.map((x) => x.perStep)), heapPerStep: median(xs.map((x) => x.heapPerStep)), bufferPerStep: median(xs.map((x) => x.bufferPerStep)), writesPerStep: xs[0].writes / xs[0].steps };
  say(`   ${f(R.memory.perStep.median, 1)} bytes per step (min ${f(R.memory.perStep.min, 1)}, max ${f(R.memory.perStep.max, 1)}): ${f(R.memory.heapPerStep, 1)} on the JS heap + ${f(R.memory.bufferPerStep, 1)} in typed arrays; ${f(R.memory.writesPerStep, 2)} writes per step`);
});

// ---- 7. start-up ----

section('7. start-up: activate(), first launch, VSIX', () => {
  const a = [];
  const l = [];
  for (let i = 0; i < 7; i++) a.push(engine(['activate']));
  for (let i = 0; i < 5; i++) l.push(engine(['first-launch']));
  R.activate = { activate: spread(a.map((x) => x.activateMs)), require: spread(a.map((x) => x.requireMs)) };
  R.firstLaunch = spread(l.map((x) => x.ms));
  say(`   require(dist/extension.js) ${f(R.activate.require.median)} ms + activate(ctx) ${f(R.activate.activate.median)} ms (median of 7 fresh processes; max ${f(R.activate.require.max)} + ${f(R.activate.activate.max)})`);
  say(`   first loadRun (wasm load + parse + compile of tcp.c + scenario): ${f(R.firstLaunch.median, 0)} ms (min ${f(R.firstLaunch.min, 0)}, max ${f(R.firstLaunch.max, 0)}; 5 fresh processes)`);
  if (R.vsixBytes) say(`   VSIX ${(R.vsixBytes / 1024).toFixed(0)} KiB`);
});

// ---- 10. the C front end ----

/** the commit whose src/engine/front/ is measured as "before" in section 10 (before the loader, its session cache and tree reuse) */
const FRONT_BEFORE = '03b4416';
if (wants('10')) {
  await bundle(join(root, 'scripts', 'bench', 'front.ts'), join(benchDir, 'front.js'));
  await bundle(join(root, 'scripts', 'bench', 'front-before.ts'), join(benchDir, 'front-before.js'));
}

section('10. C front end: preprocess and parse the release\'s seven files (scripts/bench/front.ts)', () => {
  const PROCS = quick ? 2 : 5;
  const drive = (file, args) => {
    const r = sh(process.execPath, [join(benchDir, file), ...args], { timeout: 300_000 });
    const last = r.stdout.trim().split('\n').pop();
    if (r.status !== 0 || !last) throw new Error(`${file} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-800)}`);
    return JSON.parse(last);
  };
  const summarise = (runs) => ({
    wasm: spread(runs.map((x) => x.wasmCpuMs)),
    cold: { pp: spread(runs.map((x) => x.cold.preprocessMs)), parse: spread(runs.map((x) => x.cold.parseMs)), cpu: spread(runs.map((x) => x.cold.cpuMs)), wall: spread(runs.map((x) => x.cold.totalMs)) },
    warm: { pp: spread(runs.flatMap((x) => x.warm.map((w) => w.preprocessMs))), parse: spread(runs.flatMap((x) => x.warm.map((w) => w.parseMs))), wall: spread(runs.flatMap((x) => x.warm.map((w) => w.totalMs))) },
    chars: runs[0].cold.chars,
    reused: runs[0].cold.reused,
  });
  R.front = { procs: PROCS, rows: {} };
  // before: the old front files, taken from git and bundled beside the driver
  const old = join(tmp, 'front-before');
  mkdirSync(old, { recursive: true });
  let haveBefore = true;
  for (const f of ['lex.ts', 'preprocess.ts', 'ifexpr.ts', 'sourcemap.ts', 'escape.ts']) {
    const g = sh('git', ['show', `${FRONT_BEFORE}:src/engine/front/${f}`]);
    if (g.status !== 0) haveBefore = false;
    else writeFileSync(join(old, f), g.stdout);
  }
  const order = [['separate', 'each file alone, parsed afresh'], ['session', 'the loader: one session, trees reused']];
  if (haveBefore) {
    const b = sh(process.execPath, ['-e', `require('esbuild').buildSync({ entryPoints: [${JSON.stringify(join(old, 'preprocess.ts'))}], outfile: ${JSON.stringify(join(old, 'preprocess.js'))}, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' })`]);
    if (b.status !== 0) haveBefore = false;
  }
  for (let i = 0; i < PROCS; i++) {
    if (haveBefore) (R.front.rows.before ??= []).push(drive('front-before.js', [old, '5']));
    for (const [mode] of order) (R.front.rows[mode] ??= []).push(drive('front.js', [mode, '5']));
  }
  for (const k of Object.keys(R.front.rows)) R.front.rows[k] = summarise(R.front.rows[k]);
  R.front.before = haveBefore ? FRONT_BEFORE : undefined;
  for (const [k, x] of Object.entries(R.front.rows)) say(`   ${k.padEnd(8)} cold: preprocess ${f(x.cold.pp.median, 0)} ms + parse ${f(x.cold.parse.median, 0)} ms CPU (whole load ${f(x.cold.wall.median, 0)} ms wall); warm: ${f(x.warm.pp.median, 0)} + ${f(x.warm.parse.median, 0)} ms CPU`);
});

// ---- 11. the release engine ----

// a bundle as the extension's are built (esbuild inlines the engine's const enums: under tsx each
// `Op.STMT` in the machine's loop would be a module getter call); the test harness it shares finds
// its files from its own folder, so each test file's __dirname is its real one
await build({
  entryPoints: [join(root, 'scripts', 'bench', 'release.ts')],
  outfile: join(benchDir, 'release.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  plugins: [
    {
      name: 'real-dirname',
      setup(b) {
        b.onLoad({ filter: /[\\/]test[\\/].*\.ts$/ }, (args) => ({ contents: readFileSync(args.path, 'utf8').replace(/\b__dirname\b/g, JSON.stringify(dirname(args.path))), loader: 'ts' }));
      },
    },
  ],
});

// --release-before FILE: a bundle of scripts/bench/release.ts built in a clone of an earlier commit, measured beside this tree's in section 11
const releaseBefore = process.argv.includes('--release-before') ? process.argv[process.argv.indexOf('--release-before') + 1] : undefined;

/** Runs scripts/bench/release.ts's bundle in a fresh process (`env`: more variables, BENCH_PP_CACHE; `bundle`: another build of it). */
function release(args, nodeFlags = [], env = {}, bundle = join(benchDir, 'release.js')) {
  const r = sh(process.execPath, [...nodeFlags, bundle, ...args], { env: { ...process.env, BENCH_ROOT: root, ...env }, timeout: 900_000 });
  const last = r.stdout.trim().split('\n').pop();
  if (r.status !== 0 || !last) throw new Error(`release ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(last);
}

const REPEATS = quick ? 2 : 10;
// about 187 stops a segment of the long run on the release: 56,000 segments, about 10.5 M stops,
// reach the depth 10^7 (the machine layer's kmalloc, src/kernel/machine/kmalloc.c, reuses each
// freed skb's block; when it did not, its 4 MiB arena was full after about 30,800 segments)
const RELEASE_LONG_ROUNDS = quick ? 1500 : 56_000;
section(`11. the release engine: first launch, the differential cases ${REPEATS} times through the driver's main (scripts/bench/release.ts)`, () => {
  const procs = quick ? 1 : 3;
  const launches = [];
  const cached = [];
  for (let i = 0; i < procs; i++) {
    launches.push(release(['launch', '3']));
    // a fresh process whose preprocessed units are in the persistent cache (filled by the process before it)
    const dir = join(tmp, `pp-cache-${i}`);
    release(['launch', '0'], [], { BENCH_PP_CACHE: dir });
    cached.push(release(['launch', '0'], [], { BENCH_PP_CACHE: dir }).cold);
    rmSync(dir, { recursive: true, force: true });
  }
  const pick = (xs, k) => spread(xs.map((x) => x[k]));
  const cold = launches.map((x) => x.cold);
  const warm = launches.flatMap((x) => x.warm);
  const keys = ['preprocessMs', 'parseMs', 'declareMs', 'globalsMs', 'firstCallMs', 'launchMs', 'fieldsMs', 'newRunMs'];
  R.release = { procs, repeats: REPEATS, cold: {}, warm: {}, cached: {}, cacheHits: cached[0].cacheHits, cacheUnits: cached[0].cacheHits + cached[0].cacheMisses, firstCallStatements: cold[0].firstCallStatements };
  for (const k of keys) {
    R.release.cold[k] = pick(cold, k);
    R.release.warm[k] = pick(warm, k);
    R.release.cached[k] = pick(cached, k);
  }
  // the product's launch (src/host/load.ts's image): no cache, then a fresh process on the disk cache the one before it filled
  R.release.image = { cold: [], cached: [] };
  for (let i = 0; i < procs; i++) {
    const dir = join(tmp, `disk-cache-${i}`);
    R.release.image.cold.push(release(['image']));
    release(['image'], [], { BENCH_PP_CACHE: dir });
    R.release.image.cached.push(release(['image'], [], { BENCH_PP_CACHE: dir }));
    rmSync(dir, { recursive: true, force: true });
  }
  for (const w of ['cold', 'cached']) {
    const xs = R.release.image[w];
    R.release.image[w] = { hits: xs[0].cacheHits, units: xs[0].cacheHits + xs[0].cacheMisses, firstStop: xs[0].firstStop, declHits: xs[0].declHits ?? 0, definitionsParsed: xs[0].definitionsParsed ?? 0, definitionsCached: xs[0].definitionsCached ?? 0 };
    for (const k of ['launchMs', 'wasmMs', 'preprocessMs', 'parseMs', 'declareMs', 'globalsMs', 'firstStopMs', 'cpuMs', 'definitionsMs']) R.release.image[w][k] = pick(xs, k);
    const x = R.release.image[w];
    say(`   product launch, ${w === 'cold' ? 'no cache' : 'disk cache'}: ${f(x.launchMs.median, 0)} ms (min ${f(x.launchMs.min, 0)}): wasm ${f(x.wasmMs.median, 0)}, preprocess ${f(x.preprocessMs.median, 0)}, parse ${f(x.parseMs.median, 0)}, declare ${f(x.declareMs.median, 0)}, globals ${f(x.globalsMs.median, 0)}, to the first stop (${x.firstStop}) ${f(x.firstStopMs.median, 0)} ms; ${x.hits} of ${x.units} units from the cache`);
  }
  // DAP next round trips on the release
  {
    const xs = [];
    for (let i = 0; i < procs; i++) xs.push(release(['dap', '5']));
    R.release.dap = { next: spread(xs.flatMap((x) => x.nextMs)), inspect: spread(xs.flatMap((x) => x.inspectMs)), launchMs: spread(xs.map((x) => x.launchMs)) };
    const d = R.release.dap;
    say(`   DAP next on the release: ${f(d.next.median, 3)} ms median (p90 ${f(d.next.p90, 3)}, ${d.next.n} round trips); with stackTrace + scopes + variables ${f(d.inspect.median, 3)} ms`);
  }
  for (const w of ['cold', 'cached', 'warm']) {
    const x = R.release[w];
    say(`   ${w} launch ${f(x.launchMs.median, 0)} ms (min ${f(x.launchMs.min, 0)}, max ${f(x.launchMs.max, 0)}): preprocess ${f(x.preprocessMs.median, 0)}, parse ${f(x.parseMs.median, 0)}, declare + lay out ${f(x.declareMs.median, 0)}, globals ${f(x.globalsMs.median, 0)}, first call ${f(x.firstCallMs.median, 0)} ms (${R.release.firstCallStatements} statements, bodies compiled as reached)`);
  }
  if (releaseBefore) {
    const b = [];
    for (let i = 0; i < procs; i++) b.push(release(['launch', '3'], [], {}, releaseBefore));
    R.release.before = { cold: pick(b.map((x) => x.cold), 'launchMs'), warm: pick(b.flatMap((x) => x.warm), 'launchMs'), parse: pick(b.map((x) => x.cold), 'parseMs'), preprocess: pick(b.map((x) => x.cold), 'preprocessMs') };
    for (const h of ['on', 'off']) {
      const xs = [];
      for (let i = 0; i < procs; i++) xs.push(release(['run', h, String(REPEATS)], ['--expose-gc', '--max-old-space-size=8192'], {}, releaseBefore));
      R.release.before[h] = { ...pick(xs, 'perSecond'), perCpu: pick(xs, 'perCpuSecond') };
      if (h === 'on') R.release.before.bytes = spread(xs.map((x) => x.bytesPerStop.heap + x.bytesPerStop.arrays));
    }
    const x = R.release.before;
    say(`   before (${releaseBefore}): cold launch ${f(x.cold.median, 0)} ms, warm ${f(x.warm.median, 0)} ms; history on ${M(x.on.median)} M statements/s (${M(x.on.perCpu.median)} per CPU s), off ${M(x.off.median)} M (${M(x.off.perCpu.median)}); ${f(x.bytes.median, 1)} B/stop`);
  }
  for (const h of ['on', 'off']) {
    const xs = [];
    for (let i = 0; i < procs; i++) xs.push(release(['run', h, String(REPEATS)], ['--expose-gc', '--max-old-space-size=8192']));
    R.release[h] = { ...pick(xs, 'perSecond'), perCpu: pick(xs, 'perCpuSecond'), statements: xs[0].statements, cases: xs[0].cases, runMs: pick(xs, 'runMs'), cpuMs: pick(xs, 'cpuMs'), stores: xs[0].stores, writes: xs[0].writes };
    if (h === 'on') {
      R.release.bytes = { counted: spread(xs.map((x) => x.bytesPerStop.counted)), heap: spread(xs.map((x) => x.bytesPerStop.heap)), arrays: spread(xs.map((x) => x.bytesPerStop.arrays)) };
      R.release.goto = {
        stops: xs[0].goto.stops,
        random: spread(xs.flatMap((x) => x.goto.random)),
        back: spread(xs.flatMap((x) => x.goto.back)),
        zero: spread(xs.flatMap((x) => x.goto.zero)),
        step: spread(xs.flatMap((x) => x.goto.step)),
        walk: { random: spread(xs.flatMap((x) => x.goto.walk.random)), back: spread(xs.flatMap((x) => x.goto.walk.back)), zero: spread(xs.flatMap((x) => x.goto.walk.zero)) },
        summarizeMs: spread(xs.map((x) => x.goto.summarizeMs)),
      };
    }
    say(`   history ${h.padEnd(3)}: ${M(R.release[h].median)} M statements/s (${M(R.release[h].perCpu.median)} M per CPU second; min ${M(R.release[h].min)}, max ${M(R.release[h].max)}; ${procs} runs) — ${xs[0].statements} statements, ${xs[0].cases} cases in ${f(R.release[h].runMs.median, 0)} ms`);
  }
  const b = R.release.bytes;
  say(`   history: ${f(b.heap.median + b.arrays.median, 1)} B/stop held after gc (${f(b.heap.median, 1)} heap + ${f(b.arrays.median, 1)} typed arrays; the logs' own count ${f(b.counted.median, 1)} B)`);
  const g = R.release.goto;
  say(`   goto over ${g.stops.toLocaleString('en')} stops: random earlier ${f(g.random.median)} ms (max ${f(g.random.max)}), back to the end ${f(g.back.median)} ms, to stop 0 ${f(g.zero.median)} ms (max ${f(g.zero.max)}), one stop back ${f(g.step.median, 3)} ms`);
  // over DAP at depth: this tree's adapter (the release, the default kernel) on the long two-socket run
  {
    const long = join(tmp, 'release-long.tcpscenario');
    const breakLine = writeLongTwoSockets(long, RELEASE_LONG_ROUNDS);
    const depths = quick ? '10,10000,100000' : '10,10000,1000000,10000000';
    const r = sh(process.execPath, [join(root, 'scripts', 'bench', 'dap.mjs'), root, long, long, String(breakLine)], {
      timeout: 900_000,
      env: { ...process.env, BENCH_DAP_DEPTH_ONLY: '1', BENCH_DAP_REVERSE: '1', BENCH_DAP_DEPTHS: depths, BENCH_ADAPTER_FLAGS: '--max-old-space-size=8192' },
    });
    const last = r.stdout.trim().split('\n').pop();
    if (r.status !== 0 || !last) throw new Error(`dap.mjs on the release failed (${r.status}): ${r.stderr.slice(-1500)}`);
    const x = JSON.parse(last);
    R.release.dapDepth = { rounds: RELEASE_LONG_ROUNDS, stops: x.stops, recordMs: x.recordMs, idleMs: x.idleMs, depths: x.depths.map((d) => ({ depth: d.depth, back: spread(d.stepBackMs), jump: spread(d.gotoStopMs), reverse: spread(d.reverseContinueMs) })) };
    say(`   DAP on the release, the long run (${x.stops.toLocaleString('en')} stops) recorded by continue in ${f(x.recordMs / 1000, 1)} s:`);
    for (const d of R.release.dapDepth.depths) say(`     at stop ${d.depth}: stepBack ${f(d.back.median)} ms (max ${f(d.back.max)}), gotoStop earlier ${f(d.jump.median)} ms (max ${f(d.jump.max)}), reverseContinue to the first stop ${f(d.reverse.median)} ms (max ${f(d.reverse.max)})`);
  }
});

/** The DAP depth benchmark's scenario: two established sockets, `rounds` segments from the peer 10 ms apart, then a FIN and a close; returns the FIN's line (the breakpoint). */
function writeLongTwoSockets(file, rounds) {
  const L = ['# generated: a long run on two sockets', 'socket client TCP_ESTABLISHED write_seq=1000', 'socket server TCP_ESTABLISHED write_seq=5000'];
  for (let i = 0; i < rounds; i++) L.push(`${i === 0 ? '0' : '+10ms'} server < . seq=1000 ack=5000`);
  L.push('+1s client < F. seq=5000 ack=1000', '+0 client close', '+10ms client < . seq=5001 ack=1001');
  writeFileSync(file, L.join('\n') + '\n');
  return L.findIndex((l) => l.startsWith('+1s client < F.')) + 1;
}

// ---- 9. socket counts ----

/** Bundles scripts/bench/sockets.ts of the tree at `dir` into `out` (a wrapper requires it, so the CLI's main guard stays off). */
async function socketsBundle(dir, out) {
  mkdirSync(out, { recursive: true });
  await bundle(join(dir, 'scripts', 'bench', 'sockets.ts'), join(out, 'sockets.js'));
  writeFileSync(join(out, 'main.js'), "require('./sockets.js');\n");
  return join(out, 'main.js');
}

const SOCKETS = [10, 100, 1000];
const ACTIVE_PAIRS = 2;
if (wants('9')) {
  if (only) {
    const b = sh(process.execPath, [join(root, 'scripts', 'build.mjs')]);
    if (b.status !== 0) problems.push(`build failed: ${b.stderr.slice(-300)}`);
  }
  var socketsMain = await socketsBundle(oldTree(), join(oldTree(), '.bench', 'sockets'));
  if (beforeDir) {
    // the same driver and scenarios, compiled against the earlier tree's sources
    mkdirSync(join(beforeDir, 'scripts', 'bench'), { recursive: true });
    for (const f of ['sockets.ts', 'scenario.ts']) writeFileSync(join(beforeDir, 'scripts', 'bench', f), readFileSync(join(oldTree(), 'scripts', 'bench', f)));
    var beforeMain = await socketsBundle(beforeDir, join(beforeDir, 'node_modules', '.cache', 'tcp-close-debugger-bench-before'));
    var beforeCommit = sh('git', ['-C', beforeDir, 'log', '-1', '--format=%h %s']).stdout.trim();
  }
}

section(`9. the cost of a statement in each output path at ${SOCKETS.join(', ')} sockets (scripts/bench/sockets.ts)`, () => {
  const drive = (main, args, cwd) => {
    const r = sh(process.execPath, ['--max-old-space-size=8192', main, ...args], { timeout: 900_000, cwd });
    const last = r.stdout.trim().split('\n').pop();
    if (r.status !== 0 || !last) throw new Error(`sockets ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-800)}`);
    return JSON.parse(last);
  };
  R.sockets = { active: ACTIVE_PAIRS, rows: [], before: beforeDir ? beforeCommit : undefined };
  for (const n of SOCKETS) {
    const file = join(tmp, `sockets-${n}.tcpscenario`);
    drive(socketsMain, ['scenario', String(n), String(ACTIVE_PAIRS), file]);
    const measure = (main, cwd, reps, snapStops, dapSteps) => {
      const row = {};
      for (const mode of ['text', 'json', 'quiet']) {
        const xs = [];
        for (let i = 0; i < reps; i++) xs.push(drive(main, ['cli', mode, file], cwd));
        if (xs.some((x) => x.code !== 0)) throw new Error(`${mode} at ${n} sockets: exit ${xs[0].code}`);
        const statements = xs.find((x) => x.statements)?.statements;
        row.statements ??= statements;
        // text and json: CPU time from the first line to the last stop's; quiet prints nothing per stop: its own loop time
        row[mode] = median(xs.map((x) => (mode === 'quiet' ? x.loopMs : x.cpuMs) / (statements ?? row.statements)));
      }
      const sn = [];
      for (let i = 0; i < reps; i++) sn.push(drive(main, ['snapshots', file, String(snapStops)], cwd));
      row.snapshot = median(sn.map((x) => (x.cpuMs - x.engineCpuMs) / x.stops));
      row.snapshotBytes = sn[0].bytesPerStop;
      row.snapshotSockets = sn[0].sockets;
      const d = sh(process.execPath, [join(root, 'scripts', 'bench', 'dap.mjs'), cwd, file, file, '1'], { timeout: 900_000, env: { ...process.env, BENCH_DAP_STEP_ONLY: '1', BENCH_DAP_STEPS: String(dapSteps) } });
      const dl = d.stdout.trim().split('\n').pop();
      if (d.status !== 0 || !dl) throw new Error(`dap.mjs at ${n} sockets failed (${d.status}): ${d.stderr.slice(-800)}`);
      row.dap = median(JSON.parse(dl).stepMs);
      return row;
    };
    const after = measure(socketsMain, oldTree(), quick ? 1 : 3, 400, quick ? 40 : 120);
    const before = beforeDir ? measure(beforeMain, beforeDir, 1, n >= 1000 ? 40 : 200, n >= 1000 ? 24 : 80) : undefined;
    R.sockets.rows.push({ sockets: n, after, before });
    const fmt = (r) => `text ${f(r.text * 1000, 1)} µs, json ${f(r.json * 1000, 1)} µs, quiet ${f(r.quiet * 1000, 1)} µs a statement; snapshot ${f(r.snapshot, 3)} ms a stop (${r.snapshotSockets} sockets, ${f(r.snapshotBytes / 1024, 1)} KiB); DAP next ${f(r.dap, 2)} ms`;
    say(`   ${n} sockets, ${after.statements} statements: ${fmt(after)}`);
    if (before) say(`   ${''.padStart(String(n).length)} before (${beforeCommit.split(' ')[0]}): ${fmt(before)}`);
  }
});

// ---- 8. panel ----

section('8. panel: stop-to-paint in Chromium (scripts/bench-panel.ts)', () => {
  const r = sh(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'bench-panel.ts')], { timeout: 240_000 });
  if (r.status !== 0) throw new Error(`bench-panel failed: ${(r.stderr || r.stdout).slice(-800)}`);
  R.panel = r.stdout.trim().split('\n');
  for (const l of R.panel) say(`   ${l}`);
});

section('12. explorer: every schedule of the four-way close with at most 2 drops and 1 reorder (dist/cli.js explore)', () => {
  const cli = join(root, 'dist', 'cli.js');
  if (!existsSync(join(root, 'dist', 'exploreWorker.js'))) {
    const b = sh(process.execPath, [join(root, 'scripts', 'build.mjs')]);
    if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  }
  const cases = { small: ['--drops', '2', '--reorders', '1'], large: ['--drops', '2', '--duplicates', '1', '--reorders', '1'] };
  R.explore = {};
  for (const [name, bounds] of Object.entries(cases)) {
    for (const jobs of [1, 2]) {
      const xs = [];
      for (let i = 0; i < (quick ? 1 : 3); i++) {
        const t0 = performance.now();
        // the process's CPU time (every thread's) through GNU time when it is there
        const timed = existsSync('/usr/bin/time');
        const args = [cli, 'explore', join(root, 'examples', 'four-way.tcpscenario'), ...bounds, '--jobs', String(jobs), '--json'];
        const r = timed ? sh('/usr/bin/time', ['-f', 'cpu %U %S', process.execPath, ...args], { timeout: 900_000 }) : sh(process.execPath, args, { timeout: 900_000 });
        const ms = performance.now() - t0;
        if (r.status !== 0) throw new Error(`explore ${bounds.join(' ')} --jobs ${jobs} failed (${r.status}): ${r.stderr.slice(-800)}`);
        const j = JSON.parse(r.stdout);
        const cpu = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
        xs.push({ ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN, schedules: j.schedules, runs: j.runs, pruned: j.pruned, outcomes: j.outcomes.length });
      }
      const x = { bounds: bounds.join(' '), jobs, ms: spread(xs.map((y) => y.ms)), cpuMs: spread(xs.map((y) => y.cpuMs)), perSecond: spread(xs.map((y) => y.schedules / (y.ms / 1000))), schedules: xs[0].schedules, runs: xs[0].runs, pruned: xs[0].pruned, outcomes: xs[0].outcomes };
      R.explore[`${name}${jobs}`] = x;
      say(`   ${x.bounds}, ${jobs} job${jobs === 1 ? '' : 's'}: ${x.schedules} schedules, ${x.runs} runs, ${x.pruned} pruned, ${x.outcomes} outcomes; ${f(x.ms.median / 1000, 1)} s (${f(x.ms.min / 1000, 1)}–${f(x.ms.max / 1000, 1)}), CPU ${f(x.cpuMs.median / 1000, 1)} s, ${f(x.perSecond.median, 0)} schedules/s`);
    }
  }
});

R.machine.loadEnd = loadavg();
R.seconds = (Date.now() - started) / 1000;
if (only) {
  // one section: its part of BENCHMARKS.md is replaced, the rest stays as the last full run wrote it
  const old = existsSync(join(root, 'BENCHMARKS.md')) ? readFileSync(join(root, 'BENCHMARKS.md'), 'utf8') : '# Benchmarks\n\n## Reproducing\n';
  const mine = report().split('\n');
  const at = (ls, re) => ls.findIndex((l) => re.test(l));
  const ls = old.split('\n');
  for (const o of onlyList) {
    const head = new RegExp(`^## ${o}\\. `);
    const from = at(mine, head);
    const to = from < 0 ? -1 : mine.findIndex((l, i) => i > from && l.startsWith('## '));
    const part = mine.slice(from, to < 0 ? undefined : to);
    const i = at(ls, head);
    const j = i < 0 ? at(ls, /^## Reproducing/) : ls.findIndex((l, k) => k > i && l.startsWith('## '));
    ls.splice(i < 0 ? (j < 0 ? ls.length : j) : i, i < 0 ? 0 : (j < 0 ? ls.length : j) - i, ...part);
    // the section's rows of the summary: the old ones out, the new ones in (after the rows of lower sections)
    const row = new RegExp(`^\\| ${o} \\| `);
    const rows = mine.filter((l) => row.test(l));
    const sum = at(ls, /^## Summary/);
    if (sum < 0 || !rows.length) continue;
    for (let k = ls.length - 1; k > sum; k--) if (row.test(ls[k]) && !ls.slice(sum, k).some((l, q) => q > 0 && l.startsWith('## '))) ls.splice(k, 1);
    let end = sum + 1;
    while (end < ls.length && !ls[end].startsWith('## ')) end++;
    let put = sum + 1;
    for (let k = sum + 1; k < end; k++) {
      const m = /^\| (\d+) \| /.exec(ls[k]);
      if (m && Number(m[1]) <= Number(o)) put = k + 1;
      else if (ls[k].startsWith('| --- ')) put = k + 1;
    }
    ls.splice(put, 0, ...rows);
  }
  writeFileSync(join(root, 'BENCHMARKS.md'), ls.join('\n'));
} else writeFileSync(join(root, 'BENCHMARKS.md'), report());
rmSync(tmp, { recursive: true, force: true });
rmSync(benchDir, { recursive: true, force: true });
say(`\nwrote BENCHMARKS.md (${f(R.seconds, 0)} s in all)${problems.length ? `; could not run: ${problems.join('; ')}` : ''}`);
process.exit(0);

// ---- BENCHMARKS.md ----

function report() {
  const m = R.machine;
  // quiet: other processes used under a quarter of the CPU in the 2 s before the run (/proc/stat)
  const busy = m.busyBefore !== undefined ? m.busyBefore > 0.25 : m.load[0] > m.cores * 0.5;
  const t = R.throughput;
  const lines = [];
  const P = (...xs) => lines.push(...xs);
  const verdict = (ok) => (ok ? '**met**' : '**missed**');
  P('# Benchmarks', '');
  P(`Written by \`npm run bench\` (scripts/bench/run.mjs) on ${m.date.slice(0, 10)}; every figure below comes from that one run${quick ? ' (**--quick**: reduced sizes)' : ''}.`, '');
  P('| machine | |', '| --- | --- |');
  P(`| CPU | ${m.model} |`, `| cores | ${m.cores} |`, `| memory | ${f(m.memGB, 1)} GiB |`, `| Node | ${m.node} |`, `| gcc | ${R.gccVersion ?? 'n/a'}, ${R.gccMode ?? ''} |`, `| date | ${m.date} |`);
  P(`| CPU used by other processes just before the run | ${m.busyBefore === undefined ? 'n/a' : `${f(100 * m.busyBefore, 0)} % (2 s, /proc/stat)`} |`, `| load average (1 min) | ${f(m.load[0])} at the start, ${f(m.loadEnd[0])} at the end (the benchmark's own processes included) |`, `| duration | ${f(R.seconds, 0)} s |`, '');
  P(busy ? `> **The machine was not quiet**: other processes used ${f(100 * (m.busyBefore ?? NaN), 0)} % of the CPU just before the run, so wall-clock figures are slower and noisier than on an idle machine (the spread columns show how much).` : `The machine was quiet when the run started (other processes used ${f(100 * (m.busyBefore ?? NaN), 0)} % of the CPU in the 2 s before it); the spread columns show the noise that remained.`, '');
  if (problems.length) P('Could not run: ' + problems.map((x) => `\`${x}\``).join('; '), '');
  P('Medians with their spread (min–max, or p10–p90 where there are many samples). Benchmarks print; they never fail on a number.', '');

  P('## Summary', '', '| # | what | figure | aim | |', '| --- | --- | --- | --- | --- |');
  const row = (n, what, fig, aim, ok) => P(`| ${n} | ${what} | ${fig} | ${aim} | ${ok === undefined ? '' : ok ? 'met' : 'missed'} |`);
  if (t?.on) row(1, 'throughput, history on', `${M(t.on.median)} M statements/s`, '≥ 5 M/s', t.on.median >= 5e6);
  if (t?.off) row(1, 'throughput, history off', `${M(t.off.median)} M statements/s`, '', undefined);
  if (R.ratio) row(2, 'interpreter / gcc -O0 (same calls)', `${f(R.ratio.O0, 0)}×`, '≤ 50×', R.ratio.O0 <= 50);
  if (R.ratio) row(2, 'interpreter / gcc -O2', `${f(R.ratio.O2, 0)}×`, '', undefined);
  if (R.jscpp?.ratio) row(3, 'JSCPP / ours (tcp_close_state calls)', `${f(R.jscpp.ratio, 1)}×`, '', undefined);
  if (R.dap) row(4, 'DAP next → stopped + stackTrace + scopes + variables', `${f(R.dap.step.median)} ms`, '< 2 ms', R.dap.step.median < 2);
  if (R.depth) row(5, 'run.goto(random earlier stop) at 1,000,000 steps', `${f(R.depth[2].jump.median)} ms (goto(0): ${f(R.depth[2].far.median)} ms)`, '< 5 ms, same order at every depth', R.depth[2].far.median < 5);
  if (R.dap) row(5, `DAP gotoStop at stop ${R.dap.depths[2].depth.toLocaleString('en')}`, `${f(R.dap.depths[2].jump.median)} ms`, '< 5 ms', R.dap.depths[2].jump.median < 5);
  if (R.memory) row(6, 'history bytes per recorded step', `${f(R.memory.perStep.median, 1)} B`, '< 64 B', R.memory.perStep.median < 64);
  if (R.activate) row(7, 'activate()', `${f(R.activate.activate.median)} ms (+ ${f(R.activate.require.median)} ms require)`, '', undefined);
  if (R.firstLaunch) row(7, 'first launch (wasm + parse + compile)', `${f(R.firstLaunch.median, 0)} ms`, '', undefined);
  if (R.vsixBytes) row(7, 'VSIX', `${(R.vsixBytes / 1024).toFixed(0)} KiB`, '', undefined);
  if (R.release) {
    const x = R.release;
    row(11, 'release engine: throughput, history on', `${M(x.on.median)} M statements/s`, '≥ 5 M/s', x.on.median >= 5e6);
    row(11, 'release engine: throughput, history off', `${M(x.off.median)} M statements/s`, '', undefined);
    row(11, 'release engine: history per stop', `${f(x.bytes.heap.median + x.bytes.arrays.median, 1)} B`, '≤ 64 B (aim 32)', x.bytes.heap.median + x.bytes.arrays.median <= 64);
    row(11, 'release engine: first launch (preprocess, parse, load, first call), cold', `${f(x.cold.launchMs.median, 0)} ms`, '≤ 500 ms', x.cold.launchMs.median <= 500);
    row(11, 'release engine: first launch with the preprocessing cache filled', `${f(x.cached.launchMs.median, 0)} ms`, '≤ 500 ms', x.cached.launchMs.median <= 500);
    row(11, 'release engine: launch again in the same process (warm)', `${f(x.warm.launchMs.median, 0)} ms`, '', undefined);
    if (x.image) {
      row(11, 'release engine: the product\'s first launch (image + first stop), no cache', `${f(x.image.cold.launchMs.median, 0)} ms`, '≤ 500 ms', x.image.cold.launchMs.median <= 500);
      row(11, 'release engine: the product\'s first launch, disk cache filled', `${f(x.image.cached.launchMs.median, 0)} ms`, '≤ 500 ms', x.image.cached.launchMs.median <= 500);
    }
    if (x.dap) row(11, 'release engine: DAP next round trip (kernel: release, passive-close)', `${f(x.dap.next.median, 3)} ms (with stack, scopes, variables ${f(x.dap.inspect.median, 3)} ms)`, '≤ 1 ms', x.dap.next.median <= 1);
    row(11, `release engine: goto(random earlier stop) at ${x.goto.stops.toLocaleString('en')} stops`, `${f(x.goto.random.median)} ms (goto(0): ${f(x.goto.zero.median)} ms)`, '', undefined);
    const deep = x.dapDepth?.depths.find((d) => d.depth === 1_000_000) ?? x.dapDepth?.depths.at(-1);
    if (deep) {
      const at = deep.depth.toLocaleString('en');
      // flat: the deepest figure within twice the shallowest's
      const flat = (k) => x.dapDepth.depths.at(-1)[k].median <= 2 * x.dapDepth.depths[0][k].median;
      row(11, `release engine: DAP gotoStop to an earlier stop at stop ${at}`, `${f(deep.jump.median)} ms`, '≤ 1.5 ms, flat with depth', deep.jump.median <= 1.5 && flat('jump'));
      row(11, `release engine: DAP stepBack at stop ${at}`, `${f(deep.back.median)} ms`, '≤ 1.5 ms, flat with depth', deep.back.median <= 1.5 && flat('back'));
      row(11, `release engine: DAP reverseContinue from stop ${at} to the first stop`, `${f(deep.reverse.median)} ms`, '≤ 1.5 ms, flat with depth', deep.reverse.median <= 1.5 && flat('reverse'));
    }
  }
  if (R.explore?.small2) {
    const e = R.explore;
    row(12, 'explore: every schedule of the four-way close, ≤ 2 drops and 1 reorder (2 jobs, wall clock, process start included)', `${f(e.small2.ms.median / 1000, 1)} s (${e.small2.schedules} schedules)`, '< 60 s', e.small2.ms.median < 60_000);
    row(12, 'explore: schedules per second, 1 job / 2 jobs', `${f(e.small1.perSecond.median, 0)} / ${f(e.small2.perSecond.median, 0)}`, '', undefined);
    if (e.large2) row(12, 'explore: schedules counted without a run (pruned), + 1 duplicate, 1 job / 2 jobs', `${e.large1.pruned} / ${e.large2.pruned} of ${e.large2.schedules}`, '', undefined);
  }
  if (R.front?.rows.session) {
    const x = R.front.rows.session;
    row(10, 'front end, first load in a process: preprocess + parse of the 7 release files', `${f(x.cold.pp.median + x.cold.parse.median, 0)} ms CPU (${f(x.cold.pp.median, 0)} + ${f(x.cold.parse.median, 0)})`, 'well under 500 ms (with compile)', x.cold.pp.median + x.cold.parse.median < 400);
    row(10, 'front end, warm', `${f(x.warm.pp.median + x.warm.parse.median, 0)} ms CPU (${f(x.warm.pp.median, 0)} + ${f(x.warm.parse.median, 0)})`, '', undefined);
  }
  P('');

  if (t?.on) {
    P('## 1. Interpreter throughput', '');
    P(`A generated scenario of ${t.pairs.toLocaleString('en')} linked socket pairs, each doing the whole four-way close of \`examples/four-way.tcpscenario\` (client closes at 0, server at 1 s, TIME_WAIT ends at 61.03 s): ${t.on.statements.toLocaleString('en')} kernel C statements, ${t.on.stops.toLocaleString('en')} stops. It is run with \`run.runFast()\` (every stop recorded exactly as \`forward()\` records it, without building a Stop object per stop), ${t.on.n} fresh processes per row; the scenario checks that the run ends with no failed expectation.`, '');
    P('| history | statements/s (median) | min–max | run time | CPU time | setup (parse + compile + sockets) | writes logged |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const h of ['on', 'off']) {
      const x = t[h];
      P(`| ${h} | ${M(x.median)} M | ${M(x.min)}–${M(x.max)} M | ${f(x.ms.median, 0)} ms | ${f(x.cpuMs.median, 0)} ms | ${f(x.setupMs.median, 0)} ms | ${x.writes.toLocaleString('en')} |`);
    }
    P('');
    P(`Target ≥ 5 M statements/s with history on: ${verdict(t.on.median >= 5e6)} (${M(t.on.median)} M/s). ` + (t.on.median >= 5e6 ? '' : `Where the time goes (CPU profile of a ${Math.min(t.pairs, 2000)}-pair run with history on, self time under \`runFast\` plus garbage collection): ${t.profile.map((p) => `\`${p.name}\` ${f(p.pct, 1)} %`).join(', ')}. The statements themselves are closures compiled from the C (\`ev\`, \`cellsOf\`… in compile.ts) dispatched by \`Machine.runStops\`; with history on every write is also logged and every object a step creates (frames, segments, skbs) is kept alive by the log, so the young-generation collector copies it instead of discarding it: the gap between the two rows is mostly that. Scheduling is not a factor: the in-flight segments are a heap (\`World.nextDelivery\` is O(1), \`takeDelivery\` O(log n)), as the timers already were.`), '');
  }
  if (R.native && R.interp?.on && R.interp?.off && R.ratio) {
    P('## 2. Against the same C compiled by gcc', '');
    P(`The ${R.native.O0.cases} cases of \`test/differential/cases.txt\` (every state × every entry point: tcp_fin, tcp_close, tcp_close_state, tcp_ack, tcp_rcv, the two timers) as rounds of calls. Natively (\`scripts/bench/native.c\`, which includes the differential harness and so \`src/kernel/tcp.c\`; ${R.gccMode}): each case is parsed once, a round restores each case's sock and timers and calls its entry point; the time of a round restoring the states alone is subtracted. Interpreted (\`scripts/bench/engine.ts calls\`): the same cases as \`test/differential.test.ts\` runs them, timing the calls from entry to return with a stop recorded at every statement (the sock each case builds is not counted). First rounds are warm-up and not counted.`, '');
    P('| | per round of calls | p10–p90 |', '| --- | --- | --- |');
    for (const o of ['O0', 'O2']) P(`| gcc -${o} | ${f(R.native[o].callNs / 1000, 2)} µs | (round incl. restore ${f(R.native[o].roundNs.p10 / 1000, 2)}–${f(R.native[o].roundNs.p90 / 1000, 2)} µs) |`);
    for (const h of ['on', 'off']) P(`| interpreter, history ${h} | ${f(R.interp[h].callMs.median * 1000, 0)} µs | ${f(R.interp[h].callMs.p10 * 1000, 0)}–${f(R.interp[h].callMs.p90 * 1000, 0)} µs |`);
    P('');
    P(`Ratio interpreter/native, measured in this run: **${f(R.ratio.O0, 0)}×** gcc -O0, **${f(R.ratio.O2, 0)}×** gcc -O2 (history on; ${f(R.ratio.O0off, 0)}× -O0 with history off). A round is ${R.interp.on.statementsPerRound} statements, so the interpreter runs them at ${M(R.interp.on.statementsPerRound / (R.interp.on.callMs.median / 1000))} M statements/s here.`, '');
    P(`Target within 50× of -O0: ${verdict(R.ratio.O0 <= 50)}. ` + (R.ratio.O0 <= 50 ? '' : `gcc -O0 runs a round's ${R.interp.on.statementsPerRound} statements in ${f(R.native.O0.callNs / 1000, 1)} µs, about ${f(R.native.O0.callNs / R.interp.on.statementsPerRound, 1)} ns a statement; 50× of that is ${f((50 * R.native.O0.callNs) / R.interp.on.statementsPerRound, 0)} ns a statement, which a tree of JS closures that stops, counts, checks the step budget and logs every write at each statement cannot reach (the best throughput above, with the JIT warm over millions of statements, is ${f(1e9 / (t?.on?.max ?? NaN), 0)} ns a statement with history on). Short calls also pay per-call costs natively absent: a frame object per call, the arguments converted and logged, natives reached through a Map-built closure. The ratio is what a debugger that can restore any earlier statement costs; it is not a goal this design can meet.`), '');
  }
  if (R.jscpp) {
    P('## 3. A peer: JSCPP 2.0.9', '');
    P('JSCPP is a C/C++ interpreter written in JavaScript. What it makes of the kernel C:', '');
    P('| input | result |', '| --- | --- |');
    for (const r of R.jscpp.results) P(`| ${r.name} | ${r.ok ? `runs, ${f(r.ms, 0)} ms` : `refused: \`${r.error.replace(/\|/g, '\\|')}\``} |`);
    P('');
    P('It cannot read `#include "tcp.h"` (no file system); with the header pasted in, its preprocessor fails on the include guard; without the guard, its parser stops at `static __inline__`; and it rejects any use of a `struct` type (`type struct sock is not defined`), so none of the kernel functions, which all take `struct sock *`, can run in it. What does run is `tcp_close_state`\'s logic with the state in an `int` reached through a pointer (no struct, no tcp_set_state, no timer).', '');
    if (R.jscpp.ratio) P(`Timed side by side on ${R.jscpp.N.toLocaleString('en')} calls over the same states: JSCPP ${f(R.jscpp.results[R.jscpp.results.length - 1].ms, 0)} ms, ours ${f(R.jscpp.ours.ms, 0)} ms for the real \`tcp_close_state(sk, 0)\` on a \`struct sock\` (calling tcp_set_state, with a stop recorded at every statement): **JSCPP takes ${f(R.jscpp.ratio, 1)}× as long** (both sum to ${R.jscpp.ours.sum}).`, '');
  }
  if (R.dap || R.depth) {
    P('## 4. Step latency over DAP', '');
    if (R.dap) {
      P(`\`dist/adapter.js\` over stdio (a minimal DAP client in \`scripts/bench/dap.mjs\`), \`examples/four-way.tcpscenario\`: from sending \`next\` to the \`stopped\` event and the \`stackTrace\`, \`scopes\` and \`variables\` (first scope) replies, as an editor asks them, one after the other. ${R.dap.step.n} steps after 20 warm-up steps.`, '');
      P(`Median **${f(R.dap.step.median)} ms**, p10–p90 ${f(R.dap.step.p10)}–${f(R.dap.step.p90)} ms, max ${f(R.dap.step.max)} ms. Target < 2 ms: ${verdict(R.dap.step.median < 2)}.` + (R.dap.step.median < 2 ? ' Each stop also builds the panel\'s snapshot (every socket\'s fields, who last wrote each, the segments) before the adapter answers the stack trace; the rest is four round trips through two processes\' event loops.' : ' Each stop also builds the panel\'s snapshot (every socket\'s fields, who last wrote each, the segments) before the adapter answers the stack trace; the four round trips through two processes\' event loops are the rest.'), '');
    }
    P('## 5. Step back and jumps at depth', '');
    if (R.depth) {
      P(`In process: a generated 1,500-pair scenario run with \`runFast\` to stop 10, 10,000 and 1,000,000; at each, 21 times: \`run.backward()\`, \`run.goto(n)\` to a random earlier stop (and back), and \`run.goto(0)\`, the farthest jump.`, '');
      P('| at stop | log length (writes) | backward() | goto(random earlier) | goto(0) | goto back to the stop |', '| --- | --- | --- | --- | --- | --- |');
      for (const d of R.depth) P(`| ${d.depth.toLocaleString('en')} | ${d.writes.toLocaleString('en')} | ${f(d.back.median, 4)} ms | ${f(d.jump.median, 3)} ms (max ${f(d.jump.max, 3)}) | ${f(d.far.median, 3)} ms (max ${f(d.far.max, 3)}) | ${f(d.ret.median, 3)} ms |`);
      P('');
    }
    if (R.dap) {
      P(`Over DAP: a long run on two sockets (${LONG_ROUNDS.toLocaleString('en')} segments from the scripted peer, then a close), recorded by \`continue\` to a breakpoint on its last lines (${f(R.dap.recordMs / 1000, 1)} s), then from stop 10, 10,000 and 1,000,000: \`stepBack\`, and \`gotoStop\` to an earlier stop (spread over the first half), each until the stopped event and the stackTrace/scopes/variables replies.`, '');
      P('| at stop | stepBack | gotoStop to an earlier stop |', '| --- | --- | --- |');
      for (const d of R.dap.depths) P(`| ${d.depth.toLocaleString('en')} | ${f(d.back.median)} ms (max ${f(d.back.max)}) | ${f(d.jump.median)} ms (max ${f(d.jump.max)}) |`);
      P('');
    }
    if (R.depth) {
      const far = R.depth[2].far.median;
      P(`Target < 5 ms and the same order at every depth: ${verdict(far < 5 && (!R.dap || R.dap.depths[2].jump.median < 5))}. \`backward()\` undoes one step's writes, so it costs the same at every depth. A jump undoes (or redoes) every write between the two stops, one swap each in a chunked log, so its cost grows with the distance: ${f(far, 1)} ms for the ${R.depth[2].writes.toLocaleString('en')} writes back to stop 0 from stop 1,000,000. ` + (far < 5 ? '' : 'The log has no checkpoints yet: bounding a long jump needs periodic summaries of the cells written (the values at both ends of each span of the log, so a jump applies a summary per span and walks entries only inside the last one). They are not in this version because their size (one entry per distinct cell written per span) would push the history past the 64-byte-per-step budget of section 6, and because a log that stores one value per write (swapped on undo and redo) must keep every span in one orientation, which summaries skipping whole spans break. ') + (R.dap ? `Over DAP a step back at stop 1,000,000 takes ${f(R.dap.depths[2].back.median, 2)} ms and a jump to an earlier stop ${f(R.dap.depths[2].jump.median, 2)} ms: the jump is the engine's undo above plus the adapter's work per stop. That work used to grow with the run (a CPU profile of the adapter at stop 1,000,000 put it in \`hitAt\`, which scanned every stop from 0 for the current line's hit count, and in the panel snapshot, which copied all 14,000 segments and events into every stop event); the hit counts are now an index extended as the run grows (src/engine/hits.ts) and a snapshot carries the latest 500 segments and the 1,000 events nearest the clock (src/debug/snapshot.ts), so a step back costs the same at every depth.`: ''), '');
    }
  }
  if (R.memory) {
    P('## 6. History memory', '');
    P(`\`node --expose-gc\`, a 1,500-pair scenario: heap used and typed-array bytes after \`global.gc()\`, before and after \`runFast(1_000_000)\`, divided by the steps (${f(R.memory.writesPerStep, 2)} writes logged per step). Everything the history keeps alive is counted: the log (cells, index in an Int32Array, one value per write), the stop records (three Int32 per stop, in chunks), and the frames, segments and skbs the steps created that only the log still references.`, '');
    P(`**${f(R.memory.perStep.median, 1)} bytes per step** (min ${f(R.memory.perStep.min, 1)}, max ${f(R.memory.perStep.max, 1)}; ${R.memory.perStep.n} runs): ${f(R.memory.heapPerStep, 1)} on the JS heap, ${f(R.memory.bufferPerStep, 1)} in typed arrays. Target < 64: ${verdict(R.memory.perStep.median < 64)}.`, '');
  }
  if (R.activate || R.firstLaunch) {
    P('## 7. Start-up', '');
    if (R.activate) P(`\`activate()\`: \`dist/extension.js\` (minified, as packaged) loaded in a fresh Node process with a stub \`vscode\` module (a \`Module._resolveFilename\` hook; every name a callable, constructible stub) and activated with a fake context: require ${f(R.activate.require.median)} ms (max ${f(R.activate.require.max)}), **activate ${f(R.activate.activate.median)} ms** (max ${f(R.activate.activate.max)}), median of 7 processes. Nothing heavy runs at activation (tree-sitter loads at the first launch).`, '');
    if (R.firstLaunch) P(`First launch: the first \`loadRun\` of a fresh process (tree-sitter's wasm runtime and C grammar loaded, \`tcp.c\` and \`tcp.h\` parsed and compiled, \`four-way.tcpscenario\` parsed and set up): **${f(R.firstLaunch.median, 0)} ms** (min ${f(R.firstLaunch.min, 0)}, max ${f(R.firstLaunch.max, 0)}; 5 processes).`, '');
    if (R.vsixBytes) P(`VSIX (\`npm run package\`): **${(R.vsixBytes / 1024).toFixed(0)} KiB** (${R.vsixBytes.toLocaleString('en')} bytes).`, '');
  }
  if (R.panel) {
    P('## 8. Panel: stop to paint', '');
    P('`scripts/bench-panel.ts` (headless Chromium, the panel\'s real bundle), its output:', '', '```', ...R.panel, '```', '');
  }
  if (R.sockets) {
    const S = R.sockets;
    P(`## 9. A statement's cost in each output path, at ${SOCKETS.join(', ')} sockets`, '');
    P(`Generated scenarios (\`idleSockets\` in scripts/bench/scenario.ts): N sockets as N/2 linked pairs, of which the first ${S.active} do the four-way close of examples/four-way and the others stay established, so every row runs the same ${S.rows[0]?.after.statements ?? ''} kernel statements and only the number of sockets differs. Each path as a user meets it: \`tcp-close-debugger run\` (src/cli/main.ts, in process, stdout into a sink) in the readable trace, \`--json\` and \`--quiet\`; the panel's snapshot (\`buildSnapshot\`, the body of the adapter's \`tcpClose/stop\` event, with the \`JSON.stringify\` it is sent with) at each stop; and the adapter over stdio (dist/adapter.js): \`next\` → \`stopped\` + stackTrace + scopes + variables, whose stop also builds and sends the snapshot.`, '');
    P(`Measured ${R.machine.date.slice(0, 16).replace('T', ' ')} UTC with a load average of ${f(R.machine.load[0], 1)} at the start and ${f(R.machine.loadEnd[0], 1)} at the end on ${R.machine.cores} cores${R.machine.load[0] > R.machine.cores ? ': the machine was far from quiet, so the wall-clock columns (--quiet, DAP) carry much noise; the CPU-time columns (text, --json, snapshot) less' : ''}.`, '');
    P(S.before ? `"before" is commit ${S.before.split(' ')[0]} (${S.before.split(' ').slice(1).join(' ').slice(0, 80)}…), built in a clone and measured in the same run with the same driver (one repetition, fewer stops at 1000 sockets: it is slow).` : 'No earlier commit was given (`--before DIR`): the figures are this tree\'s only.', '');
    P('| sockets | path | per statement (this tree) | before | |', '| --- | --- | --- | --- | --- |');
    const us = (x) => `${f(x * 1000, 1)} µs`;
    for (const r of S.rows) {
      const b = r.before;
      const ratio = (a, x) => (x ? `${f(x / a, x / a >= 10 ? 0 : 1)}× faster` : '');
      P(`| ${r.sockets} | text | ${us(r.after.text)} | ${b ? us(b.text) : ''} | ${b ? ratio(r.after.text, b.text) : ''} |`);
      P(`| ${r.sockets} | --json | ${us(r.after.json)} | ${b ? us(b.json) : ''} | ${b ? ratio(r.after.json, b.json) : ''} |`);
      P(`| ${r.sockets} | --quiet | ${us(r.after.quiet)} | ${b ? us(b.quiet) : ''} | ${b ? ratio(r.after.quiet, b.quiet) : ''} |`);
      P(`| ${r.sockets} | panel snapshot, per stop | ${f(r.after.snapshot, 3)} ms (${r.after.snapshotSockets} sockets, ${f(r.after.snapshotBytes / 1024, 1)} KiB) | ${b ? `${f(b.snapshot, 2)} ms (${b.snapshotSockets} sockets, ${f(b.snapshotBytes / 1024, 0)} KiB)` : ''} | ${b ? ratio(r.after.snapshot, b.snapshot) : ''} |`);
      P(`| ${r.sockets} | DAP next (adapter stop events), per step | ${f(r.after.dap, 2)} ms | ${b ? `${f(b.dap, 2)} ms` : ''} | ${b ? ratio(r.after.dap, b.dap) : ''} |`);
    }
    P('');
    P(`text and --json: CPU time from the first line written to the last stop's line (the end summary, written once, left out), divided by the statements; --quiet prints nothing per stop: the loop time it reports itself (wall clock). Snapshot: CPU time of the stops with snapshots minus the same stops without, per stop. DAP: wall-clock median per step. Before, the trace read every field of every socket at every stop and compared it with the previous reading (\`allViews\` + \`diffViews\`), and the snapshot built every socket's fields, names and last writers at every stop: both grew with the number of sockets. Now the changed fields come from the writes the history logged since the last stop (src/engine/changes.ts: the log knows which cells were written; only those are read and compared); the snapshot keeps each socket's part until a logged write touches that socket, shows at most ${16} sockets (the running one, its peer, those the step changed, then the previous window and the first declared; \`socketCount\` says how many there are), and keeps the segments' and events' forms. A snapshot with fewer sockets than that window is smaller, so its figure at 10 sockets is below those at 100 and 1000, which are the same.`, '');
  }
  if (R.front) {
    const F = R.front;
    P('## 10. C front end: the release\'s seven files preprocessed and parsed', '');
    P(`\`scripts/bench/front.ts\`: a fresh process loads tree-sitter's wasm, then loads the seven files (tcp.c, sock.c, af_inet.c, timer.c, skbuff.c, sched.c, ip.c: ${F.rows.session.chars.toLocaleString('en')} characters of preprocessed text with their headers) once cold (the first time: nothing compiled by the JIT, tree-sitter's wasm not yet tiered up) and 5 times warm, each load a new session as a launch has. ${F.procs} processes per row. Preprocess and parse are **CPU time** of the process (every thread: the JIT's and the collector's too), which stays meaningful on a shared machine; the whole load is also given in wall-clock time. Rows: **before**: the front end of commit ${F.before ?? '(not available)'} (each file preprocessed on its own, read with readFileSync, parsed afresh); **separate**: this tree, each file in its own session and parsed afresh; **session**: the loader as a launch runs it (one preprocessing session, so that each header is read, lexed and its directives run once while its recorded processing holds; each tree after the first reusing the previous file's, ${F.rows.session.reused.toLocaleString('en')} characters reused).`, '');
    P('| | wasm load | cold: preprocess | cold: parse | cold: whole load (wall) | warm: preprocess | warm: parse |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const [k, x] of Object.entries(F.rows)) P(`| ${k} | ${f(x.wasm.median, 0)} ms | ${f(x.cold.pp.median, 0)} ms (${f(x.cold.pp.min, 0)}–${f(x.cold.pp.max, 0)}) | ${f(x.cold.parse.median, 0)} ms (${f(x.cold.parse.min, 0)}–${f(x.cold.parse.max, 0)}) | ${f(x.cold.wall.median, 0)} ms | ${f(x.warm.pp.median, 0)} ms (p10–p90 ${f(x.warm.pp.p10, 0)}–${f(x.warm.pp.p90, 0)}) | ${f(x.warm.parse.median, 0)} ms (${f(x.warm.parse.p10, 0)}–${f(x.warm.parse.p90, 0)}) |`);
    P('');
    P('Reading: **separate** and **session** read every file through the bounded, confined reader (src/host/node.ts `KernelReader`: real path, open without blocking, fstat, capped read), **before** with a bare readFileSync; without a session each of the seven files reads its ~90 headers again, which is what separate pays over before. The session reads each file once and plays back each header\'s recorded directives instead of lexing it again, but a header\'s text is still macro-expanded and written out for each file that includes it, and that is most of the preprocessor\'s time: with the session the preprocessor costs what it did before (now through the bounded reader). Parsing: each tree after the first reuses the previous file\'s, which takes warm parsing from about 190 to about 115 ms; cold, tree-sitter\'s first parse pays for V8 compiling the grammar\'s wasm to optimised code in the background (under `node --liftoff-only` the cold parse takes about half the CPU time, but that flag is process-wide and cannot be set in the extension host). Cold, the preprocessor\'s first file runs before V8 has compiled it.', '');
  }
  if (R.release) {
    const X = R.release;
    P('## 11. The release engine', '');
    P(`\`scripts/bench/release.ts\`: the engine the project is moving to (src/engine/front, src/engine/cmachine, src/engine/memory) on what test/differential/release/ runs: the seven unmodified 1.2.13 files, the machine layer (src/kernel/machine/) and the differential driver, compiled by the project's compiler and run on its byte memory, main reading the driver's protocol. ${X.procs} fresh processes per row. Measured ${R.machine.date.slice(0, 16).replace('T', ' ')} UTC, load average ${f(R.machine.load[0], 1)} at the start and ${f(R.machine.loadEnd?.[0] ?? NaN, 1)} at the end on 2 cores shared with other sessions' builds and tests: the wall-clock figures carry much noise (the spreads show it); the per-CPU-second throughput less.`, '');
    P(`First launch: a fresh process (tree-sitter's wasm loaded first, not counted) preprocesses every unit, \`Kernel.load\`s them (tree-sitter parse, declare and lay out, globals initialised) and runs main over one case (${X.firstCallStatements.toLocaleString('en')} statements; each function body compiles when first reached); warm: the same again 3 times in that process. The driver's fields header (the test harness's, ${f(X.cold.fieldsMs.median, 0)} ms cold, not something a launch does) is left out.`, '');
    P('| | launch | preprocess | parse | declare + lay out | globals | first call |', '| --- | --- | --- | --- | --- | --- | --- |');
    const label = { cold: 'cold (fresh process, no cache)', cached: `fresh process, preprocessed units cached (${X.cacheHits} of ${X.cacheUnits} hits)`, warm: 'warm (again in the same process)' };
    for (const w of ['cold', 'cached', 'warm']) {
      const x = X[w];
      const c = (k) => `${f(x[k].median, 0)} ms (${f(x[k].min, 0)}–${f(x[k].max, 0)})`;
      P(`| ${label[w]} | ${c('launchMs')} | ${c('preprocessMs')} | ${c('parseMs')} | ${c('declareMs')} | ${c('globalsMs')} | ${c('firstCallMs')} |`);
    }
    P('', `Target ≤ 500 ms: ${verdict(X.cold.launchMs.median <= 500)} (${f(X.cached.launchMs.median, 0)} ms with the preprocessing cache). The cache (src/engine/front/cache.ts, used by \`preprocessUnits\` and the release image when given a store) keeps each unit's preprocessed text, source map and diagnostics with every include probe and file read the preprocessor made (each file's text hashed); an entry is used only when every probe and read answers the same now, so an edited header or a file shadowing another on the include path is a miss, never a stale hit. The bench's store is src/host/cachestore.ts's folder store, the one a launch uses. Parsing: each unit's tree reuses the previous unit's where their texts agree (the headers they share), as the front end's loader does. What remains is tree-sitter's parse (its first parse in a process also pays for V8 compiling the grammar's wasm), declaring the ${X.cacheUnits} units from their trees, and compiling the bodies the first call reaches.`, '');
    if (X.image) {
      const I = X.image;
      P(`The product's first launch (\`release image\`: what the DAP session and the CLI do, src/host/load.ts: tree-sitter's wasm, the release image — the two release units and the eleven machine units (machine.c compiles seven of the machine's files as one unit; five compile tcp.c, sock.c, af_inet.c, ip.c and sched.c inside them) — preprocessed, parsed, declared, then a ReleaseRun of passive-close to its first C stop, \`${I.cold.firstStop}\`), fresh processes; the disk cache is src/host/cachestore.ts's folder store (a launch's is preprocessed-<engine version> under TCP_CLOSE_CACHE, by default the OS cache folder's tcp-close-debugger/; here a temporary folder), filled by the process before:`, '');
      P('| | launch | wasm | preprocess | parse | declare + lay out | globals | to the first stop | of it, the bodies compiled: from their cached trees, parsed alone | CPU |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
      for (const w of ['cold', 'cached']) {
        const x = I[w];
        const c = (k) => `${f(x[k].median, 0)} ms (${f(x[k].min, 0)}–${f(x[k].max, 0)})`;
        P(`| ${w === 'cold' ? 'no cache' : `disk cache (${x.hits} of ${x.units} units preprocessed, ${x.declHits} declared from their trees)`} | ${c('launchMs')} | ${c('wasmMs')} | ${c('preprocessMs')} | ${c('parseMs')} | ${c('declareMs')} | ${c('globalsMs')} | ${c('firstStopMs')} | ${x.definitionsParsed || x.definitionsCached ? `${c('definitionsMs')}: ${x.definitionsCached} from the cache, ${x.definitionsParsed} parsed` : '–'} | ${c('cpuMs')} |`);
      }
      P('', `Target ≤ 500 ms: ${verdict(I.cached.launchMs.median <= 500)} (${f(I.cached.launchMs.median, 0)} ms with the disk cache, ${f(I.cold.launchMs.median, 0)} ms without). The disk cache holds each unit's preprocessed text and its declaration tree (src/engine/front/decltree.ts: tree-sitter's tree of the unit with the statements of top-level function bodies left out, in typed arrays, under the text's hash; a launch that parsed a unit stores its tree when idle): a cached launch neither preprocesses nor parses, declares the units walking plain arrays instead of web-tree-sitter's nodes (two thirds of declaring through them was the binding's own work), and compiles each body the run first calls from its whole tree, cached by the launch that first compiled it (under the definition's text; a body not cached yet is parsed on its own, \`includedRanges\`, and cached when idle): before that cache, the first stop took 305 ms, of which machine_boot's 5,978 statements about 200 ms, most of it compiling through web-tree-sitter's nodes. What remains is declaring and laying out the units (the seven large ones each declare the same headers), the first run's boot and the bodies it compiles.`, '');
    }
    if (X.dap) {
      const D = X.dap;
      P(`DAP \`next\` on the release (\`release dap\`: an in-process adapter server over a TCP socket on 127.0.0.1 and test/debug/harness.ts's client, every message checked against the DAP schema; launch \`{ kernel: "release" }\` on passive-close, a function breakpoint on tcp_fin, then \`next\` through the C until the chain returns to a scenario line, 5 sessions per process, the first 10 steps of the first one left out as warm-up): the request to its \`stopped\` event **${f(D.next.median, 3)} ms** median (p10–p90 ${f(D.next.p10, 3)}–${f(D.next.p90, 3)}, ${D.next.n} round trips); with the stackTrace, scopes and variables an editor asks for at once ${f(D.inspect.median, 3)} ms (p90 ${f(D.inspect.p90, 3)}). Target ≤ 1 ms: ${verdict(D.next.median <= 1)}. (Before the harness's sockets set \`setNoDelay\`, each round trip took about 43 ms: the \`stopped\` event, written right after the response, waited for the client's delayed ACK under Nagle's algorithm.)`, '');
    }
    P(`Throughput: the ${X.on.cases.toLocaleString('en')} cases (every example, scenarios.txt, the oracle's own, ${X.repeats} times over) in one run of main: ${X.on.statements.toLocaleString('en')} kernel and machine-layer C statements, a stop recorded at each (\`Machine.runStops\`), with history on (every store logged in the byte memory's typed-array log, every stop kept) and off.`, '');
    P('| history | statements/s (median, wall clock) | min–max | per CPU second | run time | CPU time | stores logged |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const h of ['on', 'off']) {
      const x = X[h];
      P(`| ${h} | ${M(x.median)} M | ${M(x.min)}–${M(x.max)} M | ${M(x.perCpu.median)} M | ${f(x.runMs.median, 0)} ms | ${f(x.cpuMs.median, 0)} ms | ${(h === 'on' ? x.stores : 0).toLocaleString('en')} |`);
    }
    P('', `Target ≥ 5 M statements/s with history on: ${verdict(X.on.median >= 5e6)} (${M(X.on.median)} M/s; section 1's old engine on its own workload: ${t?.on ? M(t.on.median) + ' M/s' : 'not run'}).`, '');
    if (X.before) {
      const B = X.before;
      P(`Before (the release engine of commit ${process.env.BENCH_RELEASE_BEFORE_COMMIT ?? 'an earlier commit'}, the same driver, measured in this run): cold launch ${f(B.cold.median, 0)} ms (preprocess ${f(B.preprocess.median, 0)}, parse ${f(B.parse.median, 0)}), warm ${f(B.warm.median, 0)} ms; history on ${M(B.on.median)} M statements/s (${M(B.on.perCpu.median)} M per CPU second), off ${M(B.off.median)} M (${M(B.off.perCpu.median)} M); ${f(B.bytes.median, 1)} B of history per stop.`, '');
    }
    if (X.warm.newRunMs?.n) P(`\`Kernel.newRun\` (another run of the same compile, as each run of an example makes: a Memory holding the load image, one allocation of its extent and only its non-zero 4 KiB pages copied): ${f(X.warm.newRunMs.median, 2)} ms (${f(X.warm.newRunMs.min, 2)}–${f(X.warm.newRunMs.max, 2)}).`, '');
    const b = X.bytes;
    P(`History held per stop (\`node --expose-gc\`, heap used and typed-array bytes after gc() before and after the run, divided by the stops): **${f(b.heap.median + b.arrays.median, 1)} B** (${f(b.heap.median, 1)} on the JS heap, ${f(b.arrays.median, 1)} in typed arrays; the logs' own count of their bytes ${f(b.counted.median, 1)} B). Target ≤ 64 B: ${verdict(b.heap.median + b.arrays.median <= 64)}.`, '');
    P('Where the time goes (CPU profiles of this bundle, `node --cpu-prof`, one with `--no-turbo-inlining` to attribute self time): with history on, the garbage collector (about 12 %: each call\'s frame and slot array are kept alive by the log and promoted), the machine\'s loop (`runStops`) and the compiled closures, `recordStop` (about 5 %: three Int32 per stop, 162 MB for this run), the log itself (`log`, `startChunk`, `register`: about 5 %). The History\'s log is typed arrays (src/engine/history.ts: the cells by number in a registry, the index, the value as a double, a tag byte), so the collector traces nothing in it; what remains on the JS heap is the frames and the registry. In the product (ReleaseRun, the machine layer hidden) a frame made since the last stop writes its slots unlogged (`History.setSlot`): over every example 3.3 log entries per stop instead of 6.8. A jump crosses each whole chunk of the logs by its summary once it is made (below), and walks the entries of the chunks at its two ends; a summary holds every cell the chunk wrote, and the frames made and gone within it are most of them, so a jump still grows with the distance, about 4 times more slowly than walking. The machine\'s loop reads instructions of one shape (`uniformInstr`: every field present, so its property loads stay monomorphic) and calls each instruction\'s closure directly: a memory fault is named at its C location by the loop\'s own catch (`Instr.floc`), not by a try/catch wrapper around every closure, which cost an extra call per expression (in single processes back to back on this machine, without history, 4.96–5.17 M/s before and 5.45 M/s after; the wall-clock medians of two bench runs on a shared machine differ by more than that). At launch, tree-sitter\'s parse is mostly its wasm allocator (`dlmalloc`) and declaring the units walks every top-level node through web-tree-sitter\'s JS wrappers; the first call compiles each body it reaches.', '');
    const g = X.goto;
    P(
      `Time travel at the end of that run (${g.stops.toLocaleString('en')} stops), \`History.goto\`. First 3 times per process with every entry walked (as before the summaries are made): to a random earlier stop ${f(g.walk.random.median)} ms, back to the end ${f(g.walk.back.median)} ms, to stop 0 ${f(g.walk.zero.median)} ms. ` +
        `Then \`History.summarize\`, what the adapter does between requests once a motion or the look-ahead has recorded (each whole chunk of 4,096 History entries: every cell it writes by index once, with its first and last write; the arrays it only pushes and pops as a stack change; the arrays both pushed and written, entry by entry; each whole chunk of 8,192 memory stores: each byte it changes, XOR what its stores XOR together, an undo and a redo being the same XOR since each store is logged as old XOR new): ${f(g.summarizeMs.median, 0)} ms for the whole run. ` +
        `Then 21 times, each whole chunk crossed by its summary: to a random earlier stop ${f(g.random.median)} ms (p10–p90 ${f(g.random.p10)}–${f(g.random.p90)}), back to the end ${f(g.back.median)} ms, to stop 0 ${f(g.zero.median)} ms (max ${f(g.zero.max)}), one stop back ${f(g.step.median, 3)} ms.`,
      '',
    );
    const dd = X.dapDepth;
    const prevDeep = R.dap?.depths.at(-1);
    if (dd) {
      P(`Over DAP, the same adapter the editor runs (\`dist/adapter.js\` over stdio, \`scripts/bench/dap.mjs\`) on the release: a long run on two sockets (${dd.rounds.toLocaleString('en')} segments from the scripted peer, then a FIN and a close; ${dd.stops.toLocaleString('en')} stops), recorded by \`continue\` to a breakpoint on the FIN's line (${f(dd.recordMs / 1000, 1)} s), then ${f((dd.idleMs ?? 0) / 1000, 0)} s without a request, as a user reads the stop (the adapter makes the history's summaries in that time, between requests). From each depth: \`stepBack\` and \`gotoStop\` to an earlier stop (spread over the first half) 11 times, \`reverseContinue\` 5 times (the one breakpoint lies after every depth, so it travels back to the first stop: the stop records are scanned back for the stops a breakpoint could end it at, the scenario's events here, and the run goes to each); each until the stopped event and the stackTrace, scopes and variables replies.${prevDeep ? ` The previous engine (the reduced port, section 5, same requests) at stop ${prevDeep.depth.toLocaleString('en')}: stepBack ${f(prevDeep.back.median)} ms, gotoStop ${f(prevDeep.jump.median)} ms.` : ' The previous engine\'s figures over DAP are in section 5.'}`, '');
      P('| at stop | stepBack | gotoStop to an earlier stop | reverseContinue to the first stop |', '| --- | --- | --- | --- |');
      for (const d of dd.depths) P(`| ${d.depth.toLocaleString('en')} | ${f(d.back.median)} ms (max ${f(d.back.max)}) | ${f(d.jump.median)} ms (max ${f(d.jump.max)}) | ${f(d.reverse.median)} ms (max ${f(d.reverse.max)}) |`);
      P('');
    }
  }
  if (R.explore?.small1) {
    const e = R.explore;
    P('## 12. The explorer', '');
    P(`\`node dist/cli.js explore examples/four-way.tcpscenario BOUNDS --jobs N --json\` (src/engine/explore/, src/host/explore/: every schedule run on the release from its start, the worker threads loading the release image themselves), ${e.small1.ms.n} fresh processes per row, wall clock from the process's start to its exit (loading the image, in each worker too, included). Measured on 2 cores shared with other sessions.`, '');
    P('| bounds | jobs | schedules | runs | pruned | outcomes | time | CPU (all threads) | schedules/s |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const x of Object.values(e)) P(`| ${x.bounds} | ${x.jobs} | ${x.schedules} | ${x.runs} | ${x.pruned} | ${x.outcomes} | ${f(x.ms.median / 1000, 1)} s (${f(x.ms.min / 1000, 1)}–${f(x.ms.max / 1000, 1)}) | ${f(x.cpuMs.median / 1000, 1)} s | ${f(x.perSecond.median, 0)} |`);
    P('', `Target: every schedule of the four-way close with at most 2 drops and 1 reorder in under 60 s on this machine: ${verdict(e.small2.ms.median < 60_000)}. Pruning (a state digest at each choice point, src/engine/release/digest.ts) rarely fires on this scenario: two schedules reach the same kernel state *at the same moment* only when the difference left no trace (the timers' absolute expiry times, the round-trip estimate and the sequence of sends all differ otherwise). Each task (a first run's choice point and a fate) is explored with a memo of its own and handed to whichever worker is free, so the results, the pruned count included, are the same on any number of jobs (test/explore.test.ts). Every row's time includes loading the release image: once in the main thread for the first runs and once in each worker thread, which loads it meanwhile. The CPU column says why a second job gains nothing on this machine: one job already keeps more than one core busy (V8's collector and compiler threads beside the run; each run allocates its own memory image of about 6 MB), so two worker threads find no idle core and each run takes twice as long; on more cores the jobs would scale until the image loads dominate.`, '');
  }
  P('## Reproducing', '', '```sh', 'npm run bench            # about ' + Math.ceil(R.seconds / 60) + ' min here; rewrites BENCHMARKS.md', 'node scripts/bench/run.mjs --quick   # smaller sizes, a smoke run', 'node scripts/bench/run.mjs --only 9 --before /tmp/before   # section 9 alone, with a built clone of an earlier commit', 'node scripts/bench/run.mjs --only 10   # the C front end alone', 'node scripts/bench/run.mjs --only 11   # the release engine alone', 'node scripts/bench/run.mjs --only 12   # the explorer alone', 'node scripts/bench/run.mjs --only 1,11 --release-before FILE   # sections 1 and 11, with scripts/bench/release.ts bundled in a clone of an earlier commit', '```', '');
  P('The engine options the benchmarks use: `new Run({ …, history: false })` records no history (no undo log, only the current stop; for batch runs), and `run.runFast(maxStops?, until?)` moves forward like repeated `forward()` calls without building a Stop object per stop (src/engine/run.ts).', '');
  return lines.join('\n');
}
