// Connects notes and walkthroughs to VS Code: the comment threads, the walkthrough commands, the
// panel's notes at each stop (notes on the stop's line, notes tied to this moment, the narration
// of a playing walkthrough) and hovers on the stop's line. src/extension.ts calls registerNotes
// with the panel's side of the bargain (registerPanel's result: notes never import the panel).

import * as vscode from 'vscode';
import type { StopSnapshot } from '../common/protocol';
import { LANGUAGE_ID } from '../common/ids';
import type { StopEventBody } from '../common/protocol';
import { NotesComments } from './comments';
import { notesAtMoment, noteMarkdown } from './view';
import { Walkthroughs } from './walkthrough';
import { NotesWorkspace } from './workspace';

/** What notes need of the panel: to be asked for the notes at each stop, and told when they changed. */
export interface PanelNotes {
  setNotesProvider(p: ((session: vscode.DebugSession, stop: StopSnapshot) => string[] | undefined) | undefined): void;
  refreshNotes(): void;
}

export function registerNotes(context: vscode.ExtensionContext, panel: PanelNotes): void {
  const ws = new NotesWorkspace();
  const refreshPanel = () => panel.refreshNotes();
  const comments = new NotesComments(ws, refreshPanel);
  const walks = new Walkthroughs(ws, context.extensionUri, refreshPanel);

  /** The notes at a session's stop: untied notes on its line, and notes tied to this very moment. */
  const notesAt = (session: vscode.DebugSession, body: StopEventBody, onlyTied: boolean): string[] => {
    const m = body.moment;
    if (!m) return [];
    const text = ws.textOf(m.file);
    if (text === undefined) return [];
    const placed = ws.placed({ path: m.file, text, isC: /\.[ch]$/.test(m.file) });
    const scenario = ws.scenarioOf(session);
    return notesAtMoment(placed, m.line, scenario ? { scenario, hit: m.hit } : undefined)
      .filter((n) => !onlyTied || n.at)
      .map(noteMarkdown);
  };

  panel.setNotesProvider((session, stop) => {
    const body = stop as StopEventBody;
    return [...walks.narrationAt(session, body.index), ...notesAt(session, body, false)];
  });

  const hover: vscode.HoverProvider = {
    provideHover(doc, pos) {
      const cur = ws.current();
      const m = cur?.stop.moment;
      if (!cur || !m || pos.line + 1 !== m.line) return undefined;
      const runText = ws.textOf(m.file);
      const same = doc.uri.fsPath === m.file || (runText !== undefined && doc.getText().replace(/\r\n/g, '\n') === runText.replace(/\r\n/g, '\n'));
      if (!same) return undefined;
      const parts = [...walks.narrationAt(cur.session, cur.stop.index), ...notesAt(cur.session, cur.stop, true)];
      if (!parts.length) return undefined;
      const md = new vscode.MarkdownString(parts.join('\n\n---\n\n'));
      md.isTrusted = false;
      return new vscode.Hover(md);
    },
  };

  context.subscriptions.push(
    ws,
    comments,
    walks,
    { dispose: () => panel.setNotesProvider(undefined) },
    vscode.languages.registerHoverProvider([{ scheme: 'file', language: 'c' }, { scheme: 'file', language: LANGUAGE_ID }], hover),
  );
}
