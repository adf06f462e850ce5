import { formatColumns } from '../../reporters/table-reporter.js';
import type { ScanRow } from '../../store/scan-repository.js';
import type { CliContext } from '../cli-context.js';
import type { RegisterCommand } from './index.js';

/** `ward scans`: every scan with its status (running, complete, failed, interrupted) and summary. */
export const registerScans: RegisterCommand = (program, context: CliContext) => {
  program
    .command('scans')
    .description('list the scans with their status (running, complete, failed, interrupted) and summary')
    .option('--db <location>', 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)')
    .option('--format <format>', 'table | json')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (options) => {
      const [{ emit, parseFormat, withStore }, { listScans }] = await Promise.all([import('../command-options.js'), import('../../store/scan-repository.js')]);
      const format = parseFormat(options.format, ['table', 'json'] as const, 'table');
      const scans = await withStore(context, options.db, (store) => listScans(store));
      emit(context, format === 'json' ? scansJson(scans) : scansTable(scans), options.output);
    });
};

function scansJson(scans: readonly ScanRow[]): string {
  const body = scans.map((s) => ({
    id: s.id,
    status: s.status,
    source: s.source,
    startedAt: s.startedAt.toISOString(),
    finishedAt: s.finishedAt?.toISOString() ?? null,
    error: s.error,
    summary: s.summary,
  }));
  return `${JSON.stringify(body, null, 2)}\n`;
}

function scansTable(scans: readonly ScanRow[]): string {
  if (scans.length === 0) return 'no scans yet (run ward scan)\n';
  const rows = scans.map((s) => {
    const by = s.summary?.byStatus;
    return [
      String(s.id),
      s.status,
      s.finishedAt?.toISOString() ?? s.startedAt.toISOString(),
      by ? String(by.pass) : '',
      by ? String(by.fail) : '',
      by ? String(by.error) : '',
      by ? String(by.excepted) : '',
      by ? String(by.skipped) : '',
      s.error ? `${s.source}  (${s.error})` : s.source,
    ];
  });
  return `${formatColumns([['SCAN', 'STATUS', 'FINISHED', 'PASS', 'FAIL', 'ERROR', 'EXCEPTED', 'SKIPPED', 'SOURCE'], ...rows]).join('\n')}\n`;
}
