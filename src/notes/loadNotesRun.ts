// Loads the run a walkthrough or an export reads: on the unmodified 1.2.13 release by default; with
// a kernel source named, on the kernel that copy is of (an edited release file runs in its place;
// a copy of the reduced port's tcp.c runs the reduced port), as a debug session does.

import { loadReleaseRun, loadRun } from '../host/load';
import { kernelOfCopy } from '../host/editedRelease';
import { reducedNotesRun, releaseNotesRun, type NotesRun } from './notesRun';

export async function loadNotesRun(opts: { scenarioPath: string; kernelPath?: string }): Promise<NotesRun> {
  if (opts.kernelPath && kernelOfCopy(opts.kernelPath) === 'reduced') return reducedNotesRun(await loadRun({ scenarioPath: opts.scenarioPath, kernelPath: opts.kernelPath }));
  const { run, text } = await loadReleaseRun({ scenarioPath: opts.scenarioPath, kernelPath: opts.kernelPath });
  return releaseNotesRun(run, text);
}
