// Loads the run a walkthrough or an export reads: on the unmodified 1.2.13 release by default, on
// the reduced port (or an edited copy of it) when a kernel source is named, as `run` does.

import { loadReleaseRun, loadRun } from '../host/load';
import { reducedNotesRun, releaseNotesRun, type NotesRun } from './notesRun';

export async function loadNotesRun(opts: { scenarioPath: string; kernelPath?: string }): Promise<NotesRun> {
  if (opts.kernelPath) return reducedNotesRun(await loadRun({ scenarioPath: opts.scenarioPath, kernelPath: opts.kernelPath }));
  const { run, text } = await loadReleaseRun({ scenarioPath: opts.scenarioPath });
  return releaseNotesRun(run, text);
}
