import type { CliContext } from '../cli-context.js';
import type { RegisterCommand } from './register-command.js';

/** The emulator and the scan are loaded when the command runs, not for `ward --help`. */
const actions = async () => (await import('./demo-actions.js')).demoActions;

export const registerDemo: RegisterCommand = (program, context: CliContext) => {
  program
    .command('demo')
    .description('start the ARM emulator with the sample tenant, scan it live into the store, and report')
    .option('--db <location>', 'store (default: $WARD_DB or ./.ward/db)')
    .action(async (options) => (await actions()).demo(context, options));
};
