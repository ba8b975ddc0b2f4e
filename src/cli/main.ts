// The command line: `tcp-close-debugger run FILE` prints a trace of the kernel C a scenario runs;
// `coverage FILE...` prints which kernel lines the scenarios executed.

import { clockText } from '../common/clock';
import { formatDiagnostic } from '../scenario/ast';
import { RunSetupError, type Run, type Stop } from '../engine/run';
import { endSocketJson } from '../engine/inspect';
import { SocketChanges } from '../engine/changes';
import { loadReleaseRun, loadRun } from '../host/load';
import { kernelOfCopy } from '../host/editedRelease';
import { releaseCoverage, releaseRunCommand } from './release';
import { CError, formatLoc } from '../engine/code';
import { segmentText } from '../engine/world';
import { basename } from 'node:path';
import { walkthroughCommand, WALKTHROUGH_USAGE } from '../notes/cli';

const USAGE = `usage:
  tcp-close-debugger run FILE.tcpscenario [--json] [--kernel tcp.c] [--budget N] [--quiet]
      (the unmodified Linux 1.2.13 release; --kernel: an edited copy of one of its files, keeping its
       name (tcp.c, sock.c, af_inet.c, timer.c, skbuff.c, ip.c, sched.c), run in its place; or of the reduced port's tcp.c)
  tcp-close-debugger coverage FILE.tcpscenario... [--kernel tcp.c] [--all]
      (lines of the release's C the scenarios ran, per function and file; --kernel: with an edited copy
       in its place, or the reduced port's)
${WALKTHROUGH_USAGE}

exit status: 0 every expectation held, 1 an expectation failed, 2 invalid scenario or kernel source`;

interface Args {
  command: string;
  files: string[];
  json: boolean;
  kernel?: string;
  budget?: number;
  quiet: boolean;
  all: boolean;
}

function parseArgs(argv: string[]): Args | string {
  const a: Args = { command: argv[0] ?? '', files: [], json: false, quiet: false, all: false };
  for (let i = 1; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--json') a.json = true;
    else if (x === '--quiet') a.quiet = true;
    else if (x === '--all') a.all = true;
    else if (x === '--kernel') a.kernel = argv[++i];
    else if (x === '--budget') a.budget = Number(argv[++i]);
    else if (x.startsWith('--')) return `unknown option ${x}`;
    else a.files.push(x);
  }
  if (!['run', 'coverage'].includes(a.command)) return a.command ? `unknown command '${a.command}'` : 'no command';
  if (!a.files.length) return 'no scenario file given';
  if (a.command === 'run' && a.files.length > 1) return 'run takes one scenario';
  if (a.budget !== undefined && !(a.budget > 0)) return '--budget needs a positive number';
  return a;
}

const splitFiles = new Map<string, string[]>();
function sourceLine(run: Run, file: string, line: number): string {
  let lines = splitFiles.get(file);
  if (!lines) {
    lines = (run.prog.files.get(file) ?? '').split('\n');
    splitFiles.set(file, lines);
  }
  return (lines[line - 1] ?? '').replace(/\t/g, '    ').trim();
}

function scenarioLine(run: Run, line: number): string {
  return (run.scenarioLines[line - 1] ?? '').trim();
}

function itemText(run: Run, s: Stop): string {
  const it = s.item;
  if (!it) return '';
  if (it.kind === 'event') return `${basename(run.scenario.file)}:${it.event.line}  ${scenarioLine(run, it.event.line)}`;
  if (it.kind === 'timer') return `sk->${it.which} fires (${run.constantName(it.reason, 'TIME_')})`;
  return `segment arrives from ${it.seg.from}: ${segmentText(it.seg)}`;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

async function runCommand(a: Args): Promise<number> {
  const out = (s: string) => process.stdout.write(s + '\n');
  if (!a.kernel || kernelOfCopy(a.kernel) === 'release') {
    // the default: the unmodified 1.2.13 release (with --kernel, an edited copy of one of its files in its place)
    let r;
    try {
      r = await loadReleaseRun({ scenarioPath: a.files[0], kernelPath: a.kernel, stepBudget: a.budget });
    } catch (e) {
      if (e instanceof CError) {
        process.stderr.write(`${formatLoc(e.loc)}: ${e.detail}\n`);
        return 2;
      }
      return reportSetup(e);
    }
    return releaseRunCommand(r.run, r.text, a, out);
  }
  let run: Run;
  try {
    run = await loadRun({ scenarioPath: a.files[0], kernelPath: a.kernel, stepBudget: a.budget });
  } catch (e) {
    return reportSetup(e);
  }
  rememberRun(run);
  const changes = new SocketChanges(run);
  let mark = changes.mark();
  /** prints what the statements since the last stop printed changed, from the history's write log */
  const flushChanges = () => {
    for (const c of changes.since(mark)?.changes ?? []) out(`${' '.repeat(28)}${c.socket}.${c.field}: ${c.before} -> ${c.after}`);
    mark = changes.mark();
  };
  let stop = run.stopInfo(run.stopIndex);
  let statements = 0;
  const t0 = performance.now();
  for (;;) {
    if (stop.kind === 'statement') statements++;
    if (a.json) {
      if (stop.kind === 'statement') out(JSON.stringify({ type: 'step', socket: stop.socket, function: stop.fn!.name, file: stop.loc!.file, line: stop.loc!.line, clock: stop.clock }));
      else if (stop.kind === 'event') out(JSON.stringify({ type: 'event', socket: stop.socket, line: stop.item?.kind === 'event' ? stop.item.event.line : null, what: itemText(run, stop), clock: stop.clock }));
    } else if (!a.quiet) {
      flushChanges();
      printStop(run, stop, out);
    }
    if (stop.kind === 'end' || stop.kind === 'error') break;
    stop = run.forward();
  }
  const ms = performance.now() - t0;
  const failures = run.world.failures.map((f) => ({ file: run.scenario.file, line: f.line, clock: f.time, message: f.message }));
  if (a.json) {
    const sockets: Record<string, unknown> = {};
    for (const [name, info] of run.world.sockets) sockets[name] = endSocketJson(run, info);
    const end: Record<string, unknown> = { type: 'end', clock: run.world.jiffies, sockets, failures };
    if (stop.kind === 'error') end.error = { file: stop.errorLoc?.file, line: stop.errorLoc?.line, column: stop.errorLoc?.column, message: stop.message };
    out(JSON.stringify(end));
  } else {
    flushChanges();
    out('');
    out(`summary: ${statements} statements, ${run.stopCount} stops, clock ${clockText(run.world.jiffies)}, ${run.world.segments.length} segments, ${(ms).toFixed(1)} ms`);
    for (const [name, info] of run.world.sockets) {
      const j = endSocketJson(run, info);
      const t = (x: any) => (x ? `${x.reason}@${x.expires}` : 'none');
      out(`  ${pad(name, 8)} ${pad(String(j.state), 16)} shutdown=${j.shutdown} fin_seq=${j.fin_seq} write_seq=${j.write_seq} acked_seq=${j.acked_seq} rcv_ack_seq=${j.rcv_ack_seq} timer=${t(j.timer)} retransmit_timer=${t(j.retransmit_timer)}`);
    }
    for (const f of failures) out(`FAILED ${f.file}:${f.line}: ${f.message}`);
    if (stop.kind === 'error') out(`ERROR ${stop.errorLoc ? formatLoc(stop.errorLoc) : ''}: ${stop.message}`);
    if (!failures.length && stop.kind !== 'error') out('every expectation held');
  }
  if (stop.kind === 'error') {
    // the fault also goes to stderr, as every error of the command line does (file:line:col: message)
    process.stderr.write(`${stop.errorLoc ? formatLoc(stop.errorLoc) + ': ' : ''}${stop.message}\n`);
    return 2;
  }
  return failures.length ? 1 : 0;
}

let lastRun: Run | undefined;
function rememberRun(r: Run) {
  lastRun = r;
}

function printStop(run: Run, s: Stop, out: (x: string) => void): void {
  const clock = `[${String(s.clock).padStart(6)}j]`;
  switch (s.kind) {
    case 'statement':
      out(`${clock} ${pad(s.socket, 7)} ${pad(`${s.fn!.name}:${s.loc!.line}`, 18)} ${sourceLine(run, s.loc!.file, s.loc!.line)}`);
      break;
    case 'event':
      out(`${clock} ${pad(s.socket, 7)} ${itemText(run, s)}`);
      break;
    case 'failure':
      out(`${clock} FAILED  ${basename(run.scenario.file)}:${s.item?.kind === 'event' ? s.item.event.line : '?'}: ${s.message}`);
      break;
    case 'error':
      out(`${clock} ERROR   ${s.errorLoc ? formatLoc(s.errorLoc) : ''}: ${s.message}`);
      break;
    case 'end':
      out(`${clock} end of scenario`);
      break;
  }
  for (const p of run.world.printk.slice(printed)) out(`${' '.repeat(28)}printk: ${p.text.trimEnd()}`);
  printed = run.world.printk.length;
}
let printed = 0;

function reportSetup(e: unknown): number {
  if (e instanceof RunSetupError) {
    for (const d of e.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
    for (const k of e.kernelErrors) process.stderr.write(`${k.message}\n`);
    return 2;
  }
  throw e;
}

async function coverageCommand(a: Args): Promise<number> {
  if (!a.kernel || kernelOfCopy(a.kernel) === 'release') {
    const runs = [];
    for (const f of a.files) {
      try {
        runs.push((await loadReleaseRun({ scenarioPath: f, kernelPath: a.kernel, stepBudget: a.budget })).run);
      } catch (e) {
        return reportSetup(e);
      }
    }
    return releaseCoverage(runs, a.all, (s) => process.stdout.write(s + '\n')) ? 1 : 0;
  }
  const hits = new Map<string, Map<number, number>>();
  let executable: Map<string, Set<number>> | undefined;
  let runRef: Run | undefined;
  let failed = false;
  for (const f of a.files) {
    let run: Run;
    try {
      run = await loadRun({ scenarioPath: f, kernelPath: a.kernel, stepBudget: a.budget });
    } catch (e) {
      return reportSetup(e);
    }
    runRef = run;
    executable = run.prog.executableLines;
    for (;;) {
      const s = run.forward();
      if (s.kind === 'statement') {
        const m = hits.get(s.loc!.file) ?? new Map<number, number>();
        m.set(s.loc!.line, (m.get(s.loc!.line) ?? 0) + 1);
        hits.set(s.loc!.file, m);
      }
      if (s.kind === 'failure') failed = true;
      if (s.kind === 'end' || s.kind === 'error') break;
    }
  }
  const out = (s: string) => process.stdout.write(s + '\n');
  const run = runRef!;
  for (const fn of run.prog.functions) {
    const lines = [...new Set(fn.code.filter((i) => i.op === 0).map((i) => i.loc.line))].sort((x, y) => x - y);
    const m = hits.get(fn.file);
    const hit = lines.filter((l) => m?.has(l));
    if (!a.all && hit.length === 0) continue;
    out(`${pad(fn.name, 22)} ${String(hit.length).padStart(3)}/${String(lines.length).padEnd(3)} lines${hit.length < lines.length ? `   not run: ${lines.filter((l) => !m?.has(l)).join(', ')}` : ''}`);
  }
  void executable;
  return failed ? 1 : 0;
}

const HELP = ['--help', '-h', 'help'];

/** The usage on stdout: all of it, or the lines of one command (`help run`). */
function help(command: string | undefined): number {
  const lines = USAGE.split('\n');
  const mine = command ? lines.filter((l) => l.startsWith(`  tcp-close-debugger ${command} `)) : [];
  if (command && !mine.length) {
    process.stderr.write(`unknown command '${command}'\n${USAGE}\n`);
    return 2;
  }
  process.stdout.write(`${command ? ['usage:', ...mine, '', lines[lines.length - 1]].join('\n') : USAGE}\n`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  if (HELP.includes(argv[0])) return help(argv[1]);
  if (argv.slice(1).some((x) => HELP.includes(x) && x !== 'help')) return help(argv[0]);
  if (argv[0] === 'walkthrough') return walkthroughCommand(argv.slice(1));
  const a = parseArgs(argv);
  if (typeof a === 'string') {
    process.stderr.write(`${a}\n${USAGE}\n`);
    return 2;
  }
  return a.command === 'run' ? runCommand(a) : coverageCommand(a);
}

if (require.main === module) {
  // `... | head`: the reader went away; stop quietly, as Unix tools do
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      void lastRun;
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`internal error: ${(e as Error).stack}\n`);
      process.exitCode = 3;
    },
  );
}
