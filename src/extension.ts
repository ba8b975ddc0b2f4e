// The extension's wiring only: the debugger (inline adapter, configuration provider, commands),
// the live panel and the editor support of scenarios and packetdrill scripts. Nothing heavy runs at activation:
// tree-sitter's wasm loads when the first debug session launches.

import * as vscode from 'vscode';
import { DebugAdapterInlineImplementation } from 'vscode';
import { TcpCloseSession } from './debug/session';
import { CUSTOM_REQUESTS, DEBUG_PACKETDRILL_COMMAND, DEBUG_SCENARIO_COMMAND, DEBUG_TYPE, LANGUAGE_ID, PACKETDRILL_LANGUAGE_ID, RUN_IN_TERMINAL_COMMAND, STOP_EVENT } from './common/ids';
import { registerPanel } from './panel/wiring';
import { registerLanguageFeatures } from './language/index';
import { holdFirstStop } from './panel/firstStop';
import { registerNotes } from './notes/wiring';
import { registerOutcomes } from './outcomes/wiring';
import { mayRun, registerRunningCommand } from './workbench/trust';
import { registerWhyCommand } from './workbench/why';
import { variablesEntry, type VariablesArg } from './workbench/variablesEntry';

/** The documents F5 runs as they are: scenarios, and packetdrill scripts (run as the scenario each translates to). */
const RUNNABLE_LANGUAGES: ReadonlySet<string> = new Set([LANGUAGE_ID, PACKETDRILL_LANGUAGE_ID]);

/** The active editor's document, when it is a scenario or a packetdrill script. */
function activeRunnable(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc && RUNNABLE_LANGUAGES.has(doc.languageId) ? doc : undefined;
}

/** The configuration F5 uses on an open scenario (or .pkt) when there is no launch.json. */
function scenarioConfig(uri: vscode.Uri): vscode.DebugConfiguration {
  return {
    type: DEBUG_TYPE,
    request: 'launch',
    name: vscode.l10n.t('Debug {0}', uri.path.split('/').pop() ?? 'scenario'),
    scenario: uri.fsPath,
    stopOnEntry: true,
  };
}

class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    // a scenario may name an edited tcp.c: its C would run here (VS Code asks for trust first too)
    if (!mayRun()) return undefined;
    if (!config.type && !config.request && !config.name) {
      const doc = activeRunnable();
      if (doc) config = scenarioConfig(doc.uri);
    }
    if (!config.scenario) {
      const doc = activeRunnable();
      if (doc) config.scenario = doc.uri.fsPath;
      else {
        void vscode.window.showErrorMessage(vscode.l10n.t('Open a .tcpscenario or .pkt file, or set "scenario" in the launch configuration.'));
        return undefined;
      }
    }
    // the setting tcpCloseDebugger.stepBudget, unless the launch configuration names its own
    if (config.stepBudget === undefined) config.stepBudget = vscode.workspace.getConfiguration('tcpCloseDebugger').get<number>('stepBudget');
    return config;
  }
}

/** Debugs the scenario (or .pkt) it is given, else the active editor's. */
function debugFile(uri?: vscode.Uri): Thenable<boolean> | undefined {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target) return;
  return vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(target), scenarioConfig(target));
}

export function activate(context: vscode.ExtensionContext): void {
  const panels = registerPanel(context);
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigurationProvider()),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      // the first stop is shown once the live panel has painted it (src/panel/hold.ts)
      createDebugAdapterDescriptor: (session) =>
        new DebugAdapterInlineImplementation(holdFirstStop(new TcpCloseSession(), session, STOP_EVENT, (outcome, ms) => panels.logFirstStop(session, outcome, ms))),
    }),
    registerRunningCommand(DEBUG_SCENARIO_COMMAND, debugFile),
    // the same for a packetdrill script, under its own title ("Debug with Linux 1.2")
    registerRunningCommand(DEBUG_PACKETDRILL_COMMAND, debugFile),
    // the terminal runs the CLI on the workspace's files (`run FILE.tcpscenario` or `run FILE.pkt`): gated like the debugger
    registerRunningCommand(RUN_IN_TERMINAL_COMMAND, (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!target) return;
      const cli = vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath;
      const term = vscode.window.createTerminal({ name: vscode.l10n.t('TCP close trace') });
      term.show();
      term.sendText(`node ${JSON.stringify(cli)} run ${JSON.stringify(target.fsPath)}`);
    }),
    vscode.commands.registerCommand('tcpCloseDebugger.stepToNextEvent', () => {
      const s = vscode.debug.activeDebugSession;
      if (s?.type === DEBUG_TYPE) return s.customRequest(CUSTOM_REQUESTS.stepToNextEvent);
    }),
    // the Variables view's context menu: the value's previous or next change over the recorded run
    ...(['previous', 'next'] as const).map((direction) =>
      vscode.commands.registerCommand(`tcpCloseDebugger.${direction}Change`, async (arg?: VariablesArg) => {
        const at = variablesEntry(arg);
        if (!at) return;
        try {
          await at.s.customRequest(CUSTOM_REQUESTS.gotoFieldChange, { variablesReference: at.ref, name: at.name, direction });
        } catch (e) {
          void vscode.window.showInformationMessage((e as Error).message ?? String(e));
        }
      }),
    ),
    // the Variables view's context menu: the value's chain of writers, each a moment to step back to
    registerWhyCommand(),
  );
  registerLanguageFeatures(context);
  registerNotes(context, panels);
  registerOutcomes(context);
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
