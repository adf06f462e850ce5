import { jsonReporter } from './json-reporter.js';
import type { Reporter } from './scan-report.js';
import { tableReporter } from './table-reporter.js';

/** Every report format: one file and one line here. */
export const REPORTERS = {
  table: tableReporter,
  json: jsonReporter,
} as const satisfies Record<string, Reporter>;

export type ReportFormat = keyof typeof REPORTERS;
