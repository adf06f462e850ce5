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
let parseFormat: typeof import('../command-options.js').parseFormat;

async function loadImplementation(): Promise<void> {
  const modules = await Promise.all([
    import('../../core/remediation/plan-remediation.js'),
    import('../../policy/apply-policy.js'),
    import('../../policy/policy-artifacts.js'),
    import('../../remediation/arm-transport.js'),
    import('../command-options.js'),
  ]);
  ({ parseRequestedAddresses } = modules[0]);
  ({ applyPolicy } = modules[1]);
  ({ parsePolicyScope, planPolicy, policyFiles, renderPolicyPlanText } = modules[2]);
  ({ createLiveArmTransport } = modules[3]);
  ({ parseFormat } = modules[4]);
}


interface PolicyOptions {
  scope?: string;
  email?: string[];
  location?: string;
  severity?: string;
}

function buildPlan(options: PolicyOptions): PolicyPlan {
  if (!options.scope) throw usageError('--scope is required', 'a management group id, or /subscriptions/<guid>');
  if (!options.email?.length) throw usageError('--email is required', 'the address(es) the deployed contact gets: --email soc@example.com');
  const severity = parseFormat(options.severity, ['High', 'Medium', 'Low'] as const, 'High');
  return planPolicy({ scope: parsePolicyScope(options.scope), addresses: parseRequestedAddresses(options.email), ...(options.location ? { location: options.location } : {}), minimalSeverity: severity });
}

/** The options that say what to deploy: `plan` writes them out, `apply` creates them. */
function withPlanOptions(command: Command) {
  return command
    .option('--scope <scope>', 'management group id, or /subscriptions/<guid>')
    .option('--email <addresses>', 'address(es) for the deployed contact; several separated by commas (repeatable)', collectValues)
    .option('--location <region>', 'region of the assignment identity and the deployments', 'westeurope')
    .option('--severity <level>', 'lowest alert severity mailed: High | Medium | Low', 'High');
}

export const registerPolicy: RegisterCommand = (program, context: CliContext) => {
  const policy = program.command('policy').description('service-wide remediation with Azure Policy: audit, DeployIfNotExists, managed identity, remediation task');
  withPlanOptions(policy.command('plan'))
    .description('write the definition, assignments, role assignment, remediation and az commands (no change)')
    .option('--out <dir>', 'write the files here instead of printing the summary')
    .addOption(new Option('--format <format>', 'summary format').choices(['text', 'json']))
    .action(async (options) => {
      await loadImplementation();
      const plan = buildPlan(options as PolicyOptions);
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
      const plan = buildPlan(options as PolicyOptions);
      const { yes, tenant } = options as { yes?: boolean; tenant?: string };
      if (!yes) throw usageError(`ward policy apply changes Azure Policy on ${plan.scope.id}: add --yes`, 'review it first with `ward policy plan`');
      const transport = createLiveArmTransport({ env: context.io.env, ...(tenant ? { tenantId: tenant } : {}) });
      const result = await applyPolicy(plan, transport, (line) => void context.io.stderr.write(`${line}\n`));
      context.io.stdout.write(
        `Azure Policy in place on ${plan.scope.id}: ${result.steps.length} request(s); assignment identity ${result.principalId} holds Security Admin; ` +
          `remediation task ${JSON.stringify((result.remediation as { properties?: { provisioningState?: unknown } } | undefined)?.properties?.provisioningState ?? 'submitted')}.\n` +
          'Run `ward scan` once the task has finished, then `ward remediate` for what policy did not cover.\n',
      );
      context.exitCode = EXIT_OK;
    });
};
