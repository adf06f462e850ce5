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

/**
 * Whether a format's report shows the subscriptions' names and tags (`ScanReport.assets`): html (environment and
 * owner) and ocsf (the tenant). A reader that reads them from the store only for these saves the read of every
 * subscription (about 0.2 s at 20,000 of them); index.test.ts checks that the others' text is the same without them.
 */
export const READS_ASSETS: Readonly<Record<ReportFormat, boolean>> = {
  table: false,
  json: false,
  csv: false,
  sarif: false,
  junit: false,
  html: true,
  ocsf: true,
};

/**
 * Whether a format's report shows what a control's checks select: sarif (each rule's help is the control's page,
 * with every check's asset type and reasons) and ocsf (the resource's asset type). `ward findings` compiles the checks
 * (GraphQL, about 0.1 s of its start) only for these, and describes them for the others; index.test.ts checks that
 * the others' text is the same either way.
 */
export const READS_CHECKS: Readonly<Record<ReportFormat, boolean>> = {
  table: false,
  json: false,
  csv: false,
  sarif: true,
  junit: false,
  html: false,
  ocsf: true,
};
