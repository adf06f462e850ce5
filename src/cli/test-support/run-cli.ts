/**
 * Runs the ward CLI from the TypeScript sources (`node --import tsx src/cli/test-support/run-cli.ts ARGS`), for tests and
 * benchmarks that need ward in a process of its own without a build. Users run bin/ward.js (the compiled CLI).
 * Put `--` before the script (`node --import tsx -- src/cli/test-support/run-cli.ts ARGS`) so that Node never reads ward's
 * arguments as its own.
 */
import { startStoreEarly } from '../start-store-early.js';

// as bin/ward.js does: the store's preparation first, then the CLI
startStoreEarly(process.argv.slice(2), process.env);
const { main } = await import('../main.js');
process.exitCode = await main(process.argv.slice(2));
