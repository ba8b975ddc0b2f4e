// CodeLens above a scenario's first event: "Debug this scenario" and "Run in terminal"; above a packetdrill script's
// first statement: "Debug with Linux 1.2" and "Run in terminal" (the commands are registered by the extension wiring).
// In an untrusted workspace neither runs (src/trust.ts): one lens says so and opens VS Code's trust editor instead.
import * as vscode from 'vscode';
import { DEBUG_PACKETDRILL_COMMAND, DEBUG_SCENARIO_COMMAND, LANGUAGE_ID, PACKETDRILL_LANGUAGE_ID, RUN_IN_TERMINAL_COMMAND } from '../common/ids';
import { firstEventLine, firstPktStatementLine } from './lineContext';
import { MANAGE_TRUST_COMMAND } from '../workbench/trust';

/** What the lenses of a document run, and where they stand. */
interface LensSet {
  line: number | undefined;
  debug: { title: string; command: string };
  /** the Restricted Mode lens's text */
  restricted: string;
}

function lensSet(doc: vscode.TextDocument): LensSet {
  if (doc.languageId === PACKETDRILL_LANGUAGE_ID) {
    return {
      line: firstPktStatementLine(doc.getText()),
      debug: { title: vscode.l10n.t('Debug with Linux 1.2'), command: DEBUG_PACKETDRILL_COMMAND },
      restricted: vscode.l10n.t('Restricted Mode: trust the workspace to run this script'),
    };
  }
  return {
    line: firstEventLine(doc.getText()),
    debug: { title: vscode.l10n.t('Debug this scenario'), command: DEBUG_SCENARIO_COMMAND },
    restricted: vscode.l10n.t('Restricted Mode: trust the workspace to run this scenario'),
  };
}

export function registerCodeLens(context: vscode.ExtensionContext): void {
  const changed = new vscode.EventEmitter<void>();
  context.subscriptions.push(
    changed,
    vscode.workspace.onDidGrantWorkspaceTrust(() => changed.fire()),
    vscode.languages.registerCodeLensProvider([LANGUAGE_ID, PACKETDRILL_LANGUAGE_ID], {
      onDidChangeCodeLenses: changed.event,
      provideCodeLenses(doc) {
        const { line, debug, restricted } = lensSet(doc);
        if (line === undefined) return [];
        const range = new vscode.Range(line, 0, line, 0);
        if (!vscode.workspace.isTrusted) {
          return [new vscode.CodeLens(range, { title: `$(shield) ${restricted}`, command: MANAGE_TRUST_COMMAND })];
        }
        return [
          new vscode.CodeLens(range, { title: `$(debug-alt) ${debug.title}`, command: debug.command, arguments: [doc.uri] }),
          new vscode.CodeLens(range, { title: `$(terminal) ${vscode.l10n.t('Run in terminal')}`, command: RUN_IN_TERMINAL_COMMAND, arguments: [doc.uri] }),
        ];
      },
    }),
  );
}
