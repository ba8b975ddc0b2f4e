// The command line: `tcp-close-debugger run FILE` prints a trace of the kernel C a scenario runs;
// `coverage FILE...` prints which kernel lines the scenarios executed.

import { formatDiagnostic } from '../scenario/ast';
import { RunSetupError } from '../engine/setup';
import { loadReleaseRun } from '../host/load';
import { releaseCoverage, releaseRunCommand } from './release';
import { CError, formatLoc } from '../engine/code';
import { walkthroughCommand, WALKTHROUGH_USAGE } from '../notes/cli';
import { EXPLORE_USAGE, exploreCommand } from './explore';
import { importCommand, loadPkt } from './packetdrill';
import { pktDifferences } from '../host/packetdrill';
import { writeFileSync } from 'node:fs';
import { CAPTURE_SUFFIXES, importCaptureCommand } from './capture';
import { runCapture } from '../engine/release/capture';
import { sequenceDiagram } from '../engine/release/sequence';
import type { ReleaseRun } from '../engine/release/run';

const USAGE = `usage:
  tcp-close-debugger run FILE.tcpscenario [--json] [--kernel tcp.c] [--budget N] [--quiet] [--pcap OUT.pcapng] [--mermaid OUT.mmd]
      (the unmodified Linux 1.2.13 release; --kernel: an edited copy of one of its files, keeping its
       name (tcp.c, sock.c, af_inet.c, timer.c, skbuff.c, ip.c, sched.c), run in its place; --pcap:
       every segment of the run saved as a capture, the bytes the kernel built, for Wireshark;
       --mermaid: the segments as a Mermaid sequence diagram, each arrow with the line that sent it)
  tcp-close-debugger run FILE.pkt [--json] [--kernel tcp.c] [--budget N] [--quiet] [--pcap OUT.pcapng] [--mermaid OUT.mmd]
      (a packetdrill script, translated and run on Linux 1.2.13; each place 1.2 does not do what the
       script says a modern Linux does is printed at the script's line)
  tcp-close-debugger import FILE.pkt [-o FILE.tcpscenario]
      (the scenario a packetdrill script translates to, on stdout or in the -o file; what is not
       translated is listed on stderr at its line and column)
  tcp-close-debugger import FILE.pcapng [--linux client|server] [-o FILE.tcpscenario]
      (the scenario a capture of one TCP connection (pcap or pcapng) translates to: the --linux end
       (default server) is Linux 1.2, the other end's segments are scripted at their captured times)
  tcp-close-debugger coverage FILE.tcpscenario... [--kernel tcp.c] [--all]
      (lines of the release's C the scenarios ran, per function and file; --kernel: with an edited copy
       in its place)
${EXPLORE_USAGE}
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
  output?: string;
  pcap?: string;
  mermaid?: string;
  linux?: string;
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
    else if (x === '-o' || x === '--output') a.output = argv[++i];
    else if (x === '--pcap') a.pcap = argv[++i];
    else if (x === '--mermaid') a.mermaid = argv[++i];
    else if (x === '--linux') a.linux = argv[++i];
    else if (x.startsWith('--')) return `unknown option ${x}`;
    else a.files.push(x);
  }
  if (!['run', 'coverage', 'import'].includes(a.command)) return a.command ? `unknown command '${a.command}'` : 'no command';
  if (!a.files.length) return a.command === 'import' ? 'no packetdrill script given' : 'no scenario file given';
  if (a.command === 'run' && a.files.length > 1) return 'run takes one scenario';
  const capture = CAPTURE_SUFFIXES.some((x) => a.files[0].endsWith(x));
  if (a.command === 'import' && (a.files.length > 1 || !(a.files[0].endsWith('.pkt') || capture))) return 'import takes one packetdrill script (FILE.pkt) or one capture (FILE.pcap, FILE.pcapng)';
  if (a.linux !== undefined && !(a.command === 'import' && capture && ['client', 'server'].includes(a.linux))) return '--linux client|server is an option of import for a capture';
  if (a.output !== undefined && a.command !== 'import') return '-o is an option of import';
  if (a.pcap !== undefined && a.command !== 'run') return '--pcap is an option of run';
  if (a.command === 'run' && (a.pcap === '' || a.pcap?.startsWith('-'))) return '--pcap needs a file name';
  if (a.mermaid !== undefined && (a.command !== 'run' || a.mermaid === '' || (a.mermaid.startsWith('-') && a.mermaid !== '-'))) return '--mermaid is an option of run and needs a file name (- for stdout)';
  if (a.command === 'import' && (a.output === '' || a.output?.startsWith('-'))) return '-o needs a file name';
  if (a.budget !== undefined && !(a.budget > 0)) return '--budget needs a positive number';
  return a;
}

async function runCommand(a: Args): Promise<number> {
  const out = (s: string) => process.stdout.write(s + '\n');
  if (a.files[0].endsWith('.pkt')) return runPktCommand(a, out);
  // the unmodified 1.2.13 release (with --kernel, an edited copy of one of its files in its place)
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
  return savePcap(r.run, a, releaseRunCommand(r.run, r.text, a, out));
}

/** After a run: its capture in the --pcap file and its sequence diagram in the --mermaid one, if asked for; the exit status (2 if one cannot be written). */
function savePcap(run: ReleaseRun, a: Args, status: number): number {
  const save = (file: string, what: string, bytes: () => Uint8Array | string, said: (n: number) => string): boolean => {
    try {
      const b = bytes();
      if (file === '-') process.stdout.write(b);
      else {
        writeFileSync(file, b);
        process.stderr.write(`${run.segs.length} segments saved in ${file} (${said(b.length)})\n`);
      }
      return true;
    } catch (e) {
      process.stderr.write(`${file}: cannot write the ${what}: ${(e as Error).message}\n`);
      return false;
    }
  };
  let ok = true;
  if (a.pcap) ok = save(a.pcap, 'capture', () => runCapture(run), (n) => `pcapng, ${n} bytes`) && ok;
  if (a.mermaid) ok = save(a.mermaid, 'sequence diagram', () => sequenceDiagram(run), () => 'a Mermaid sequence diagram') && ok;
  return ok ? status : 2;
}

/** `run FILE.pkt`: the script translated and run (its lines the trace's), each difference from modern Linux given at the script's line. */
async function runPktCommand(a: Args, out: (s: string) => void): Promise<number> {
  const err = (s: string) => process.stderr.write(s + '\n');
  // the notes (what is not translated) on stderr first; a script that does not translate ends here
  if (!loadPkt(a.files[0], err)) return 2;
  let r;
  try {
    r = await loadReleaseRun({ scenarioPath: a.files[0], kernelPath: a.kernel, stepBudget: a.budget });
  } catch (e) {
    if (e instanceof CError) {
      err(`${formatLoc(e.loc)}: ${e.detail}`);
      return 2;
    }
    return reportSetup(e);
  }
  const pkt = r.pkt!;
  return savePcap(r.run, a, releaseRunCommand(r.run, r.text, { ...a, failures: (run) => pktDifferences(run, pkt) }, out));
}

function reportSetup(e: unknown): number {
  if (e instanceof RunSetupError) {
    for (const d of e.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
    for (const k of e.kernelErrors) process.stderr.write(`${k.message}\n`);
    return 2;
  }
  throw e;
}

async function coverageCommand(a: Args): Promise<number> {
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
  if (argv[0] === 'explore') return exploreCommand(argv.slice(1), `usage:\n${EXPLORE_USAGE}`);
  const a = parseArgs(argv);
  if (typeof a === 'string') {
    process.stderr.write(`${a}\n${USAGE}\n`);
    return 2;
  }
  if (a.command === 'import' && CAPTURE_SUFFIXES.some((x) => a.files[0].endsWith(x))) return importCaptureCommand(a.files[0], (a.linux as 'client' | 'server' | undefined) ?? 'server', a.output, (s) => process.stdout.write(s + '\n'), (s) => process.stderr.write(s + '\n'));
  if (a.command === 'import') return importCommand(a.files[0], a.output, (s) => process.stdout.write(s + '\n'), (s) => process.stderr.write(s + '\n'));
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
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`internal error: ${(e as Error).stack}\n`);
      process.exitCode = 3;
    },
  );
}
