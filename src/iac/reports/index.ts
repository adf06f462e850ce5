import type { IacReport } from './iac-report.js';
import { jsonReport } from './json-report.js';
import { junitReport } from './junit-report.js';
import { sarifReport } from './sarif-report.js';
import { tableReport } from './table-report.js';

/** Output formats of `ward iac`: name -> pure function of the scan result. */
export const IAC_REPORTS = { table: tableReport, json: jsonReport, sarif: sarifReport, junit: junitReport } as const satisfies Readonly<Record<string, IacReport>>;

export type IacReportName = keyof typeof IAC_REPORTS;
