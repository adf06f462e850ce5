import type { CliContext } from '../cli-context.js';
import { fixedFormatOption, outputOption } from '../common-options.js';
import type { RegisterCommand } from './register-command.js';

const DB_HELP = 'store: a postgres:// URL for team mode (default: $WARD_DB or ./.ward/db)';

/** The store and graphile-worker's cron parser are loaded when a subcommand runs, not for `ward --help`. */
const actions = async () => (await import('./schedule-actions.js')).scheduleActions;

/** `ward schedule add|list|remove`: scans the team workers start on a cron schedule (UTC). */
export const registerSchedule: RegisterCommand = (program, context: CliContext) => {
  const schedule = program
    .command('schedule')
    .description('scans the team workers (ward worker) start on a cron schedule, in UTC; needs a PostgreSQL store');

  schedule
    .command('add')
    .description('add a scheduled scan of some or all configured connectors')
    .requiredOption('--cron <expression>', 'when, in UTC: minute hour day-of-month month day-of-week, e.g. "0 6 * * *" (06:00 daily)')
    .option('--connector <name...>', 'only these configured connectors (repeatable; default: every configured connector when it runs)')
    .option('--name <id>', 'the schedule\'s id (default: the next free s1, s2…)')
    .option('--actor <name>', 'who adds it, for the record (default: $USER, else the OS user)')
    .option('--db <location>', DB_HELP)
    .addHelpText('after', '\nA run the workers miss (none was running at that minute) is skipped, never run twice later.')
    .action(async (options) => (await actions()).add(context, options));

  schedule
    .command('list')
    .description('list the schedules with their next run (UTC) and their last scan')
    .addOption(fixedFormatOption(['table', 'json']))
    .addOption(outputOption())
    .option('--db <location>', DB_HELP)
    .action(async (options) => (await actions()).list(context, options));

  schedule
    .command('remove')
    .description('remove a schedule (a scan it already started runs to its end)')
    .argument('<id>', 'the schedule id, e.g. s1')
    .option('--db <location>', DB_HELP)
    .action(async (id, options) => (await actions()).remove(context, id, options));
};
