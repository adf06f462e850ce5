import type { CliContext } from '../cli-context.js';
import { formatOption, outputOption } from '../common-options.js';
import type { RegisterCommand } from './register-command.js';

/** The store is loaded when the command runs, not for `ward --help`. */
const actions = async () => (await import('./scans-actions.js')).scansActions;

/** `ward scans`: every scan with its status (running, complete, failed, interrupted) and summary. */
export const registerScans: RegisterCommand = (program, context: CliContext) => {
  program
    .command('scans')
    .description('list the scans with their status (queued, running, complete, failed, interrupted) and summary')
    .option('--db <location>', 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)')
    .addOption(formatOption(['table', 'json']))
    .addOption(outputOption())
    .action(async (options) => (await actions()).list(context, options));
};
