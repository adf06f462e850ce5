import { collectValues, type CliContext } from '../cli-context.js';
import { fixedFormatOption, outputOption } from '../common-options.js';
import type { RegisterCommand } from './register-command.js';

/** The control loader (yaml, ajv, graphql) is loaded when a subcommand runs, not for `ward --help`. */
const actions = async () => (await import('./controls-actions.js')).controlsActions;

export const registerControls: RegisterCommand = (program, context: CliContext) => {
  const controls = program.command('controls').description('list, show and validate controls');

  controls
    .command('list')
    .description('list the controls with their severity and frameworks')
    .option('--controls <dir>', 'load controls from this directory instead of the shipped ones')
    .option('--config <file>', 'control parameters from this file (default: ./ward.yaml when present)')
    .option('--param <control-id.name=value>', 'set a control parameter (repeatable)', collectValues)
    .addOption(fixedFormatOption(['table', 'json']))
    .action(async (options) => (await actions()).list(context, options));

  controls
    .command('show')
    .description('print the whole control page: overview to remediation, rollout and the stored checks')
    .argument('<id>', 'control id, e.g. azure-defender-security-contact-email')
    .option('--controls <dir>', 'load controls from this directory instead of the shipped ones')
    .option('--config <file>', 'control parameters from this file (default: ./ward.yaml when present)')
    .option('--param <control-id.name=value>', 'set a control parameter (repeatable)', collectValues)
    .addOption(fixedFormatOption(['text', 'md', 'json']))
    .addOption(outputOption())
    .action(async (id, options) => (await actions()).show(context, id, options));

  controls
    .command('validate')
    .description('validate control folders: the YAML against its schema and every check against the inventory schema')
    .argument('[dir]', 'a directory of controls (default: the shipped controls)')
    .action(async (dir) => (await actions()).validate(context, dir));
};

