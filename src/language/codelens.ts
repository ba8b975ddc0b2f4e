// CodeLens above a scenario's first event: "Debug this scenario" and "Run in terminal" (both commands are registered by the extension wiring).
// In an untrusted workspace neither runs (src/trust.ts): one lens says so and opens VS Code's trust editor instead.
import * as vscode from 'vscode';
import { DEBUG_SCENARIO_COMMAND, LANGUAGE_ID, RUN_IN_TERMINAL_COMMAND } from '../common/ids';
import { firstEventLine } from './lineContext';
import { MANAGE_TRUST_COMMAND } from '../workbench/trust';

export function registerCodeLens(context: vscode.ExtensionContext): void {
  const changed = new vscode.EventEmitter<void>();
  context.subscriptions.push(
    changed,
    vscode.workspace.onDidGrantWorkspaceTrust(() => changed.fire()),
    vscode.languages.registerCodeLensProvider(LANGUAGE_ID, {
      onDidChangeCodeLenses: changed.event,
      provideCodeLenses(doc) {
        const line = firstEventLine(doc.getText());
        if (line === undefined) return [];
        const range = new vscode.Range(line, 0, line, 0);
        if (!vscode.workspace.isTrusted) {
          return [new vscode.CodeLens(range, { title: `$(shield) ${vscode.l10n.t('Restricted Mode: trust the workspace to run this scenario')}`, command: MANAGE_TRUST_COMMAND })];
        }
        return [
          new vscode.CodeLens(range, { title: `$(debug-alt) ${vscode.l10n.t('Debug this scenario')}`, command: DEBUG_SCENARIO_COMMAND, arguments: [doc.uri] }),
          new vscode.CodeLens(range, { title: `$(terminal) ${vscode.l10n.t('Run in terminal')}`, command: RUN_IN_TERMINAL_COMMAND, arguments: [doc.uri] }),
        ];
      },
    }),
  );
}
