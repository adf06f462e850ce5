import { FINDING_STATUSES } from '../../core/model.js';
import { collectValues, type CliContext } from '../cli-context.js';
import { REPORT_FORMATS } from '../registry-names.js';
import { failOnOption, formatOption, outputOption } from '../common-options.js';
import type { RegisterCommand } from './register-command.js';

/**
 * `ward findings`: the current state, i.e. the latest complete scan (or `--scan ID`), with the exceptions on record
 * applied as of now (an exception added or expired since the scan shows at once), and each finding's first
 * sighting and last status change.
 */
export const registerFindings: RegisterCommand = (program, context: CliContext) => {
  program
    .command('findings')
    .description('show the current findings (latest complete scan) with exceptions applied as of now, first seen and last change')
    .option('--status <status>', `only findings with this status (repeatable): ${FINDING_STATUSES.join(' | ')}`, collectValues)
    .option('--control <id>', 'only this control (repeatable)', collectValues)
    .option('--scan <id>', 'show this complete scan instead of the latest')
    .option('--trend <scans>', 'how many complete scans the report\'s trend covers, 1 to 3650 (default: 30)')
    .option('--controls <dir>', 'load controls from this directory instead of the shipped ones')
    .option('--db <location>', 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)')
    .addOption(formatOption(REPORT_FORMATS, 'report format'))
    .addOption(outputOption('the report'))
    .addOption(failOnOption())
    .option('--actor <name>', 'who is looking (recorded when an exception is found expired; default: $USER)')
    .option('--all', 'table: list every subscription of each reason (default: the first 10 and a count of the rest)')
    .action(async (options) => (await import('./findings-actions.js')).runFindingsCommand(context, options));
};
