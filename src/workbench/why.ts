// The Variables view's "Why Does It Hold This Value?": the value's chain of writers (the adapter's
// `why` request) in a quick pick, one line per link indented by depth; picking one steps back to
// the moment its origin made it.

import * as vscode from 'vscode';
import { CUSTOM_REQUESTS } from '../common/ids';
import type { WhyLinkSnapshot } from '../common/protocol';
import { whyLines } from '../common/whyLines';
import { variablesEntry, type VariablesArg } from './variablesEntry';

export function registerWhyCommand(): vscode.Disposable {
  return vscode.commands.registerCommand('tcpCloseDebugger.why', async (arg?: VariablesArg) => {
    const at = variablesEntry(arg);
    if (!at) return;
    const { s, ref, name } = at;
    let chain: WhyLinkSnapshot;
    try {
      chain = ((await s.customRequest(CUSTOM_REQUESTS.why, { variablesReference: ref, name })) as { chain: WhyLinkSnapshot }).chain;
    } catch (e) {
      void vscode.window.showInformationMessage((e as Error).message ?? String(e));
      return;
    }
    const items = whyLines(chain).map((l) => ({
      label: `${'\u2003'.repeat(l.depth)}${l.label}`,
      description: l.origin,
      detail: l.cut ? `${'\u2003'.repeat(l.depth)}${l.cut}` : undefined,
      stop: l.stop,
    }));
    const pick = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Why is {0} {1}? Pick a link to step back to when it was made', arg?.variable?.evaluateName ?? name, chain.value),
      matchOnDescription: true,
    });
    if (pick?.stop !== undefined) await s.customRequest(CUSTOM_REQUESTS.gotoStop, { stop: pick.stop });
  });
}
