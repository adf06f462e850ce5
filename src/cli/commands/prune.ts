import type { CliContext } from '../cli-context.js';
import { formatOption, outputOption } from '../common-options.js';
import type { RegisterCommand } from './register-command.js';

/** The store is loaded when the command runs, not for `ward --help`. */
const actions = async () => (await import('./prune-actions.js')).pruneActions;

/**
 * `ward prune`: removes the finding detail of old scans (their summaries stay, for `ward scans` and the trend) and
 * says what it removed and freed. JSON: {"dryRun", "keep", "keptFrom", "heldByPin", "scans", "beforeImages", "goneFindings", "databaseBytes", "unfinished"}.
 */
export const registerPrune: RegisterCommand = (program, context: CliContext) => {
  program
    .command('prune')
    .description('remove the finding detail of old scans (their summaries stay); ward findings and ward diff answer as before for the kept scans')
    .option('--older-than <days>', 'keep the scans finished in the last N days, e.g. 90d (1d to 36500d; the latest scan is always kept)')
    .option('--keep-scans <n>', 'keep the N most recent complete scans (1 to 100000)')
    .option('--dry-run', 'print what would be removed and change nothing')
    .option('--db <location>', 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)')
    .addOption(formatOption(['table', 'json']))
    .addOption(outputOption())
    .action(async (options) => (await actions()).prune(context, options));
};
