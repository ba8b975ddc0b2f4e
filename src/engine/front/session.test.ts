// The preprocessing session's replay of recorded headers (preprocess.ts, PPSession): every run in
// a session gives exactly what a run on its own gives (text, source map at every offset, macros,
// included files, diagnostics), where a header's processing depends on macros defined before its
// #include, on its guard, on #undef, and on macros it leaves for the includer. Each case checks
// that a recording was played back, so the comparison is of the cache and not of two fresh runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PPSession, preprocess, type PPHost, type PPOptions, type PPResult } from './preprocess';

function memoryHost(files: Record<string, string>): PPHost {
  return { exists: (p) => p in files, read: (p) => (p in files ? { text: files[p] } : { error: `${p}: cannot read` }) };
}

function view(r: PPResult) {
  const origins: string[] = [];
  for (let i = 0; i < r.text.length; i++) origins.push(JSON.stringify(r.map.origin(i)));
  const macros = [...r.macros.values()].map((m) => `${m.name}(${m.params?.join(',') ?? '-'})=${m.body.map((t) => t.text).join(' ')}@${r.files[m.file] ?? ''}:${m.line}`);
  return { text: r.text, origins, macros: macros.sort(), included: r.included, texts: [...r.texts.keys()], diagnostics: r.diagnostics };
}

/** runs each main file in one session and each on its own; they must agree; returns the session */
function compare(files: Record<string, string>, mains: string[], options: PPOptions = { includePaths: ['/inc'] }): PPSession {
  const host = memoryHost(files);
  const session = new PPSession(host, options);
  for (const main of mains) {
    const shared = preprocess(main, host, options, session);
    const alone = preprocess(main, host, options);
    assert.deepEqual(view(shared), view(alone), main);
  }
  return session;
}

test('a header read under other definitions is processed again; under the same ones it is played back', () => {
  const h = '#ifdef FAST\nint fast;\n#else\nint slow;\n#endif\n#if LEVEL > 2\nint high = LEVEL;\n#endif\nint n = N;\n';
  const s = compare(
    {
      '/a.c': '#define FAST\n#define LEVEL 3\n#include "h.h"\n',
      '/b.c': '#define LEVEL 3\n#include "h.h"\n',
      '/c.c': '#define FAST 1\n#define LEVEL 1\n#include "h.h"\n',
      '/d.c': '#define FAST\n#define LEVEL 3\n#define N 7\n#include "h.h"\n',
      '/inc/h.h': h,
    },
    ['/a.c', '/b.c', '/c.c', '/d.c'],
  );
  // d.c differs from a.c only in N, which no directive of h.h reads: a.c's recording is played back
  assert.equal(s.replays, 1);
  const host = memoryHost({ '/d.c': '#define FAST\n#define LEVEL 3\n#include "h.h"\n', '/e.c': '#define LEVEL 3\n#include "h.h"\n', '/inc/h.h': h });
  const session = new PPSession(host, { includePaths: ['/inc'] });
  preprocess('/d.c', host, session.options, session);
  assert.match(preprocess('/e.c', host, session.options, session).text, /int slow ;/);
});

test('guards, #undef, and macros a header leaves for the includer (a function-like name whose arguments follow the #include)', () => {
  const s = compare(
    {
      '/a.c': '#define X 1\n#include "g.h"\n#include "g.h"\n#include "u.h"\nint x = X;\nF\n#include "f.h"\n(2);\n',
      '/b.c': '#define X 1\n#include "u.h"\n#include "g.h"\nint x = X;\n#include "f.h"\n(3) G;\n',
      '/inc/g.h': '#ifndef G_H\n#define G_H\n#include "u.h"\nint g;\n#endif\n',
      '/inc/u.h': '#ifdef X\n#undef X\n#define X 2\n#endif\n#define F sum\n',
      '/inc/f.h': '#define G F\nF\n#define F(n) twice(n)\nF\n',
    },
    ['/a.c', '/b.c'],
  );
  // b.c: u.h under X 1 (as in a.c), f.h under F = sum; g.h is processed again (u.h made X 2 first)
  assert.equal(s.replays, 2);
});

test('the same header twice in one run, with a macro changed between', () => {
  const s = compare({ '/a.c': '#define X 1\n#include "h.h"\n#undef X\n#include "h.h"\n#define X 1\n#include "h.h"\n', '/inc/h.h': '#ifdef X\nint with_x;\n#else\nint without_x;\n#endif\n' }, ['/a.c']);
  assert.equal(s.replays, 1);
});

test('a header whose processing reported something is not kept: the report comes again', () => {
  const files = { '/a.c': '#define A 1\n#include "w.h"\n', '/b.c': '#define A 1\n#include "w.h"\n', '/inc/w.h': '#define A 2\nint a = A;\n' };
  const s = compare(files, ['/a.c', '/b.c']);
  assert.equal(s.replays, 0);
  const host = memoryHost(files);
  const session = new PPSession(host, { includePaths: ['/inc'] });
  for (const f of ['/a.c', '/b.c']) assert.match(preprocess(f, host, session.options, session).diagnostics[0]?.message ?? '', /'A' redefined/);
});

test('the include depth limit holds for a played-back header too', () => {
  // n5.h nests five deep; recorded from the top (d.c), it would fit; one level deeper (c.c through
  // wrap.h) it does not: it is processed again, and the depth error comes as it comes alone
  const files: Record<string, string> = { '/inc/n0.h': 'int leaf;\n', '/inc/wrap.h': '#include "n5.h"\n' };
  for (let i = 1; i <= 5; i++) files[`/inc/n${i}.h`] = `#include "n${i - 1}.h"\n`;
  files['/d.c'] = '#include "n5.h"\n';
  files['/c.c'] = '#include "wrap.h"\n';
  files['/e.c'] = '#include "n5.h"\n';
  const options = { includePaths: ['/inc'], maxIncludeDepth: 7 };
  const host = memoryHost(files);
  const session = new PPSession(host, options);
  assert.deepEqual(preprocess('/d.c', host, options, session).diagnostics, []);
  const c = preprocess('/c.c', host, options, session);
  assert.match(c.diagnostics[0]?.message ?? '', /#include nested over 7 levels deep/);
  assert.equal(session.replays, 0);
  compare(files, ['/d.c', '/c.c', '/e.c'], options);
  assert.equal(preprocess('/e.c', host, options, session).diagnostics.length, 0);
  assert.equal(session.replays, 1);
});
