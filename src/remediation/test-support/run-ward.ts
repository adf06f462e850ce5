/** Runs the ward CLI from source in a child process (tests that need the process environment, e.g. NODE_EXTRA_CA_CERTS). */
import { main } from '../../cli/main.js';

process.exitCode = await main(process.argv.slice(2));
