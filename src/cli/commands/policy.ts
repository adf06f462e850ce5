/** `ward policy plan | apply`: their options and help; policy-actions.ts does the work, loaded when one of them runs. */
import { Option, type Command } from '@commander-js/extra-typings';
import { collectValues, type CliContext } from '../cli-context.js';
import { fixedFormatOption, legacyOutOption } from '../common-options.js';
import type { RegisterCommand } from './register-command.js';

const actions = async () => (await import('./policy-actions.js')).policyActions;

/** The options that say what to deploy: `plan` writes them out, `apply` creates them. */
function withPlanOptions(command: Command) {
  return command
    .option('--scope <scope>', 'management group id, or /subscriptions/<guid>')
    .option('--email <addresses>', 'address(es) for the deployed contact; several separated by commas (repeatable)', collectValues)
    .option('--location <region>', 'region of the assignment identity and the deployments', 'westeurope')
    .option('--severity <level>', 'lowest alert severity mailed: High | Medium | Low (default: the alert-severity control\'s minimalSeverity in force)')
    .option('--risk-level <level>', 'lowest attack-path risk level mailed: Critical | High | Medium | Low (default: the attack-path control\'s minimalRiskLevel in force)')
    .option('--controls <dir>', 'load controls from this directory instead of the shipped ones')
    .option('--config <file>', 'control parameters from this file (default: ./ward.yaml when present)')
    .option('--param <control-id.name=value>', 'set a control parameter, e.g. azure-defender-security-contact-alert-severity.minimalSeverity=Medium (repeatable)', collectValues);
}

export const registerPolicy: RegisterCommand = (program, context: CliContext) => {
  const policy = program.command('policy').description('service-wide remediation with Azure Policy: audit, DeployIfNotExists, managed identity, remediation task');
  withPlanOptions(policy.command('plan'))
    .description('write the definition, assignments, role assignment, remediation and az commands (no change)')
    .addOption(new Option('-o, --output <dir>', 'also write the files into this directory'))
    .addOption(legacyOutOption())
    .addOption(fixedFormatOption(['text', 'json'], 'summary format'))
    .action(async (options) => (await actions()).plan(context, options));

  withPlanOptions(policy.command('apply'))
    .description('create the definition, assignments, role assignment and remediation task through ARM')
    .option('--yes', 'required: this changes policy on the whole scope')
    .option('--tenant <id>', 'Microsoft Entra tenant to sign in to')
    .action(async (options) => (await actions()).apply(context, options));
};
