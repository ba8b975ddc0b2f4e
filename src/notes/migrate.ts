// Notes written on the removed reduced port's files (`kernel:tcp.c`, `kernel:tcp.h`) moved onto
// the release's (`kernel:linux-1.2.13/net/inet/tcp.c`, `…/tcp.h`). Each note is attached again by
// the text of its anchored line, as a note whose line moved is (anchor.ts: the same function
// first, then the whole file), but only where that text is found exactly: a line that is not in
// the release is not guessed at. A note that cannot be placed keeps its key (nothing is lost) and
// is reported at its place in the notes file. No vscode: the extension and the tests share it.

import { functionExtents, makeAnchor, reattach, splitLines } from './anchor';
import { KERNEL_PREFIX, lineColumn, type Note, type NoteStore } from './store';

/** The reduced port's files, by their key's name, and the release file each one's notes move to. */
export const REDUCED_FILES: Readonly<Record<string, string>> = {
  'tcp.c': 'linux-1.2.13/net/inet/tcp.c',
  'tcp.h': 'linux-1.2.13/net/inet/tcp.h',
};

/** A note that stays on the reduced port's key: where it is written in the notes file. */
export interface Unplaced {
  note: Note;
  /** the notes file, and the 1-based line and column of the note's "id" in it */
  file: string;
  line: number;
  column: number;
}

export interface Moved {
  /** the notes with their new key and anchor (comments and moment kept) */
  moved: Note[];
  /** the notes whose line's text is not in the release file, as they are */
  unplaced: Note[];
}

/** Is `note` keyed to one of the reduced port's files? */
export function onReducedFile(note: Note): boolean {
  return note.file.startsWith(KERNEL_PREFIX) && Object.hasOwn(REDUCED_FILES, note.file.slice(KERNEL_PREFIX.length));
}

/**
 * The reduced port's notes of `notes` placed on the release: `release` gives the text of a release
 * file by its name under the shipped kernel (REDUCED_FILES' values).
 */
export function reanchorReduced(notes: readonly Note[], release: (name: string) => string | undefined): Moved {
  const out: Moved = { moved: [], unplaced: [] };
  const texts = new Map<string, { lines: string[]; extents: ReturnType<typeof functionExtents>; text: string } | undefined>();
  for (const note of notes) {
    if (!onReducedFile(note)) continue;
    const target = REDUCED_FILES[note.file.slice(KERNEL_PREFIX.length)];
    if (!texts.has(target)) {
      const text = release(target);
      texts.set(target, text === undefined ? undefined : { text, lines: splitLines(text), extents: functionExtents(text) });
    }
    const t = texts.get(target);
    const r = t && note.text.trim() ? reattach(note, t.text, t.extents) : undefined;
    if (t && r?.line !== undefined && (r.how === 'same' || r.how === 'exact' || r.how === 'file-exact')) {
      const a = makeAnchor(t.lines, r.line, t.extents);
      const n: Note = { ...note, file: KERNEL_PREFIX + target, line: a.line, text: a.text, before: a.before, after: a.after, comments: [...note.comments] };
      if (a.function) n.function = a.function;
      else delete n.function;
      out.moved.push(n);
    } else out.unplaced.push(note);
  }
  return out;
}

/** Where `note` is written in a notes file's text (`file` its path): the line and column of its "id". */
export function noteAt(note: Note, file: string, text: string): Unplaced {
  const id = JSON.stringify(note.id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const at = text.search(new RegExp(`"id"\\s*:\\s*${id}`));
  return { note, file, ...lineColumn(text, Math.max(0, at)) };
}

/** What moving a store's notes did, for the user. */
export interface MoveReport {
  moved: number;
  unplaced: Unplaced[];
}

/**
 * Moves the reduced port's notes of `store` (loaded) onto the release and saves the store when any
 * moved; the notes that stay are found in the file as saved (`readNotes` reads it). Undefined when
 * the store holds none.
 */
export function moveReducedNotes(store: NoteStore, release: (name: string) => string | undefined, readNotes: () => string): MoveReport | undefined {
  if (!store.notes.some(onReducedFile)) return undefined;
  const r = reanchorReduced(store.notes, release);
  if (r.moved.length) {
    for (const note of r.moved) store.apply({ kind: 'putNote', note });
    const saved = store.flush();
    if (saved.kind === 'recovered') throw new Error(`the notes file does not parse: ${saved.error.file}:${saved.error.line}:${saved.error.column}: ${saved.error.message}`);
  }
  const text = r.unplaced.length ? readNotes() : '';
  return { moved: r.moved.length, unplaced: r.unplaced.map((n) => noteAt(n, store.path, text)) };
}
