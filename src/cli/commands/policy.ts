/** `ward policy plan | apply`: the service-wide fix with Azure Policy (see src/policy/policy-artifacts.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from '@commander-js/extra-typings';
import { WardError } from '../../core/errors.js';
import type { PolicyPlan } from '../../policy/policy-artifacts.js';
import { EXIT_OK, collectValues, usageError, type CliContext } from '../cli-context.js';
import type { RegisterCommand } from './index.js';

/*
 * What the actions need beyond commander and the CLI context (the Azure SDK, the store, the control loader, the
 * planners and emitters) is bound when an action runs (`await loadImplementation()` first), not when `ward --help`
 * loads this file.
 */
let parseRequestedAddresses: typeof import('../../core/remediation/plan-remediation.js').parseRequestedAddresses;
let applyPolicy: typeof import('../../policy/apply-policy.js').applyPolicy;
let renderPolicyPlanText: typeof import('../../policy/policy-artifacts.js').renderPolicyPlanText;
let policyFiles: typeof import('../../policy/policy-artifacts.js').policyFiles;
let planPolicy: typeof import('../../policy/policy-artifacts.js').planPolicy;
let parsePolicyScope: typeof import('../../policy/policy-artifacts.js').parsePolicyScope;
let createLiveArmTransport: typeof import('../../remediation/arm-transport.js').createLiveArmTransport;
let selectControls: typeof import('../command-options.js').selectControls;
let notificationLevelsInForce: typeof import('../../core/remediation/notification-levels.js').notificationLevelsInForce;
let isAtOrBelow: typeof import('../../core/remediation/notification-levels.js').isAtOrBelow;
let ALERT_SEVERITIES: typeof import('../../core/inventory/normalise-capture.js').ALERT_SEVERITIES;
let ATTACK_PATH_RISK_LEVELS: typeof import('../../core/inventory/normalise-capture.js').ATTACK_PATH_RISK_LEVELS;

async function loadImplementation(): Promise<void> {
  const modules = await Promise.all([
    import('../../core/remediation/plan-remediation.js'),
    import('../../policy/apply-policy.js'),
    import('../../policy/policy-artifacts.js'),
    import('../../remediation/arm-transport.js'),
    import('../command-options.js'),
    import('../../core/remediation/notification-levels.js'),
    import('../../core/inventory/normalise-capture.js'),
  ]);
  ({ parseRequestedAddresses } = modules[0]);
  ({ applyPolicy } = modules[1]);
  ({ parsePolicyScope, planPolicy, policyFiles, renderPolicyPlanText } = modules[2]);
  ({ createLiveArmTransport } = modules[3]);
  ({ selectControls } = modules[4]);
  ({ isAtOrBelow, notificationLevelsInForce } = modules[5]);
  ({ ALERT_SEVERITIES, ATTACK_PATH_RISK_LEVELS } = modules[6]);
}


interface PolicyOptions {
  scope?: string;
  email?: string[];
  location?: string;
  severity?: string;
  riskLevel?: string;
  controls?: string;
  config?: string;
  param?: string[];
}

/**
 * A threshold flag: at most the control's value in force (a lower threshold mails more and still satisfies it; a
 * higher one would deploy contacts the scan fails).
 */
function threshold(flag: string, value: string | undefined, levels: readonly string[], inForce: string, controlParameter: string): string {
  if (value === undefined) return inForce;
  const level = levels.find((candidate) => candidate.toLowerCase() === value.trim().toLowerCase());
  if (!level) throw usageError(`${flag} must be one of ${levels.join(', ')}, got ${JSON.stringify(value)}`);
  if (!isAtOrBelow(levels, level, inForce)) {
    throw usageError(`${flag} ${level} is above the ${inForce} that ${controlParameter} requires: the deployed contacts would fail the scan`, `use ${inForce} or lower, or change the parameter (--param ${controlParameter}=${level})`);
  }
  return level;
}

function buildPlan(context: CliContext, options: PolicyOptions): PolicyPlan {
  if (!options.scope) throw usageError('--scope is required', 'a management group id, or /subscriptions/<guid>');
  if (!options.email?.length) throw usageError('--email is required', 'the address(es) the deployed contact gets: --email soc@example.com');
  const inForce = notificationLevelsInForce(selectControls(context, options.controls, undefined, options));
  const levels = {
    minimalSeverity: threshold('--severity', options.severity, ALERT_SEVERITIES, inForce.minimalSeverity, 'azure-defender-security-contact-alert-severity.minimalSeverity'),
    minimalRiskLevel: threshold('--risk-level', options.riskLevel, ATTACK_PATH_RISK_LEVELS, inForce.minimalRiskLevel, 'azure-defender-security-contact-attack-path.minimalRiskLevel'),
  };
  return planPolicy({ scope: parsePolicyScope(options.scope), addresses: parseRequestedAddresses(options.email), ...(options.location ? { location: options.location } : {}), levels });
}

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
    .option('--out <dir>', 'write the files here instead of printing the summary')
    .addOption(new Option('--format <format>', 'summary format').choices(['text', 'json']))
    .action(async (options) => {
      await loadImplementation();
      const plan = buildPlan(context, options as PolicyOptions);
      const { out, format } = options as { out?: string; format?: string };
      if (out) {
        const dir = resolve(context.io.cwd, out);
        const files = policyFiles(plan);
        try {
          mkdirSync(dir, { recursive: true });
          for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, name.endsWith('.sh') ? { mode: 0o755 } : {});
        } catch (error) {
          throw new WardError('USAGE', `cannot write ${out}: ${(error as Error).message}`);
        }
        context.io.stdout.write(`Wrote ${Object.keys(files).join(', ')} to ${out}\n\n`);
      }
      context.io.stdout.write(format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : renderPolicyPlanText(plan));
      context.exitCode = EXIT_OK;
    });

  withPlanOptions(policy.command('apply'))
    .description('create the definition, assignments, role assignment and remediation task through ARM')
    .option('--yes', 'required: this changes policy on the whole scope')
    .option('--tenant <id>', 'Microsoft Entra tenant to sign in to')
    .action(async (options) => {
      await loadImplementation();
      const plan = buildPlan(context, options as PolicyOptions);
      const { yes, tenant } = options as { yes?: boolean; tenant?: string };
      if (!yes) throw usageError(`ward policy apply changes Azure Policy on ${plan.scope.id}: add --yes`, 'review it first with `ward policy plan`');
      const transport = createLiveArmTransport({ env: context.io.env, ...(tenant ? { tenantId: tenant } : {}) });
      const result = await applyPolicy(plan, transport, (line) => void context.io.stderr.write(`${line}\n`));
      context.io.stdout.write(
        `Azure Policy in place on ${plan.scope.id}: ${result.steps.length} request(s); assignment identity ${result.principalId} holds Security Admin; ` +
          `remediation task ${JSON.stringify((result.remediation as { properties?: { provisioningState?: unknown } } | undefined)?.properties?.provisioningState ?? 'submitted')}.\n` +
          'Run `ward scan` once the task has finished, then `ward remediate --all-controls` for what policy did not cover.\n',
      );
      context.exitCode = EXIT_OK;
    });
};
