/**
 * What `ward remediate`, `ward remediate rollback` and `ward remediate runs` do: gather the inputs, plan with the engine,
 * emit, apply, roll back, list. remediate.ts registers the commands and loads this module (the Azure SDK, the store,
 * the control loader, the planners and emitters) with one `await import()` when one of them runs, so `ward --help`
 * stays fast. The planning itself is pure (src/core/remediation).
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { collectCapture } from '../../connectors/azure/collect-capture.js';
import { resolveAzureEndpoints } from '../../connectors/azure/azure-clouds.js';
import { readCaptureDir } from '../../connectors/azure/read-capture-dir.js';
import { normaliseCapture } from '../../core/inventory/normalise-capture.js';
import type { Inventory } from '../../core/model.js';
import { batchPlan, parsePriorityTag } from '../../core/remediation/batch-plan.js';
import { baselineContactBody } from '../../core/remediation/contact-body.js';
import { notificationLevelsInForce } from '../../core/remediation/notification-levels.js';
import { parseRequestedAddresses } from '../../core/remediation/plan-remediation.js';
import { EMAIL_CONTROL_ID } from '../../core/remediation/planners/email-planner.js';
import { hasPlanner, plannersFor } from '../../core/remediation/remediation-planners.js';
import { planToJson, renderPlanText } from '../../core/remediation/render-plan.js';
import { applyPlan } from '../../remediation/apply-plan.js';
import { createLiveArmTransport } from '../../remediation/arm-transport.js';
import { EMITTERS, type EmitFormat } from '../../remediation/emitters/index.js';
import { planVerifiedRemediation } from '../../remediation/plan-verified-remediation.js';
import { countChanges, listRuns } from '../../remediation/remediation-repository.js';
import { renderRunsTable, runsJson } from '../../remediation/render-runs.js';
import { rollbackRun, type RollbackResult } from '../../remediation/rollback-run.js';
import { localLivenessProbe } from '../../remediation/run-liveness.js';
import { settleRuns } from '../../remediation/settle-runs.js';
import { verifyByRecollecting } from '../../remediation/verify-by-recollecting.js';
import { listExceptions } from '../../store/exception-repository.js';
import { openEphemeralStore } from '../../store/open-ephemeral-store.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, usageError, type CliContext } from '../cli-context.js';
import { parseFormat, withStore } from '../command-options.js';
import { selectControls } from '../select-controls.js';

const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';

/** The options of `ward remediate` (see remediate.ts). */
export interface RemediateFlags {
  /** The control remediated when neither --control nor --all-controls is given. */
  readonly defaultControl: string;
  readonly control?: string[] | undefined;
  readonly allControls?: boolean | undefined;
  readonly email?: string[] | undefined;
  readonly subscription?: string[] | undefined;
  readonly managementGroup?: string | undefined;
  readonly offline?: string | undefined;
  readonly tenant?: string | undefined;
  readonly format?: string | undefined;
  readonly emit?: string | undefined;
  readonly deleteLegacy?: boolean | undefined;
  readonly apply?: boolean | undefined;
  readonly yes?: boolean | undefined;
  readonly batchSize: string;
  readonly priorityTag: string;
  readonly maxChanges?: string | undefined;
  readonly truncate?: boolean | undefined;
  readonly controls?: string | undefined;
  readonly config?: string | undefined;
  readonly param?: string[] | undefined;
  readonly db?: string | undefined;
}

/** What `rollback` and `runs` share: the store, the tenant to sign in to, the output format. */
interface RunFlags {
  readonly db?: string | undefined;
  readonly tenant?: string | undefined;
  readonly format?: string | undefined;
}

/** The options of `ward remediate rollback`, with those given to `ward remediate` itself. */
export interface RollbackFlags extends RunFlags {
  readonly yes?: boolean | undefined;
  readonly force?: boolean | undefined;
}

/** The options of `ward remediate runs`, with those given to `ward remediate` itself. */
export interface RunsFlags extends RunFlags {
  readonly reconcile?: boolean | undefined;
}

function wholeNumber(name: string, value: string | undefined, fallback: number | undefined, minimum: number): number | undefined {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < minimum) throw usageError(`${name} must be a whole number of at least ${minimum}, got ${JSON.stringify(value)}`);
  return parsed;
}

/** Asks on the terminal; true only for an explicit yes. End of input counts as no. */
export function confirmOnTerminal(context: CliContext, question: string): Promise<boolean> {
  context.io.stderr.write(question);
  const reader = createInterface({ input: context.io.stdin, terminal: false });
  return new Promise((resolvePromise) => {
    let answered = false;
    reader.once('line', (answer) => {
      answered = true;
      reader.close();
      resolvePromise(/^(y|yes)$/i.test(answer.trim()));
    });
    reader.once('close', () => {
      if (!answered) resolvePromise(false);
    });
  });
}

const isTerminal = (context: CliContext): boolean => Boolean((context.io.stdin as { isTTY?: boolean }).isTTY);

/** `ward remediate`: the dry-run plan, `--emit` material, or `--apply` in verified batches. */
async function runRemediate(context: CliContext, options: RemediateFlags): Promise<void> {
  if (options.control?.length && options.allControls) throw usageError('--control and --all-controls exclude each other');
  const loaded = selectControls(context, options.controls, undefined, options);
  let controls = options.allControls ? loaded.filter(hasPlanner) : selectControls(context, options.controls, options.control?.length ? options.control : [options.defaultControl], options);
  if (options.allControls) {
    const manual = loaded.filter((control) => !hasPlanner(control)).map((control) => control.id);
    if (manual.length > 0) context.io.stderr.write(`ward: no automated remediation for ${manual.join(', ')}: see \`ward controls show <id>\` for the manual steps\n`);
  }
  controls = plannersFor(controls).map(({ control }) => control);
  const addresses = options.email?.length ? parseRequestedAddresses(options.email) : [];
  if (addresses.length > 0 && !controls.some((control) => control.id === EMAIL_CONTROL_ID)) {
    throw usageError(`--email adds addresses for ${EMAIL_CONTROL_ID}, which is not selected`, `add --control ${EMAIL_CONTROL_ID} (or --all-controls), or drop --email`);
  }
  const format = parseFormat(options.format, ['table', 'json'] as const, 'table');
  const batchSize = wholeNumber('--batch-size', options.batchSize, 10, 1)!;
  const maxChanges = wholeNumber('--max-changes', options.maxChanges, undefined, 0);
  const priorityTag = parsePriorityTag(options.priorityTag);
  if (options.truncate && maxChanges === undefined) throw usageError('--truncate goes with --max-changes');
  if (options.apply && options.offline) throw usageError('--apply needs live Azure: a capture cannot be changed', 'drop --offline (WARD_ARM_ENDPOINT points ward at an emulator)');
  if (options.apply && options.emit) throw usageError('--apply and --emit exclude each other', 'emit the material to run it yourself, or let ward apply the plan');
  if (options.offline && options.managementGroup) throw usageError('--management-group needs live Azure', 'a capture does not hold the management-group tree: use --subscription');
  if (options.subscription?.length && options.managementGroup) throw usageError('--subscription and --management-group cannot be combined');
  if (options.apply && !options.yes && !isTerminal(context)) {
    throw usageError('--apply off a terminal needs --yes', 'nothing was changed; review the plan (run without --apply), then add --yes');
  }

  const armEndpoint = options.offline ? DEFAULT_ARM_ENDPOINT : resolveAzureEndpoints({ env: context.io.env }).armEndpoint;
  let inventory: Inventory;
  if (options.offline) {
    const full = normaliseCapture(readCaptureDir(resolve(context.io.cwd, options.offline), context.io.cwd));
    const wanted = options.subscription?.map((id) => `/subscriptions/${id.toLowerCase()}`);
    inventory = wanted ? { connectors: full.connectors.filter((c) => wanted.includes(c.id)), securityContacts: full.securityContacts.filter((c) => wanted.includes(c.connectorId)) } : full;
  } else {
    const capture = await collectCapture({
      env: context.io.env,
      ...(options.subscription?.length ? { subscriptionIds: options.subscription } : {}),
      ...(options.managementGroup === undefined ? {} : { managementGroupId: options.managementGroup }),
      ...(options.tenant === undefined ? {} : { tenantId: options.tenant }),
    });
    inventory = normaliseCapture(capture, { invalidBodies: 'error' });
  }

  await withStore(context, options.db, async (store) => {
    const now = context.io.now();
    const exceptions = await listExceptions(store);
    // THE engine judges the plan and each applied batch: the compiled SQL of `ward scan`, in a store of its own
    // whose inventory is rolled back after every evaluation (planning never touches the scans in --db)
    const engine = await openEphemeralStore();
    try {
      const plan = await planVerifiedRemediation({ controls, inventory, exceptions, now, addresses, armEndpoint, deleteLegacy: Boolean(options.deleteLegacy), store: engine });

      if (options.emit) {
        const baseline = baselineContactBody(addresses, notificationLevelsInForce(loaded));
        context.io.stdout.write(EMITTERS[options.emit as EmitFormat]({ plan, addresses, baseline }));
        context.exitCode = EXIT_OK;
        return;
      }
      if (!options.apply) {
        context.io.stdout.write(format === 'json' ? `${JSON.stringify(planToJson(plan), null, 2)}\n` : renderPlanText(plan));
        context.exitCode = plan.actions.length > 0 || plan.unresolved.length > 0 ? EXIT_FINDINGS : EXIT_OK;
        return;
      }

      const batched = batchPlan(plan, { batchSize, priorityTag, ...(maxChanges === undefined ? {} : { maxChanges }), truncate: Boolean(options.truncate) });
      if (format === 'table') context.io.stdout.write(renderPlanText(plan, { applying: true }));
      if (plan.actions.length === 0) {
        context.io.stderr.write('ward: nothing to change: every subscription in scope passes or cannot be changed (see above)\n');
        if (format === 'json') context.io.stdout.write(`${JSON.stringify({ runId: null, status: 'nothing-to-do', applied: 0, plan: planToJson(plan) }, null, 2)}\n`);
        context.exitCode = EXIT_OK;
        return;
      }
      if (batched.message) context.io.stderr.write(`ward: ${batched.message}\n`);
      if (!options.yes) {
        const ok = await confirmOnTerminal(
          context,
          `Apply ${batched.changeCount} change(s) to ${batched.batches.flat().length} subscription(s) on ${armEndpoint} in ${batched.batches.length} batch(es)? Type yes to continue: `,
        );
        if (!ok) {
          context.io.stderr.write('ward: not confirmed: nothing was changed\n');
          context.exitCode = EXIT_ERROR;
          return;
        }
      }
      const transport = createLiveArmTransport({ env: context.io.env, ...(options.tenant === undefined ? {} : { tenantId: options.tenant }) });
      const verify = verifyByRecollecting(
        controls,
        (subscriptionIds) => collectCapture({ env: context.io.env, subscriptionIds, ...(options.tenant === undefined ? {} : { tenantId: options.tenant }) }),
        engine,
      );
      const result = await applyPlan({
        store,
        transport,
        plan,
        batched,
        verify,
        now: context.io.now,
        log: (line) => void context.io.stderr.write(`${line}\n`),
        // before the first write, so that a run killed midway can still be found and rolled back
        onStarted: (runId) => void context.io.stderr.write(`ward: remediation run ${runId} started (ward remediate rollback ${runId} undoes it)\n`),
        probe: localLivenessProbe({ exclusiveStore: store.kind === 'pglite', now: context.io.now }),
        runOptions: { controls: plan.controlIds, batchSize, priorityTag, maxChanges: maxChanges ?? null, truncate: Boolean(options.truncate), deleteLegacy: Boolean(options.deleteLegacy) },
      });
      const deferred = batched.deferred.map((s) => s.assetId);
      if (format === 'json') {
        context.io.stdout.write(`${JSON.stringify({ ...result, deferred }, null, 2)}\n`);
      } else {
        context.io.stdout.write(`\nRun ${result.runId}: ${result.status}: ${result.message}\n`);
        if (deferred.length > 0) context.io.stdout.write(`Deferred by --max-changes: ${deferred.join(', ')}\n`);
        context.io.stdout.write(`Undo with: ward remediate rollback ${result.runId}\n`);
      }
      context.exitCode = result.status === 'complete' && deferred.length === 0 ? EXIT_OK : EXIT_FINDINGS;
    } finally {
      await engine.close();
    }
  });
}

/** `ward remediate rollback RUN_ID`. */
async function runRollback(context: CliContext, runIdText: string, options: RollbackFlags): Promise<void> {
  const runId = wholeNumber('run id', runIdText, undefined, 1)!;
  const format = parseFormat(options.format, ['table', 'json'] as const, 'table');
  if (!options.yes && !isTerminal(context)) throw usageError('rollback off a terminal needs --yes', 'nothing was changed');
  const question = options.force
    ? `Roll back remediation run ${runId}, restoring contacts changed since the run too (--force)? Type yes to continue: `
    : `Roll back remediation run ${runId}? Type yes to continue: `;
  if (!options.yes && !(await confirmOnTerminal(context, question))) {
    context.io.stderr.write('ward: not confirmed: nothing was changed\n');
    context.exitCode = EXIT_ERROR;
    return;
  }
  const transport = createLiveArmTransport({ env: context.io.env, ...(options.tenant === undefined ? {} : { tenantId: options.tenant }) });
  const result = await withStore(context, options.db, (store) =>
    rollbackRun({
      store,
      transport,
      runId,
      now: context.io.now,
      force: Boolean(options.force),
      probe: localLivenessProbe({ exclusiveStore: store.kind === 'pglite', now: context.io.now }),
      log: (line) => void context.io.stderr.write(`${line}\n`),
    }),
  );
  context.io.stdout.write(format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : rollbackSummary(result));
  // a refused change is left for a person to decide, like a run that stopped: 1, not a tool error
  context.exitCode = result.refused > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/** `ward remediate runs`. */
async function listRemediationRuns(context: CliContext, options: RunsFlags): Promise<void> {
  const format = parseFormat(options.format, ['table', 'json'] as const, 'table');
  const listings = await withStore(context, options.db, async (store) => {
    // runs whose process died are marked interrupted; their pending changes are read back when ward can sign in
    const reconcile = options.reconcile !== false;
    const settled = await settleRuns({
      store,
      now: context.io.now,
      probe: localLivenessProbe({ exclusiveStore: store.kind === 'pglite', now: context.io.now }),
      ...(reconcile ? { transport: createLiveArmTransport({ env: context.io.env, ...(options.tenant === undefined ? {} : { tenantId: options.tenant }) }) } : {}),
      log: (line) => void context.io.stderr.write(`${line}\n`),
    });
    if (reconcile) {
      for (const run of settled.unreadable) context.io.stderr.write(`ward: run ${run.runId}: ${run.pending} pending change(s) not read back: ${run.reason}\n`);
    }
    const counts = await countChanges(store);
    return (await listRuns(store)).map((run) => ({ run, changes: counts.get(run.id) ?? {} }));
  });
  context.io.stdout.write(format === 'json' ? runsJson(listings) : renderRunsTable(listings));
  context.exitCode = EXIT_OK;
}

/** What a rollback did, for people: counts, then every refused change with its reason, every address --force removed. */
export function rollbackSummary(result: RollbackResult): string {
  const parts = [`${result.restored} change(s) restored`];
  if (result.forced) parts.push(`${result.forced} forced over later changes`);
  if (result.atBefore) parts.push(`${result.atBefore} already at the before-state (left alone)`);
  if (result.refused) parts.push(`${result.refused} refused (changed since the run)`);
  if (result.skipped) parts.push(`${result.skipped} not applied or already restored`);
  const lines = [`Run ${result.runId} ${result.refused ? 'partly rolled back' : 'rolled back'}: ${parts.join(', ')}`];
  if (result.interrupted) lines.push(`The run had been interrupted: ${result.interrupted}`);
  const refused = result.outcomes.filter((outcome) => outcome.outcome === 'refused');
  if (refused.length > 0) {
    lines.push(`Refused, left as they are (\`ward remediate rollback ${result.runId} --force\` restores their before-state):`);
    for (const outcome of refused) lines.push(`  ${outcome.method} ${outcome.contactName} on ${outcome.assetId}: ${outcome.reason}`);
  }
  const forced = result.outcomes.filter((outcome) => outcome.outcome === 'forced');
  if (forced.length > 0) {
    lines.push('Forced (restored over later changes); addresses that disappeared:');
    for (const outcome of forced) {
      const foreign = new Set(outcome.foreignAddresses.map((address) => address.toLowerCase()));
      const removed = outcome.removedAddresses.map((address) => (foreign.has(address.toLowerCase()) ? `${address} (not written by run ${result.runId})` : address));
      lines.push(`  ${outcome.contactName} on ${outcome.assetId}: ${removed.length > 0 ? removed.join(', ') : 'none'}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export const remediateActions = { plan: runRemediate, rollback: runRollback, runs: listRemediationRuns } as const;
