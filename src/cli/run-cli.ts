/**
 * Runs the ward CLI from the TypeScript sources (`node --import tsx src/cli/run-cli.ts ARGS`), for tests and
 * benchmarks that need ward in a process of its own without a build. Users run bin/ward.js (the compiled CLI).
 * Put `--` before the script (`node --import tsx -- src/cli/run-cli.ts emulator --env-file F`): Node 20 takes an
 * `--env-file` anywhere on its command line for itself otherwise.
 */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
