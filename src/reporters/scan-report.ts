import type { ControlDescription, ExceptionRecord, Finding, FindingStatus, TrendPoint } from '../core/model.js';

/** What every reporter renders: one scan's findings with the controls they belong to. Pure data. */
export interface ScanReport {
  readonly tool: { readonly name: 'ward'; readonly version: string };
  readonly scan: {
    readonly id: number | null;
    readonly source: string;
    readonly startedAt: string;
    readonly finishedAt: string | null;
  };
  readonly controls: readonly ControlDescription[];
  readonly findings: readonly Finding[];
  /** When the report was made (ISO): exceptions are judged valid or expired as of then. Default: the scan's end. */
  readonly asOf?: string;
  /** Earlier complete scans, oldest first, for reports that show a trend (html). */
  readonly trend?: readonly TrendPoint[];
  /** The exceptions on record, for reports that list them (html). */
  readonly exceptions?: readonly ExceptionRecord[];
  /** The subscriptions the findings are about, with their tags (html shows `environment` and `owner`). */
  readonly assets?: readonly ReportAsset[];
}

export interface ReportAsset {
  readonly id: string;
  readonly name: string | null;
  readonly tags: Readonly<Record<string, string>>;
  /** The subscription's Microsoft Entra tenant, when known (OCSF's cloud.org). */
  readonly tenantId?: string | null;
}

/** One complete scan in a report's trend (defined with the model: the store reads it too). */
export type { TrendPoint };

export interface ReportOptions {
  /** ANSI colour (a terminal without NO_COLOR). */
  readonly colour: boolean;
  /** Text reports wrap to this many columns: stdout's columns on a terminal; 100 when absent (a file, a pipe). */
  readonly width?: number;
  /** Text reports list every subscription of a group instead of the first `limit` (`--all`). */
  readonly all?: boolean;
  /** How many subscriptions a text report lists per group before counting the rest (default 10). */
  readonly limit?: number;
}

/** The width text reports wrap to when the caller gives none (not a terminal). */
export const DEFAULT_REPORT_WIDTH = 100;

/**
 * A report's text: one string, or its pieces in order (a generator, read once), so that a report of many findings
 * is written as it is made instead of being held whole (the JSON report of 80,000 findings is 40 MB of text).
 */
export type ReportText = string | Generator<string, void, undefined>;

export type Reporter = (report: ScanReport, options: ReportOptions) => ReportText;

/** A reporter whose text is one string (every format but JSON, whose reports are the large ones). */
export type StringReporter = (report: ScanReport, options: ReportOptions) => string;

/** The whole text of a report (for callers that need it as one string: a test, a small download). */
export function reportString(text: ReportText): string {
  return typeof text === 'string' ? text : [...text].join('');
}

export const WARD_VERSION = '0.1.0';

export function countByStatus(findings: readonly Finding[]): Record<FindingStatus, number> {
  const counts: Record<FindingStatus, number> = { pass: 0, fail: 0, error: 0, excepted: 0, skipped: 0 };
  for (const finding of findings) counts[finding.status] += 1;
  return counts;
}

/** countByStatus per control, in one pass over the findings (a control without findings has no entry). */
export function countByControlAndStatus(findings: readonly Finding[]): Map<string, Record<FindingStatus, number>> {
  const byControl = new Map<string, Record<FindingStatus, number>>();
  for (const finding of findings) {
    let counts = byControl.get(finding.controlId);
    if (counts === undefined) byControl.set(finding.controlId, (counts = countByStatus([])));
    counts[finding.status] += 1;
  }
  return byControl;
}

/** `2026-03-10 09:00 UTC`: an ISO time as people read it (reports are read across time zones: always UTC). */
export function readableTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 10)} ${time.toISOString().slice(11, 16)} UTC`;
}
