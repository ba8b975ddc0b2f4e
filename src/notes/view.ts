// Which notes show in a file and where (pure: no vscode). A file's notes are keyed by its
// workspace-relative path; the shipped kernel's by `kernel:` and their name under it
// (`kernel:linux-1.2.13/net/inet/tcp.c`), and those show in the shipped file and in any copy of it
// (an edited tcp.c), attached again by their text.

import { functionExtents, reattach, type FunctionExtent, type MatchKind } from './anchor';
import { KERNEL_PREFIX, type Note } from './store';

export interface ShippedFile {
  /** its name under the shipped kernel's folder: linux-1.2.13/net/inet/tcp.c */
  name: string;
  text: string;
}

export interface FileKeys {
  /** the key new notes in this file get (undefined: outside the workspace, no notes) */
  key?: string;
  /** every key whose notes show in this file */
  shows: string[];
}

const normalize = (t: string) => t.replace(/\r\n/g, '\n');

/** Does a C text look like a copy of the kernel's tcp.c (it defines the close path)? */
export function looksLikeKernelCopy(extents: FunctionExtent[]): boolean {
  const names = new Set(extents.map((e) => e.name));
  return names.has('tcp_close_state') && names.has('tcp_fin');
}

/**
 * The keys of a file. `relPath` is its workspace-relative path (with `/`), `base` its base name;
 * `shipped` the kernel files the extension ships.
 */
export function keysFor(opts: { relPath?: string; base: string; text: string; isC: boolean; shipped: ShippedFile[] }): FileKeys {
  const text = normalize(opts.text);
  const same = opts.shipped.find((s) => normalize(s.text) === text);
  if (same) return { key: KERNEL_PREFIX + same.name, shows: [KERNEL_PREFIX + same.name] };
  const shows = opts.relPath ? [opts.relPath] : [];
  if (opts.isC) {
    const base = (name: string) => name.slice(name.lastIndexOf('/') + 1);
    const byName = opts.shipped.find((s) => base(s.name) === opts.base);
    const tcp = opts.shipped.find((s) => base(s.name) === 'tcp.c');
    if (byName) shows.push(KERNEL_PREFIX + byName.name);
    else if (tcp && looksLikeKernelCopy(functionExtents(text))) shows.push(KERNEL_PREFIX + tcp.name);
  }
  return { key: opts.relPath, shows };
}

export interface Placed {
  note: Note;
  /** 1-based line in this text, undefined when orphaned */
  line?: number;
  how: MatchKind;
}

/** Attaches each note to its line in `text` again (orphaned notes are kept, without a line). */
export function placeNotes(notes: Note[], text: string, isC: boolean): Placed[] {
  const extents = isC ? functionExtents(text) : [];
  return notes.map((note) => {
    const r = reattach(note, text, extents);
    return { note, line: r.line, how: r.how };
  });
}

/**
 * The notes to show at a stop on `line`: notes on that line that are not tied to a moment, and
 * those tied to this moment (this scenario, this hit).
 */
export function notesAtMoment(placed: Placed[], line: number, moment?: { scenario: string; hit: number }): Note[] {
  return placed
    .filter((p) => p.line === line)
    .map((p) => p.note)
    .filter((n) => !n.at || (moment && n.at.scenario === moment.scenario && n.at.hit === moment.hit));
}

/** A note as markdown for the panel and hovers: the note, then its replies with their authors. */
export function noteMarkdown(n: Note): string {
  return n.comments.map((c, i) => (i === 0 ? c.body : `*${c.author}:* ${c.body}`)).join('\n\n');
}
