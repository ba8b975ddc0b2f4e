// Where a value is in a JSON text that parses: the offsets of the key and of the value at a path
// (`['steps', 3, 'narration', 'zh-cn']`), so that a file that parses but says the wrong thing is
// reported at its line and column. Walks only along the path, without recursion: a deeply nested
// value elsewhere in the file costs a scan, not the stack.

/** The offsets of the value at `path` in `text` (valid JSON) and of its key; undefined: no such value. A key given twice: the last one, as JSON.parse reads it. */
export function jsonValueAt(text: string, path: readonly (string | number)[]): { key?: number; value: number } | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const skipString = () => {
    for (i++; i < text.length && text[i] !== '"'; i += text[i] === '\\' ? 2 : 1);
    i++;
  };
  const skipValue = () => {
    ws();
    if (text[i] === '"') return skipString();
    if (text[i] !== '{' && text[i] !== '[') {
      while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
      return;
    }
    let depth = 0;
    do {
      const c = text[i];
      if (c === '"') {
        skipString();
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
      i++;
    } while (depth > 0 && i < text.length);
  };
  /** after a member or an element: past the comma, at the next one or at the closing bracket */
  const next = () => {
    ws();
    if (text[i] === ',') i++;
    ws();
  };
  ws();
  let found: { key?: number; value: number } = { value: i };
  for (const step of path) {
    i = found.value;
    if (typeof step === 'number') {
      if (text[i] !== '[') return undefined;
      i++;
      ws();
      for (let k = 0; k < step && i < text.length && text[i] !== ']'; k++) {
        skipValue();
        next();
      }
      if (i >= text.length || text[i] === ']') return undefined;
      found = { value: i };
    } else {
      if (text[i] !== '{') return undefined;
      i++;
      ws();
      let last: { key: number; value: number } | undefined;
      while (text[i] === '"') {
        const key = i;
        skipString();
        const name: unknown = JSON.parse(text.slice(key, i));
        ws();
        i++; // ':'
        ws();
        if (name === step) last = { key, value: i };
        skipValue();
        next();
      }
      if (!last) return undefined;
      found = last;
    }
  }
  return found;
}
