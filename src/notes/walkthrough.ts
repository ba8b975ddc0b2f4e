// Walkthroughs in VS Code: record one by stepping through a run and narrating as you go ("Add
// Narration at This Stop" appends the current stop to NAME.walkthrough.json beside the scenario),
// play one back as a guided debug session ("Next" moves the debugger to the next narrated stop
// with the adapter's `runToStop` request and shows the narration in the panel and a notification),
// and export one, or a whole run, to a markdown file.

import { plainMarkdown } from '../common/plain';
import * as vscode from 'vscode';
import { existsSync, writeFileSync } from 'node:fs';
import { readError, readText } from '../host/read';
import { basename, dirname, relative, resolve } from 'node:path';
import { loadNotesRun } from './loadNotesRun';
import { CUSTOM_REQUESTS, DEBUG_TYPE } from '../common/ids';
import { exportRun, exportWalkthrough, walkthroughSteps } from './export';
import { atomicWrite, formatParseError } from './store';
import { editedNarration, inLanguage, parseWalkthrough, readerLanguage, serializeWalkthrough, walkthroughIn, walkthroughPathFor, WALKTHROUGH_SUFFIX, type Walkthrough, type WalkthroughIn, type WalkthroughStep } from './walkthroughFile';
import type { NotesWorkspace } from './workspace';
import { registerRunningCommand } from '../workbench/trust';

export const WALKTHROUGH_COMMANDS = {
  addNarration: 'tcpCloseDebugger.walkthrough.addNarration',
  play: 'tcpCloseDebugger.walkthrough.play',
  playShipped: 'tcpCloseDebugger.walkthrough.playPassiveClose',
  next: 'tcpCloseDebugger.walkthrough.next',
  previous: 'tcpCloseDebugger.walkthrough.previous',
  stop: 'tcpCloseDebugger.walkthrough.stop',
  export: 'tcpCloseDebugger.walkthrough.export',
  exportRun: 'tcpCloseDebugger.walkthrough.exportRun',
} as const;

export const PLAYING_CONTEXT = 'tcpCloseDebugger.walkthroughPlaying';

/** The setting that picks the narration's language (`auto`: VS Code's display language). */
export const LANGUAGE_SETTING = 'tcpCloseDebugger.walkthroughLanguage';

/** The language walkthroughs are shown in now: the setting, else VS Code's display language. */
export function walkthroughLanguage(): string {
  return readerLanguage(vscode.workspace.getConfiguration().get<string>(LANGUAGE_SETTING), vscode.env.language);
}

/** A walkthrough as the reader sees it now (the setting may change while it plays). */
const shown = (w: Walkthrough): WalkthroughIn => walkthroughIn(w, walkthroughLanguage());

interface Playing {
  file: string;
  walkthrough: Walkthrough;
  /** the stops of the steps in this run (moved steps found again) */
  stops: number[];
  warnings: (string | undefined)[];
  index: number;
  session?: vscode.DebugSession;
  /** bumped at every move: a notification answered late does not move the walkthrough */
  generation: number;
}

/** Markdown as plain text, for notifications. */
const plain = (md: string) =>
  plainMarkdown(md)
    .replace(/\s*\n\s*/g, ' ')
    .trim();

function readWalkthrough(file: string): Walkthrough | string {
  let text: string;
  try {
    text = readText(file, 'walkthrough');
  } catch (e) {
    return `${file}: ${readError(e)}`;
  }
  const r = parseWalkthrough(text, file);
  return 'error' in r ? formatParseError(r.error) : r.walkthrough;
}

export class Walkthroughs implements vscode.Disposable {
  private playing: Playing | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly ws: NotesWorkspace,
    private readonly extensionUri: vscode.Uri,
    /** shows the panel's notes again (the narration moved) */
    private readonly refreshPanelNotes: () => void,
  ) {
    this.disposables.push(
      vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.addNarration, () => this.addNarration()),
      registerRunningCommand(WALKTHROUGH_COMMANDS.play, (uri?: vscode.Uri) => this.play(uri)),
      registerRunningCommand(WALKTHROUGH_COMMANDS.playShipped, () => this.play(vscode.Uri.joinPath(this.extensionUri, 'examples', 'passive-close' + WALKTHROUGH_SUFFIX))),
      vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.next, () => this.move(+1)),
      vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.previous, () => this.move(-1)),
      vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.stop, () => this.end()),
      registerRunningCommand(WALKTHROUGH_COMMANDS.export, (uri?: vscode.Uri) => this.export(uri)),
      registerRunningCommand(WALKTHROUGH_COMMANDS.exportRun, (uri?: vscode.Uri) => this.exportRun(uri)),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (this.playing?.session?.id === s.id) this.end();
      }),
      // the language changed: the panel narrates the current step in the new one
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (this.playing && e.affectsConfiguration(LANGUAGE_SETTING)) this.refreshPanelNotes();
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** The narration to show in the panel at a stop of a session (while a walkthrough plays there). */
  narrationAt(session: vscode.DebugSession, stop: number): string[] {
    const p = this.playing;
    if (!p || p.session?.id !== session.id) return [];
    const out: string[] = [];
    const w = shown(p.walkthrough);
    p.stops.forEach((s, i) => {
      if (s !== stop) return;
      out.push(`${w.title} — ${i + 1}/${p.stops.length}\n\n${w.steps[i].narration}`);
      if (p.warnings[i]) out.push(p.warnings[i]!);
    });
    return out;
  }

  // ---- recording ----

  private async addNarration(): Promise<void> {
    const cur = this.ws.current();
    if (!cur) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Start a tcp-close debug session and stop somewhere first.'));
      return;
    }
    const { session, stop } = cur;
    const scenario = session.configuration.scenario as string | undefined;
    if (!scenario) return;
    const file = walkthroughPathFor(resolve(scenario));
    let w: Walkthrough;
    if (existsSync(file)) {
      const r = readWalkthrough(file);
      if (typeof r === 'string') {
        // never overwrite a file that does not parse
        void vscode.window.showErrorMessage(vscode.l10n.t('The walkthrough file does not parse: {0}. Fix it first; it was left untouched.', r));
        return;
      }
      w = r;
    } else {
      w = { version: 1, title: basename(scenario).replace(/\.tcpscenario$/, ''), scenario: basename(scenario), steps: [] };
      const kernel = session.configuration.kernelSource;
      if (typeof kernel === 'string' && kernel) w.kernel = relative(dirname(file), resolve(kernel)).split('\\').join('/');
    }
    const moment = stop.moment;
    const lineText = moment ? (this.ws.textOf(moment.file)?.split(/\r?\n/)[moment.line - 1] ?? '').replace(/\s+/g, ' ').trim() : '';
    const existing = w.steps.find((s) => s.stop === stop.index);
    const language = walkthroughLanguage();
    const where = stop.fn ? `${stop.fn}:${stop.line}` : stop.item ?? '';
    const narration = await vscode.window.showInputBox({
      title: vscode.l10n.t('Narration for stop {0} ({1})', stop.index, where),
      prompt: vscode.l10n.t('Markdown. It is appended to {0}; edit the file for longer text.', basename(file)),
      value: existing ? inLanguage(existing.narration, language) : '',
      ignoreFocusOut: true,
    });
    if (narration === undefined || !narration.trim()) return;
    // a timer firing, a delivery or the end has no line: line 0, and the item as its text
    const step: WalkthroughStep = { stop: stop.index, function: stop.fn, line: moment?.line ?? 0, text: moment ? lineText : stop.item ?? '', hit: moment?.hit ?? 1, narration: editedNarration(existing?.narration, narration, language) };
    if (!step.function) delete step.function;
    w.steps = [...w.steps.filter((s) => s.stop !== stop.index), step];
    try {
      atomicWrite(file, serializeWalkthrough(w));
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not write {0}: {1}', file, (e as Error).message));
      return;
    }
    const open = vscode.l10n.t('Open');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Stop {0} narrated in {1} ({2} steps).', stop.index, basename(file), w.steps.length), open);
    if (choice === open) await vscode.window.showTextDocument(vscode.Uri.file(file));
  }

  // ---- playing ----

  private async pick(uri: vscode.Uri | undefined, title: string): Promise<vscode.Uri | undefined> {
    if (uri) return uri;
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active?.path.endsWith(WALKTHROUGH_SUFFIX)) return active;
    const found = await vscode.workspace.findFiles(`**/*${WALKTHROUGH_SUFFIX}`, '**/node_modules/**', 200);
    const shipped = vscode.Uri.joinPath(this.extensionUri, 'examples', 'passive-close' + WALKTHROUGH_SUFFIX);
    const all = [...found, ...(found.some((f) => f.fsPath === shipped.fsPath) ? [] : [shipped])];
    const pick = await vscode.window.showQuickPick(
      all.map((u) => ({ label: basename(u.fsPath), description: vscode.workspace.asRelativePath(u), uri: u })),
      { title },
    );
    return pick?.uri;
  }

  private async play(uri?: vscode.Uri): Promise<void> {
    const target = await this.pick(uri, vscode.l10n.t('Play a walkthrough'));
    if (!target) return;
    const file = target.fsPath;
    const w = readWalkthrough(file);
    if (typeof w === 'string') {
      void vscode.window.showErrorMessage(vscode.l10n.t('The walkthrough file does not parse: {0}. Fix it first; it was left untouched.', w));
      return;
    }
    if (!w.steps.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} has no steps yet: debug its scenario and use "Add Narration at This Stop".', basename(file)));
      return;
    }
    const scenario = resolve(dirname(file), w.scenario);
    const kernelSource = w.kernel ? resolve(dirname(file), w.kernel) : undefined;
    // find the steps in this run (an edited kernel moves stops: they are found again by line and hit)
    let stops: number[];
    let warnings: (string | undefined)[];
    try {
      const run = await loadNotesRun({ scenarioPath: scenario, kernelPath: kernelSource });
      try {
        const steps = walkthroughSteps(run, w);
        stops = steps.map((s) => s.stop);
        warnings = steps.map((s) => s.warning);
      } finally {
        run.dispose();
      }
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The walkthrough\'s scenario cannot run: {0}', (e as Error).message));
      return;
    }
    this.end();
    const p: Playing = { file, walkthrough: w, stops, warnings, index: -1, generation: 0 };
    this.playing = p;
    void vscode.commands.executeCommand('setContext', PLAYING_CONTEXT, true);
    const started = new Promise<vscode.DebugSession>((done) => {
      const sub = vscode.debug.onDidStartDebugSession((s) => {
        if (s.type !== DEBUG_TYPE) return;
        sub.dispose();
        done(s);
      });
    });
    const config: vscode.DebugConfiguration = { type: DEBUG_TYPE, request: 'launch', name: shown(w).title, scenario, stopOnEntry: true, stepBy: 'line' };
    // the steps were found on the release, or on the release with the walkthrough's edited copy of one of its files
    if (kernelSource) config.kernelSource = kernelSource;
    else config.kernel = 'release';
    const ok = await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(target) ?? vscode.workspace.workspaceFolders?.[0], config);
    if (!ok) return this.end();
    p.session = await started;
    // wait for the entry stop, then go to the first step
    await new Promise<void>((done) => {
      if (this.ws.stops.has(p.session!.id)) return done();
      const sub = this.ws.onDidStop((s) => {
        if (s.id !== p.session!.id) return;
        sub.dispose();
        done();
      });
    });
    if (this.playing !== p) return;
    const read = shown(w);
    if (read.description) void vscode.window.showInformationMessage(`${read.title}: ${plain(read.description)}`);
    await this.show(0);
  }

  private move(delta: number): Promise<void> | undefined {
    const p = this.playing;
    if (!p) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No walkthrough is playing: run "Play Walkthrough" first.'));
      return;
    }
    return this.show(p.index + delta);
  }

  private async show(i: number): Promise<void> {
    const p = this.playing;
    if (!p?.session) return;
    if (i >= p.stops.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0}: the end of the walkthrough.', shown(p.walkthrough).title));
      return;
    }
    if (i < 0) return;
    p.index = i;
    const gen = ++p.generation;
    try {
      await p.session.customRequest(CUSTOM_REQUESTS.runToStop, { stop: p.stops[i] });
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not move to stop {0}: {1}', p.stops[i], (e as Error).message));
      return;
    }
    this.refreshPanelNotes();
    const next = vscode.l10n.t('Next');
    const back = vscode.l10n.t('Back');
    const stop = vscode.l10n.t('End');
    const buttons = [...(i + 1 < p.stops.length ? [next] : []), ...(i > 0 ? [back] : []), stop];
    const warning = p.warnings[i] ? ` (${p.warnings[i]})` : '';
    const choice = await vscode.window.showInformationMessage(`${i + 1}/${p.stops.length} — ${plain(shown(p.walkthrough).steps[i].narration)}${warning}`, ...buttons);
    if (this.playing !== p || p.generation !== gen) return;
    if (choice === next) await this.show(i + 1);
    else if (choice === back) await this.show(i - 1);
    else if (choice === stop) this.end();
  }

  private end(): void {
    if (!this.playing) return;
    this.playing = undefined;
    void vscode.commands.executeCommand('setContext', PLAYING_CONTEXT, false);
    this.refreshPanelNotes();
  }

  // ---- exporting ----

  private async export(uri?: vscode.Uri): Promise<void> {
    const target = await this.pick(uri, vscode.l10n.t('Export a walkthrough to markdown'));
    if (!target) return;
    const w = readWalkthrough(target.fsPath);
    if (typeof w === 'string') {
      void vscode.window.showErrorMessage(vscode.l10n.t('The walkthrough file does not parse: {0}. Fix it first; it was left untouched.', w));
      return;
    }
    const dir = dirname(target.fsPath);
    await this.write(target.fsPath.replace(/\.walkthrough\.json$/, '.walkthrough.md'), async () => {
      const run = await loadNotesRun({ scenarioPath: resolve(dir, w.scenario), kernelPath: w.kernel ? resolve(dir, w.kernel) : undefined });
      try {
        return exportWalkthrough(run, w, { language: walkthroughLanguage() });
      } finally {
        run.dispose();
      }
    });
  }

  private async exportRun(uri?: vscode.Uri): Promise<void> {
    const cur = this.ws.current();
    const scenario = uri?.fsPath ?? (vscode.window.activeTextEditor?.document.uri.path.endsWith('.tcpscenario') ? vscode.window.activeTextEditor.document.uri.fsPath : undefined) ?? (cur?.session.configuration.scenario as string | undefined);
    if (!scenario) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a .tcpscenario file, or start a tcp-close debug session, first.'));
      return;
    }
    const kernel = cur && cur.session.configuration.scenario === scenario ? (cur.session.configuration.kernelSource as string | undefined) : undefined;
    await this.write(scenario.replace(/\.tcpscenario$/, '') + '.run.md', async () => {
      const run = await loadNotesRun({ scenarioPath: scenario, kernelPath: kernel });
      try {
        return exportRun(run, { title: vscode.l10n.t('A run of {0}', basename(scenario)) });
      } finally {
        run.dispose();
      }
    });
  }

  private async write(suggested: string, make: () => Promise<string>): Promise<void> {
    const to = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(suggested), filters: { Markdown: ['md'] } });
    if (!to) return;
    let text: string;
    try {
      text = await make();
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The export failed: {0}', (e as Error).message));
      return;
    }
    writeFileSync(to.fsPath, text);
    await vscode.commands.executeCommand('markdown.showPreview', to);
  }
}
