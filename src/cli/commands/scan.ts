import type { Command } from '@commander-js/extra-typings';
import { addAzureOptions } from '../azure-options.js';
import { collectValues, type CliContext } from '../cli-context.js';
import { REPORT_FORMATS } from '../registry-names.js';
import { failOnOption, formatOption, outputOption } from '../common-options.js';
import type { RegisterCommand } from './register-command.js';

/** `ward scan`: its options here; what it does, in scan-actions.ts, loaded when the command runs. */
export const registerScan: RegisterCommand = (program, context: CliContext) => {
  const command = program
    .command('scan')
    .description('collect the inventory (live, or --offline from a capture), evaluate every control, store and report the findings')
    .option('--offline <dir>', 'read a capture directory instead of calling Azure')
    .option('--control <id>', 'evaluate only this control (repeatable)', collectValues)
    .option('--controls <dir>', 'load controls from this directory instead of the shipped ones')
    .option('--db <location>', 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)')
    .addOption(formatOption(REPORT_FORMATS, 'report format'))
    .addOption(outputOption('the report'))
    .addOption(failOnOption())
    .option('--config <file>', 'control parameters from this file (default: ./ward.yaml when present)')
    .option('--param <control-id.name=value>', 'set a control parameter, e.g. azure-defender-security-contact-alert-severity.minimalSeverity=Medium (repeatable)', collectValues)
    .option('--allow-empty', 'record a scan that finds no subscriptions instead of refusing it (exit 2)')
    .option('--all', 'table: list every subscription of each reason (default: the first 10 and a count of the rest)')
    .option('--queue', 'team mode: queue the scan for `ward worker`s on the PostgreSQL store, wait for it and report it as a local scan does')
    .option('--connector <name>', 'with --queue: scan only this configured connector (repeatable; default: every one)', collectValues)
    .option('--no-wait', 'with --queue: print the scan id and return at once')
    .option('--batch-size <n>', 'with --queue: subscriptions per batch job', '50')
    .option('--timings [file]', 'record when each phase of the scan happened (ms since the process started) and the peak RSS: a table on stderr, or JSON in FILE');
  addAzureOptions(command as unknown as Command);
  command.action(async (options) => (await import('./scan-actions.js')).runScanCommand(context, options));
};
