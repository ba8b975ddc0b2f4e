// The host side of the live panel: one webview panel per tcp-close debug session. It sets the
// page once, forwards the adapter's stops to it (src/panel/outbox.ts does the flow control) and
// turns the webview's requests into debugger requests (`gotoStop`) and editor moves (`reveal`).

import * as vscode from 'vscode';
import { AllowedFiles, sessionFiles } from './files';
import { firstStopMayGo } from './firstStop';
import { makeNonce, panelHtml } from './html';
import { Outbox } from './outbox';
import { CUSTOM_REQUESTS } from '../common/ids';
import { parseFromWebview, type FieldChangeSnapshot, type HostToWebview, type StopSnapshot, type WhyLinkSnapshot } from '../common/protocol';
import { historyProblem, whyProblem } from '../common/check';

export const VIEW_TYPE = 'tcpCloseDebugger.panel';

/** Webview options, the same for a new panel and a restored one: scripts, and media/ only. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
}

export function setPanelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): void {
  const media = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', ...p)).toString();
  webview.html = panelHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    scriptUri: media('dist', 'panel.js'),
    styleUri: media('panel.css'),
    codiconUri: media('dist', 'codicon.css'),
  });
}

export class StopPanel {
  private static readonly bySession = new Map<string, StopPanel>();
  /** panels without a live session (restored after a reload, or whose session ended): reused first */
  private static readonly idle = new Set<StopPanel>();

  private session: vscode.DebugSession | undefined;
  private readonly outbox: Outbox;
  private allowed = new AllowedFiles();
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  static forSession(id: string): StopPanel | undefined {
    return StopPanel.bySession.get(id);
  }

  /** The panel of `session`, created (beside the editor, focus kept) or reused and revealed. */
  static createOrShow(extensionUri: vscode.Uri, session: vscode.DebugSession, log: vscode.LogOutputChannel): StopPanel {
    const mine = StopPanel.bySession.get(session.id);
    if (mine) {
      mine.panel.reveal(undefined, true);
      return mine;
    }
    const [reused] = StopPanel.idle;
    if (reused) {
      reused.sessionStarted(session);
      reused.panel.reveal(undefined, true);
      return reused;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, StopPanel.title(session), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(extensionUri));
    const p = new StopPanel(panel, extensionUri, log);
    p.sessionStarted(session);
    return p;
  }

  /** A panel VS Code restores after a reload: no session any more; the webview shows its saved state. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, log: vscode.LogOutputChannel): StopPanel {
    panel.webview.options = webviewOptions(extensionUri);
    const p = new StopPanel(panel, extensionUri, log);
    p.outbox.setEnded();
    StopPanel.idle.add(p);
    return p;
  }

  private static title(session: vscode.DebugSession): string {
    return `TCP close: ${session.name}`;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.outbox = new Outbox(
      (m) => this.panel.webview.postMessage(m),
      (e) => this.log.warn(`postMessage failed: ${String(e)}`),
    );
    setPanelHtml(panel.webview, extensionUri);
    this.disposables.push(
      panel,
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m) => this.receive(m)),
      panel.onDidChangeViewState((e) => {
        // without retainContextWhenHidden a hidden webview is destroyed; it says `ready` again when shown
        if (!e.webviewPanel.visible) {
          this.outbox.webviewGone();
          // hidden: it will not paint, the debugger's first stop does not wait for it
          if (this.session) firstStopMayGo(this.session.id);
        }
      }),
    );
  }

  sessionStarted(session: vscode.DebugSession): void {
    if (this.session) StopPanel.bySession.delete(this.session.id);
    StopPanel.idle.delete(this);
    this.session = session;
    StopPanel.bySession.set(session.id, this);
    this.panel.title = StopPanel.title(session);
    const shipped = ['dist', 'src'].map((d) => vscode.Uri.joinPath(this.extensionUri, d, 'kernel', 'linux-1.2.13', 'net', 'inet', 'tcp.c').fsPath);
    const files = sessionFiles(session.configuration as Record<string, unknown>, session.workspaceFolder?.uri.fsPath, shipped);
    this.allowed = new AllowedFiles();
    this.allowed.add(files.scenario);
    for (const k of files.kernels) this.allowed.add(k);
    this.outbox.setSession({ type: 'session', name: session.name, sockets: [], scenario: files.scenario ?? '' });
  }

  update(stop: StopSnapshot): void {
    // the kernel C the session runs is where its statements are: the adapter says so
    if (stop.kind === 'statement' || stop.kind === 'error') this.allowed.add(stop.file);
    for (const s of Object.values(stop.sockets)) for (const w of Object.values(s.writers)) this.allowed.add(w.file);
    this.outbox.setStop(stop);
  }

  get latestStop(): StopSnapshot | undefined {
    return this.outbox.latestStop;
  }

  sessionEnded(): void {
    if (this.session) StopPanel.bySession.delete(this.session.id);
    this.session = undefined;
    StopPanel.idle.add(this);
    this.outbox.setEnded();
  }

  private receive(raw: unknown): void {
    const m = parseFromWebview(raw);
    if (typeof m === 'string') {
      this.log.warn(`ignored a message from the panel (${m}): ${safeJson(raw)}`);
      return;
    }
    switch (m.type) {
      case 'ready':
        this.outbox.webviewReady();
        return;
      case 'painted':
        if (this.session) firstStopMayGo(this.session.id);
        return;
      case 'goto':
        if (!this.session) {
          this.log.info(`goto ${m.stop} ignored: the session has ended`);
          return;
        }
        this.session.customRequest(CUSTOM_REQUESTS.gotoStop, { stop: m.stop }).then(undefined, (e) => this.log.warn(`gotoStop ${m.stop} failed: ${String(e?.message ?? e)}`));
        return;
      case 'fieldChange': {
        if (!this.session) {
          this.log.info(`${m.direction} change of ${m.socket}.${m.field} ignored: the session has ended`);
          return;
        }
        const { socket, field, direction } = m;
        // "no later change…": said where the user looks, not only in the log
        this.session.customRequest(CUSTOM_REQUESTS.gotoFieldChange, { socket, field, direction }).then(undefined, (e) => void vscode.window.showInformationMessage(String(e?.message ?? e)));
        return;
      }
      case 'why': {
        const { socket, field } = m;
        if (!this.session) {
          this.log.info(`why ${socket}.${field} ignored: the session has ended`);
          return;
        }
        const at = this.outbox.latestStop?.index ?? 0;
        const answer = (msg: HostToWebview) => void this.panel.webview.postMessage(msg).then(undefined, (e) => this.log.warn(`postMessage failed: ${String(e)}`));
        // the field's history beside its chain (an integer field has one; a pointer's is not kept)
        this.session.customRequest(CUSTOM_REQUESTS.fieldHistory, { socket, field }).then(
          (body: { values?: unknown }) => {
            const problem = historyProblem(body?.values);
            if (problem) this.log.warn(`fieldHistory ${socket}.${field}: the adapter's answer is refused (${problem})`);
            else answer({ type: 'history', socket, field, values: body.values as FieldChangeSnapshot[] });
          },
          (e) => this.log.info(`fieldHistory ${socket}.${field}: ${String(e?.message ?? e)}`),
        );
        this.session.customRequest(CUSTOM_REQUESTS.why, { socket, field }).then(
          (body: { chain?: unknown; stop?: unknown }) => {
            // what the adapter says is checked before it reaches the page, as the stops are
            const problem = whyProblem(body?.chain);
            const stop = typeof body?.stop === 'number' && Number.isInteger(body.stop) && body.stop >= 0 ? body.stop : at;
            if (problem) {
              this.log.warn(`why ${socket}.${field}: the adapter's chain is refused (${problem})`);
              answer({ type: 'why', socket, field, stop, error: `the debugger's answer was malformed (${problem})` });
              return;
            }
            const chain = body.chain as WhyLinkSnapshot;
            // its lines may be shown: they are the kernel C this session runs
            for (const f of whyFiles(chain)) this.allowed.add(f);
            answer({ type: 'why', socket, field, stop, chain });
          },
          (e) => answer({ type: 'why', socket, field, stop: at, error: String(e?.message ?? e) }),
        );
        return;
      }
      case 'reveal':
        void this.reveal(m.file, m.line);
        return;
      case 'export':
        void this.exportRun(m.what);
        return;
    }
  }

  /** "Save as pcap": the run's segments so far in a pcapng file the user picks; "Sequence diagram": Mermaid text in a new editor. */
  private async exportRun(what: 'pcap' | 'mermaid'): Promise<void> {
    const session = this.session;
    if (!session) {
      this.log.info(`export ${what} ignored: the session has ended`);
      return;
    }
    let body: { data?: unknown; segments?: unknown };
    try {
      body = await session.customRequest(CUSTOM_REQUESTS.exportRun, { what });
    } catch (e) {
      void vscode.window.showErrorMessage(String((e as Error)?.message ?? e));
      return;
    }
    // what the adapter says is checked before it is used, as the stops are
    if (typeof body?.data !== 'string' || typeof body.segments !== 'number' || (what === 'pcap' && !/^[A-Za-z0-9+/]*={0,2}$/.test(body.data))) {
      this.log.warn(`export ${what}: the adapter's answer is refused (not a ${what === 'pcap' ? 'base64 capture' : 'text'})`);
      return;
    }
    const scenario = typeof session.configuration.scenario === 'string' ? session.configuration.scenario : undefined;
    if (what === 'mermaid') {
      const doc = await vscode.workspace.openTextDocument({ content: body.data, language: 'plaintext' });
      await vscode.window.showTextDocument(doc, { preview: false });
      return;
    }
    const base = scenario ? vscode.Uri.file(scenario.replace(/\.(tcpscenario|pkt)$/, '') + '.pcapng') : undefined;
    const target = await vscode.window.showSaveDialog({ defaultUri: base, filters: { [vscode.l10n.t('Packet capture (pcapng)')]: ['pcapng'] }, saveLabel: vscode.l10n.t('Save capture') });
    if (!target) return;
    try {
      await vscode.workspace.fs.writeFile(target, Buffer.from(body.data, 'base64'));
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} segments saved in {1}', body.segments, target.fsPath));
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Cannot write {0}: {1}', target.fsPath, String((e as Error)?.message ?? e)));
    }
  }

  private async reveal(file: string, line: number): Promise<void> {
    if (!this.allowed.has(file)) {
      this.log.warn(`reveal refused: ${file} is neither the scenario nor the kernel C of this session`);
      return;
    }
    try {
      const uri = vscode.Uri.file(file);
      const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === uri.fsPath);
      const pos = new vscode.Position(Math.max(0, line - 1), 0);
      const column = shown?.viewColumn ?? (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One);
      const editor = await vscode.window.showTextDocument(uri, { viewColumn: column, selection: new vscode.Range(pos, pos), preserveFocus: false });
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (e) {
      this.log.warn(`reveal ${file}:${line} failed: ${String((e as Error)?.message ?? e)}`);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.session) {
      StopPanel.bySession.delete(this.session.id);
      firstStopMayGo(this.session.id);
    }
    StopPanel.idle.delete(this);
    while (this.disposables.length) {
      try {
        this.disposables.pop()!.dispose();
      } catch {
        // already disposed
      }
    }
  }

  static disposeAll(): void {
    for (const p of [...StopPanel.bySession.values(), ...StopPanel.idle]) p.dispose();
  }
}

/** The files a chain's origins name (statements, calls). */
function whyFiles(l: WhyLinkSnapshot, out = new Set<string>()): Set<string> {
  if (l.origin.kind === 'statement' || l.origin.kind === 'argument') out.add(l.origin.file);
  for (const r of l.reads) whyFiles(r, out);
  return out;
}

function safeJson(x: unknown): string {
  try {
    const s = JSON.stringify(x);
    return s === undefined ? String(x) : s.length > 300 ? `${s.slice(0, 300)}…` : s;
  } catch {
    return String(x);
  }
}
