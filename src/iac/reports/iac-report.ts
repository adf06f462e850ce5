import type { IacScanResult } from '../iac-finding.js';

export interface IacReportOptions {
  /** ANSI colours (table only): on a terminal and without NO_COLOR. */
  readonly colour: boolean;
  readonly toolVersion: string;
}

/** A report format: a pure function of the scan result. */
export type IacReport = (result: IacScanResult, options: IacReportOptions) => string;
