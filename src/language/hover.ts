// Hovers on scenario words: states, timer reasons, flags, sk fields, times and units, keywords, kernel functions, sockets.
import * as vscode from 'vscode';
import { describeAt, escapeMarkdown, type Section } from './describe';
import type { EntryKind, GlossaryEntry } from './glossary';
import { LANGUAGE_ID } from '../common/ids';

/** What kind of word an entry is, for the hover's heading. */
export function kindLabel(kind: EntryKind): string {
  switch (kind) {
    case 'state':
      return vscode.l10n.t('TCP state');
    case 'timer':
      return vscode.l10n.t('timer reason');
    case 'flag':
      return vscode.l10n.t('TCP flag');
    case 'field':
      return vscode.l10n.t('struct sock field');
    case 'segmentField':
      return vscode.l10n.t('segment field');
    case 'option':
      return vscode.l10n.t('option');
    case 'unit':
      return vscode.l10n.t('time unit');
    case 'keyword':
      return vscode.l10n.t('scenario keyword');
    case 'function':
      return vscode.l10n.t('kernel function');
    case 'constant':
      return vscode.l10n.t('kernel constant');
  }
}

/** An entry as Markdown: heading (name, value, kind, C type), its text, and where a state is entered from. */
export function entryMarkdown(x: GlossaryEntry): string {
  const parts = [`**${escapeMarkdown(x.name)}**`];
  if (x.value !== undefined) parts.push(`= ${x.value}`);
  parts.push(`· ${kindLabel(x.kind)}`);
  if (x.type) parts.push(`(\`${x.type}\`)`);
  let md = `${parts.join(' ')}\n\n${escapeMarkdown(vscode.l10n.t(x.doc))}`;
  if (x.enteredBy?.length) md += `\n\n${vscode.l10n.t('Entered by: {0}', x.enteredBy.map((f) => `\`${f}\``).join(', '))}`;
  if (x.params?.length) md += `\n\n${vscode.l10n.t('Integer arguments: {0}', x.params.map((p) => `\`${p}=\``).join(', '))}`;
  return md;
}

function sectionMarkdown(s: Section): string {
  return s.kind === 'entry' ? entryMarkdown(s.entry) : escapeMarkdown(vscode.l10n.t(s.message.text, ...s.message.args));
}

export function registerHover(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(LANGUAGE_ID, {
      provideHover(doc, pos) {
        const model = describeAt(doc.getText(), pos.line, pos.character);
        if (!model) return undefined;
        const md = new vscode.MarkdownString(model.sections.map(sectionMarkdown).join('\n\n---\n\n'));
        return new vscode.Hover(md, new vscode.Range(model.line, model.start, model.line, model.end));
      },
    }),
  );
}
