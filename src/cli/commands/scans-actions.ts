/** What `ward scans` does; scans.ts registers it and loads this module when it runs. */
import { formatColumns } from '../../reporters/table-reporter.js';
import { listScans, type ScanRow } from '../../store/scan-repository.js';
import type { CliContext } from '../cli-context.js';
import { defaultFormatFor, emit, withStore } from '../command-options.js';

/** The options of `ward scans` (see scans.ts). */
export interface ScansFlags {
  readonly db?: string | undefined;
  readonly format?: 'table' | 'json' | undefined;
  readonly output?: string | undefined;
}

/** `ward scans`: every scan with its status and summary, as a table or JSON; a pruned or pinned scan says so (`prunedAt`, `pin`). */
async function listScansCommand(context: CliContext, options: ScansFlags): Promise<void> {
  const format = options.format ?? defaultFormatFor(context, options.output);
  const scans = await withStore(context, options.db, (store) => listScans(store));
  emit(context, format === 'json' ? scansJson(scans) : scansTable(scans), options.output);
}

function scansJson(scans: readonly ScanRow[]): string {
  const body = scans.map((s) => ({
    id: s.id,
    status: s.status,
    source: s.source,
    startedAt: s.startedAt.toISOString(),
    finishedAt: s.finishedAt?.toISOString() ?? null,
    error: s.error,
    summary: s.summary,
    ...(s.connectors === null ? {} : { connectors: s.connectors }),
    ...(s.prunedAt === null ? {} : { prunedAt: s.prunedAt.toISOString() }),
    ...(s.pin === null ? {} : { pin: { reason: s.pin.reason, pinnedBy: s.pin.pinnedBy, pinnedAt: s.pin.pinnedAt.toISOString() } }),
  }));
  return `${JSON.stringify(body, null, 2)}\n`;
}

function scansTable(scans: readonly ScanRow[]): string {
  if (scans.length === 0) return 'no scans yet (run ward scan)\n';
  const rows = scans.map((s) => {
    const by = s.summary?.byStatus;
    return [
      String(s.id),
      // its summary stays; ward findings --scan and ward diff --from refuse it
      [s.status, ...(s.prunedAt === null ? [] : ['pruned']), ...(s.pin === null ? [] : ['pinned'])].join(', '),
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

export const scansActions = { list: listScansCommand } as const;
