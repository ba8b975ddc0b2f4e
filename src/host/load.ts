// Starts a run from files on disk: reads and parses the scenario, binds it to the release image (or to the release with an edited copy of one of its files in place).

import { resolve } from 'node:path';
import { parseScenario } from '../scenario/parse';
import { RunSetupError } from '../engine/setup';
import { loadReleaseKernel } from './node';
import { bindScenario, type BoundScenario } from '../engine/release/bind';
import type { ReleaseImage } from '../engine/release/image';
import { ReleaseRun } from '../engine/release/run';
import { CError } from '../engine/code';
import { LoadError } from '../engine/cmachine/kernel';
import { readError, readText } from './read';
import { EditedCopyError, loadEditedRelease } from './editedRelease';
import { defaultCacheStore, diskHash } from './cachestore';
import type { Diagnostic } from '../scenario/ast';
import { importPkt, type PktImport } from '../scenario/packetdrill/translate';
import { pktFailureText } from './packetdrill';

/** A scenario read from disk must be named *.tcpscenario: any other file is refused by name, not quoted. */
export const SCENARIO_SUFFIX = '.tcpscenario';

function setupError(file: string, message: string): RunSetupError {
  const d: Diagnostic = { file, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, severity: 'error', message };
  return new RunSetupError([d]);
}

export interface LoadOptions {
  scenarioPath: string;
  /** an edited copy of one of the release's files (tcp.c…) to run in its place */
  kernelPath?: string;
  stepBudget?: number;
  /** the scenario's text, when the caller has it already (an unsaved editor) */
  scenarioText?: string;
}

/** A packetdrill script (src/scenario/packetdrill/) runs as the scenario it translates to, its lines the script's. */
export const PKT_SUFFIX = '.pkt';

function readScenario(opts: LoadOptions): { file: string; text: string } {
  const file = resolve(opts.scenarioPath);
  let text = opts.scenarioText;
  if (text === undefined && file.endsWith(PKT_SUFFIX)) {
    try {
      text = readText(file, 'packetdrill script');
    } catch (e) {
      throw setupError(file, readError(e));
    }
  }
  if (text === undefined) {
    if (!file.endsWith(SCENARIO_SUFFIX)) throw setupError(file, `not a scenario file (${SCENARIO_SUFFIX}): it is not read`);
    try {
      text = readText(file, 'scenario');
    } catch (e) {
      throw setupError(file, readError(e));
    }
  }
  return { file, text };
}

let image: Promise<ReleaseImage> | undefined;

/** The release image, loaded once per process (every run is made from it); its preprocessed units cached on disk (src/host/cachestore.ts). */
export function releaseImage(): Promise<ReleaseImage> {
  image ??= loadReleaseKernel({ cache: { store: defaultCacheStore(), hash: diskHash } }).catch((e) => {
    image = undefined;
    if (e instanceof LoadError) throw new RunSetupError([], e.errors);
    if (e instanceof CError) throw new RunSetupError([], [e]);
    throw e;
  });
  return image;
}

/** The release image with an edited copy of one of its files in its place; its problems as a RunSetupError naming the copy. */
async function editedImage(path: string): Promise<ReleaseImage> {
  try {
    return (await loadEditedRelease(path)).image;
  } catch (e) {
    if (e instanceof EditedCopyError) {
      const at = { line: e.line, column: e.column };
      throw new RunSetupError([{ file: e.file, range: { start: at, end: at }, severity: 'error', message: e.message }]);
    }
    if (e instanceof LoadError) throw new RunSetupError([], e.errors);
    if (e instanceof CError) throw new RunSetupError([], [e]);
    throw e;
  }
}

/**
 * The scenario bound to the release (its names resolved: states, fields, functions), or to the
 * release with `kernelPath`, an edited copy of one of its files, in place; throws RunSetupError
 * with every problem.
 */
async function bindOnRelease(opts: LoadOptions): Promise<{ img: ReleaseImage; bound: BoundScenario; text: string; file: string; pkt?: PktImport }> {
  const { file, text } = readScenario(opts);
  // a packetdrill script: translated, then bound as its scenario, with the script's file and lines
  const pkt = file.endsWith(PKT_SUFFIX) ? importPkt(text, file) : undefined;
  if (pkt?.errors.length) throw new RunSetupError(pkt.errors);
  const scenario = parseScenario(pkt ? pkt.text : text, file);
  const img = opts.kernelPath ? await editedImage(opts.kernelPath) : await releaseImage();
  const { bound, diagnostics } = bindScenario(scenario, img.kernel, img.constant);
  let errors = [...scenario.diagnostics.filter((d) => d.severity === 'error'), ...diagnostics];
  if (pkt) {
    errors = errors.map((d) => {
      const at = { line: pkt.lineMap[d.range.start.line] || 1, column: 1 };
      return { ...d, range: { start: at, end: at }, message: `the translation of this line: ${d.message}` };
    });
    bound.file = file;
    for (const e of bound.events) e.line = pkt.lineMap[e.line] || 1;
  }
  errors.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
  if (errors.length) throw new RunSetupError(errors);
  return { img, bound, text, file, pkt };
}

/** A run of the scenario on the unmodified 1.2.13 release (src/engine/release/), or with `kernelPath`'s edited copy of one of its files. */
export async function loadReleaseRun(opts: LoadOptions): Promise<{ run: ReleaseRun; text: string; file: string; pkt?: PktImport }> {
  const { img, bound, text, file, pkt } = await bindOnRelease(opts);
  try {
    const run = new ReleaseRun(img, bound, { stepBudget: opts.stepBudget });
    // a script's failed `>` line says what the script wanted and what Linux 1.2 sent, in its terms
    if (pkt) run.failureText = (f) => pktFailureText(run, pkt, f);
    return { run, text, file, pkt };
  } catch (e) {
    // the boot and the sockets' setup run C (an edited copy's, too): what stops them is the copy's problem, at its line
    if (e instanceof CError) throw new RunSetupError([], [e]);
    throw e;
  }
}

/** The editor's check of a scenario: bound to the release as F5 runs it (the run is made, then dropped). */
export async function checkOnRelease(opts: LoadOptions): Promise<{ dispose(): void }> {
  await bindOnRelease(opts);
  return { dispose: () => {} };
}
