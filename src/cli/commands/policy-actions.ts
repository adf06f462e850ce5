/**
 * What `ward policy plan` and `ward policy apply` do (the artifacts: src/policy/policy-artifacts.ts). policy.ts
 * registers them and loads this module with one `await import()` when one of them runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WardError } from '../../core/errors.js';
import { ALERT_SEVERITIES, ATTACK_PATH_RISK_LEVELS } from '../../core/inventory/normalise-capture.js';
import { isAtOrBelow, notificationLevelsInForce } from '../../core/remediation/notification-levels.js';
import { parseRequestedAddresses } from '../../core/remediation/plan-remediation.js';
import { applyPolicy } from '../../policy/apply-policy.js';
import { parsePolicyScope, planPolicy, policyFiles, renderPolicyPlanText, type PolicyPlan } from '../../policy/policy-artifacts.js';
import { createLiveArmTransport } from '../../remediation/arm-transport.js';
import { EXIT_OK, usageError, type CliContext } from '../cli-context.js';
import { selectControls } from '../select-controls.js';

/** The options that say what to deploy (policy.ts: withPlanOptions). */
export interface PolicyOptions {
  scope?: string | undefined;
  email?: string[] | undefined;
  location?: string | undefined;
  severity?: string | undefined;
  riskLevel?: string | undefined;
  controls?: string | undefined;
  config?: string | undefined;
  param?: string[] | undefined;
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

/** `ward policy plan`: the plan's options and where to write it. */
export interface PolicyPlanFlags extends PolicyOptions {
  output?: string | undefined;
  out?: string | undefined;
  format?: string | undefined;
}

/** `ward policy apply`. */
export interface PolicyApplyFlags extends PolicyOptions {
  yes?: boolean | undefined;
  tenant?: string | undefined;
}

/** `ward policy plan`: the summary, and with -o DIR the files. */
async function runPlan(context: CliContext, options: PolicyPlanFlags): Promise<void> {
  const plan = buildPlan(context, options);
  const out = options.output ?? options.out;
  const format = options.format;
  if (out) {
    const dir = resolve(context.io.cwd, out);
    const files = policyFiles(plan);
    try {
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, name.endsWith('.sh') ? { mode: 0o755 } : {});
    } catch (error) {
      throw new WardError('USAGE', `cannot write ${out}: ${(error as Error).message}`);
    }
    // on stderr: stdout carries the summary, which --format json keeps parseable
    context.io.stderr.write(`ward: wrote ${Object.keys(files).join(', ')} to ${out}\n`);
  }
  context.io.stdout.write(format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : renderPolicyPlanText(plan));
  context.exitCode = EXIT_OK;
}

/** `ward policy apply --yes`. */
async function runApply(context: CliContext, options: PolicyApplyFlags): Promise<void> {
  const plan = buildPlan(context, options);
  const { yes, tenant } = options;
  if (!yes) throw usageError(`ward policy apply changes Azure Policy on ${plan.scope.id}: add --yes`, 'review it first with `ward policy plan`');
  const transport = createLiveArmTransport({ env: context.io.env, ...(tenant ? { tenantId: tenant } : {}) });
  const result = await applyPolicy(plan, transport, (line) => void context.io.stderr.write(`${line}\n`));
  context.io.stdout.write(
    `Azure Policy in place on ${plan.scope.id}: ${result.steps.length} request(s); assignment identity ${result.principalId} holds Security Admin; ` +
      `remediation task ${JSON.stringify((result.remediation as { properties?: { provisioningState?: unknown } } | undefined)?.properties?.provisioningState ?? 'submitted')}.\n` +
      'Run `ward scan` once the task has finished, then `ward remediate --all-controls` for what policy did not cover.\n',
  );
  context.exitCode = EXIT_OK;
}

export const policyActions = { plan: runPlan, apply: runApply } as const;
