import { Argument, Option } from '@commander-js/extra-typings';
import { AZURE_CLOUD_NAMES } from '../../connectors/azure/azure-clouds.js';
import type { CliContext } from '../cli-context.js';
import { fixedFormatOption, outputOption } from '../common-options.js';
import type { RegisterCommand } from './register-command.js';

const DB_HELP = 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)';

/** The store and the Azure SDK are loaded when a subcommand runs, not for `ward --help`. */
const actions = async () => (await import('./connectors-actions.js')).connectorsActions;

/** `ward connectors add|list|remove|test`: the tenants team workers scan, stored in the store, never with a secret. */
export const registerConnectors: RegisterCommand = (program, context: CliContext) => {
  const connectors = program
    .command('connectors')
    .description('configure the tenants team workers scan: where each one is, how to sign in to it (never a secret), and its scope');

  connectors
    .command('add')
    .description('add a connector: an Azure tenant, the credential a worker signs in with, and the subscriptions in scope')
    .addArgument(new Argument('<provider>', 'the kind of connector').choices(['azure']))
    .requiredOption('--name <name>', 'the connector\'s name: 1 to 63 lower-case letters, digits and dashes (e.g. contoso-prod)')
    .requiredOption('--tenant <id>', 'the Microsoft Entra directory (tenant) id, or a verified domain such as contoso.onmicrosoft.com')
    .option(
      '--credential <spec>',
      'how a worker signs in: default (DefaultAzureCredential), env:PREFIX (PREFIX_CLIENT_ID with PREFIX_CLIENT_SECRET or PREFIX_CLIENT_CERTIFICATE_PATH from the worker\'s environment), managed-identity[:CLIENT_ID], workload-identity',
      'default',
    )
    .addOption(new Option('--cloud <name>', 'Azure cloud (default: AzureCloud)').choices(AZURE_CLOUD_NAMES))
    .option('--arm-endpoint <url>', 'a private ARM endpoint (Azure Stack Hub, ward emulator) instead of the cloud\'s; https')
    .option('--authority-host <url>', 'a Microsoft Entra authority instead of the cloud\'s; https')
    .option('--management-group <id>', 'scope: the subscriptions below this management group (its id, not its display name)')
    .option('--subscription <id...>', 'scope: only these subscription ids (repeatable; default: every subscription the identity can read)')
    .option('--exclude-subscription <id...>', 'subscriptions never read nor reported, whatever the scope (repeatable)')
    .option('--max-concurrency <n>', 'batches of this connector read at once across all workers, 1 to 256 (default 8)')
    .option('--actor <name>', 'who adds it, for the record (default: $USER, else the OS user)')
    .option('--db <location>', DB_HELP)
    .addHelpText(
      'after',
      '\nNo secret is stored: env:PREFIX names the variables a worker reads at scan time. A connector\'s endpoints are its own:\n' +
        'a worker\'s WARD_ARM_ENDPOINT and AZURE_AUTHORITY_HOST do not apply to it.',
    )
    .action(async (_provider, options) => (await actions()).add(context, options));

  connectors
    .command('list')
    .description('list the configured connectors')
    .addOption(fixedFormatOption(['table', 'json']))
    .addOption(outputOption())
    .option('--db <location>', DB_HELP)
    .action(async (options) => (await actions()).list(context, options));

  connectors
    .command('remove')
    .description('remove a connector (its past scans and findings keep its name)')
    .argument('<name>', 'the connector\'s name')
    .option('--db <location>', DB_HELP)
    .action(async (name, options) => (await actions()).remove(context, name, options));

  connectors
    .command('test')
    .description('sign in as the connector from this machine, list its subscriptions and read their security contacts (nothing is stored); exit 1 when some could not be read')
    .argument('<name>', 'the connector\'s name')
    .addOption(fixedFormatOption(['table', 'json']))
    .option('--timeout-ms <ms>', 'time limit per request attempt', '30000')
    .option('--db <location>', DB_HELP)
    .action(async (name, options) => (await actions()).test(context, name, options));
};
