/**
 * The import graph, read from the sources: data flows one way. src/core imports nothing from the layers above it,
 * and no production module imports a test oracle (the reference evaluator) or test support: there is one
 * evaluation engine in production, the compiled SQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('./', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const isTestCode = (path: string): boolean => path.endsWith('.test.ts') || path.split('/').includes('test-support') || path.split('/').includes('test-data');

/** Relative imports of a module, resolved to paths below src/ (`.js` specifiers name the `.ts` sources). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specifiers.map((specifier) => relative(src, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts'));
}

const production = sources(src).filter((file) => !isTestCode(file));

test('src/core imports nothing from the layers above it', () => {
  const upward = production
    .filter((file) => relative(src, file).startsWith('core/'))
    .flatMap((file) => importsOf(file).filter((target) => !target.startsWith('core/')).map((target) => `${relative(src, file)} -> ${target}`));
  assert.deepEqual(upward, []);
});

test('no production module imports the reference evaluator or test support', () => {
  const oracles = production.flatMap((file) =>
    importsOf(file)
      .filter((target) => target.endsWith('reference-evaluator.ts') || target.split('/').includes('test-support'))
      .map((target) => `${relative(src, file)} -> ${target}`),
  );
  assert.deepEqual(oracles, []);
});

/** Package imports of a module (`@scope/name` or `name`), node: builtins left out. */
function packagesOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^.'"][^'"]*)['"]|import\(\s*['"]([^.'"][^'"]*)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specifiers.filter((specifier) => !specifier.startsWith('node:')).map((specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
}

test('production modules import only runtime dependencies (the @neo4j/graphql oracle and other dev dependencies never ship)', () => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
  const outside = production.flatMap((file) =>
    packagesOf(file)
      .filter((name) => !(name in manifest.dependencies))
      .map((name) => `${relative(src, file)} -> ${name}`),
  );
  assert.ok(production.some((file) => packagesOf(file).includes('graphql')), 'package imports are found');
  assert.deepEqual(outside, []);
});
