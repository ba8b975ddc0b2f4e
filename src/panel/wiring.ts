// Connects the panel to VS Code: opens it when a tcp-close session starts, routes the adapter's
// `tcpClose/stop` events to the session's panel, marks it ended when the session terminates,
// and registers the `tcpCloseDebugger.showPanel` command and the panel's serializer.

import * as vscode from 'vscode';
import { stopProblem } from './check';
import { StopPanel, VIEW_TYPE } from './panel';
import type { StopSnapshot } from './protocol';
import { StopPanelSerializer } from './serializer';

export const DEBUG_TYPE = 'tcp-close';
export const STOP_EVENT = 'tcpClose/stop';

export function registerPanel(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('TCP Close Debugger Panel', { log: true });
  const last = new Map<string, StopSnapshot>();
  const uri = context.extensionUri;

  context.subscriptions.push(
    log,
    { dispose: () => StopPanel.disposeAll() },
    vscode.debug.onDidStartDebugSession((session) => {
      if (session.type !== DEBUG_TYPE) return;
      if (vscode.workspace.getConfiguration('tcpCloseDebugger').get<boolean>('panel.openOnStart', true)) StopPanel.createOrShow(uri, session, log);
    }),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      if (e.session.type !== DEBUG_TYPE || e.event !== STOP_EVENT) return;
      const problem = stopProblem(e.body);
      if (problem) {
        log.warn(`ignored a ${STOP_EVENT} event with a bad body (${problem})`);
        return;
      }
      last.set(e.session.id, e.body as StopSnapshot);
      StopPanel.forSession(e.session.id)?.update(e.body as StopSnapshot);
    }),
    vscode.debug.onDidTerminateDebugSession((session) => {
      last.delete(session.id);
      StopPanel.forSession(session.id)?.sessionEnded();
    }),
    vscode.commands.registerCommand('tcpCloseDebugger.showPanel', () => {
      const session = vscode.debug.activeDebugSession;
      if (session?.type !== DEBUG_TYPE) {
        void vscode.window.showInformationMessage('The TCP close panel follows a running tcp-close debug session: start one first.');
        return;
      }
      const panel = StopPanel.createOrShow(uri, session, log);
      const stop = last.get(session.id);
      if (stop && panel.latestStop !== stop) panel.update(stop);
    }),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, new StopPanelSerializer(uri, log)),
  );
}
