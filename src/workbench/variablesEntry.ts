// The Variables view's context-menu commands (previous / next change, why): the entry they were run
// on, in the active tcp-close session.

import * as vscode from 'vscode';
import { DEBUG_TYPE } from '../common/ids';

/** What VS Code passes a `debug/variables/context` command. */
export interface VariablesArg {
  container?: { variablesReference?: number };
  variable?: { name?: string; evaluateName?: string };
}

/** The active tcp-close session and the Variables entry a context-menu command was run on, if both are there. */
export function variablesEntry(arg?: VariablesArg): { s: vscode.DebugSession; ref: number; name: string } | undefined {
  const s = vscode.debug.activeDebugSession;
  const ref = arg?.container?.variablesReference;
  const name = arg?.variable?.name;
  return s?.type === DEBUG_TYPE && typeof ref === 'number' && typeof name === 'string' ? { s, ref, name } : undefined;
}
