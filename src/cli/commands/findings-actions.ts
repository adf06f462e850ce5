/** What `ward findings` does; findings.ts registers the command and loads this module when it runs. */
import { WardError } from '../../core/errors.js';
import { FINDING_STATUSES, type FindingStatus } from '../../core/model.js';
import type { ReportFormat } from '../../reporters/index.js';
import type { ScanReport } from '../../reporters/scan-report.js';
import type { CliContext } from '../cli-context.js';
import { READS_ASSETS, READS_CHECKS, REPORTERS } from '../../reporters/index.js';
import { WARD_VERSION } from '../../reporters/scan-report.js';
import { listInventoryAssets } from '../../store/inventory-repository.js';
import { readCurrentFindings } from '../../scan/current-findings.js';
import { FAIL_ON, defaultFormatFor, emit, exitCodeFor, parseFormat, parseScanId, reportOptionsFor, withStore, type FailOn } from '../command-options.js';
import { describeControls, narrowControls } from '../control-options.js';
import { actorOf } from './actor-of.js';
import { REPORT_FORMATS } from '../registry-names.js';

/** The options of `ward findings` (see findings.ts). */
export interface FindingsFlags {
  readonly status?: string[] | undefined;
  readonly control?: string[] | undefined;
  readonly scan?: string | undefined;
  readonly trend?: string | undefined;
  readonly controls?: string | undefined;
  readonly db?: string | undefined;
  readonly format?: string | undefined;
  readonly output?: string | undefined;
  readonly failOn?: string | undefined;
  readonly actor?: string | undefined;
  readonly all?: boolean | undefined;
}

/**
 * `ward findings`: the current state, i.e. the latest complete scan (or `--scan ID`), with the exceptions on record
 * applied as of now, and each finding's first sighting and last status change.
 */
export async function runFindingsCommand(context: CliContext, options: FindingsFlags): Promise<void> {
  const format = parseFormat<ReportFormat>(options.format, REPORT_FORMATS, defaultFormatFor(context, options.output));
  const failOn = parseFormat<FailOn>(options.failOn, FAIL_ON, 'fail', '--fail-on');
  const statuses = (options.status ?? []).map((s) => parseFormat<FindingStatus>(s, FINDING_STATUSES, 'fail', '--status'));
  // the findings are read, no check is run: the checks are compiled only for the formats that show what they select
  const allControls = READS_CHECKS[format]
    ? (await import('../select-controls.js')).selectControls(context, options.controls, undefined)
    : describeControls(context, options.controls, undefined);
  if (options.control) narrowControls(allControls, options.control); // unknown ids are refused
  const trendScans = options.trend === undefined ? undefined : parseTrendScans(options.trend);
  const now = context.io.now();
  const report = await withStore(context, options.db, async (store): Promise<ScanReport> => {
    const { scan, findings, exceptions, trend } = await readCurrentFindings(store, {
      ...(options.scan === undefined ? {} : { scanId: parseScanId(options.scan, '--scan') }),
      now,
      actor: actorOf(context, options.actor),
      source: 'findings',
      ...(trendScans === undefined ? {} : { trendScans }),
    });
    const shown = findings.filter((f) => (statuses.length === 0 || statuses.includes(f.status)) && (!options.control || options.control.includes(f.controlId)));
    const present = new Set(shown.map((f) => f.controlId));
    return {
      tool: { name: 'ward', version: WARD_VERSION },
      scan: { id: scan.id, source: scan.source, startedAt: scan.startedAt.toISOString(), finishedAt: scan.finishedAt?.toISOString() ?? null },
      controls: allControls.filter((c) => present.has(c.id) || (options.control ?? []).includes(c.id)),
      findings: shown,
      asOf: now.toISOString(),
      trend,
      exceptions,
      // names and tags only: the contacts and raw ARM bodies are not the report's (2.6 s against 0.4 s at 20,000 subscriptions);
      // and only for the formats that show them
      ...(READS_ASSETS[format] ? { assets: await listInventoryAssets(store) } : {}),
    };
  });
  emit(context, REPORTERS[format](report, reportOptionsFor(context, options)), options.output);
  context.exitCode = exitCodeFor(report.findings.map((f) => f.status), failOn);
}

/** `--trend`: a whole number of scans, 1 to 3650 (ten years of daily scans). */
function parseTrendScans(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 3650) {
    throw new WardError('USAGE', `--trend takes a number of scans from 1 to 3650, got ${JSON.stringify(text)}`, { hint: 'e.g. --trend 365 for a year of daily scans' });
  }
  return Number(text);
}
