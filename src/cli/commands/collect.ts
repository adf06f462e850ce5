import { Option, type Command } from '@commander-js/extra-typings';
import { addAzureOptions } from '../azure-options.js';
import type { CliContext } from '../cli-context.js';
import { legacyOutOption } from '../common-options.js';
import type { CollectFlags } from './collect-actions.js';
import type { RegisterCommand } from './register-command.js';

/** The Azure SDK and the capture writer are loaded when the command runs, not for `ward --help`. */
const actions = async () => (await import('./collect-actions.js')).collectActions;

export const registerCollect: RegisterCommand = (program, context: CliContext) => {
  const command = program
    .command('collect')
    .description('read subscriptions and their Defender for Cloud security contacts from Azure into a capture directory')
    .addOption(new Option('-o, --output <dir>', 'the capture directory to write (required; replaced as a whole only if it holds a previous capture)'))
    .addOption(legacyOutOption());
  addAzureOptions(command as unknown as Command);
  command.action(async (options) => (await actions()).collect(context, options as CollectFlags));
};
