import type { Finding } from '../core/model.js';
import type { StringReporter } from './scan-report.js';
import { findingReason, matchedFilters } from './finding-reason.js';

/** The columns, in order; the first seven are the json reporter's finding fields. */
export const CSV_COLUMNS = [
  'controlId', 'checkId', 'assetId', 'assetName', 'status', 'reason', 'severity',
  'originalStatus', 'exceptionId', 'exceptionOwner', 'exceptionExpires', 'exceptionReason', 'expiredExceptionId', 'expiredExceptionExpires',
  'firstSeen', 'lastChanged', 'scanId', 'matched', 'connector',
] as const;

/**
 * One RFC 4180 field: quoted when it holds a comma, a quote, CR or LF, with quotes doubled. A value that a
 * spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a leading apostrophe: asset names
 * come from tenants, and a CSV is often opened in Excel.
 */
export function csvField(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per finding, CRLF line ends (RFC 4180), a header row first. */
export const csvReporter: StringReporter = (report) => {
  const row = (f: Finding): (string | number | null | undefined)[] => [
    f.controlId, f.checkId, f.assetId, f.assetName, f.status, findingReason(f), f.severity,
    f.originalStatus, f.exception?.id, f.exception?.owner, f.exception?.expires, f.exception?.reason, f.expiredException?.id, f.expiredException?.expires,
    f.history?.firstSeen, f.history?.lastChanged, report.scan.id, matchedFilters(f).map((m) => `${m.checkId}: ${m.filter}`).join('\n'), f.connector,
  ];
  const lines = [CSV_COLUMNS.join(','), ...report.findings.map((f) => row(f).map(csvField).join(','))];
  return `${lines.join('\r\n')}\r\n`;
};
