import type { CliContext } from '../cli-context.js';
import { formatOption, outputOption } from '../common-options.js';
import type { RegisterCommand } from './register-command.js';

/** The store and the drift engine are loaded when the command runs, not for `ward --help`. */
const actions = async () => (await import('./diff-actions.js')).diffActions;

/**
 * `ward diff`: drift between two complete scans (by default the last two): new problems, resolved ones, problems
 * whose status changed, and how many findings did not move. JSON: {"from", "to", "new", "resolved", "changed", "unchanged", "outOfScope"}.
 */
export const registerDiff: RegisterCommand = (program, context: CliContext) => {
  program
    .command('diff')
    .description('drift between two complete scans (default: the last two): new, resolved and changed findings')
    .option('--from <scan>', 'the earlier scan (default: the complete scan before --to)')
    .option('--to <scan>', 'the later scan (default: the latest complete scan)')
    .option('--db <location>', 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)')
    .addOption(formatOption(['table', 'json']))
    .addOption(outputOption())
    .option('--fail-on-new', 'exit 1 when the later scan has new problems (drift gate for CI)')
    .action(async (options) => (await actions()).diff(context, options));
};
