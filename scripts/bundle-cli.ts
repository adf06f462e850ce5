/**
 * The second step of `npm run build`: bundles the compiled CLI (dist/cli/main.js, tsc's output) into dist/bundle/,
 * the code bin/ward.js runs. Every command is a fresh process, and on Node 20 (no compile cache) loading ward's own
 * modules one by one (about 300: resolve, read, compile and link each) is a fixed cost of every command's start,
 * which a few chunks cut (bench:scan and bench:history measure whole processes).
 *
 * - The input is tsc's JavaScript, not the TypeScript: the bundle is the code tsc compiled and the tests typecheck.
 * - Packages stay outside (imported from node_modules as before): one copy of graphql for ward and graphql-yoga, and
 *   PGlite finds its WebAssembly and data files beside its own code.
 * - Each command's actions stay a chunk of their own (code splitting): a command loads what it runs, as it did when
 *   they were separate modules.
 * - start-store-early.js is a second entry, which bin/ward.js runs before main.js: the two share their chunks, so the
 *   PGlite preparation it starts is the one the store's open awaits.
 * - dist/bundle/ is two levels below the package root, as dist/core/ is: package-paths.ts finds controls/ the same way.
 * - Nothing is minified: the stack of an internal error names ward's functions, each module's code in a chunk is headed
 *   by its path under dist/, and a source map beside each chunk maps it back to src/.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const outdir = `${root}dist/bundle`;

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/main.js', 'dist/cli/start-store-early.js'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
