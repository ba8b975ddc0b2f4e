// A minimal stand-in for the `vscode` module: just what src/language uses, recording what gets registered.

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(sl: number, sc: number, el: number, ec: number) {
    this.start = new Position(sl, sc);
    this.end = new Position(el, ec);
  }
}
export class MarkdownString {
  constructor(public value = '') {}
}
export class Hover {
  constructor(
    readonly contents: MarkdownString,
    readonly range?: Range,
  ) {}
}
export enum CompletionItemKind {
  Keyword,
  Variable,
  EnumMember,
  Constant,
  Value,
  Field,
  Function,
  Operator,
  Unit,
}
export class CompletionItem {
  range?: Range;
  sortText?: string;
  insertText?: string;
  detail?: string;
  documentation?: MarkdownString;
  command?: { command: string; title: string };
  constructor(
    readonly label: string,
    readonly kind?: CompletionItemKind,
  ) {}
}
export class CodeLens {
  constructor(
    readonly range: Range,
    readonly command?: { title: string; command: string; arguments?: any[] },
  ) {}
}
export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
}
export class Diagnostic {
  source?: string;
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: DiagnosticSeverity,
  ) {}
}

type Listener<T> = (e: T) => void;
function event<T>() {
  const listeners: Listener<T>[] = [];
  const on = (l: Listener<T>) => {
    listeners.push(l);
    return { dispose: () => listeners.splice(listeners.indexOf(l), 1) };
  };
  return { on, fire: (e: T) => listeners.forEach((l) => l(e)) };
}

export class EventEmitter<T> {
  private readonly e = event<T>();
  readonly event = this.e.on;
  fire(x: T): void {
    this.e.fire(x);
  }
  dispose(): void {}
}

export const registered = {
  hover: [] as any[],
  completion: [] as { provider: any; triggers: string[] }[],
  codeLens: [] as any[],
  diagnostics: new Map<string, Diagnostic[]>(),
};

export const events = {
  open: event<any>(),
  change: event<any>(),
  close: event<any>(),
  grantTrust: event<void>(),
};

export const languages = {
  createDiagnosticCollection: () => ({
    set: (uri: { toString(): string }, d: Diagnostic[]) => registered.diagnostics.set(uri.toString(), d),
    delete: (uri: { toString(): string }) => registered.diagnostics.delete(uri.toString()),
    dispose() {},
  }),
  registerHoverProvider: (_sel: string, p: any) => (registered.hover.push(p), { dispose() {} }),
  registerCompletionItemProvider: (_sel: string, p: any, ...triggers: string[]) => (registered.completion.push({ provider: p, triggers }), { dispose() {} }),
  registerCodeLensProvider: (_sel: string, p: any) => (registered.codeLens.push(p), { dispose() {} }),
};

export const workspace = {
  textDocuments: [] as any[],
  onDidOpenTextDocument: events.open.on,
  onDidChangeTextDocument: events.change.on,
  onDidCloseTextDocument: events.close.on,
  /** set false to stand for an untrusted workspace (fire events.grantTrust when it becomes trusted) */
  isTrusted: true,
  onDidGrantWorkspaceTrust: events.grantTrust.on,
};

/** What the code under test showed and ran through `window` and `commands`. */
export const shown = {
  warnings: [] as { message: string; items: string[] }[],
  executed: [] as string[],
  /** the item the next showWarningMessage resolves to (a user's click), then cleared */
  answer: undefined as string | undefined,
};

export const commands = {
  registered: new Map<string, (...args: any[]) => unknown>(),
  registerCommand(id: string, fn: (...args: any[]) => unknown) {
    commands.registered.set(id, fn);
    return { dispose: () => commands.registered.delete(id) };
  },
  executeCommand: async (id: string) => {
    shown.executed.push(id);
  },
};

export const window = {
  showWarningMessage: (message: string, ...items: string[]) => {
    shown.warnings.push({ message, items });
    const a = shown.answer;
    shown.answer = undefined;
    return Promise.resolve(a);
  },
};

export const l10n = {
  t: (message: string, ...args: unknown[]) => message.replace(/\{(\d+)\}/g, (m, i) => (args[+i] === undefined ? m : String(args[+i]))),
};

/** A text document over a string, as the providers read it. */
export function textDocument(path: string, text: string, languageId = 'tcp-scenario') {
  const uri = { scheme: 'file', fsPath: path, path, toString: () => `file://${path}` };
  return {
    uri,
    languageId,
    version: 1,
    isClosed: false,
    getText: () => text,
    lineAt: (line: number) => ({ text: text.split('\n')[line] }),
  };
}
