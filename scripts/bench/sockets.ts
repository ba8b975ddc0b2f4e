// The cost of a statement in each output path at a number of sockets (scripts/bench/run.mjs
// bundles this file from this tree, and from a clone of an earlier commit for the figures before):
//
//   cli MODE FILE          `tcp-close-debugger run FILE` (MODE text, json or quiet) in process,
//                          stdout into a sink; the time from its first write to the last stop's
//                          line (text, json) or the summary's own loop time (quiet)
//   snapshots FILE MAX     buildSnapshot (the panel's, and the adapter's tcpClose/stop body) at
//                          each of the first MAX stops, with JSON.stringify as the adapter sends it
//   scenario N ACTIVE OUT  writes the scenario: N sockets, ACTIVE pairs doing a four-way close

import { writeFileSync } from 'node:fs';
import { main } from '../../src/cli/main';
import { loadRun } from '../../src/host/load';
import { buildSnapshot } from '../../src/debug/snapshot';
import { idleSockets } from './scenario';

const out = (o: unknown) => console.log(JSON.stringify(o));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function cli(mode: string, file: string): Promise<void> {
  const write = process.stdout.write.bind(process.stdout);
  let first = 0;
  let endAt = 0;
  let cpuFirst = 0;
  let cpuEnd = 0;
  let bytes = 0;
  let summary = '';
  // the last stop's line: what follows it (the summary, the end object) is written once per run
  const end = mode === 'json' ? /^\{"type":"end"/ : /end of scenario|^summary:/m;
  (process.stdout as any).write = (chunk: string | Uint8Array) => {
    const t = performance.now();
    const s = String(chunk);
    if (!first) {
      first = t;
      cpuFirst = cpu();
    }
    if (!endAt && end.test(s)) {
      endAt = t;
      cpuEnd = cpu();
    }
    bytes += s.length;
    if (s.startsWith('summary:')) summary = s;
    return true;
  };
  let code: number;
  try {
    code = await main(['run', file, ...(mode === 'text' ? [] : [`--${mode}`])]);
  } finally {
    (process.stdout as any).write = write;
  }
  const sum = /summary: (\d+) statements, (\d+) stops.*, ([\d.]+) ms/.exec(summary);
  out({ mode, code, bytes, spanMs: endAt - first, cpuMs: cpuEnd - cpuFirst, loopMs: sum ? Number(sum[3]) : undefined, statements: sum ? Number(sum[1]) : undefined });
}

async function snapshots(file: string, max: number): Promise<void> {
  const run = await loadRun({ scenarioPath: file });
  let prev = buildSnapshot(run);
  let statements = 0;
  let bytes = 0;
  const t0 = performance.now();
  const c0 = cpu();
  for (let i = 0; i < max && !run.finished; i++) {
    const s = run.forward();
    if (s.kind === 'statement') statements++;
    prev = buildSnapshot(run, prev);
    bytes += JSON.stringify(prev).length;
  }
  const ms = performance.now() - t0;
  const cpuMs = cpu() - c0;
  // the same stops without snapshots: the engine's own share, subtracted
  const bare = await loadRun({ scenarioPath: file });
  const c1 = cpu();
  for (let i = 0; i < max && !bare.finished; i++) bare.forward();
  const engineCpuMs = cpu() - c1;
  out({ statements, stops: Math.min(max, run.stopIndex), ms, cpuMs, engineCpuMs, bytesPerStop: bytes / Math.max(1, run.stopIndex), sockets: Object.keys(prev.sockets).length });
}

const [cmd, ...args] = process.argv.slice(2);
const jobs: Record<string, () => Promise<void> | void> = {
  cli: () => cli(args[0], args[1]),
  snapshots: () => snapshots(args[0], Number(args[1])),
  scenario: () => {
    writeFileSync(args[2], idleSockets(Number(args[0]), Number(args[1])));
    out({ written: args[2] });
  },
};
if (!jobs[cmd]) throw new Error(`usage: sockets.js cli|snapshots|scenario ...`);
Promise.resolve(jobs[cmd]()).then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
