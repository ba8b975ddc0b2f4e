// Connects the panel to VS Code: opens it when a tcp-close session starts, routes the adapter's
// `tcpClose/stop` events to the session's panel (and its `tcpClose/timeline` events, which say how
// far the run is recorded ahead: the timeline's extent), marks it ended when the session terminates,
// and registers the `tcpCloseDebugger.showPanel` command and the panel's serializer. What the panel
// shows beside the snapshot (the notes) comes through the object registerPanel returns, which
// src/extension.ts hands to the notes feature.

import * as vscode from 'vscode';
import { stopProblem, timelineProblem } from '../common/check';
import { StopPanel, VIEW_TYPE } from './panel';
import { DEBUG_TYPE, STOP_EVENT, TIMELINE_EVENT } from '../common/ids';
import type { StopSnapshot, TimelineEventBody } from '../common/protocol';
import { StopPanelSerializer } from './serializer';

/** Notes to show in the panel at a stop; the adapter's body also carries `moment` (see StopEventBody). */
export type PanelNotesProvider = (session: vscode.DebugSession, stop: StopSnapshot) => string[] | undefined;

/** What the rest of the extension may ask of the panels. */
export interface Panels {
  /** Where the notes at a stop come from (undefined: none). */
  setNotesProvider(p: PanelNotesProvider | undefined): void;
  /** Shows the notes again at the current stops (after notes were added, edited or deleted). */
  refreshNotes(): void;
  /** Logs how a session's first stop was released: the panel painted it, or the wait ran out. */
  logFirstStop(session: vscode.DebugSession, outcome: string, waitedMs: number): void;
}

export function registerPanel(context: vscode.ExtensionContext): Panels {
  const log = vscode.window.createOutputChannel('TCP Close Debugger Panel', { log: true });
  const last = new Map<string, StopSnapshot>();
  // per session, the adapter's last word on how far the run is recorded
  const ahead = new Map<string, TimelineEventBody>();
  /** The stop with what the timeline is, while the run recorded is still the one the look-ahead told of (a what-if forgets it). */
  const withTimeline = (id: string, stop: StopSnapshot): StopSnapshot => {
    const { timeline: _old, ...rest } = stop;
    const t = ahead.get(id);
    if (!t || t.stopCount !== stop.stopCount || !(t.whole || t.capped)) return rest;
    return { ...rest, timeline: t.whole ? 'whole' : 'capped' };
  };
  const uri = context.extensionUri;
  let notesProvider: PanelNotesProvider | undefined;

  /** The body of a tcp-close session's custom event `event` when it passes `problem`'s check (else logged and dropped). */
  const bodyOf = <T>(e: vscode.DebugSessionCustomEvent, event: string, problem: (body: unknown) => string | undefined): T | undefined => {
    if (e.session.type !== DEBUG_TYPE || e.event !== event) return undefined;
    const p = problem(e.body);
    if (p) log.warn(`ignored a ${event} event with a bad body (${p})`);
    return p ? undefined : (e.body as T);
  };
  const withNotes = (session: vscode.DebugSession, stop: StopSnapshot): StopSnapshot => {
    const { notes: _old, ...rest } = stop;
    const notes = notesProvider?.(session, stop);
    return notes?.length ? { ...rest, notes } : rest;
  };
  const refreshNotes = () => {
    for (const s of [vscode.debug.activeDebugSession].filter((x): x is vscode.DebugSession => !!x && last.has(x.id))) {
      const stop = withNotes(s, last.get(s.id)!);
      last.set(s.id, stop);
      StopPanel.forSession(s.id)?.update(stop);
    }
  };

  context.subscriptions.push(
    log,
    { dispose: () => StopPanel.disposeAll() },
    vscode.debug.onDidStartDebugSession((session) => {
      if (session.type !== DEBUG_TYPE) return;
      if (vscode.workspace.getConfiguration('tcpCloseDebugger').get<boolean>('panel.openOnStart', true)) StopPanel.createOrShow(uri, session, log);
    }),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      const body = bodyOf<StopSnapshot>(e, STOP_EVENT, stopProblem);
      if (!body) return;
      const stop = withTimeline(e.session.id, withNotes(e.session, body));
      last.set(e.session.id, stop);
      StopPanel.forSession(e.session.id)?.update(stop);
    }),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      const t = bodyOf<TimelineEventBody>(e, TIMELINE_EVENT, timelineProblem);
      if (!t) return;
      ahead.set(e.session.id, t);
      // the stop shown stays; the timeline under it reaches further
      const prev = last.get(e.session.id);
      if (!prev || prev.stopCount > t.stopCount) return;
      const stop = withTimeline(e.session.id, { ...prev, stopCount: t.stopCount, ...(t.later && t.index === prev.index ? { later: t.later, laterTimers: t.laterTimers } : {}) });
      last.set(e.session.id, stop);
      StopPanel.forSession(e.session.id)?.update(stop);
    }),
    vscode.debug.onDidTerminateDebugSession((session) => {
      last.delete(session.id);
      ahead.delete(session.id);
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
  return {
    setNotesProvider: (p) => {
      notesProvider = p;
    },
    refreshNotes,
    logFirstStop: (session, outcome, waitedMs) => {
      const text = `first stop of ${session.name}: ${outcome} after ${waitedMs} ms`;
      if (outcome === 'timeout') log.warn(`${text} (the panel did not say it painted the stop in time)`);
      else log.info(text);
    },
  };
}
