// Loads the run a walkthrough or an export reads: on the unmodified 1.2.13 release; with a kernel
// source named, an edited copy of one of the release's files runs in its place, as a debug session does.

import { loadReleaseRun } from '../host/load';
import { releaseNotesRun, type NotesRun } from './notesRun';

export async function loadNotesRun(opts: { scenarioPath: string; kernelPath?: string }): Promise<NotesRun> {
  const { run, text } = await loadReleaseRun({ scenarioPath: opts.scenarioPath, kernelPath: opts.kernelPath });
  return releaseNotesRun(run, text);
}
