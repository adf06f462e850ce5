/** What `ward diff` does; diff.ts registers it and loads this module when it runs. */
import type { DriftEntry, FindingsDiff } from '../../core/engine/diff-findings.js';
import { formatColumns } from '../../reporters/table-reporter.js';
import { scanDiff } from '../../scan/scan-diff.js';
import type { ScanRow } from '../../store/scan-repository.js';
import type { CliContext } from '../cli-context.js';
import { defaultFormatFor, emit, parseScanId, withStore } from '../command-options.js';

/** The options of `ward diff` (see diff.ts). */
export interface DiffFlags {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly db?: string | undefined;
  readonly format?: 'table' | 'json' | undefined;
  readonly output?: string | undefined;
  readonly failOnNew?: boolean | undefined;
}

/** `ward diff`: drift between two complete scans, as a table or JSON; exit 1 with --fail-on-new when something is new. */
async function runDiff(context: CliContext, options: DiffFlags): Promise<void> {
  const format = options.format ?? defaultFormatFor(context, options.output);
  const fromId = options.from === undefined ? undefined : parseScanId(options.from, '--from');
  const toId = options.to === undefined ? undefined : parseScanId(options.to, '--to');
  const { from, to, diff } = await withStore(context, options.db, (store) => scanDiff(store, fromId, toId));
  emit(context, format === 'json' ? diffJson(from, to, diff) : diffTable(from, to, diff), options.output);
  context.exitCode = options.failOnNew && diff.new.length > 0 ? 1 : 0;
}

const entryJson = (e: DriftEntry) => ({
  controlId: e.controlId,
  checkId: e.checkId,
  assetId: e.assetId,
  assetName: e.assetName,
  status: e.status,
  before: e.before,
  after: e.after,
  severity: e.severity,
  reason: e.reason,
});

function diffJson(from: ScanRow, to: ScanRow, diff: FindingsDiff): string {
  const body = {
    from: from.id,
    to: to.id,
    new: diff.new.map(entryJson),
    resolved: diff.resolved.map(entryJson),
    changed: diff.changed.map(entryJson),
    unchanged: diff.unchanged,
    outOfScope: diff.outOfScope,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

function diffTable(from: ScanRow, to: ScanRow, diff: FindingsDiff): string {
  const when = (s: ScanRow) => s.finishedAt?.toISOString() ?? s.startedAt.toISOString();
  const lines = [`ward diff: scan #${from.id} (${when(from)}) -> scan #${to.id} (${when(to)})`, ''];
  const label = (e: DriftEntry) => (e.assetName ? `${e.assetName} (${e.assetId})` : e.assetId);
  const section = (title: string, entries: readonly DriftEntry[]) => {
    lines.push(`${title} (${entries.length})`);
    if (entries.length === 0) return void lines.push('  none', '');
    const rows = entries.map((e) => ['  ' + e.controlId, `${e.before ?? 'absent'} -> ${e.after ?? 'absent'}`, label(e)]);
    lines.push(...formatColumns(rows), '');
  };
  section('NEW', diff.new);
  section('RESOLVED', diff.resolved);
  section('CHANGED', diff.changed);
  lines.push(`${diff.unchanged} unchanged` + (diff.outOfScope > 0 ? `, ${diff.outOfScope} not looked at since scan #${from.id} (narrowed scans only: neither resolved nor unchanged)` : ''));
  return `${lines.join('\n')}\n`;
}

export const diffActions = { diff: runDiff } as const;
