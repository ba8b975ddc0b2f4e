// An ESLint rule for the layers: each import is resolved to the folder it lands in, and that folder
// must be one the importing layer may use. The table of layers and allowed directions is not here
// but in eslint.config.mjs (one place); this file only applies it. A path is resolved rather than
// matched as written, so `../engine/../debug/session` from src/engine is caught like `../debug/session`.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

const BUILTINS = new Set(builtinModules);
const posix = (p) => p.split(sep).join('/');
const noExtension = (p) => p.replace(/\.(?:[cm]?[jt]s|tsx?)$/, '');

/**
 * What an import specifier is: a layer's name, `vscode`, `node` (a Node built-in), `packages` (any
 * other npm package), a file path such as `src/debug/snapshot` (for exceptions), or `outside`.
 */
function classify(spec, fromFile, root, layers) {
  if (spec === 'vscode') return { kind: 'vscode' };
  if (spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0])) return { kind: 'node' };
  if (!spec.startsWith('.') && !spec.startsWith('/')) return { kind: 'packages' };
  const file = noExtension(posix(relative(root, resolve(dirname(fromFile), spec))));
  return { kind: layerOf(file, layers) ?? 'outside', file };
}

/** The layer whose folder (or file) holds `file` (repository-relative, no extension); the longest match wins. */
function layerOf(file, layers) {
  let best;
  let bestLength = -1;
  for (const [name, layer] of Object.entries(layers)) {
    for (const p of layer.paths) {
      const hit = p.endsWith('/') ? file.startsWith(p) : file === noExtension(p);
      if (hit && p.length > bestLength) {
        best = name;
        bestLength = p.length;
      }
    }
  }
  return best;
}

/** @type {import('eslint').Rule.RuleModule} */
export const importsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each layer imports only the layers below it (the table is in eslint.config.mjs).' },
    schema: [{ type: 'object', additionalProperties: true }],
    messages: {
      forbidden: "{{layer}} may not import {{what}} ('{{spec}}'): it may use {{allowed}} (the layers are described in eslint.config.mjs).",
    },
  },
  create(context) {
    const { root, layers, testsAlsoAllow = [] } = context.options[0] ?? {};
    const filename = context.filename;
    const here = layerOf(noExtension(posix(relative(root, filename))), layers);
    if (!here) return {};
    // a test, or a test's kit beside the code (*.testkit.ts: what several tests share)
    const isTest = /\.test(kit)?\.[cm]?[jt]s$/.test(filename);
    const allowed = new Set([here, ...layers[here].allow, ...(isTest ? testsAlsoAllow : [])]);

    function check(node, spec) {
      if (typeof spec !== 'string') return;
      const target = classify(spec, filename, root, layers);
      if (allowed.has(target.kind)) return;
      if (target.file && [...allowed].some((a) => a.includes('/') && noExtension(a) === target.file)) return;
      const what = target.kind === 'outside' ? `${target.file} (outside the layers)` : target.kind === 'packages' ? `the package '${spec}'` : target.kind === 'node' ? 'Node built-ins' : target.kind;
      context.report({ node, messageId: 'forbidden', data: { layer: here, what, spec, allowed: [...allowed].filter((a) => a !== here).join(', ') || 'nothing but itself' } });
    }
    const literal = (n) => (n && n.type === 'Literal' ? n.value : undefined);
    return {
      ImportDeclaration: (n) => check(n.source, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n.source, n.source.value),
      ExportAllDeclaration: (n) => check(n.source, n.source.value),
      ImportExpression: (n) => check(n.source, literal(n.source)),
      TSExternalModuleReference: (n) => check(n.expression, literal(n.expression)),
      TSImportType: (n) => check(n, literal(n.argument?.literal ?? n.source)),
      CallExpression: (n) => {
        if (n.callee.type === 'Identifier' && n.callee.name === 'require' && n.arguments.length === 1) check(n.arguments[0], literal(n.arguments[0]));
      },
    };
  },
};

export default { meta: { name: 'layers' }, rules: { imports: importsRule } };
