import type { CliContext } from '../cli-context.js';
import { outputOption } from '../common-options.js';
import type { RegisterCommand } from './register-command.js';

/** graphql and the store are loaded when the command runs, not for `ward --help`. */
const actions = async () => (await import('./query-actions.js')).queryActions;

export const registerQuery: RegisterCommand = (program, context: CliContext) => {
  program
    .command('query')
    .description('run a GraphQL query over the inventory (the stored one, a pinned scan\'s with --scan, or --offline a capture) and print {"data": ...}')
    .argument('<file>', "a .graphql file, or '-' to read the query from stdin")
    .option('--offline <dir>', 'query a capture directory (loaded into the store first) instead of the last scanned inventory')
    .option('--scan <id>', 'query the inventory a scan collected: the latest complete scan, or one kept with ward pin')
    .option('--db <location>', 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)')
    .option('--variables <json>', 'query variables as a JSON object')
    .addOption(outputOption('the result'))
    .addHelpText('after', '\nChecks may spread ...AssetFragment (id name type provider) without defining it.\nExample: echo \'{ connectors(where: { securityContacts_SOME: null }) { id name } }\' | ward query --offline ./capture -')
    .action(async (file, options) => (await actions()).query(context, file, options));
};
