// The release engine (src/engine/front, src/engine/cmachine, src/engine/memory on the unmodified
// 1.2.13 files, the machine layer and the differential driver, as test/differential/release/
// runs them), one fresh process per measurement; scripts/bench/run.mjs runs this file's bundle and
// reads the JSON line it prints. Prints; asserts nothing.
//
//   release launch [ROUNDS]        first launch in this process (wasm, preprocess, parse, declare +
//                                  lay out + globals, the first call: main over one case), then
//                                  ROUNDS more (warm: the JIT warm, the same process)
//   release run on|off REPEATS     the differential cases (every example, scenarios.txt, the
//                                  oracle's own) REPEATS times through the driver's main: kernel
//                                  statements/s with a stop recorded per statement, history on
//                                  (every store logged, every stop kept) or off; with on, the
//                                  history's bytes per stop (heap and typed arrays after gc()
//                                  when run with --expose-gc) and jumps in time (goto) over the run
//                                  (BENCH_NO_JUMPS=1: no bytes per stop and no jumps, for a CPU profile of the run alone)
//   release image                  the product's first launch in this process: the release image as
//                                  the DAP session and the CLI load it (src/host/load.ts: the seven
//                                  files and the machine layer, preprocessed through the disk store
//                                  in BENCH_PP_CACHE when it names a folder), then a ReleaseRun of
//                                  passive-close to its first C statement
//   release dap [LAUNCHES]         DAP `next` round trips on passive-close with kernel: "release": an
//                                  in-process adapter server over a socket and test/debug/harness.ts's
//                                  client (every message checked against the DAP schema); per
//                                  `next`, the request to its stopped event, and with the stack
//                                  trace, scopes and variables an editor asks for at once

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UnitCache } from '../../src/engine/cmachine/load';
import { History } from '../../src/engine/history';
import { Machine } from '../../src/engine/machine';
import { releaseImage } from '../../src/host/load';
import { serialise } from '../../test/differential/release/protocol';
import { releaseCases } from '../../test/differential/release/cases';
import { releaseKernel, runMain } from '../../test/differential/release/interpreter';
import { loadReleaseKernel, nodeCParser } from '../../src/host/node';
import { diskHash, folderStore } from '../../src/host/cachestore';
import type { PPCache } from '../../src/engine/front/cache';
import { bindScenario } from '../../src/engine/release/bind';
import { ReleaseRun } from '../../src/engine/release/run';
import { parseScenario } from '../../src/scenario/parse';
import { connect, startServer } from '../../test/debug/harness';

const ROOT = process.env.BENCH_ROOT ?? join(__dirname, '..', '..');

/** this process's CPU time (every thread), in ms */
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The differential cases as the driver's protocol text, and their count. */
async function protocolOfCases(): Promise<{ text: string; cases: number }> {
  const image = await releaseImage();
  const cases = releaseCases((n) => image.constant(n));
  return { text: serialise(cases), cases: cases.length };
}

/** BENCH_PP_CACHE=DIR: the preprocessed units cached in DIR, in the disk store a launch uses, with its hash (src/host/cachestore.ts). */
function dirCache(): UnitCache | undefined {
  const dir = process.env.BENCH_PP_CACHE;
  return dir ? { store: folderStore(dir), hash: diskHash } : undefined;
}

async function launch(rounds: number): Promise<void> {
  const proto = await protocolOfCases();
  // one case: the first call a launch makes runs a few hundred statements, not the whole list
  const first = proto.text.split(/(?=^case )/m)[0];
  const t = performance.now();
  const parse = await nodeCParser();
  const wasmMs = performance.now() - t;
  const out: Record<string, number>[] = [];
  for (let r = 0; r <= rounds; r++) {
    const t0 = performance.now();
    const c0 = cpu();
    const H = new History();
    const cache = dirCache();
    const { k, out: stdout, timing } = await releaseKernel(first, undefined, H, parse, cache);
    const t1 = performance.now();
    const m = new Machine(k, H);
    m.budget = Number.MAX_SAFE_INTEGER;
    const status = runMain(k, m);
    const t2 = performance.now();
    if (status !== 0 || !stdout.join('').startsWith('{')) throw new Error(`main ended with ${status}: ${stdout.join('').slice(0, 200)}`);
    // another run of the same compile (what each launch of an example makes): its memory with the load image
    const n0 = performance.now();
    for (let i = 0; i < 10; i++) k.newRun(new History());
    const newRunMs = (performance.now() - n0) / 10;
    out.push({
      // the driver's fields header (the test harness's, not a launch's: it parses the seven files for the sock fields they write)
      fieldsMs: timing.fieldsMs,
      preprocessMs: timing.preprocessMs,
      // Kernel.load: parse, declare and lay out, globals
      loadMs: timing.loadMs,
      parseMs: k.timing.parse ?? 0,
      declareMs: k.timing.declare ?? 0,
      globalsMs: k.timing.globals ?? 0,
      firstCallMs: t2 - t1,
      firstCallStatements: m.executed,
      // a launch: preprocess, load, first call (the harness's fields header left out)
      launchMs: t2 - t0 - timing.fieldsMs,
      cpuMs: cpu() - c0,
      newRunMs,
      imageBytes: k.image.top,
      cacheHits: cache?.hits ?? 0,
      cacheMisses: cache?.misses ?? 0,
    });
  }
  console.log(JSON.stringify({ mode: 'launch', wasmMs, cold: out[0], warm: out.slice(1) }));
}

const gc = (globalThis as { gc?: () => void }).gc;
const heap = (): { heap: number; arrays: number } => {
  gc?.();
  gc?.();
  const u = process.memoryUsage();
  return { heap: u.heapUsed, arrays: u.arrayBuffers };
};

async function run(record: boolean, repeats: number): Promise<void> {
  const proto = await protocolOfCases();
  const text = proto.text.repeat(repeats);
  const H = new History({ record });
  const t0 = performance.now();
  const { k, out } = await releaseKernel(text, undefined, H);
  const loadMs = performance.now() - t0;
  const m = new Machine(k, H);
  m.budget = Number.MAX_SAFE_INTEGER;
  const before = heap();
  const c0 = cpu();
  const t1 = performance.now();
  const status = runMain(k, m);
  const runMs = performance.now() - t1;
  const cpuMs = cpu() - c0;
  const after = heap();
  const records = out.join('').trim().split('\n').length;
  if (status !== 0 || records !== proto.cases * repeats) throw new Error(`main ended with ${status} after ${records} of ${proto.cases * repeats} records`);
  const stops = H.stopCount;
  const result: Record<string, unknown> = {
    mode: 'run',
    record,
    cases: proto.cases * repeats,
    statements: m.executed,
    stops,
    loadMs,
    runMs,
    cpuMs,
    perSecond: m.executed / (runMs / 1000),
    // per second of this process's CPU time (steadier than the wall clock on a shared machine)
    perCpuSecond: m.executed / (cpuMs / 1000),
    stores: k.mem.stores,
    writes: H.writeCount,
  };
  if (record && !process.env.BENCH_NO_JUMPS) {
    // jumps: from the end to random earlier stops and back, to stop 0 and back
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return (seed >>> 8) % n;
    };
    const end = stops - 1;
    const time = (fn: () => void): number => {
      const t = performance.now();
      fn();
      return performance.now() - t;
    };
    // before the summaries are made: every entry walked
    const walk = { random: [] as number[], back: [] as number[], zero: [] as number[] };
    for (let i = 0; i < 3; i++) {
      walk.random.push(time(() => H.goto(rnd(end))));
      walk.back.push(time(() => H.goto(end)));
      walk.zero.push(time(() => H.goto(0)));
      H.goto(end);
    }
    // what the look-ahead and the idle adapter do between requests
    const summarizeMs = time(() => H.summarize(Infinity));
    result.bytesPerStop = {
      // what the history's own accounting says it holds (logs, their summaries and stop records)
      counted: (H.approximateBytes() + k.mem.approximateBytes()) / stops,
      // what the process holds more after the run (only meaningful under --expose-gc; the summaries not included)
      heap: gc ? (after.heap - before.heap) / stops : undefined,
      arrays: gc ? (after.arrays - before.arrays) / stops : undefined,
    };
    const random: number[] = [];
    const back: number[] = [];
    const zero: number[] = [];
    const step: number[] = [];
    for (let i = 0; i < 21; i++) {
      random.push(time(() => H.goto(rnd(end))));
      back.push(time(() => H.goto(end)));
      zero.push(time(() => H.goto(0)));
      H.goto(end);
      step.push(time(() => H.goto(end - 1)));
      H.goto(end);
    }
    result.goto = { stops, random, back, zero, step, walk, summarizeMs };
  }
  console.log(JSON.stringify(result));
}

const PASSIVE = join(ROOT, 'examples', 'passive-close.tcpscenario');

/** The product's first launch: the release image (through the disk cache when BENCH_PP_CACHE names its folder), then a run to its first C statement. */
async function image(): Promise<void> {
  const t0 = performance.now();
  const c0 = cpu();
  await nodeCParser();
  const t1 = performance.now();
  const cache: PPCache | undefined = dirCache();
  const img = await loadReleaseKernel({ cache });
  const t2 = performance.now();
  const text = readFileSync(PASSIVE, 'utf8');
  const { bound } = bindScenario(parseScenario(text, PASSIVE), img.kernel, img.constant);
  const run = new ReleaseRun(img, bound);
  let stop = run.forward();
  while (stop.kind !== 'statement' && stop.kind !== 'end' && stop.kind !== 'error') stop = run.forward();
  const t3 = performance.now();
  const k = img.kernel.timing;
  const kernelMs = (k.parse ?? 0) + (k.declare ?? 0) + (k.globals ?? 0) + (k.bodies ?? 0);
  console.log(
    JSON.stringify({
      mode: 'image',
      wasmMs: t1 - t0,
      imageMs: t2 - t1,
      preprocessMs: img.loadMs - kernelMs,
      parseMs: k.parse ?? 0,
      declareMs: k.declare ?? 0,
      globalsMs: k.globals ?? 0,
      firstStopMs: t3 - t2,
      firstStop: `${stop.fn?.name ?? stop.kind}:${stop.loc?.line ?? 0}`,
      launchMs: t3 - t0,
      cpuMs: cpu() - c0,
      cacheHits: cache?.hits ?? 0,
      cacheMisses: cache?.misses ?? 0,
      declHits: img.decl?.hits ?? 0,
      // the functions the first stop compiled whose definitions were parsed alone (declared from the cache)
      definitionsParsed: k.definitionsParsed ?? 0,
      // the functions it compiled from their whole trees in the cache (compiled by an earlier launch)
      definitionsCached: k.definitionsCached ?? 0,
      definitionsMs: k.definitions ?? 0,
    }),
  );
  // what the product does when idle after a launch: the next launch declares these units from the cache
  img.kernel.storeDeclTrees();
}

/** `next` round trips over the DAP, on passive-close with kernel: "release", in `launches` sessions. */
async function dap(launches: number): Promise<void> {
  const server = await startServer();
  const next: number[] = [];
  const inspect: number[] = [];
  let launchMs = 0;
  try {
    for (let l = 0; l < launches; l++) {
      const c = await connect(server.port);
      const t = performance.now();
      await c.launch({ scenario: PASSIVE, kernel: 'release', stopOnEntry: true }, (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'tcp_fin' }] }));
      launchMs += performance.now() - t;
      c.skipPending();
      await c.step('continue');
      // `next` through the C until the chain returns to a scenario line (the first few: warm-up)
      for (let i = 0; i < 80; i++) {
        const t0 = performance.now();
        const stopped = await c.step('next');
        const t1 = performance.now();
        const frames = await c.frames(stopped.body.threadId ?? 1);
        const scopes = (await c.dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
        await c.dc.variablesRequest({ variablesReference: scopes[0].variablesReference });
        const t2 = performance.now();
        if (l > 0 || i >= 10) {
          next.push(t1 - t0);
          inspect.push(t2 - t0);
        }
        if (frames[0].source?.path?.endsWith('.tcpscenario')) break;
      }
      await c.close();
      c.assertValid();
    }
  } finally {
    await server.close();
  }
  console.log(JSON.stringify({ mode: 'dap', launches, launchMs: launchMs / launches, nextMs: next, inspectMs: inspect }));
}

async function main(): Promise<void> {
  const [mode = 'launch', a = '5', b = '20'] = process.argv.slice(2);
  if (mode === 'launch') await launch(Number(a));
  else if (mode === 'image') await image();
  else if (mode === 'dap') await dap(Number(a));
  else if (mode === 'run') await run(a === 'on', Number(b));
  else throw new Error(`release: unknown mode ${mode}`);
}

main().then(
  () => process.stdout.write('', () => process.exit(0)),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
