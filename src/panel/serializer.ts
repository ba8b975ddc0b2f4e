// Restores the panel after a window reload: re-applies the webview options and the page; the
// webview brings back its last stop itself (getState), marked as ended (the session is gone).

import type * as vscode from 'vscode';
import { StopPanel } from './panel';

export class StopPanelSerializer implements vscode.WebviewPanelSerializer {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, _state: unknown): Promise<void> {
    StopPanel.revive(panel, this.extensionUri, this.log);
  }
}
