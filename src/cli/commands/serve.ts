import type { CliContext } from '../cli-context.js';
import type { RegisterCommand } from './register-command.js';

/** graphql-yoga, the pages and the store are loaded when the command runs, not for `ward --help`. */
const actions = async () => (await import('./serve-actions.js')).serveActions;

export const registerServe: RegisterCommand = (program, context: CliContext) => {
  program
    .command('serve')
    .description('serve the GraphQL API and the web dashboard over the store, until SIGINT or SIGTERM')
    .option('--db <location>', 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)')
    .option('--host <address>', 'address to bind; anything but loopback needs --tokens-file', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', '7420')
    .option('--url-file <file>', 'once listening, write the address with its token here, one line, mode 0600 (and print it without the token)')
    .option('--tokens-file <file>', 'named tokens with a role (viewer or admin), stored as SHA-256 digests (see docs/serve.md)')
    .option('--read-only', 'no mutations and no forms that change anything, whatever the token')
    .option('--controls <dir>', 'judge with the controls below this directory instead of the shipped ones')
    .option('--config <file>', 'control parameter values (default: ./ward.yaml when present)')
    .option('--param <control.name=value...>', 'a control parameter value (repeatable; wins over --config)')
    .option('--requests-per-minute <n>', 'requests each token may make per minute', '600')
    .addHelpText(
      'after',
      '\nA new access token is made at every start (admin, named "serve"); the first visit with ?token= sets a session cookie,' +
        '\nscripts send Authorization: Bearer <token>. Scans started from the dashboard or the API run in this process.' +
        '\nExample: ward serve --port 0 --url-file .ward/url   (then open the address written in .ward/url)',
    )
    .action(async (options) => (await actions()).serve(context, options));
};
