// CodeLens above a scenario's first event: "Debug this scenario" and "Run in terminal" (both commands are registered by the extension wiring).
import * as vscode from 'vscode';
import { DEBUG_SCENARIO_COMMAND, LANGUAGE_ID, RUN_IN_TERMINAL_COMMAND } from '../common/ids';
import { firstEventLine } from './lineContext';

export function registerCodeLens(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider(LANGUAGE_ID, {
      provideCodeLenses(doc) {
        const line = firstEventLine(doc.getText());
        if (line === undefined) return [];
        const range = new vscode.Range(line, 0, line, 0);
        return [
          new vscode.CodeLens(range, { title: `$(debug-alt) ${vscode.l10n.t('Debug this scenario')}`, command: DEBUG_SCENARIO_COMMAND, arguments: [doc.uri] }),
          new vscode.CodeLens(range, { title: `$(terminal) ${vscode.l10n.t('Run in terminal')}`, command: RUN_IN_TERMINAL_COMMAND, arguments: [doc.uri] }),
        ];
      },
    }),
  );
}
