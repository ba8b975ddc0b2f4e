// The preprocessor on small inputs whose expansion the C standard or gcc's manual states, and on
// every kind of bad input (each reported with file:line:col, never thrown).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocess, type PPHost, type PPResult } from './preprocess';
import { K, Lexer, Mode } from './lex';

function memoryHost(files: Record<string, string>): PPHost {
  return {
    exists: (p) => p in files,
    read: (p) => (p in files ? { text: files[p] } : { error: `${p}: cannot read` }),
  };
}

function pp(main: string, others: Record<string, string> = {}, defines: Record<string, string> = {}): PPResult {
  return preprocess('/src/main.c', memoryHost({ '/src/main.c': main, ...others }), { includePaths: ['/inc'], defines });
}

/** the output's tokens, spaced one apart, lines joined: comparable with a spelled-out expansion */
function tokens(text: string): string {
  const lx = new Lexer(text, 0);
  const out: string[] = [];
  for (let t = lx.next(Mode.Text); t.k !== K.End; t = lx.next(Mode.Text)) if (t.k !== K.Newline) out.push(t.text);
  return out.join(' ');
}

function clean(r: PPResult): string {
  assert.deepEqual(r.diagnostics, [], 'no diagnostics');
  return tokens(r.text);
}

test('C99 6.10.3.5 EXAMPLE 3: rescanning, hide sets, # and ## as the standard spells them out', () => {
  const src = `#define x 3
#define f(a) f(x * (a))
#undef x
#define x 2
#define g f
#define z z[0]
#define h g(~
#define m(a) a(w)
#define w 0,1
#define t(a) a
#define p() int
#define q(x) x
#define r(x,y) x ## y
#define str(x) # x
f(y+1) + f(f(z)) % t(t(g)(0) + t)(1);
g(x+(3,4)-w) | h 5) & m
(f)^m(m);
p() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };
char c[2][6] = { str(hello), str() };
`;
  const want = `f(2 * (y+1)) + f(2 * (f(2 * (z[0])))) % f(2 * (0)) + t(1);
f(2 * (2+(3,4)-0,1)) | f(2 * (~ 5)) & f(2 * (0,1))^m(0,1);
int i[] = { 1, 23, 4, 5, };
char c[2][6] = { "hello", "" };`;
  assert.equal(clean(pp(src)), tokens(want));
});

test('C99 6.10.3.5 EXAMPLE 4: stringizing and pasting in the order the standard gives', () => {
  const src = `#define str(s) # s
#define xstr(s) str(s)
#define debug(s, t) printf("x" # s "= %d, x" # t "= %s", \\
 x ## s, x ## t)
#define INCFILE(n) vers ## n
#define glue(a, b) a ## b
#define xglue(a, b) glue(a, b)
#define HIGHLOW "hello"
#define LOW LOW ", world"
debug(1, 2);
fputs(str(strncmp("abc\\0d", "abc", '\\4') // this goes away
 == 0) str(: @\\n), s);
xstr(INCFILE(2).h)
glue(HIGH, LOW);
xglue(HIGH, LOW)
`;
  const want = `printf("x" "1" "= %d, x" "2" "= %s", x1, x2);
fputs("strncmp(\\"abc\\\\0d\\", \\"abc\\", '\\\\4') == 0" ": @\\n", s);
"vers2.h"
"hello";
"hello" ", world"`;
  assert.equal(clean(pp(src)), tokens(want));
});

test('variadic macros: C99 __VA_ARGS__, GNU named args..., and GNU `, ## args` dropping the comma', () => {
  const src = `#define eprintf(fmt, ...) fprintf(stderr, fmt, __VA_ARGS__)
#define gprintf(fmt, args...) printk(fmt , ## args)
eprintf("%d", 1, 2);
gprintf("x");
gprintf("x %d %d", a, b);
`;
  assert.equal(clean(pp(src)), tokens(`fprintf(stderr, "%d", 1, 2); printk("x"); printk("x %d %d" , a, b);`));
});

test('#if: arithmetic, defined in both forms, unsigned comparison, short-circuit, #elif and #else chains', () => {
  const src = `#define A 3
#if A * 2 == 6 && defined A && defined(A) && !defined(B)
one
#endif
#if -1 < 0u
wrong
#else
two
#endif
#if 0 && (1 / 0)
wrong
#elif B + 1 == 1
three
#elif 1
wrong
#endif
#if (2 || 1 / 0) ? 'a' == 97 : 0
four
#endif
#ifdef A
#ifndef B
five
#endif
#endif
`;
  assert.equal(clean(pp(src)), 'one two three four five');
});

test('skipped groups may hold anything: unbalanced quotes, unknown directives, garbage', () => {
  const src = `#if 0
don't "stop
#frobnicate
#if 1
#error not here
#endif
#else
kept
#endif
`;
  assert.equal(clean(pp(src)), 'kept');
});

test('#include: quoted from the including folder first, angled from the include path, guarded files read once', () => {
  let reads = 0;
  const files: Record<string, string> = {
    '/src/main.c': '#include "local.h"\n#include <sys.h>\n#include <sys.h>\nint main_end;\n',
    '/src/local.h': 'int local;\n',
    '/inc/local.h': 'int wrong;\n',
    '/inc/sys.h': '/* guard */\n#ifndef SYS_H\n#define SYS_H\nint sys;\n#endif\n',
  };
  const host: PPHost = {
    exists: (p) => p in files,
    read: (p) => {
      reads++;
      return { text: files[p] };
    },
  };
  const r = preprocess('/src/main.c', host, { includePaths: ['/inc'] });
  assert.equal(clean(r), 'int local ; int sys ; int main_end ;');
  assert.deepEqual(r.included, ['/src/main.c', '/src/local.h', '/inc/sys.h']);
  assert.equal(reads, 3);
});

test('a computed #include: the macro expands to the header name', () => {
  const r = pp('#define H <x.h>\n#include H\n', { '/inc/x.h': 'int x;\n' });
  assert.equal(clean(r), 'int x ;');
});

test('the source map: each output token names its own file and line, and macro output the invocation line', () => {
  const src = `#define SET(f, v) sk->f = (v)

int g(void)
{
\tSET(state,
\t    7);
\treturn 0;
}
`;
  const r = pp(src, { '/inc/h.h': '' });
  assert.deepEqual(r.diagnostics, []);
  const at = (needle: string, nth = 0): number => {
    let i = -1;
    for (let k = 0; k <= nth; k++) i = r.text.indexOf(needle, i + 1);
    assert.ok(i >= 0, needle);
    return i;
  };
  // `return` is written at line 7, column 2
  assert.deepEqual(r.map.origin(at('return')), { file: '/src/main.c', line: 7, col: 2 });
  // `sk` comes from the macro body (line 1), invoked at line 5 column 2
  const sk = r.map.origin(at('sk'))!;
  assert.equal(sk.line, 1);
  assert.deepEqual(sk.site, { file: '/src/main.c', line: 5, col: 2 });
  assert.deepEqual(r.map.visible(at('sk')), { file: '/src/main.c', line: 5, col: 2 });
  // an argument's token keeps its own place (7 is written at line 6) and the invocation's line
  const seven = r.map.origin(at('7'))!;
  assert.equal(seven.line, 6);
  assert.equal(seven.site?.line, 5);
  // the output keeps one line per source line seen, so tree-sitter's rows stay readable
  // (the `;` after the invocation is written on line 6, so it starts a line of its own)
  assert.equal(r.text, 'int g ( void )\n{\nsk -> state = ( 7 )\n;\nreturn 0 ;\n}');
});

test('line splices and comments keep the columns of what follows them', () => {
  const r = pp('int a = 1 + \\\n  2; /* one\ntwo */ int b;\n');
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.map.origin(r.text.indexOf('2')), { file: '/src/main.c', line: 2, col: 3 });
  assert.deepEqual(r.map.origin(r.text.indexOf('b')), { file: '/src/main.c', line: 3, col: 12 });
});

test("a string literal over raw newlines (gcc 2.x, as in 1.2.13's __asm__) is one literal with \\n", () => {
  const r = pp('__asm__("\n\tcld\n\trepe");\nint after;\n');
  assert.equal(clean(r), '__asm__ ( "\\n\tcld\\n\trepe" ) ; int after ;');
  assert.equal(r.map.origin(r.text.indexOf('int'))!.line, 4);
});

test('__LINE__ and __FILE__ name the invocation', () => {
  const r = pp('#define HERE __LINE__\nint a = HERE;\nchar *f = __FILE__;\n');
  assert.equal(clean(r), 'int a = 2 ; char * f = "/src/main.c" ;');
});

test('a self-referential or mutually recursive macro stops expanding, as C says', () => {
  const r = pp('#define foo foo + 1\n#define a b\n#define b a\nfoo; a; b;\n');
  assert.equal(clean(r), 'foo + 1 ; a ; b ;');
});

test('a function-like macro name without ( is left alone, also across lines', () => {
  const r = pp('#define f(x) [x]\nint f;\nf\n(1);\n');
  assert.equal(clean(r), 'int f ; [ 1 ] ;');
});

test('every bad input is reported with file:line:col and preprocessing goes on', () => {
  const src = `#include "missing.h"
#if 1 +
#endif
#define F(a) a
F(1, 2)
#define P(a, b) a ## b
P(+, /)
#elif 1
#error stop here
#frob
#if 1
`;
  const r = pp(src);
  const got = r.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`);
  assert.deepEqual(got, [
    '1:2: missing.h: no such file in the include path',
    "2:7: expected a value after '+' in #if",
    "5:1: macro 'F' passed 2 arguments, but takes 1",
    "7:6: pasting '+' and '/' does not give a valid preprocessing token",
    '8:2: #elif without #if',
    '9:1: #error stop here',
    '10:2: unknown directive #frob',
    '11:2: unterminated #if',
  ]);
  assert.ok(r.diagnostics.every((d) => d.file === '/src/main.c' && d.severity === 'error'));
});

test('an unterminated argument list and an unterminated comment name where they start', () => {
  const r = pp('#define F(a) a\nint x = F(1,\n 2;\n/* no end\n');
  const got = r.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`);
  assert.deepEqual(got, ['4:1: unterminated comment', "2:9: unterminated argument list invoking macro 'F'"]);
});

test('a file that includes itself stops at the depth limit with a message', () => {
  const r = preprocess('/src/main.c', memoryHost({ '/src/main.c': '#include "main.c"\n' }), { includePaths: [], maxIncludeDepth: 20 });
  assert.equal(r.diagnostics.length, 1);
  assert.match(r.diagnostics[0].message, /#include nested over 20 levels deep/);
  assert.equal(r.diagnostics[0].line, 1);
});

test('an exponential macro is stopped by the token budget, not by memory', () => {
  let src = '#define x0 a\n';
  for (let i = 1; i <= 40; i++) src += `#define x${i} x${i - 1} x${i - 1}\n`;
  src += 'x40\n';
  const r = preprocess('/src/main.c', memoryHost({ '/src/main.c': src }), { includePaths: [], maxTokens: 100_000 });
  assert.equal(r.diagnostics.length, 1);
  assert.match(r.diagnostics[0].message, /macro expansion produced over 100,000 tokens/);
});

test('diagnostics are capped: the first N, then "and M more"', () => {
  const src = Array.from({ length: 50 }, () => '#frob').join('\n') + '\n';
  const r = preprocess('/src/main.c', memoryHost({ '/src/main.c': src }), { includePaths: [], maxDiagnostics: 10 });
  assert.equal(r.diagnostics.length, 11);
  assert.equal(r.diagnostics[10].message, 'and 40 more');
});

test('a host refusal is reported at the #include, in the host words only', () => {
  const host: PPHost = { exists: () => true, read: (p) => (p === '/src/main.c' ? { text: '#include "secret"\n' } : { error: 'secret: outside the kernel tree' }) };
  const r = preprocess('/src/main.c', host, { includePaths: [] });
  assert.deepEqual(
    r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`),
    ['/src/main.c:1:2: secret: outside the kernel tree'],
  );
});

test('-D style predefined macros, and a redefinition warns with the previous place', () => {
  const r = pp('#define A 1\n#define A 2\nA __KERNEL__\n', {}, { __KERNEL__: '1' });
  assert.equal(tokens(r.text), '2 1');
  assert.deepEqual(
    r.diagnostics.map((d) => `${d.severity} ${d.line}:${d.col}: ${d.message}`),
    ["warning 2:9: 'A' redefined (the previous definition is at /src/main.c:1)"],
  );
});
