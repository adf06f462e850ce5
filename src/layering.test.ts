/**
 * The import graph, read from the sources: data flows one way. Each folder of src/ imports only the layers below it
 * (LAYERS, as DEVELOPERS.md "Architecture" draws them); src/core is pure (no file, network or process I/O, no
 * environment); no module takes part in an import cycle; every production module is reachable from the CLI, and
 * none imports a test oracle (the reference evaluator) or test support: there is one evaluation engine in
 * production, the compiled SQL, and no test code in dist.
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

/**
 * What each folder of src/ may import besides itself: the layers below it. core is pure; io, store and connectors
 * are the edges (files, the database, ARM); scan is the engine; iac, remediation and policy are built on it; the
 * CLI, the only code that touches argv, stdout and exit codes, sits on top and may import everything.
 */
const LAYERS: Readonly<Record<string, readonly string[]>> = {
  core: [],
  io: ['core'],
  store: ['core', 'io'],
  connectors: ['core', 'io'],
  reporters: ['core'],
  scan: ['core', 'io', 'store'],
  iac: ['core', 'io', 'store', 'scan', 'reporters'],
  remediation: ['core', 'io', 'store', 'scan', 'connectors', 'reporters'],
  policy: ['core', 'io', 'store', 'scan', 'connectors', 'reporters', 'remediation'],
  emulator: ['core', 'io', 'connectors'],
  server: ['core', 'io', 'store', 'connectors', 'reporters', 'scan', 'remediation'],
  notify: ['core', 'io', 'store', 'scan'],
  team: ['core', 'io', 'store', 'connectors', 'scan', 'reporters', 'notify'],
  cli: ['core', 'io', 'store', 'connectors', 'reporters', 'scan', 'iac', 'remediation', 'policy', 'emulator', 'server', 'notify', 'team'],
};

const layerOf = (module: string): string => module.split('/')[0]!;

test('every folder of src/ imports only the layers below it (src/core imports nothing above it)', () => {
  const folders = readdirSync(src, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  assert.deepEqual(folders.filter((folder) => !(folder in LAYERS)), [], 'a new folder of src/ takes its place in LAYERS');
  const upward = production.flatMap((file) => {
    const from = relative(src, file);
    const allowed = LAYERS[layerOf(from)] ?? [];
    return importsOf(file)
      .filter((target) => layerOf(target) !== layerOf(from) && !allowed.includes(layerOf(target)))
      .map((target) => `${from} -> ${target}`);
  });
  assert.deepEqual(upward, []);
});

/** Node's modules that reach files, the network or other processes: the edges use them, the core never does. */
const IO_BUILTINS = new Set(['fs', 'fs/promises', 'net', 'tls', 'dgram', 'http', 'https', 'http2', 'child_process', 'worker_threads']);

/** The I/O a module does or reads: the I/O builtins it imports (with or without `node:`), process.cwd and process.env. */
function ioOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const builtins = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]((?:node:)?[a-z_/0-9]+)['"]|import\(\s*['"]((?:node:)?[a-z_/0-9]+)['"]\s*\)/g)]
    .map((m) => (m[1] ?? m[2]!).replace(/^node:/, ''))
    .filter((name) => IO_BUILTINS.has(name));
  const processReads = [...text.matchAll(/\bprocess\.(cwd|env)\b/g)].map((m) => `process.${m[1]}`);
  return [...builtins, ...processReads];
}

test('src/core is pure: no file, network or process I/O, and no reading of process.cwd() or process.env', () => {
  assert.deepEqual(ioOf(join(src, 'io/load-controls-dir.ts')), ['fs', 'process.cwd'], 'the I/O of a module is found');
  const impure = production
    .filter((file) => layerOf(relative(src, file)) === 'core')
    .flatMap((file) => ioOf(file).map((what) => `${relative(src, file)} uses ${what}`));
  assert.deepEqual(impure, []);
});

/** The cycles of an import graph (Tarjan: strongly connected sets of two or more modules, or a module importing itself). */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (module: string): void => {
    index.set(module, index.size);
    low.set(module, index.get(module)!);
    stack.push(module);
    onStack.add(module);
    for (const target of graph.get(module) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(module, Math.min(low.get(module)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(module, Math.min(low.get(module)!, index.get(target)!));
    }
    if (low.get(module) !== index.get(module)) return;
    const members: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      members.push(member);
    } while (member !== module);
    if (members.length > 1 || graph.get(module)!.includes(module)) cycles.push(members.sort());
  };
  for (const module of graph.keys()) if (!index.has(module)) visit(module);
  return cycles;
}

const importCycles = (files: readonly string[]): string[][] => cyclesOf(new Map(files.map((file) => [relative(src, file), importsOf(file)])));

test('the cycle finder finds every cycle, a self-import too, and nothing else', () => {
  const graph = new Map([['a', ['b']], ['b', ['c', 'x']], ['c', ['a']], ['d', ['a', 'd']], ['e', ['a']]]);
  assert.deepEqual(cyclesOf(graph), [['a', 'b', 'c'], ['d']]);
});

test('no import cycles under src/ (type imports and dynamic imports count: break a cycle with a leaf module)', () => {
  const all = sources(src);
  assert.deepEqual(importCycles(all.filter((file) => layerOf(relative(src, file)) !== 'cli')), []);
});

test('no import cycles in src/cli', () => {
  const all = sources(src);
  assert.deepEqual(importCycles(all.filter((file) => layerOf(relative(src, file)) === 'cli')), []);
});

/** The modules a user runs: the CLI (bin/ward.js loads its compiled main, after starting the store's preparation). */
const ENTRY_POINTS = ['cli/main.ts', 'cli/start-store-early.ts'];

test('every production module is reachable from the CLI: nothing that only tests or scripts use is built into dist', () => {
  const reached = new Set<string>();
  const pending = [...ENTRY_POINTS];
  while (pending.length > 0) {
    const module = pending.pop()!;
    if (reached.has(module)) continue;
    reached.add(module);
    pending.push(...importsOf(join(src, module)));
  }
  const unreached = production.map((file) => relative(src, file)).filter((module) => !reached.has(module));
  assert.ok(reached.size > 100, 'the import graph is followed');
  assert.deepEqual(unreached, [], 'move test-only modules under a test-support/ folder (tsconfig.build.json leaves those out)');
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

/** What loading `file` loads: its static imports, followed (type-only and dynamic imports left out: they load nothing). */
function loadedBy(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(join(src, file), 'utf8');
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
    const specifier = m[1]!;
    if (specifier.startsWith('.')) loadedBy(relative(src, resolve(dirname(join(src, file)), specifier)).replace(/\.js$/, '.ts'), seen);
    else seen.add(`package:${specifier.split('/')[0]}`);
  }
  return seen;
}

test('reading the store and reporting load no GraphQL (its CommonJS files cost about 0.15 s of every start)', () => {
  // the commands that read findings or scans (ward findings compiles checks only for sarif and ocsf, on demand),
  // describing controls, and every reporter
  for (const entry of ['cli/commands/diff-actions.ts', 'cli/commands/scans-actions.ts', 'cli/commands/findings-actions.ts', 'cli/control-options.ts', 'reporters/index.ts']) {
    const loaded = loadedBy(entry);
    assert.ok(loaded.size > 1, `${entry}: its imports are followed`);
    assert.ok(!loaded.has('package:graphql'), `${entry} loads graphql through ${[...loaded].filter((m) => !m.startsWith('package:') && readFileSync(join(src, m), 'utf8').includes("from 'graphql'")).join(', ')}`);
  }
  assert.ok(loadedBy('scan/load-controls.ts').has('package:graphql'), 'a module that does load it is seen to');
  assert.ok(loadedBy('cli/select-controls.ts').has('package:graphql'), 'compiling the checks does');
});
