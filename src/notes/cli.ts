// `tcp-close-debugger walkthrough export FILE.walkthrough.json [-o out.md]`: a walkthrough (or a
// whole run, given a .tcpscenario) as one markdown file, readable on GitHub without VS Code.
// `--lang LANG` picks the narration's language (default English, whatever the locale: the same
// command writes the same file everywhere).

import { writeFileSync } from 'node:fs';
import { readError, readText } from '../host/read';
import { basename, dirname, resolve } from 'node:path';
import { formatDiagnostic } from '../scenario/ast';
import { RunSetupError } from '../engine/setup';
import { loadNotesRun } from './loadNotesRun';
import { exportRun, exportWalkthrough } from './export';
import { formatParseError } from './store';
import { LANGUAGE_TAG, normalizeLanguage, parseWalkthrough, WALKTHROUGH_SUFFIX } from './walkthroughFile';

export const WALKTHROUGH_USAGE = `  tcp-close-debugger walkthrough export FILE.walkthrough.json [-o out.md] [--kernel tcp.c] [--lang en|zh-cn]
  tcp-close-debugger walkthrough export FILE.tcpscenario [-o out.md] [--kernel tcp.c] [--every]`;

/** Runs the `walkthrough` command; returns the exit status (0 written, 2 bad arguments or files). */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: CliIo = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

export async function walkthroughCommand(argv: string[], io: CliIo = stdio): Promise<number> {
  const usage = (why: string) => {
    io.err(`${why}\nusage:\n${WALKTHROUGH_USAGE}\n`);
    return 2;
  };
  if (argv[0] !== 'export') return usage(argv[0] ? `unknown walkthrough command '${argv[0]}'` : 'walkthrough needs a command: export');
  let output: string | undefined;
  let kernel: string | undefined;
  let every = false;
  let lang: string | undefined;
  const files: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o' || a === '--output') output = argv[++i];
    else if (a === '--kernel') kernel = argv[++i];
    else if (a === '--every') every = true;
    else if (a === '--lang') lang = argv[++i] ?? '';
    else if (a.startsWith('-')) return usage(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length !== 1) return usage('walkthrough export takes one file');
  if ((output === undefined && argv.includes('-o')) || (kernel === undefined && argv.includes('--kernel'))) return usage('-o and --kernel need a path');
  if (lang !== undefined && !LANGUAGE_TAG.test(lang.replace(/_/g, '-'))) return usage(`--lang needs a language tag, like en or zh-cn${lang ? ` (not '${lang}')` : ''}`);
  const file = resolve(files[0]);
  let markdown: string;
  try {
    if (file.endsWith(WALKTHROUGH_SUFFIX)) {
      let text: string;
      try {
        text = readText(file, 'walkthrough');
      } catch (e) {
        io.err(`${file}:1:1: ${readError(e)}\n`);
        return 2;
      }
      const r = parseWalkthrough(text, file);
      if ('error' in r) {
        io.err(formatParseError(r.error) + '\n');
        return 2;
      }
      const w = r.walkthrough;
      const kernelPath = kernel ?? (w.kernel ? resolve(dirname(file), w.kernel) : undefined);
      const run = await loadNotesRun({ scenarioPath: resolve(dirname(file), w.scenario), kernelPath });
      markdown = exportWalkthrough(run, w, { language: normalizeLanguage(lang ?? 'en') });
      run.dispose();
    } else {
      const run = await loadNotesRun({ scenarioPath: file, kernelPath: kernel });
      markdown = exportRun(run, { every, title: `A run of ${basename(file)}` });
      run.dispose();
    }
  } catch (e) {
    if (!(e instanceof RunSetupError)) throw e;
    for (const d of e.diagnostics) io.err(formatDiagnostic(d) + '\n');
    for (const k of e.kernelErrors) io.err(`${k.message}\n`);
    return 2;
  }
  if (output) {
    writeFileSync(resolve(output), markdown);
    io.err(`wrote ${output}\n`);
  } else io.out(markdown);
  return 0;
}
