/** What `ward prune` does; prune.ts registers it and loads this module when it runs. */
import { formatColumns } from '../../reporters/table-reporter.js';
import { pruneScans, type PruneResult, type PruneRule } from '../../store/prune-repository.js';
import { usageError, type CliContext } from '../cli-context.js';
import { defaultFormatFor, emit, withStore } from '../command-options.js';

/** The options of `ward prune` (see prune.ts). */
export interface PruneFlags {
  readonly olderThan?: string | undefined;
  readonly keepScans?: string | undefined;
  readonly dryRun?: boolean | undefined;
  readonly db?: string | undefined;
  readonly format?: 'table' | 'json' | undefined;
  readonly output?: string | undefined;
}

const MAX_DAYS = 36500;
const MAX_SCANS = 100000;

/** `--older-than Nd`: a whole number of days, 1 to 36500, written with its `d`. */
export function parseOlderThan(text: string): number {
  const match = /^(\d{1,6})d$/.exec(text);
  const days = match ? Number(match[1]) : NaN;
  if (!(days >= 1 && days <= MAX_DAYS)) throw usageError(`--older-than takes a whole number of days such as 90d (1d to ${MAX_DAYS}d), got ${JSON.stringify(text)}`);
  return days;
}

/** `--keep-scans N`: a whole number, 1 to 100000. */
export function parseKeepScans(text: string): number {
  const scans = /^\d{1,7}$/.test(text) ? Number(text) : NaN;
  if (!(scans >= 1 && scans <= MAX_SCANS)) throw usageError(`--keep-scans takes a whole number of scans (1 to ${MAX_SCANS}), got ${JSON.stringify(text)}`);
  return scans;
}

/** Exactly one of --older-than and --keep-scans. */
export function parsePruneRule(options: Pick<PruneFlags, 'olderThan' | 'keepScans'>): PruneRule {
  if (options.olderThan !== undefined && options.keepScans !== undefined) throw usageError('give --older-than or --keep-scans, not both');
  if (options.olderThan !== undefined) return { olderThanDays: parseOlderThan(options.olderThan) };
  if (options.keepScans !== undefined) return { keepScans: parseKeepScans(options.keepScans) };
  throw usageError('say what to keep: --older-than <N>d or --keep-scans <N>', 'e.g. ward prune --older-than 90d --dry-run');
}

const ruleText = (rule: PruneRule): string => ('keepScans' in rule ? `--keep-scans ${rule.keepScans}` : `--older-than ${rule.olderThanDays}d`);

/** Bytes for people: B, KiB, MiB, GiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `ward prune`: removes (or with --dry-run only plans) the finding detail of old scans and says what it freed. */
async function runPrune(context: CliContext, options: PruneFlags): Promise<void> {
  const rule = parsePruneRule(options);
  const format = options.format ?? defaultFormatFor(context, options.output);
  const result = await withStore(context, options.db, (store) => pruneScans(store, { rule, now: context.io.now(), dryRun: options.dryRun === true }));
  emit(context, format === 'json' ? pruneJson(rule, result) : pruneTable(rule, result), options.output);
  context.exitCode = 0;
}

function pruneJson(rule: PruneRule, r: PruneResult): string {
  const body = {
    dryRun: r.dryRun,
    keep: rule,
    keptFrom: r.keptFrom ?? null,
    heldByPin: r.heldByPin === null ? null : { scan: r.heldByPin.scanId, reason: r.heldByPin.reason, pinnedBy: r.heldByPin.pinnedBy, pinnedAt: r.heldByPin.pinnedAt.toISOString() },
    scans: r.scans,
    beforeImages: r.beforeImages,
    goneFindings: r.goneFindings,
    databaseBytes: r.databaseBytes,
    unfinished: r.unfinished,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

function pruneTable(rule: PruneRule, r: PruneResult): string {
  const head = r.dryRun ? 'ward prune --dry-run' : 'ward prune';
  if (r.keptFrom === undefined) return `${head}: nothing to prune: no complete scan yet\n`;
  const held = r.heldByPin === null ? '' : `scan #${r.heldByPin.scanId} is pinned (${r.heldByPin.reason}): it and the scans after it keep their findings (ward unpin ${r.heldByPin.scanId} releases it)`;
  if (!r.changes) return `${head}: nothing to prune: no scan before #${r.keptFrom} holds findings (${ruleText(rule)})\n${held ? `${held}\n` : ''}`;
  const will = (done: string, planned: string) => (r.dryRun ? planned : done);
  const range = r.scans.count === 0 ? '' : r.scans.fromId === r.scans.toId ? ` (#${r.scans.fromId})` : ` (#${r.scans.fromId} to #${r.scans.toId})`;
  const size = r.databaseBytes.after === null ? `${formatBytes(r.databaseBytes.before)} now` : `${formatBytes(r.databaseBytes.before)} before, ${formatBytes(r.databaseBytes.after)} after`;
  const rows = [
    [`  ${will('scans pruned', 'scans to prune')}`, `${r.scans.count}${range}: their summaries stay in ward scans and the trend`],
    [`  ${will('before-images removed', 'before-images to remove')}`, `${r.beforeImages.rows} (${formatBytes(r.beforeImages.bytes)})`],
    [`  ${will('gone findings removed', 'gone findings to remove')}`, `${r.goneFindings.rows} (${formatBytes(r.goneFindings.bytes)})`],
    ['  database size', size],
  ];
  const lines = [
    `${head}: ${will('kept', 'would keep')} the findings of scan #${r.keptFrom} and later (${ruleText(rule)})${r.dryRun ? '; nothing was changed' : ''}`,
    ...formatColumns(rows),
  ];
  if (held) lines.push(held);
  if (r.dryRun && r.unfinished.length > 0) {
    lines.push(`a prune now would be refused: ${r.unfinished.map((s) => `scan #${s.id} is ${s.status}`).join(', ')}`);
  }
  lines.push(
    r.dryRun
      ? 'Run it without --dry-run to prune; the space freed is reused by later scans, the database files do not shrink.'
      : 'The space freed is reused by later scans (VACUUM ran); the database files on disk do not shrink.',
  );
  return `${lines.join('\n')}\n`;
}

export const pruneActions = { prune: runPrune } as const;
