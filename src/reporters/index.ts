import { csvReporter } from './csv-reporter.js';
import { htmlReporter } from './html-reporter.js';
import { jsonReporter } from './json-reporter.js';
import { junitReporter } from './junit-reporter.js';
import { ocsfReporter } from './ocsf-reporter.js';
import type { Reporter } from './scan-report.js';
import { sarifReporter } from './sarif-reporter.js';
import { tableReporter } from './table-reporter.js';

/** Every report format: one file and one line here. */
export const REPORTERS = {
  table: tableReporter,
  json: jsonReporter,
  csv: csvReporter,
  sarif: sarifReporter,
  junit: junitReporter,
  html: htmlReporter,
  ocsf: ocsfReporter,
} as const satisfies Record<string, Reporter>;

export type ReportFormat = keyof typeof REPORTERS;
