// Walkthrough files with narration per language: parsing (the old single string still read), the
// reader's language and its fallback, bad input reported at its line and column, the canonical
// form written back, and the offsets jsonValueAt finds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editedNarration, inLanguage, parseWalkthrough, pickLanguage, readerLanguage, serializeWalkthrough, walkthroughIn, type Walkthrough } from './walkthroughFile';
import { jsonValueAt } from './jsonAt';

const FILE = '/w/x.walkthrough.json';
const step = (narration: unknown) => ({ stop: 3, function: 'tcp_fin', line: 10, text: 'x;', hit: 1, narration });
const file = (over: Record<string, unknown> = {}, steps: unknown[] = [step('plain')]) => JSON.stringify({ version: 1, title: 'T', scenario: 'a.tcpscenario', ...over, steps }, null, 2) + '\n';

function parsed(text: string): Walkthrough {
  const r = parseWalkthrough(text, FILE);
  if ('error' in r) assert.fail(`${r.error.line}:${r.error.column}: ${r.error.message}`);
  return r.walkthrough;
}

/** The error's line:column and message; it must point at the (`nth`) `mark` in `text`, at its `|` if it has one. */
function failsAt(text: string, mark: string, message: RegExp, nth = 0): void {
  const r = parseWalkthrough(text, FILE);
  assert.ok('error' in r, `parsed: ${text}`);
  const cursor = Math.max(0, mark.indexOf('|'));
  let offset = -1;
  for (let k = 0; k <= nth; k++) offset = text.indexOf(mark.replace('|', ''), offset + 1);
  assert.ok(offset >= 0, `no ${mark} in the text`);
  offset += cursor;
  const before = text.slice(0, offset).split('\n');
  assert.deepEqual({ file: r.error.file, line: r.error.line, column: r.error.column }, { file: FILE, line: before.length, column: before[before.length - 1].length + 1 }, r.error.message);
  assert.match(r.error.message, message);
}

test('the old single string is read and written back as it is', () => {
  const text = file();
  const w = parsed(text);
  assert.equal(w.steps[0].narration, 'plain');
  assert.equal(inLanguage(w.steps[0].narration, 'zh-cn'), 'plain');
  assert.equal(serializeWalkthrough(w), text);
});

test('narration, title and description per language', () => {
  const w = parsed(file({ title: { en: 'Close', 'zh-cn': '关闭' }, description: { 'zh-cn': '说明', en: 'About' } }, [step({ en: '**1st**', 'zh-cn': '**第一次**' }), step('both')]));
  assert.deepEqual(walkthroughIn(w, 'zh-cn'), { ...w, title: '关闭', description: '说明', steps: [{ ...step('**第一次**') }, step('both')] });
  assert.equal(walkthroughIn(w, 'en').title, 'Close');
  assert.equal(walkthroughIn(w, 'en').steps[0].narration, '**1st**');
  // written back English first, then the rest in order; the single strings stay strings
  const out = JSON.parse(serializeWalkthrough(w));
  assert.deepEqual(Object.keys(out.description), ['en', 'zh-cn']);
  assert.equal(out.steps[1].narration, 'both');
  assert.deepEqual(parsed(serializeWalkthrough(w)), JSON.parse(serializeWalkthrough(w)));
});

test('the fallback: the language, then its base, then English, then the first given', () => {
  assert.equal(pickLanguage(['en', 'zh-cn'], 'zh-cn'), 'zh-cn');
  assert.equal(pickLanguage(['en', 'zh-CN'], 'zh-cn'), 'zh-CN', 'tags compare in lower case');
  assert.equal(pickLanguage(['en', 'zh'], 'zh-cn'), 'zh', 'the base');
  assert.equal(pickLanguage(['en', 'zh'], 'zh_CN'), 'zh', 'VS Code and POSIX spellings alike');
  assert.equal(pickLanguage(['en', 'zh-hant'], 'zh-hant-tw'), 'zh-hant', 'the base, subtag by subtag');
  assert.equal(pickLanguage(['fr', 'en', 'zh-cn'], 'zh-tw'), 'en', 'not a sibling: zh-tw does not get zh-cn');
  assert.equal(pickLanguage(['fr', 'zh-cn'], 'de'), 'fr', 'no English: the first given');
  assert.equal(pickLanguage(['zh-cn', 'en'], 'de'), 'en');
  assert.equal(pickLanguage([], 'en'), undefined);
  assert.equal(inLanguage({ fr: 'bonjour', 'zh-cn': '你好' }, 'en'), 'bonjour');
});

test("the reader's language: the setting when it names one, else the display language", () => {
  assert.equal(readerLanguage('auto', 'zh-cn'), 'zh-cn');
  assert.equal(readerLanguage(undefined, 'zh-CN'), 'zh-cn');
  assert.equal(readerLanguage('en', 'zh-cn'), 'en');
  assert.equal(readerLanguage('zh-cn', 'en'), 'zh-cn');
  assert.equal(readerLanguage('not a language', 'de'), 'de');
  assert.equal(readerLanguage('', ''), 'en');
});

test('an edit changes the language that was shown, and keeps the old single string one string', () => {
  assert.equal(editedNarration(undefined, 'new', 'zh-cn'), 'new');
  assert.equal(editedNarration('old', 'new', 'zh-cn'), 'new');
  assert.deepEqual(editedNarration({ en: 'a', 'zh-cn': '甲' }, '乙', 'zh-cn'), { en: 'a', 'zh-cn': '乙' });
  assert.deepEqual(editedNarration({ en: 'a', 'zh-cn': '甲' }, 'b', 'de'), { en: 'b', 'zh-cn': '甲' }, 'a German reader read (and edited) the English');
});

test('bad narration is reported at its line and column, naming the step and the language', () => {
  // a language's text that is not a string: at the value
  failsAt(file({}, [step('ok'), step({ en: 'a', 'zh-cn': 7 })]), '"zh-cn": |7', /^steps\[1\]\.narration\."zh-cn" must be markdown text \(found a number\)$/);
  failsAt(file({}, [step({ en: null })]), '"en": |null', /^steps\[0\]\.narration\."en" must be markdown text \(found null\)$/);
  // no language a reader can read: an empty object, or only empty texts
  failsAt(file({}, [step('ok'), step({})]), '"narration": {}', /^steps\[1\]\.narration has no language: give at least one, e\.g\. \{ "en": "…" \}$/);
  failsAt(file({}, [step({ en: '  ' })]), '"  "', /^steps\[0\]\.narration\."en" is empty: leave the language out instead$/);
  // a key that is not a language: at the key
  failsAt(file({}, [step({ en: 'a', text: 'b' })]), '"text": "b"', /^steps\[0\]\.narration: "text" is not a language tag \(like "en" or "zh-cn"\)$/);
  failsAt(file({}, [step({ 'zh-cn': '甲', 'zh-CN': '乙' })]), '"zh-CN"', /^steps\[0\]\.narration gives "zh-cn" twice \("zh-cn" and "zh-CN"\): keep one$/);
  // neither a string nor an object
  failsAt(file({}, [step(['a'])]), '"narration": [', /^steps\[0\]\.narration must be markdown text, or one text per language: \{ "en": "…", "zh-cn": "…" \} \(found a list\)$/);
  failsAt(file({}, [step(3)]), '"narration": 3', /found a number/);
  // the title and the description alike
  failsAt(file({ title: { en: 1 } }), '"en": |1', /^"title"\."en" must be markdown text \(found a number\)$/);
  failsAt(file({ description: {} }), '"description"', /^"description" has no language/);
  // a missing narration: the step, at its opening brace
  const { narration: _n, ...bare } = step('x');
  failsAt(file({}, [step('a'), bare]), '{', /^steps\[1\] must be \{ "stop", "function"\?, "line", "text", "hit", "narration" \}$/, 2);
});

test('errors point at the member, not at the same word elsewhere in the file', () => {
  // "version" first occurs inside the title
  failsAt(file({ title: 'the "version" we read', version: 2 }), '"version": 2', /^"version" must be 1$/);
  failsAt(JSON.stringify({ version: 1, title: 'T', scenario: 'a', steps: [step({ en: 'see "stop" here', 'zh-cn': 1 })] }), '"zh-cn":|1}', /"zh-cn" must be markdown text/);
});

test('jsonValueAt: keys and values along a path, escapes, nesting, the last of a key given twice', () => {
  const text = '{ "a\\"b": [1, {"x": [[], {"y": "}"}]}, "z"], "k": 1, "k": {"deep": true} }';
  const value = (path: (string | number)[]) => {
    const at = jsonValueAt(text, path);
    return at && { key: at.key === undefined ? undefined : text.slice(at.key, at.key + 6), value: text.slice(at.value, at.value + 8) };
  };
  assert.deepEqual(value(['a"b', 1, 'x', 1, 'y']), { key: '"y": "', value: '"}"}]}, ' });
  assert.deepEqual(value(['a"b', 2]), { key: undefined, value: '"z"], "k' });
  assert.deepEqual(value(['k', 'deep']), { key: '"deep"', value: 'true} }' });
  assert.equal(jsonValueAt(text, ['a"b', 3]), undefined);
  assert.equal(jsonValueAt(text, ['nope']), undefined);
  assert.equal(jsonValueAt(text, ['k', 0]), undefined);
  assert.deepEqual(jsonValueAt('  []', []), { value: 2 });
  assert.equal(jsonValueAt('[]', [0]), undefined);
});
