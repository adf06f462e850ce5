import { diffFindings, type DriftEntry, type FindingsDiff } from '../../core/engine/diff-findings.js';
import { WardError } from '../../core/errors.js';
import { formatColumns } from '../../reporters/table-reporter.js';
import { findingsOfScan, getScan, listCompleteScans, type ScanRow } from '../../store/scan-repository.js';
import type { SqlClient } from '../../store/sql-client.js';
import type { CliContext } from '../cli-context.js';
import { parseScanId } from './findings.js';
import type { RegisterCommand } from './index.js';

/**
 * `ward diff`: drift between two complete scans (by default the last two): new problems, resolved ones, problems
 * whose status changed, and how many findings did not move. JSON: {"from", "to", "new", "resolved", "changed", "unchanged", "outOfScope"}.
 */
export const registerDiff: RegisterCommand = (program, context: CliContext) => {
  program
    .command('diff')
    .description('drift between two complete scans (default: the last two): new, resolved and changed findings')
    .option('--from <scan>', 'the earlier scan (default: the complete scan before --to)')
    .option('--to <scan>', 'the later scan (default: the latest complete scan)')
    .option('--db <location>', 'store: a directory (embedded PGlite) or a postgres:// URL (default: $WARD_DB or ./.ward/db)')
    .option('--format <format>', 'table | json (default: table on a terminal, json otherwise)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--fail-on-new', 'exit 1 when the later scan has new problems (drift gate for CI)')
    .action(async (options) => {
      // command-options brings the control loader (graphql, yaml, ajv): loaded only when the command runs
      const { emit, parseFormat, withStore } = await import('../command-options.js');
      const format = parseFormat(options.format, ['table', 'json'] as const, context.io.stdout.isTTY || options.output ? 'table' : 'json');
      const { from, to, diff } = await withStore(context, options.db, async (store) => {
        const [from, to] = await pickScans(store, options.from, options.to);
        return { from, to, diff: diffFindings(await findingsOfScan(store, from.id), await findingsOfScan(store, to.id), to.scope) };
      });
      emit(context, format === 'json' ? diffJson(from, to, diff) : diffTable(from, to, diff), options.output);
      context.exitCode = options.failOnNew && diff.new.length > 0 ? 1 : 0;
    });
};

async function completeScan(store: SqlClient, text: string, flag: string): Promise<ScanRow> {
  const scan = await getScan(store, parseScanId(text, flag));
  if (!scan) throw new WardError('NOT_FOUND', `no scan ${text}`, { hint: 'ward scans lists them' });
  if (scan.status !== 'complete') throw new WardError('USAGE', `scan ${scan.id} is ${scan.status}: only complete scans can be compared`, { hint: 'ward scans lists them' });
  return scan;
}

async function pickScans(store: SqlClient, fromText: string | undefined, toText: string | undefined): Promise<[ScanRow, ScanRow]> {
  const complete = await listCompleteScans(store);
  const to = toText === undefined ? complete.at(-1) : await completeScan(store, toText, '--to');
  const from = fromText === undefined ? complete.filter((s) => to !== undefined && s.id < to.id).at(-1) : await completeScan(store, fromText, '--from');
  if (!to || !from) {
    throw new WardError('NOT_FOUND', `a diff needs two complete scans; the store has ${complete.length}${toText === undefined ? '' : ` before scan ${toText}`}`, {
      hint: 'run ward scan again after a change, or name them with --from and --to',
    });
  }
  return [from, to];
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
  lines.push(`${diff.unchanged} unchanged` + (diff.outOfScope > 0 ? `, ${diff.outOfScope} outside the scope of scan #${to.id} (not resolved: not looked at)` : ''));
  return `${lines.join('\n')}\n`;
}
