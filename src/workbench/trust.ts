// Workspace trust, in one place. Everything that runs a scenario runs kernel C, and a scenario or a
// walkthrough can name an edited tcp.c from the workspace: in an untrusted workspace nothing runs.
// Every command that would run one is registered with registerRunningCommand, and the debug
// configuration provider asks mayRun: both refuse with the same message. package.json hides the
// same commands' menu entries with `isWorkspaceTrusted` (test/trust.test.ts keeps the two lists
// equal). What stays on in Restricted Mode: highlighting, the scenario diagnostics (they compile the
// shipped kernel only and run nothing), hovers, completion, notes and reading the files.

import * as vscode from 'vscode';

/** The commands that run a scenario (and so kernel C): refused in an untrusted workspace. */
export const RUNNING_COMMANDS = [
  'tcpCloseDebugger.debugScenario',
  'tcpCloseDebugger.debugPacketdrill',
  'tcpCloseDebugger.runScenarioInTerminal',
  'tcpCloseDebugger.walkthrough.play',
  'tcpCloseDebugger.walkthrough.playPassiveClose',
  'tcpCloseDebugger.walkthrough.export',
  'tcpCloseDebugger.walkthrough.exportRun',
  'tcpCloseDebugger.explore',
  'tcpCloseDebugger.outcomes.debug',
] as const;

export type RunningCommand = (typeof RUNNING_COMMANDS)[number];

/** VS Code's own "Manage Workspace Trust" editor. */
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

/**
 * True in a trusted workspace. Otherwise shows why nothing runs (with a button to VS Code's trust
 * editor) and returns false: the caller then runs nothing at all.
 */
export function mayRun(): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  void vscode.window
    .showWarningMessage(
      vscode.l10n.t('Restricted Mode: the TCP close debugger runs no scenario in an untrusted workspace, since a scenario or walkthrough can name an edited tcp.c whose C would run. Highlighting, diagnostics and notes still work.'),
      manage,
    )
    .then((choice) => {
      if (choice === manage) void vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
    });
  return false;
}

/** Registers a command that runs a scenario: in an untrusted workspace it refuses (mayRun) and runs nothing. */
export function registerRunningCommand(id: RunningCommand, handler: (...args: any[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, (...args: unknown[]) => (mayRun() ? handler(...args) : undefined));
}
