import type { Control, ExceptionRecord, Finding, FindingStatus } from '../core/model.js';

/** What every reporter renders: one scan's findings with the controls they belong to. Pure data. */
export interface ScanReport {
  readonly tool: { readonly name: 'ward'; readonly version: string };
  readonly scan: {
    readonly id: number | null;
    readonly source: string;
    readonly startedAt: string;
    readonly finishedAt: string | null;
  };
  readonly controls: readonly Control[];
  readonly findings: readonly Finding[];
  /** When the report was made (ISO): exceptions are judged valid or expired as of then. Default: the scan's end. */
  readonly asOf?: string;
  /** Earlier complete scans, oldest first, for reports that show a trend (html). */
  readonly trend?: readonly TrendPoint[];
  /** The exceptions on record, for reports that list them (html). */
  readonly exceptions?: readonly ExceptionRecord[];
}

export interface TrendPoint {
  readonly scanId: number;
  readonly finishedAt: string;
  readonly counts: Readonly<Record<FindingStatus, number>>;
}

export interface ReportOptions {
  /** ANSI colour (a terminal without NO_COLOR). */
  readonly colour: boolean;
}

export type Reporter = (report: ScanReport, options: ReportOptions) => string;

export const WARD_VERSION = '0.1.0';

export function countByStatus(findings: readonly Finding[]): Record<FindingStatus, number> {
  const counts: Record<FindingStatus, number> = { pass: 0, fail: 0, error: 0, excepted: 0, skipped: 0 };
  for (const finding of findings) counts[finding.status] += 1;
  return counts;
}
