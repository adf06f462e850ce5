import type { CliContext } from '../cli-context.js';
import { fixedFormatOption, outputOption } from '../common-options.js';
import type { RegisterCommand } from './register-command.js';


const DB_HELP = 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)';
const ACTOR_HELP = 'who makes the change, for the audit trail (default: $USER, else the OS user)';
const LOOKER_HELP = 'who is looking (recorded when an exception is found expired; default: $USER, else the OS user)';
const MAX_DAYS_HELP = 'the longest an exception may run, in days (default: $WARD_EXCEPTION_MAX_DAYS or 365)';

/** yaml, ajv, the control loader and the store cost ~0.3 s to import: loaded when a subcommand runs, not for `ward --help`. */
const actions = async () => (await import('./exceptions-actions.js')).exceptionsActions;

/** `ward exceptions add|list|remove|export|import|log`: the subcommands and their options; exceptions-actions.ts does the work. */
export const registerExceptions: RegisterCommand = (program, context: CliContext) => {
  const exceptions = program
    .command('exceptions')
    .description('accept known failures for a while: each exception has an owner, a reason and an expiry, and every change is logged');

  exceptions
    .command('add')
    .description('accept a failing control on an asset (or on every asset under a prefix ending in *) until a date')
    .requiredOption('--control <id>', 'the control the exception accepts')
    .requiredOption('--asset <id>', 'the ARM id, e.g. /subscriptions/<id>, or a prefix ending in *, e.g. /subscriptions/0000*')
    .option('--owner <email>', 'the accountable person or team mailbox')
    .option('--expires <date>', 'YYYY-MM-DD: the last day the exception holds (UTC)')
    .option('--reason <text>', 'why the risk is accepted (at least 10 characters)')
    .option('--max-days <n>', MAX_DAYS_HELP)
    .option('--actor <name>', ACTOR_HELP)
    .option('--controls <dir>', 'load controls from this directory instead of the shipped ones')
    .option('--db <location>', DB_HELP)
    .action(async (options) => (await actions()).add(context, options));

  exceptions
    .command('list')
    .description('list the exceptions with their owner, expiry and state (active or expired)')
    .addOption(fixedFormatOption(['table', 'json']))
    .addOption(outputOption())
    .option('--actor <name>', LOOKER_HELP)
    .option('--db <location>', DB_HELP)
    .action(async (options) => (await actions()).list(context, options));

  exceptions
    .command('remove')
    .description('remove an exception (the removal is logged; its id is never reused)')
    .argument('<id>', 'the exception id, e.g. EX-3')
    .option('--actor <name>', ACTOR_HELP)
    .option('--db <location>', DB_HELP)
    .action(async (id, options) => (await actions()).remove(context, id, options));

  exceptions
    .command('export')
    .description('write the exceptions as a YAML file to review and keep in git (ward exceptions import reads it back)')
    .addOption(outputOption())
    .option('--db <location>', DB_HELP)
    .action(async (options) => (await actions()).export(context, options));

  exceptions
    .command('import')
    .description('add and update exceptions from a YAML file, all or nothing: one invalid entry changes nothing')
    .argument('<file>', 'a file in the form ward exceptions export writes')
    .option('--replace', 'also remove stored exceptions the file does not list (the file becomes the whole set)')
    .option('--max-days <n>', MAX_DAYS_HELP)
    .option('--actor <name>', ACTOR_HELP)
    .option('--controls <dir>', 'load controls from this directory instead of the shipped ones')
    .option('--db <location>', DB_HELP)
    .action(async (file, options) => (await actions()).import(context, file, options));

  exceptions
    .command('log')
    .description('the audit trail: every add, update, removal and expiry, with who and when')
    .argument('[id]', 'only this exception')
    .addOption(fixedFormatOption(['table', 'json']))
    .addOption(outputOption())
    .option('--actor <name>', LOOKER_HELP)
    .option('--db <location>', DB_HELP)
    .action(async (id, options) => (await actions()).log(context, id, options));
};
