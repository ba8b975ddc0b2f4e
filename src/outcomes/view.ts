// The Outcomes view (Run and Debug sidebar): the last exploration's outcome classes, each with its
// count, the sockets' end states and the shortest schedule, and "Debug this outcome" inline.

import * as vscode from 'vscode';
import type { ExploreResult } from '../host/explore/pool';
import type { Tally } from '../engine/explore/search';
import { fateLines, scheduleWords } from '../engine/explore/schedule';
import { boundsText, isStuck } from '../engine/explore/words';

export const OUTCOMES_VIEW = 'tcpCloseDebugger.outcomes';

/** A row of the view: an outcome (its index in the result), or a line of detail under one. */
export type OutcomeNode = { kind: 'outcome'; i: number } | { kind: 'detail'; label: string; description?: string; icon: string; tooltip?: string };

export class OutcomesView implements vscode.TreeDataProvider<OutcomeNode> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  result: ExploreResult | undefined;
  /** the scenario the result is of */
  scenario: vscode.Uri | undefined;

  show(result: ExploreResult, scenario: vscode.Uri): void {
    this.result = result;
    this.scenario = scenario;
    this.changed.fire();
  }

  /** The view's message above the rows: what was explored, and how. */
  message(): string {
    const r = this.result;
    if (!r || !this.scenario) return vscode.l10n.t('No exploration yet: run "Explore Schedules" on a .tcpscenario.');
    const name = this.scenario.path.split('/').pop() ?? '';
    return vscode.l10n.t('{0}: {1} schedules ({2}), {3} outcomes; {4} runs, {5} counted without a run (pruned).', name, r.schedules, boundsText(r.bounds), r.outcomes.length, r.stats.runs, r.stats.pruned);
  }

  getChildren(node?: OutcomeNode): OutcomeNode[] {
    const r = this.result;
    if (!r) return [];
    if (!node) return r.outcomes.map((_, i) => ({ kind: 'outcome', i }));
    if (node.kind !== 'outcome') return [];
    const t = r.outcomes[node.i];
    const rows: OutcomeNode[] = t.cls.socks.map((s) => ({
      kind: 'detail',
      label: s.name,
      description: `${s.state}${isStuck(s) ? ` — ${s.timers.length ? vscode.l10n.t('timers armed: {0}', s.timers.join(', ')) : vscode.l10n.t('no timer armed: nothing will ever move it')}` : ''}`,
      icon: isStuck(s) ? 'warning' : 'pass',
    }));
    if (t.cls.rst) rows.push({ kind: 'detail', label: vscode.l10n.t('an RST was sent'), icon: 'debug-disconnect' });
    if (t.cls.error) rows.push({ kind: 'detail', label: vscode.l10n.t('the run stopped'), description: t.cls.error, icon: 'error' });
    if (t.failed) rows.push({ kind: 'detail', label: vscode.l10n.t('{0} failed an expectation of the scenario', t.failed), icon: 'circle-slash' });
    const lines = fateLines(t.shortest, r.bound);
    rows.push({ kind: 'detail', label: vscode.l10n.t('shortest: {0}', scheduleWords(t.shortest, r.bound)), icon: 'route', tooltip: lines.join('\n') || vscode.l10n.t('the scenario as written') });
    for (const l of lines) rows.push({ kind: 'detail', label: l, icon: 'symbol-event' });
    return rows;
  }

  getTreeItem(node: OutcomeNode): vscode.TreeItem {
    if (node.kind === 'detail') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
      item.description = node.description;
      item.iconPath = new vscode.ThemeIcon(node.icon);
      item.tooltip = node.tooltip;
      return item;
    }
    const t = this.result!.outcomes[node.i];
    // collapsed: the classes first, each opened on demand (the view shares the side bar with the debugger's)
    const item = new vscode.TreeItem(vscode.l10n.t('{0}. {1} schedules', node.i + 1, t.count), vscode.TreeItemCollapsibleState.Collapsed);
    item.description = outcomeWords(t);
    item.tooltip = new vscode.MarkdownString().appendText(`${outcomeWords(t)}\n\n${scheduleWords(t.shortest, this.result!.bound)}`);
    item.iconPath = new vscode.ThemeIcon(t.cls.socks.some(isStuck) ? 'warning' : t.cls.error ? 'error' : t.cls.rst ? 'debug-disconnect' : 'pass');
    item.contextValue = 'outcome';
    return item;
  }
}

/** An outcome in a few words: each socket's end state, and an RST or a fault. */
export function outcomeWords(t: Tally): string {
  const socks = t.cls.socks.map((s) => `${s.name} ${s.state.replace(/^TCP_/, '')}`).join(', ');
  return [socks, t.cls.rst ? 'RST' : '', t.cls.error ? vscode.l10n.t('fault') : ''].filter(Boolean).join(' · ');
}
