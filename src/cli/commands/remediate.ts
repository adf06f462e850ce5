/**
 * `ward remediate`, `ward remediate rollback` and `ward remediate runs`: their options and help. remediate-actions.ts
 * does the work; it is loaded when one of them runs, not when `ward --help` loads this file.
 */
import { Option } from '@commander-js/extra-typings';
import { collectValues, type CliContext } from '../cli-context.js';
import { fixedFormatOption } from '../common-options.js';
import { EMIT_FORMATS } from '../registry-names.js';
import type { RegisterCommand } from './register-command.js';

const actions = async () => (await import('./remediate-actions.js')).remediateActions;

const DEFAULT_CONTROL = 'azure-defender-security-contact-email';

const DB_HELP = 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)';

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
    .addOption(fixedFormatOption(['table', 'json'], 'plan output'))
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
    .action(async (options) => (await actions()).plan(context, { ...options, defaultControl: DEFAULT_CONTROL }));

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
    .addOption(fixedFormatOption(['table', 'json'], 'summary output'))
    .action(async (runIdText, own) => (await actions()).rollback(context, runIdText, mergedOptions(own)));

  remediate
    .command('runs')
    .description('list the remediation runs: id, start, state (running, complete, stopped, failed, interrupted, rolled-back…), change counts, controls')
    .option('--db <location>', DB_HELP)
    .option('--tenant <id>', 'Microsoft Entra tenant to sign in to')
    .option('--no-reconcile', 'do not read back the contacts of pending changes (no Azure sign-in)')
    .addOption(fixedFormatOption(['table', 'json']))
    .action(async (own) => (await actions()).runs(context, mergedOptions(own)));
};
