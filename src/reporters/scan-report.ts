import type { Control, Finding, FindingStatus } from '../core/model.js';

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
