// Notes in the editor through VS Code's Comments API: a `+` in the gutter of any C or scenario
// line starts a note; each note is a thread of markdown comments (the note and its replies) that
// can be edited and deleted, tied to a moment of execution, or untied. Threads follow the notes'
// anchors: after an edit they move with their line, and a note whose line is gone shows as
// orphaned at the top of the file (kept, never dropped).

import * as vscode from 'vscode';
import { makeAnchor, functionExtents, splitLines } from './anchor';
import { newId, type Note, type NoteComment, type NoteHeader, type NoteStore } from './store';
import { isCDocument, type NotesWorkspace } from './workspace';
import { noteMarkdown, type Placed } from './view';
import { LANGUAGE_ID } from '../common/ids';

export const CONTROLLER_ID = 'tcpCloseDebugger.notes';

export const NOTE_COMMANDS = {
  create: 'tcpCloseDebugger.notes.create',
  reply: 'tcpCloseDebugger.notes.reply',
  edit: 'tcpCloseDebugger.notes.edit',
  save: 'tcpCloseDebugger.notes.save',
  cancel: 'tcpCloseDebugger.notes.cancelEdit',
  deleteComment: 'tcpCloseDebugger.notes.deleteComment',
  deleteNote: 'tcpCloseDebugger.notes.deleteNote',
  tie: 'tcpCloseDebugger.notes.tieToStop',
  untie: 'tcpCloseDebugger.notes.untie',
  list: 'tcpCloseDebugger.notes.list',
  addAtStop: 'tcpCloseDebugger.notes.addAtStop',
} as const;

/** A comment of a note as the editor shows it. */
class NoteCommentView implements vscode.Comment {
  body: string | vscode.MarkdownString;
  mode = vscode.CommentMode.Preview;
  author: vscode.CommentAuthorInformation;
  contextValue = 'noteComment';
  label?: string;
  timestamp?: Date;
  constructor(
    readonly noteId: string,
    readonly data: NoteComment,
    readonly thread: vscode.CommentThread,
  ) {
    this.body = new vscode.MarkdownString(data.body);
    this.author = { name: data.author };
    this.timestamp = new Date(data.edited ?? data.created);
    if (data.edited) this.label = vscode.l10n.t('edited');
  }
}

const ordinalLabel = (note: Note) => (note.at ? vscode.l10n.t('Only at run {0} of this line in {1}', note.at.hit, note.at.scenario) : undefined);

export class NotesComments implements vscode.Disposable {
  private readonly controller: vscode.CommentController;
  /** document uri → note id → thread */
  private readonly threads = new Map<string, Map<string, vscode.CommentThread>>();
  private readonly noteOfThread = new WeakMap<vscode.CommentThread, { noteId: string; store: NoteStore }>();
  private readonly editing = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ws: NotesWorkspace,
    /** shows the panel's notes again (they changed) */
    private readonly refreshPanelNotes: () => void,
  ) {
    this.controller = vscode.comments.createCommentController(CONTROLLER_ID, vscode.l10n.t('Kernel notes'));
    this.controller.options = { prompt: vscode.l10n.t('Write a note (markdown)…'), placeHolder: vscode.l10n.t('A note on this line, kept in .vscode/tcp-close-notes.json') };
    this.controller.commentingRangeProvider = {
      provideCommentingRanges: (doc) => {
        const src = this.ws.sourceOf(doc);
        if (!src || !(isCDocument(doc) || doc.languageId === LANGUAGE_ID || doc.uri.path.endsWith('.tcpscenario'))) return [];
        if (!this.ws.keysOf(src).key) return [];
        return [new vscode.Range(0, 0, Math.max(0, doc.lineCount - 1), 0)];
      },
    };
    this.disposables.push(
      this.controller,
      vscode.workspace.onDidOpenTextDocument((d) => this.refresh(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
      vscode.workspace.onDidChangeTextDocument((e) => this.refreshSoon(e.document)),
      vscode.workspace.onDidSaveTextDocument((d) => this.reanchorSaved(d)),
      this.ws.onDidChange(() => this.refreshAll()),
      vscode.commands.registerCommand(NOTE_COMMANDS.create, (r: vscode.CommentReply) => this.create(r)),
      vscode.commands.registerCommand(NOTE_COMMANDS.reply, (r: vscode.CommentReply) => this.reply(r)),
      vscode.commands.registerCommand(NOTE_COMMANDS.edit, (c: NoteCommentView) => this.setMode(c, vscode.CommentMode.Editing)),
      vscode.commands.registerCommand(NOTE_COMMANDS.cancel, (c: NoteCommentView) => this.setMode(c, vscode.CommentMode.Preview, true)),
      vscode.commands.registerCommand(NOTE_COMMANDS.save, (c: NoteCommentView) => this.saveEdit(c)),
      vscode.commands.registerCommand(NOTE_COMMANDS.deleteComment, (c: NoteCommentView) => this.deleteComment(c)),
      vscode.commands.registerCommand(NOTE_COMMANDS.deleteNote, (t: vscode.CommentThread) => this.deleteNote(t)),
      vscode.commands.registerCommand(NOTE_COMMANDS.tie, (t: vscode.CommentThread) => this.tie(t)),
      vscode.commands.registerCommand(NOTE_COMMANDS.untie, (t: vscode.CommentThread) => this.untie(t)),
      vscode.commands.registerCommand(NOTE_COMMANDS.list, () => this.list()),
      vscode.commands.registerCommand(NOTE_COMMANDS.addAtStop, () => this.addAtStop()),
    );
    this.refreshAll();
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const m of this.threads.values()) for (const t of m.values()) t.dispose();
    for (const d of this.disposables) d.dispose();
  }

  // ---- showing ----

  refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) this.refresh(d);
    this.refreshPanelNotes();
  }

  private refreshSoon(doc: vscode.TextDocument): void {
    const k = doc.uri.toString();
    clearTimeout(this.timers.get(k));
    this.timers.set(
      k,
      setTimeout(() => {
        this.timers.delete(k);
        this.refresh(doc);
      }, 300),
    );
  }

  private clear(uri: vscode.Uri): void {
    const m = this.threads.get(uri.toString());
    if (!m) return;
    for (const t of m.values()) t.dispose();
    this.threads.delete(uri.toString());
  }

  /** Creates, moves, updates and removes the threads of one document. */
  refresh(doc: vscode.TextDocument): void {
    const src = this.ws.sourceOf(doc);
    if (!src) return;
    const placed = this.ws.placed(src);
    const keys = this.ws.keysOf(src);
    const k = doc.uri.toString();
    const m = this.threads.get(k) ?? new Map<string, vscode.CommentThread>();
    this.threads.set(k, m);
    const seen = new Set<string>();
    for (const p of placed) {
      seen.add(p.note.id);
      const store = this.ws.storeFor(p.note.file, keys.folder);
      if (!store) continue;
      const range = new vscode.Range(Math.max(0, (p.line ?? 1) - 1), 0, Math.max(0, (p.line ?? 1) - 1), 0);
      let t = m.get(p.note.id);
      if (t && t.label !== undefined && this.labelOf(p) === undefined && !p.note.comments.some((c) => this.editing.has(c.id))) {
        // a label cannot be taken away (VS Code keeps showing the old one when it is set to
        // undefined or ''): the thread is made again without one, open (it was just acted on)
        t.dispose();
        t = this.controller.createCommentThread(doc.uri, range, []);
        t.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
        m.set(p.note.id, t);
      }
      if (!t) {
        t = this.controller.createCommentThread(doc.uri, range, []);
        t.collapsibleState = vscode.CommentThreadCollapsibleState.Collapsed;
        m.set(p.note.id, t);
      } else if (!t.range || !t.range.isEqual(range)) t.range = range;
      this.noteOfThread.set(t, { noteId: p.note.id, store });
      this.fill(t, p);
    }
    for (const [id, t] of m) {
      if (!seen.has(id)) {
        t.dispose();
        m.delete(id);
      }
    }
  }

  /** The thread's title: orphaned, tied to a moment, or its line changed; none for a note in place. */
  private labelOf(p: Placed): string | undefined {
    const n = p.note;
    if (p.line === undefined) return vscode.l10n.t('Orphaned note: its line ({0}, line {1}) is gone: {2}', n.function ?? n.file, n.line, n.text);
    return ordinalLabel(n) ?? (p.how === 'fuzzy' || p.how === 'file-fuzzy' ? vscode.l10n.t('The line changed since this note was written: {0}', n.text) : undefined);
  }

  private fill(t: vscode.CommentThread, p: Placed): void {
    const n = p.note;
    t.canReply = true;
    t.contextValue = p.line === undefined ? 'orphaned' : n.at ? 'tied' : 'untied';
    t.label = this.labelOf(p);
    const editingHere = n.comments.some((c) => this.editing.has(c.id));
    if (editingHere) return; // keep the edit box the user is typing in
    t.comments = n.comments.map((c) => new NoteCommentView(n.id, c, t));
  }

  // ---- changing ----

  private docOf(uri: vscode.Uri): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  }

  private comment(body: string): NoteComment {
    return { id: newId('c'), author: this.ws.author(), created: new Date().toISOString(), body };
  }

  /** A new note from the reply box of a new thread. */
  private async create(reply: vscode.CommentReply): Promise<void> {
    const t = reply.thread;
    const doc = this.docOf(t.uri) ?? (await vscode.workspace.openTextDocument(t.uri));
    const src = this.ws.sourceOf(doc);
    const keys = src && this.ws.keysOf(src);
    const store = keys?.key ? this.ws.storeFor(keys.key, keys.folder) : undefined;
    if (!src || !keys?.key || !store) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Notes are kept in the workspace: open a folder first, and write notes on files inside it or on the shipped kernel.'));
      return;
    }
    const line = (t.range?.start.line ?? 0) + 1;
    const anchor = makeAnchor(splitLines(src.text), line, src.isC ? functionExtents(src.text) : []);
    const note: Note = { id: newId('n'), file: keys.key, ...anchor, comments: [this.comment(reply.text)] };
    t.dispose();
    this.ws.apply(store, { kind: 'putNote', note });
    const made = this.threads.get(doc.uri.toString())?.get(note.id);
    if (made) made.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
  }

  private target(t: vscode.CommentThread): { note: Note; store: NoteStore } | undefined {
    const ref = this.noteOfThread.get(t);
    const note = ref?.store.notes.find((n) => n.id === ref.noteId);
    return ref && note ? { note, store: ref.store } : undefined;
  }

  private header(n: Note): NoteHeader {
    const { comments: _c, ...h } = n;
    return h;
  }

  private reply(reply: vscode.CommentReply): void {
    const x = this.target(reply.thread);
    if (!x) return void this.create(reply);
    this.ws.apply(x.store, { kind: 'putComment', note: this.header(x.note), comment: this.comment(reply.text) });
  }

  private setMode(c: NoteCommentView, mode: vscode.CommentMode, restore = false): void {
    if (!c?.thread) return;
    if (mode === vscode.CommentMode.Editing) this.editing.add(c.data.id);
    else this.editing.delete(c.data.id);
    c.thread.comments = c.thread.comments.map((x) => {
      if (x !== c) return x;
      const v = x as NoteCommentView;
      v.mode = mode;
      if (restore) v.body = new vscode.MarkdownString(v.data.body);
      return v;
    });
    if (restore) this.refreshAll();
  }

  private saveEdit(c: NoteCommentView): void {
    if (!c?.thread) return;
    this.editing.delete(c.data.id);
    const x = this.target(c.thread);
    const body = typeof c.body === 'string' ? c.body : c.body.value;
    if (!x) return;
    this.ws.apply(x.store, { kind: 'putComment', note: this.header(x.note), comment: { ...c.data, body, edited: new Date().toISOString() } });
  }

  private async deleteComment(c: NoteCommentView): Promise<void> {
    if (!c?.thread) return;
    const x = this.target(c.thread);
    if (!x) return;
    const last = x.note.comments.length === 1;
    if (last) {
      const yes = vscode.l10n.t('Delete');
      const ok = await vscode.window.showWarningMessage(vscode.l10n.t('Delete this note?'), { modal: true }, yes);
      if (ok !== yes) return;
    }
    this.ws.apply(x.store, { kind: 'deleteComment', noteId: x.note.id, commentId: c.data.id });
  }

  private async deleteNote(t: vscode.CommentThread): Promise<void> {
    const x = this.target(t);
    if (!x) return void t.dispose();
    const yes = vscode.l10n.t('Delete');
    const ok = await vscode.window.showWarningMessage(vscode.l10n.t('Delete this note and its {0} replies?', x.note.comments.length - 1), { modal: true }, yes);
    if (ok !== yes) return;
    this.ws.apply(x.store, { kind: 'deleteNote', id: x.note.id });
  }

  /** Ties a note to the current stop: it shows in the panel and in hovers only when this line runs that many times. */
  private tie(t: vscode.CommentThread): void {
    const x = this.target(t);
    if (!x) return;
    const cur = this.ws.current();
    const moment = cur?.stop.moment;
    const line = (t.range?.start.line ?? -1) + 1;
    const here = moment && this.sameFile(t.uri, moment.file) && moment.line === line;
    if (!cur || !moment || !here) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Stop the debugger on this line first (a tcp-close session): the note is then tied to this moment, the n-th time the line runs in that scenario.'));
      return;
    }
    const scenario = this.ws.scenarioOf(cur.session);
    if (!scenario) return;
    this.ws.apply(x.store, { kind: 'putNote', note: { ...x.note, at: { scenario, hit: moment.hit } } });
  }

  private untie(t: vscode.CommentThread): void {
    const x = this.target(t);
    if (!x) return;
    const { at: _at, ...rest } = x.note;
    this.ws.apply(x.store, { kind: 'putNote', note: rest });
  }

  /** Is the document at `uri` the file the debugger runs (the same path, or a copy with the same text)? */
  private sameFile(uri: vscode.Uri, runFile: string): boolean {
    if (uri.fsPath === runFile) return true;
    const doc = this.docOf(uri);
    const text = this.ws.textOf(runFile);
    return !!doc && text !== undefined && doc.getText().replace(/\r\n/g, '\n') === text.replace(/\r\n/g, '\n');
  }

  /** After a save, notes in this very file remember where their line is now (notes of the shipped kernel shown in a copy stay as they are). */
  private reanchorSaved(doc: vscode.TextDocument): void {
    const src = this.ws.sourceOf(doc);
    if (!src) return;
    const keys = this.ws.keysOf(src);
    if (!keys.key) return;
    const store = this.ws.storeFor(keys.key, keys.folder);
    if (!store) return;
    const lines = splitLines(src.text);
    const extents = src.isC ? functionExtents(src.text) : [];
    let changed = false;
    for (const p of this.ws.placed(src)) {
      if (p.note.file !== keys.key || p.line === undefined || p.how === 'same') continue;
      const a = makeAnchor(lines, p.line, extents);
      store.apply({ kind: 'putNote', note: { ...p.note, ...a, function: a.function } });
      changed = true;
    }
    if (changed) this.ws.commit(store); // the re-anchorings in one write
  }

  /** A note on the line the debugger is stopped at, tied to this moment. */
  private async addAtStop(): Promise<void> {
    const cur = this.ws.current();
    const moment = cur?.stop.moment;
    if (!cur || !moment) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Start a tcp-close debug session and stop somewhere first.'));
      return;
    }
    const text = this.ws.textOf(moment.file);
    if (text === undefined) return;
    const isC = /\.[ch]$/.test(moment.file);
    const keys = this.ws.keysOf({ path: moment.file, text, isC });
    const store = keys.key ? this.ws.storeFor(keys.key, keys.folder) : undefined;
    const scenario = this.ws.scenarioOf(cur.session);
    if (!keys.key || !store || !scenario) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Notes are kept in the workspace: open a folder first, and write notes on files inside it or on the shipped kernel.'));
      return;
    }
    const body = await vscode.window.showInputBox({
      title: vscode.l10n.t('Note at this stop'),
      prompt: vscode.l10n.t('Shown only at run {1} of line {0} in {2} (markdown)', moment.line, moment.hit, scenario),
      ignoreFocusOut: true,
    });
    if (!body?.trim()) return;
    const anchor = makeAnchor(splitLines(text), moment.line, isC ? functionExtents(text) : []);
    this.ws.apply(store, { kind: 'putNote', note: { id: newId('n'), file: keys.key, ...anchor, at: { scenario, hit: moment.hit }, comments: [this.comment(body)] } });
  }

  /** Every note of the workspace, orphaned ones included, to jump to. */
  private async list(): Promise<void> {
    const items: (vscode.QuickPickItem & { open?: () => Promise<void> })[] = [];
    for (const { note, folder } of this.ws.allNotes()) {
      const path = this.pathOf(note.file, folder);
      const text = path ? this.ws.textOf(path) : undefined;
      const placed = text !== undefined ? this.ws.placed({ path: path!, text, isC: /\.[ch]$/.test(path!) }).find((p) => p.note.id === note.id) : undefined;
      const line = placed?.line;
      items.push({
        label: `${line === undefined ? '$(warning) ' : '$(note) '}${note.file}${line !== undefined ? `:${line}` : ''}${note.function ? ` — ${note.function}` : ''}`,
        description: line === undefined ? vscode.l10n.t('orphaned: was line {0}, {1}', note.line, note.text) : note.at ? ordinalLabel(note) : undefined,
        detail: noteMarkdown(note).replace(/\s+/g, ' ').slice(0, 200),
        open: path
          ? async () => {
              const doc = await vscode.workspace.openTextDocument(path);
              const pos = new vscode.Position(Math.max(0, (line ?? 1) - 1), 0);
              await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
            }
          : undefined,
      });
    }
    if (!items.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No notes yet: click the + in the gutter of a line of tcp.c or of a scenario to write one.'));
      return;
    }
    const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Kernel notes'), matchOnDescription: true, matchOnDetail: true });
    await pick?.open?.();
  }

  private pathOf(key: string, folder: vscode.WorkspaceFolder): string | undefined {
    if (key.startsWith('kernel:')) return this.ws.shippedDir ? vscode.Uri.joinPath(vscode.Uri.file(this.ws.shippedDir), key.slice('kernel:'.length)).fsPath : undefined;
    return vscode.Uri.joinPath(folder.uri, key).fsPath;
  }
}
