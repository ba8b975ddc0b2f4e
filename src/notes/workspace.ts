// The notes of the open workspace, for the editor side: one NoteStore per workspace folder
// (`.vscode/tcp-close-notes.json`; the shipped kernel's notes live in the first folder's), the keys
// of documents, the debugger's current stop per session, and the reporting of file problems.

import * as vscode from 'vscode';
import { statSync } from 'node:fs';
import { readText } from '../host/read';
import { basename, join, relative, sep } from 'node:path';
import { userInfo } from 'node:os';
import { kernelDir, shippedKernelFiles } from '../host/node';
import { DEBUG_TYPE, STOP_EVENT } from '../common/ids';
import type { StopEventBody } from '../common/protocol';
import { formatParseError, KERNEL_PREFIX, NOTES_FILE, NoteStore, type Note, type NoteOp, type ParseError } from './store';
import { keysFor, placeNotes, type FileKeys, type Placed, type ShippedFile } from './view';
import { moveReducedNotes } from './migrate';

/** A text and where it comes from: an open document, or a file the debugger runs. */
export interface TextSource {
  path: string;
  text: string;
  isC: boolean;
}

export class NotesWorkspace implements vscode.Disposable {
  private readonly stores = new Map<string, NoteStore>();
  private readonly reported = new Set<string>();
  private readonly fileCache = new Map<string, { mtime: number; text: string }>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** fires when notes change (this window or another) */
  readonly onDidChange = this.changed.event;
  /** the last `tcpClose/stop` body of each tcp-close session */
  readonly stops = new Map<string, StopEventBody>();
  private readonly stopped = new vscode.EventEmitter<vscode.DebugSession>();
  readonly onDidStop = this.stopped.event;
  readonly shipped: ShippedFile[] = [];
  readonly shippedDir: string | undefined;

  constructor() {
    try {
      this.shippedDir = kernelDir();
      // the release's files (kernel:linux-1.2.13/net/inet/tcp.c…)
      for (const f of shippedKernelFiles()) this.shipped.push({ name: f.name, text: readText(f.path, 'kernel source') });
    } catch {
      // no shipped kernel found: kernel notes are keyed by path like any file
    }
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${NOTES_FILE}`);
    const reload = (uri: vscode.Uri) => {
      const store = this.stores.get(uri.fsPath);
      if (!store) return;
      const err = store.load();
      if (err) this.report(err);
      else this.reported.clear();
      this.changed.fire();
    };
    this.disposables.push(
      watcher,
      watcher.onDidChange(reload),
      watcher.onDidCreate(reload),
      watcher.onDidDelete(reload),
      this.changed,
      this.stopped,
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
        if (e.session.type !== DEBUG_TYPE || e.event !== STOP_EVENT || typeof e.body !== 'object' || !e.body) return;
        this.stops.set(e.session.id, e.body as StopEventBody);
        this.stopped.fire(e.session);
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        this.stops.delete(s.id);
        this.stopped.fire(s);
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  // ---- stores ----

  /** The store of a workspace folder (read on first use). */
  storeOf(folder: vscode.WorkspaceFolder): NoteStore {
    const path = join(folder.uri.fsPath, NOTES_FILE);
    let s = this.stores.get(path);
    if (!s) {
      s = new NoteStore(path, undefined, folder.uri.fsPath);
      this.stores.set(path, s);
      const err = s.load();
      if (err) this.report(err);
      else this.moveReduced(s);
    }
    return s;
  }

  /** Notes on the removed reduced port's tcp.c (kernel:tcp.c) move onto the release's tcp.c; the user is told how many, and where those that stay are. */
  private moveReduced(store: NoteStore): void {
    let r;
    try {
      r = moveReducedNotes(store, (name) => this.shipped.find((f) => f.name === name)?.text, () => readText(store.path, 'notes file'));
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not move the notes on the removed reduced port to the release: {0}', (e as Error).message));
      return;
    }
    if (!r) return;
    this.changed.fire();
    const moved = vscode.l10n.t("{0} note(s) on the removed reduced port's tcp.c moved to the release's linux-1.2.13/net/inet/tcp.c, found by the text of their line.", r.moved);
    if (!r.unplaced.length) void vscode.window.showInformationMessage(moved);
    else void vscode.window.showWarningMessage(`${moved} ${vscode.l10n.t('{0} could not be placed (their line is not in the release) and are kept as written: {1}', r.unplaced.length, r.unplaced.map((u) => `${u.file}:${u.line}:${u.column}`).join(', '))}`);
  }

  /** The store holding notes with `key`: kernel notes in the first folder's. */
  storeFor(key: string, folder: vscode.WorkspaceFolder | undefined): NoteStore | undefined {
    if (key.startsWith(KERNEL_PREFIX)) {
      const first = vscode.workspace.workspaceFolders?.[0];
      return first ? this.storeOf(first) : undefined;
    }
    return folder ? this.storeOf(folder) : undefined;
  }

  /** Every note of every folder, with its store. */
  allNotes(): { store: NoteStore; note: Note; folder: vscode.WorkspaceFolder }[] {
    const out: { store: NoteStore; note: Note; folder: vscode.WorkspaceFolder }[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const store = this.storeOf(folder);
      for (const note of store.notes) out.push({ store, note, folder });
    }
    return out;
  }

  /** Applies a change and saves it at once (atomically, merged with other windows' changes). */
  apply(store: NoteStore, op: NoteOp): void {
    store.apply(op);
    this.commit(store);
  }

  /** Saves the changes applied to a store, and shows them. */
  commit(store: NoteStore): void {
    this.save(store);
    this.changed.fire();
  }

  private save(store: NoteStore): void {
    try {
      const r = store.flush();
      if (r.kind === 'recovered') {
        void vscode.window.showWarningMessage(
          vscode.l10n.t('The notes file does not parse ({0}): it was left untouched. Your notes are kept in memory and saved to {1}; fix the file and they will be merged into it.', formatParseError(r.error), r.recovered),
        );
      }
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not save the notes to {0}: {1}. They are kept in memory; the next change tries again.', store.path, (e as Error).message));
    }
  }

  /** Tells the user (once per problem) that a notes file does not parse, with a way to open it at the place. */
  report(err: ParseError): void {
    const text = formatParseError(err);
    if (this.reported.has(text)) return;
    this.reported.add(text);
    if (err.unreadable) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The notes file cannot be read: {0}. It is left untouched; notes you add are kept in memory.', text));
      return;
    }
    const open = vscode.l10n.t('Open the File');
    void vscode.window.showErrorMessage(vscode.l10n.t('The notes file does not parse: {0}. It is left untouched until you fix it.', text), open).then(async (choice) => {
      if (choice !== open) return;
      const doc = await vscode.workspace.openTextDocument(err.file);
      const pos = new vscode.Position(err.line - 1, err.column - 1);
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
    });
  }

  // ---- files and keys ----

  /** The workspace folder and relative path (with `/`) of a file path, if it is inside one. */
  relative(path: string): { folder: vscode.WorkspaceFolder; rel: string } | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path));
    if (!folder) return undefined;
    return { folder, rel: relative(folder.uri.fsPath, path).split(sep).join('/') };
  }

  keysOf(src: TextSource): FileKeys & { folder?: vscode.WorkspaceFolder } {
    const r = this.relative(src.path);
    return { ...keysFor({ relPath: r?.rel, base: basename(src.path), text: src.text, isC: src.isC, shipped: this.shipped }), folder: r?.folder };
  }

  /** The notes that show in a text, attached to their lines again. */
  placed(src: TextSource): Placed[] {
    const keys = this.keysOf(src);
    const notes: Note[] = [];
    for (const k of keys.shows) {
      const store = this.storeFor(k, keys.folder);
      if (store) notes.push(...store.notes.filter((n) => n.file === k));
    }
    return placeNotes(notes, src.text, src.isC);
  }

  /** A file's text: the open document's if it is open and saved, else the disk's (cached by mtime). */
  textOf(path: string): string | undefined {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === path && !d.isDirty);
    if (doc) return doc.getText();
    try {
      const mtime = statSync(path).mtimeMs;
      const c = this.fileCache.get(path);
      if (c && c.mtime === mtime) return c.text;
      const text = readText(path, /\.[ch]$/.test(path) ? 'kernel source' : 'scenario');
      this.fileCache.set(path, { mtime, text });
      return text;
    } catch {
      return undefined;
    }
  }

  sourceOf(doc: vscode.TextDocument): TextSource | undefined {
    if (doc.uri.scheme !== 'file') return undefined;
    return { path: doc.uri.fsPath, text: doc.getText(), isC: isCDocument(doc) };
  }

  // ---- the debugger ----

  /** The scenario of a session, relative to the workspace (with `/`), as notes tied to moments name it. */
  scenarioOf(session: vscode.DebugSession): string | undefined {
    const s = session.configuration.scenario;
    if (typeof s !== 'string') return undefined;
    return this.relative(s)?.rel ?? basename(s);
  }

  /** The active tcp-close session and its current stop, if stopped. */
  current(): { session: vscode.DebugSession; stop: StopEventBody } | undefined {
    const session = vscode.debug.activeDebugSession;
    if (!session || session.type !== DEBUG_TYPE) return undefined;
    const stop = this.stops.get(session.id);
    return stop ? { session, stop } : undefined;
  }

  author(): string {
    try {
      return userInfo().username || 'me';
    } catch {
      return 'me';
    }
  }
}

export function isCDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'c' || /\.[ch]$/.test(doc.uri.path);
}
