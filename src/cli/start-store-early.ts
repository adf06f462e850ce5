/**
 * The first thing bin/ward.js runs, before it loads the CLI: when the command line will open an embedded store, the
 * slow part of PGlite's start (its module, its WebAssembly compile, its file bundle: open-pglite.ts, preparePglite)
 * begins now, and its file reads and background compile overlap the loading of ward's own modules. Opening the
 * store later awaits the same preparation.
 *
 * The command line is only looked at, not parsed: commander parses it afterwards as always, and reports any error.
 * A wrong guess costs time, never a result. A command that opens no store after all (`ward scans --help`, a bad flag)
 * has compiled WebAssembly for nothing, and one that does without being guessed prepares when it opens, as before.
 * This module loads no store code itself unless the guess is yes.
 */
import { DEFAULT_STORE_DIR, isPostgresUrl } from '../store/store-location.js';

/**
 * The commands that open the store, or whose subcommands do: those with `--db`, `ward demo` aside (it runs
 * `ward scan` with flags of its own). start-store-early.test.ts holds this list to the command tree.
 */
export const STORE_COMMANDS: ReadonlySet<string> = new Set([
  'scan',
  'query',
  'findings',
  'scans',
  'prune',
  'pin',
  'unpin',
  'diff',
  'exceptions',
  'remediate',
  'serve',
  'connectors',
  'schedule',
  'notify',
  'worker',
]);

/**
 * Whether `argv` (ward's arguments, without node and the script) looks like a command that opens an embedded store:
 * a store command, no help asked for, and `--db` (or WARD_DB, or the default) naming a directory, not a server.
 */
export function opensEmbeddedStore(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const [command, ...rest] = argv;
  if (command === undefined || !STORE_COMMANDS.has(command)) return false;
  let location = env.WARD_DB ?? DEFAULT_STORE_DIR;
  for (let i = 0; i < rest.length; i += 1) {
    const argument = rest[i]!;
    if (argument === '--') break;
    if (argument === '-h' || argument === '--help') return false;
    if (argument === '--db' && i + 1 < rest.length) location = rest[++i]!;
    else if (argument.startsWith('--db=')) location = argument.slice('--db='.length);
  }
  return !isPostgresUrl(location);
}

/** Starts preparing PGlite when `argv` looks like it opens an embedded store (see opensEmbeddedStore). */
export function startStoreEarly(argv: readonly string[], env: NodeJS.ProcessEnv): void {
  if (!opensEmbeddedStore(argv, env)) return;
  // a failure is not reported here: the store's open prepares again and reports it there
  void import('../store/open-pglite.js').then(({ preparePglite }) => preparePglite()).catch(() => undefined);
}
