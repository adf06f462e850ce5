/**
 * `ward remediate`: plan (default, a dry run), emit ready-to-run material, apply in verified batches, roll back,
 * list the runs. The planning is pure (src/core/remediation); this file only gathers the inputs and talks to the user.
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Option } from '@commander-js/extra-typings';
import { resolveAzureEndpoints } from '../../connectors/azure/azure-clouds.js';
import type { Inventory } from '../../core/model.js';
import type { EmitFormat } from '../../remediation/emitters/index.js';
import type { RollbackResult } from '../../remediation/rollback-run.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, collectValues, usageError, type CliContext } from '../cli-context.js';
import { EMIT_FORMATS } from '../registry-names.js';
import type { RegisterCommand } from './index.js';

/*
 * What the actions need beyond commander and the CLI context (the Azure SDK, the store, the control loader, the
 * planners and emitters) is bound when an action runs (`await loadImplementation()` first), not when `ward --help`
 * loads this file.
 */
let collectCapture: typeof import('../../connectors/azure/collect-capture.js').collectCapture;
let normaliseCapture: typeof import('../../core/inventory/normalise-capture.js').normaliseCapture;
let readCaptureDir: typeof import('../../connectors/azure/read-capture-dir.js').readCaptureDir;
let parsePriorityTag: typeof import('../../core/remediation/batch-plan.js').parsePriorityTag;
let batchPlan: typeof import('../../core/remediation/batch-plan.js').batchPlan;
let parseRequestedAddresses: typeof import('../../core/remediation/plan-remediation.js').parseRequestedAddresses;
let renderPlanText: typeof import('../../core/remediation/render-plan.js').renderPlanText;
let planToJson: typeof import('../../core/remediation/render-plan.js').planToJson;
let hasPlanner: typeof import('../../core/remediation/remediation-planners.js').hasPlanner;
let plannersFor: typeof import('../../core/remediation/remediation-planners.js').plannersFor;
let EMAIL_CONTROL_ID: typeof import('../../core/remediation/planners/email-planner.js').EMAIL_CONTROL_ID;
let baselineContactBody: typeof import('../../core/remediation/contact-body.js').baselineContactBody;
let notificationLevelsInForce: typeof import('../../core/remediation/notification-levels.js').notificationLevelsInForce;
let planVerifiedRemediation: typeof import('../../remediation/plan-verified-remediation.js').planVerifiedRemediation;
let openEphemeralStore: typeof import('../../store/open-ephemeral-store.js').openEphemeralStore;
let applyPlan: typeof import('../../remediation/apply-plan.js').applyPlan;
let createLiveArmTransport: typeof import('../../remediation/arm-transport.js').createLiveArmTransport;
let EMITTERS: typeof import('../../remediation/emitters/index.js').EMITTERS;
let rollbackRun: typeof import('../../remediation/rollback-run.js').rollbackRun;
let verifyByRecollecting: typeof import('../../remediation/verify-by-recollecting.js').verifyByRecollecting;
let listExceptions: typeof import('../../store/exception-repository.js').listExceptions;
let localLivenessProbe: typeof import('../../remediation/run-liveness.js').localLivenessProbe;
let settleRuns: typeof import('../../remediation/settle-runs.js').settleRuns;
let listRuns: typeof import('../../remediation/remediation-repository.js').listRuns;
let countChanges: typeof import('../../remediation/remediation-repository.js').countChanges;
let renderRunsTable: typeof import('../../remediation/render-runs.js').renderRunsTable;
let runsJson: typeof import('../../remediation/render-runs.js').runsJson;
let withStore: typeof import('../command-options.js').withStore;
let selectControls: typeof import('../command-options.js').selectControls;
let parseFormat: typeof import('../command-options.js').parseFormat;

async function loadImplementation(): Promise<void> {
  const modules = await Promise.all([
    import('../../connectors/azure/collect-capture.js'),
    import('../../core/inventory/normalise-capture.js'),
    import('../../connectors/azure/read-capture-dir.js'),
    import('../../core/remediation/remediation-planners.js'),
    import('../../core/remediation/batch-plan.js'),
    import('../../core/remediation/plan-remediation.js'),
    import('../../core/remediation/render-plan.js'),
    import('../../remediation/apply-plan.js'),
    import('../../remediation/arm-transport.js'),
    import('../../remediation/emitters/index.js'),
    import('../../remediation/rollback-run.js'),
    import('../../remediation/verify-by-recollecting.js'),
    import('../../store/exception-repository.js'),
    import('../command-options.js'),
    import('../../core/remediation/planners/email-planner.js'),
    import('../../core/remediation/contact-body.js'),
    import('../../core/remediation/notification-levels.js'),
    import('../../remediation/plan-verified-remediation.js'),
    import('../../store/open-ephemeral-store.js'),
    import('../../remediation/run-liveness.js'),
    import('../../remediation/settle-runs.js'),
    import('../../remediation/remediation-repository.js'),
    import('../../remediation/render-runs.js'),
  ]);
  ({ collectCapture } = modules[0]);
  ({ normaliseCapture } = modules[1]);
  ({ readCaptureDir } = modules[2]);
  ({ hasPlanner, plannersFor } = modules[3]);
  ({ batchPlan, parsePriorityTag } = modules[4]);
  ({ parseRequestedAddresses } = modules[5]);
  ({ planToJson, renderPlanText } = modules[6]);
  ({ applyPlan } = modules[7]);
  ({ createLiveArmTransport } = modules[8]);
  ({ EMITTERS } = modules[9]);
  ({ rollbackRun } = modules[10]);
  ({ verifyByRecollecting } = modules[11]);
  ({ listExceptions } = modules[12]);
  ({ parseFormat, selectControls, withStore } = modules[13]);
  ({ EMAIL_CONTROL_ID } = modules[14]);
  ({ baselineContactBody } = modules[15]);
  ({ notificationLevelsInForce } = modules[16]);
  ({ planVerifiedRemediation } = modules[17]);
  ({ openEphemeralStore } = modules[18]);
  ({ localLivenessProbe } = modules[19]);
  ({ settleRuns } = modules[20]);
  ({ countChanges, listRuns } = modules[21]);
  ({ renderRunsTable, runsJson } = modules[22]);
}

const DEFAULT_CONTROL = 'azure-defender-security-contact-email';

const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';
const DB_HELP = 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)';

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

export const registerRemediate: RegisterCommand = (program, context: CliContext) => {
  const remediate = program
    .command('remediate')
    .description('fix the subscriptions the security-contact controls flag, one merged request per subscription: a dry-run plan by default, --emit ready-to-run material, --apply in verified batches')
    .option('--control <id>', `a control to remediate (repeatable; default ${DEFAULT_CONTROL})`, collectValues)
    .option('--all-controls', 'every control ward can remediate')
    .option('--email <addresses>', 'security contact address(es) to add where the email control fails; several separated by commas (repeatable)', collectValues)
    .option('--subscription <id...>', 'only these subscriptions')
    .option('--management-group <id>', 'only the subscriptions below this management group (live)')
    .option('--offline <dir>', 'plan from a capture directory (no --apply)')
    .option('--tenant <id>', 'Microsoft Entra tenant to sign in to')
    .addOption(new Option('--format <format>', 'plan output').choices(['table', 'json']))
    .addOption(new Option('--emit <format>', 'print ready-to-run material instead of the plan').choices(EMIT_FORMATS))
    .option('--delete-legacy', 'DELETE legacy contacts without an address instead of giving them one')
    .option('--apply', 'carry the plan out (asks for confirmation on a terminal)')
    .option('--yes', 'confirm --apply without asking (required off a terminal)')
    .option('--batch-size <n>', 'subscriptions per batch; each batch is re-collected and verified before the next', '10')
    .option('--priority-tag <key=value>', 'subscriptions with this tag go first', 'environment=prod')
    .option('--max-changes <n>', 'refuse a plan with more requests than this')
    .option('--truncate', 'with --max-changes: apply the first changes (whole subscriptions) and defer the rest')
    .option('--controls <dir>', 'load controls from this directory instead of the shipped ones')
    .option('--config <file>', 'control parameters from this file (default: ./ward.yaml when present)')
    .option('--param <control-id.name=value>', 'set a control parameter, e.g. azure-defender-security-contact-alert-severity.minimalSeverity=Medium (repeatable)', collectValues)
    .option('--db <location>', DB_HELP)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  ward remediate --control azure-defender-security-contact-email --email soc@contoso.com --offline capture/\n' +
        '  ward remediate --control azure-defender-security-contact-email --email soc@contoso.com,cert@contoso.com --apply --yes\n' +
        '  ward remediate --control azure-defender-security-contact-email --email soc@contoso.com --emit az\n' +
        '  ward remediate --all-controls --email soc@contoso.com --emit terraform\n' +
        '  ward remediate --control azure-defender-security-contact-notify-owners --control azure-defender-security-contact-attack-path --apply --yes\n' +
        '  ward remediate runs\n' +
        '  ward remediate rollback 3            # a contact changed since the run is left alone (exit 1); --force restores it too\n' +
        'Writing contacts needs the Security Admin role (or Contributor) on each subscription.',
    )
    .action(async (options) => {
      await loadImplementation();
      if (options.control?.length && options.allControls) throw usageError('--control and --all-controls exclude each other');
      const loaded = selectControls(context, options.controls, undefined, options);
      let controls = options.allControls ? loaded.filter(hasPlanner) : selectControls(context, options.controls, options.control?.length ? options.control : [DEFAULT_CONTROL], options);
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
          if (format === 'table') context.io.stdout.write(renderPlanText(plan));
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
    });

  /** The options commander gave the parent `remediate` (it declares --db, --tenant, --yes, --format too) merged with the subcommand's own. */
  const mergedOptions = (own: object): Record<string, unknown> => ({
    ...remediate.opts(),
    ...Object.fromEntries(Object.entries(own).filter(([, value]) => value !== undefined)),
  });

  remediate
    .command('rollback')
    .description('restore every contact a remediation run changed to its recorded before-state; a contact changed since the run is left alone unless --force')
    .argument('<run-id>', 'the run id printed by --apply (ward remediate runs lists them)')
    .option('--force', 'also restore contacts that changed since the run (the summary lists every address that disappears)')
    .option('--db <location>', DB_HELP)
    .option('--tenant <id>', 'Microsoft Entra tenant to sign in to')
    .option('--yes', 'do not ask for confirmation (required off a terminal)')
    .addOption(new Option('--format <format>', 'summary output').choices(['table', 'json']))
    .action(async (runIdText, own) => {
      await loadImplementation();
      const options = mergedOptions(own) as { db?: string; tenant?: string; yes?: boolean; force?: boolean; format?: string };
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
    });

  remediate
    .command('runs')
    .description('list the remediation runs: id, start, state (running, complete, stopped, failed, interrupted, rolled-back…), change counts, controls')
    .option('--db <location>', DB_HELP)
    .option('--tenant <id>', 'Microsoft Entra tenant to sign in to')
    .option('--no-reconcile', 'do not read back the contacts of pending changes (no Azure sign-in)')
    .addOption(new Option('--format <format>', 'output').choices(['table', 'json']))
    .action(async (own) => {
      await loadImplementation();
      const options = mergedOptions(own) as { db?: string; tenant?: string; reconcile?: boolean; format?: string };
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
    });
};

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
