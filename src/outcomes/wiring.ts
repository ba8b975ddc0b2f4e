// The explorer in VS Code: "Explore Schedules" on a scenario (bounds from a preset or typed as the
// command line takes them) with a progress notification that can be cancelled, the Outcomes view,
// and "Debug this outcome", which writes the outcome's shortest schedule as a scenario (the
// scenario with its `fate` lines) and starts the debugger where that run first leaves the
// scenario as written (launch's stopAtFate). Both run kernel C: refused in an untrusted workspace.

import * as vscode from 'vscode';
import { DEBUG_TYPE } from '../common/ids';
import { registerRunningCommand } from '../workbench/trust';
import { parseExploreArgs } from '../host/explore/args';
import { ExploreRefused, exploreScenario } from '../host/explore/pool';
import { ExploreCancelled, ExploreLimit } from '../engine/explore/search';
import { replayText } from '../engine/explore/schedule';
import { replayHeader, replayName } from '../engine/explore/words';
import { OUTCOMES_VIEW, OutcomesView, type OutcomeNode } from './view';

export const EXPLORE_COMMAND = 'tcpCloseDebugger.explore';
export const DEBUG_OUTCOME_COMMAND = 'tcpCloseDebugger.outcomes.debug';

/** The bounds offered first (the command line's options), and "Custom…". */
const PRESETS: { label: string; args: string[] }[] = [
  { label: '--drops 1', args: ['--drops', '1'] },
  { label: '--drops 2', args: ['--drops', '2'] },
  { label: '--drops 2 --reorders 1', args: ['--drops', '2', '--reorders', '1'] },
  { label: '--drops 2 --duplicates 1 --reorders 1', args: ['--drops', '2', '--duplicates', '1', '--reorders', '1'] },
  { label: '--drops 1 --close-times -10ms,+10ms', args: ['--drops', '1', '--close-times', '-10ms,+10ms'] },
];

const words = (text: string) => text.trim().split(/\s+/).filter(Boolean);

/** The bounds the user picks (or types); undefined if they step back. */
async function askBounds(file: string): Promise<string[] | undefined> {
  const custom = vscode.l10n.t('Custom…');
  const pick = await vscode.window.showQuickPick([...PRESETS.map((p) => ({ label: p.label, args: p.args })), { label: custom, args: [] as string[] }], { title: vscode.l10n.t('Explore the schedules of {0}', file.split(/[\\/]/).pop() ?? file), placeHolder: vscode.l10n.t('What may happen to each segment sent over a link') });
  if (!pick) return undefined;
  if (pick.label !== custom) return pick.args;
  const text = await vscode.window.showInputBox({
    prompt: vscode.l10n.t('The explorer\'s options, as `tcp-close-debugger explore` takes them'),
    value: '--drops 2 --reorders 1',
    validateInput: (v) => {
      const a = parseExploreArgs([file, ...words(v)]);
      return typeof a === 'string' ? a : undefined;
    },
  });
  return text === undefined ? undefined : words(text);
}

export function registerOutcomes(context: vscode.ExtensionContext): void {
  const view = new OutcomesView();
  const tree = vscode.window.createTreeView(OUTCOMES_VIEW, { treeDataProvider: view });
  tree.message = view.message();
  context.subscriptions.push(
    tree,
    registerRunningCommand(EXPLORE_COMMAND, async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!target || !target.fsPath.endsWith('.tcpscenario')) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Open a .tcpscenario file to explore its schedules.'));
        return;
      }
      const argv = await askBounds(target.fsPath);
      if (!argv) return;
      const a = parseExploreArgs([target.fsPath, ...argv]);
      if (typeof a === 'string') {
        void vscode.window.showErrorMessage(a);
        return;
      }
      // an unsaved editor's text is what is explored
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString());
      const name = target.path.split('/').pop() ?? '';
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Exploring {0}', name), cancellable: true }, async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        try {
          const r = await exploreScenario({
            scenarioPath: target.fsPath,
            scenarioText: doc?.isDirty ? doc.getText() : undefined,
            kernelPath: a.kernel,
            stepBudget: a.budget ?? vscode.workspace.getConfiguration('tcpCloseDebugger').get<number>('stepBudget'),
            bounds: a.bounds,
            jobs: a.jobs,
            // never in the extension host's own thread: it would stop the editor while it runs
            threads: true,
            signal: abort.signal,
            progress: ({ done }) => progress.report({ message: vscode.l10n.t('{0} schedules ({1} runs, {2} pruned)', done.runs + done.pruned, done.runs, done.pruned) }),
          });
          view.show(r, target);
          tree.message = view.message();
          await vscode.commands.executeCommand(`${OUTCOMES_VIEW}.focus`);
        } catch (e) {
          if (e instanceof ExploreCancelled) void vscode.window.showInformationMessage(vscode.l10n.t('The exploration of {0} was cancelled.', name));
          else if (e instanceof ExploreRefused || e instanceof ExploreLimit) void vscode.window.showErrorMessage(`${name}: ${e.message}`);
          else void vscode.window.showErrorMessage(vscode.l10n.t('{0} cannot be explored: {1}', name, e instanceof Error ? e.message : String(e)));
        }
      });
    }),
    registerRunningCommand(DEBUG_OUTCOME_COMMAND, async (node?: OutcomeNode) => {
      const r = view.result;
      const scenario = view.scenario;
      if (!r || !scenario || node?.kind !== 'outcome') return;
      const t = r.outcomes[node.i];
      const dir = vscode.Uri.joinPath(context.globalStorageUri, 'explore');
      await vscode.workspace.fs.createDirectory(dir);
      const file = vscode.Uri.joinPath(dir, replayName(scenario.path, node.i + 1));
      const name = scenario.path.split('/').pop() ?? '';
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(replayText(r.text, t.shortest, r.bound, r.bounds.until, replayHeader(t, name, node.i + 1, r.bound))));
      await vscode.window.showTextDocument(file, { preview: false });
      await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(scenario), {
        type: DEBUG_TYPE,
        request: 'launch',
        name: vscode.l10n.t('Outcome {0} of {1}', node.i + 1, name),
        scenario: file.fsPath,
        stopAtFate: true,
      });
    }),
  );
}
