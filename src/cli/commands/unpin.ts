import type { CliContext } from '../cli-context.js';
import { formatOption, outputOption } from '../common-options.js';
import type { RegisterCommand } from './register-command.js';

/** The store is loaded when the command runs, not for `ward --help`. */
const actions = async () => (await import('./pin-actions.js')).pinActions;

/** `ward unpin <scan>`: removes a pin and its copy of the inventory. JSON: {"scan", "removed", "connectors", "securityContacts", "bytes"}. */
export const registerUnpin: RegisterCommand = (program, context: CliContext) => {
  program
    .command('unpin')
    .description('release a pinned scan: its copy of the inventory is removed, and ward prune may remove its findings again')
    .argument('<scan>', 'the scan number (ward scans marks pinned scans)')
    .option('--db <location>', 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)')
    .addOption(formatOption(['table', 'json']))
    .addOption(outputOption())
    .action(async (scan, options) => (await actions()).unpin(context, scan, options));
};
