// Registers the editor support of the scenario language (diagnostics, hover, completion, CodeLens) for `tcp-scenario` documents,
// and of packetdrill scripts (the importer's diagnostics, CodeLens) for `packetdrill` documents.
import type * as vscode from 'vscode';
import { registerCodeLens } from './codelens';
import { registerCompletion } from './completion';
import { registerDiagnostics } from './diagnostics';
import { registerHover } from './hover';

export { LANGUAGE_ID, PACKETDRILL_LANGUAGE_ID, DEBUG_SCENARIO_COMMAND, DEBUG_PACKETDRILL_COMMAND, RUN_IN_TERMINAL_COMMAND } from '../common/ids';

export function registerLanguageFeatures(context: vscode.ExtensionContext): void {
  registerDiagnostics(context);
  registerHover(context);
  registerCompletion(context);
  registerCodeLens(context);
}
