// Problems view: the scenario parser's and the engine's diagnostics for open tcp-scenario documents, and the packetdrill
// importer's (its errors, and its notes as information) for open packetdrill documents, refreshed as the user types.
import * as vscode from 'vscode';
import type { Range } from '../scenario/ast';
import { checkOnRelease, PKT_SUFFIX, SCENARIO_SUFFIX } from '../host/load';
import { CHECK_MESSAGES, checkPkt, checkScenario, type Loader, type Problem } from './checks';
import { LANGUAGE_ID, PACKETDRILL_LANGUAGE_ID } from '../common/ids';
import { toZeroBased } from './ranges';

/** A scenario range (1-based, end-exclusive) as a VS Code range: the one place the conversion happens. */
export function toVsRange(r: Range): vscode.Range {
  const z = toZeroBased(r);
  return new vscode.Range(z.startLine, z.startCharacter, z.endLine, z.endCharacter);
}

const SEVERITY: Record<Problem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};
const SOURCE: Record<Problem['source'], string> = { scenario: 'tcpscenario', packetdrill: 'packetdrill', kernel: 'tcp.c' };

function toDiagnostic(p: Problem): vscode.Diagnostic {
  const message = p.translate ? vscode.l10n.t(p.message, ...(p.args ?? [])) : p.message;
  const d = new vscode.Diagnostic(toVsRange(p.range), message, SEVERITY[p.severity]);
  d.source = SOURCE[p.source];
  return d;
}

/** A checked language: its check, and the suffix its path must end in (the loader translates a text named *.pkt). */
interface Checked {
  check: (text: string, path: string, load: Loader) => Promise<Problem[]>;
  suffix: string;
}
const CHECKED = new Map<string, Checked>([
  [LANGUAGE_ID, { check: checkScenario, suffix: SCENARIO_SUFFIX }],
  [PACKETDRILL_LANGUAGE_ID, { check: checkPkt, suffix: PKT_SUFFIX }],
]);

/** Where the document is (for messages); an unsaved one, or one named otherwise, gets a name of its own ending in `suffix`. */
function checkedPath(doc: vscode.TextDocument, suffix: string): string {
  const name = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.path.split('/').pop() || 'untitled';
  return name.endsWith(suffix) ? name : `${name}${suffix}`;
}

export function registerDiagnostics(context: vscode.ExtensionContext, load: Loader = checkOnRelease, delayMs = 200): void {
  const collection = vscode.languages.createDiagnosticCollection(LANGUAGE_ID);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** a check's number per document: only the latest one may publish */
  const latest = new Map<string, number>();
  let counter = 0;

  const check = async (doc: vscode.TextDocument, language: Checked) => {
    const key = doc.uri.toString();
    const mine = ++counter;
    latest.set(key, mine);
    const version = doc.version;
    let problems: Problem[];
    try {
      problems = await language.check(doc.getText(), checkedPath(doc, language.suffix), load);
    } catch (e) {
      problems = [{ range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, severity: 'error', message: CHECK_MESSAGES.checkFailed, args: [e instanceof Error ? e.message : String(e)], translate: true, source: 'scenario' }];
    }
    if (latest.get(key) !== mine || doc.isClosed || doc.version !== version) return;
    collection.set(doc.uri, problems.map(toDiagnostic));
  };

  const schedule = (doc: vscode.TextDocument, delay = delayMs) => {
    const language = CHECKED.get(doc.languageId);
    if (!language) return;
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        void check(doc, language);
      }, delay),
    );
  };

  const forget = (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.delete(key);
    latest.delete(key);
    collection.delete(doc.uri);
  };

  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument((doc) => schedule(doc, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument(forget),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  for (const doc of vscode.workspace.textDocuments) schedule(doc, 0);
}
