// Completion: socket names, sk and segment fields, states, timer reasons, flags, keywords and kernel functions where each fits.
import * as vscode from 'vscode';
import { completionsAt, type CandidateKind } from './candidates';
import { escapeMarkdown } from './describe';
import { kindLabel } from './hover';
import { LANGUAGE_ID } from '../common/ids';
import { declaredSockets } from './lineContext';

const ITEM_KIND: Record<CandidateKind, vscode.CompletionItemKind> = {
  keyword: vscode.CompletionItemKind.Keyword,
  socket: vscode.CompletionItemKind.Variable,
  state: vscode.CompletionItemKind.EnumMember,
  timer: vscode.CompletionItemKind.EnumMember,
  constant: vscode.CompletionItemKind.Constant,
  flags: vscode.CompletionItemKind.Value,
  field: vscode.CompletionItemKind.Field,
  function: vscode.CompletionItemKind.Function,
  operator: vscode.CompletionItemKind.Operator,
  unit: vscode.CompletionItemKind.Unit,
};

export function registerCompletion(context: vscode.ExtensionContext): void {
  const provider: vscode.CompletionItemProvider = {
    provideCompletionItems(doc, pos) {
      const prefix = doc.lineAt(pos.line).text.slice(0, pos.character);
      const sockets = declaredSockets(doc.getText()).map((s) => s.name);
      const { from, items } = completionsAt(prefix, sockets);
      const range = new vscode.Range(pos.line, from, pos.line, pos.character);
      return items.map((c, i) => {
        const item = new vscode.CompletionItem(c.label, ITEM_KIND[c.kind]);
        item.range = range;
        item.sortText = String(i).padStart(4, '0');
        if (c.insertText) item.insertText = c.insertText;
        if (c.kind === 'socket') item.detail = vscode.l10n.t('socket declared in this file');
        else if (c.entry) {
          item.detail = c.entry.value !== undefined ? `${kindLabel(c.entry.kind)} = ${c.entry.value}` : kindLabel(c.entry.kind);
          item.documentation = new vscode.MarkdownString(escapeMarkdown(vscode.l10n.t(c.entry.doc)));
        }
        if (c.retrigger) item.command = { command: 'editor.action.triggerSuggest', title: vscode.l10n.t('Suggest values') };
        return item;
      });
    },
  };
  context.subscriptions.push(vscode.languages.registerCompletionItemProvider(LANGUAGE_ID, provider, ' ', '=', '<', '>', '|'));
}
