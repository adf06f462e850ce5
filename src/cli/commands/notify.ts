import { Argument, Option } from '@commander-js/extra-typings';
import { collectValues, type CliContext } from '../cli-context.js';
import { fixedFormatOption, outputOption } from '../common-options.js';
import type { RegisterCommand } from './register-command.js';

const DB_HELP = 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)';

/** The store and the payload builders are loaded when a subcommand runs, not for `ward --help`. */
const actions = async () => (await import('./notify-actions.js')).notifyActions;

/** `ward notify add|list|remove|log|test|send`: channels told what changed after each scan; notify-actions.ts does the work. */
export const registerNotify: RegisterCommand = (program, context: CliContext) => {
  const notify = program
    .command('notify')
    .description('tell a webhook, Slack or Microsoft Teams what changed after each scan (docs/notifications.md)');

  notify
    .command('add')
    .description('add a channel and print its id; its URL is a secret and is only ever shown as scheme and host')
    .addArgument(new Argument('<kind>', 'webhook: signed JSON; slack: an incoming webhook; teams: a Workflows webhook').choices(['webhook', 'slack', 'teams'] as const))
    .requiredOption('--url <url>', 'where to POST: https (http only to 127.0.0.1 or localhost); for teams, a Workflows webhook URL')
    .option('--on <event>', 'what to tell (repeatable): new-failures (default), resolved, errors, drift', collectValues)
    .option('--connector <name>', 'only findings of this configured connector (repeatable)', collectValues)
    .addOption(new Option('--min-severity <level>', 'only findings of this severity or higher').choices(['low', 'medium', 'high', 'critical'] as const))
    .option('--secret-env <name>', 'webhook: the environment variable holding the HMAC-SHA256 secret (required; the secret is never stored)')
    .option('--name <id>', 'the channel id (default: <kind>-<n>)')
    .option('--actor <name>', 'who adds it (default: $USER, else the OS user)')
    .option('--db <location>', DB_HELP)
    .action(async (kind, options) => (await actions()).add(context, kind, options));

  notify
    .command('list')
    .description('list the channels with what they are told (URLs redacted)')
    .addOption(fixedFormatOption(['table', 'json']))
    .addOption(outputOption())
    .option('--db <location>', DB_HELP)
    .action(async (options) => (await actions()).list(context, options));

  notify
    .command('remove')
    .description('remove a channel (its deliveries stay in the log)')
    .argument('<id>', 'the channel id')
    .option('--db <location>', DB_HELP)
    .action(async (id, options) => (await actions()).remove(context, id, options));

  notify
    .command('log')
    .description('every delivery, newest first: scan, channel, status, attempts, last HTTP status or error, when')
    .option('--channel <id>', 'only this channel')
    .option('--limit <n>', 'the newest n deliveries (default 50)')
    .addOption(fixedFormatOption(['table', 'json']))
    .addOption(outputOption())
    .option('--db <location>', DB_HELP)
    .action(async (options) => (await actions()).log(context, options));

  notify
    .command('test')
    .description('send a test message to a channel now (not recorded in the log); exit 2 when it is not delivered')
    .argument('<id>', 'the channel id')
    .option('--db <location>', DB_HELP)
    .action(async (id, options) => (await actions()).test(context, id, options));

  notify
    .command('send')
    .description("record a scan's deliveries if not yet done and try each pending one once (failures that may pass later stay pending)")
    .option('--scan <id>', 'the scan (default: the latest complete scan)')
    .option('--db <location>', DB_HELP)
    .action(async (options) => (await actions()).send(context, options));
};
