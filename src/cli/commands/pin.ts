import type { CliContext } from '../cli-context.js';
import { formatOption, outputOption } from '../common-options.js';
import type { RegisterCommand } from './register-command.js';

/** The store is loaded when the command runs, not for `ward --help`. */
const actions = async () => (await import('./pin-actions.js')).pinActions;

/**
 * `ward pin <scan|latest> --reason TEXT`: keeps a scan for an audit: a copy of the inventory it collected (raw ARM
 * bodies included), and its findings through any ward prune. JSON: {"scan", "created", "reason", "pinnedBy",
 * "pinnedAt", "connectors", "securityContacts", "bytes"}.
 */
export const registerPin: RegisterCommand = (program, context: CliContext) => {
  program
    .command('pin')
    .description('keep a scan for an audit: the inventory it collected (raw ARM bodies included) and its findings, through any ward prune')
    .argument('<scan>', 'the scan number, or latest; only a scan whose inventory is still the stored one (the latest complete scan) can be pinned')
    .requiredOption('--reason <text>', 'why it is kept, e.g. "SOC 2 audit, FY2026" (1 to 500 characters)')
    .option('--actor <name>', 'who pins it, for the record (default: $USER, else the OS user)')
    .option('--db <location>', 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)')
    .addOption(formatOption(['table', 'json']))
    .addOption(outputOption())
    .action(async (scan, options) => (await actions()).pin(context, scan, options));
};
