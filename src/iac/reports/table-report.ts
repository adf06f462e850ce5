import { resourceKey, summarizeIacScan, type IacStatus } from '../iac-finding.js';
import type { IacReport } from './iac-report.js';

const COLOURS = { red: '\u001b[31m', green: '\u001b[32m', yellow: '\u001b[33m', dim: '\u001b[2m', reset: '\u001b[0m' } as const;
const STATUS_COLOUR: Readonly<Record<IacStatus, keyof typeof COLOURS>> = { pass: 'green', fail: 'red', unknown: 'yellow' };

/** A terminal table: one line per (resource, control) with status, place and why; a resource's notes once below its lines; then a summary. */
export const tableReport: IacReport = (result, options) => {
  const paint = (colour: keyof typeof COLOURS, text: string): string => (options.colour ? `${COLOURS[colour]}${text}${COLOURS.reset}` : text);
  const rows = result.findings.map((finding) => ({
    key: resourceKey(finding),
    status: finding.status.toUpperCase(),
    colour: STATUS_COLOUR[finding.status],
    where: `${finding.file}:${finding.line}`,
    resource: finding.resource,
    control: finding.controlId,
    message: finding.message,
    notes: finding.notes ?? [],
  }));
  const statusWidth = Math.max(6, ...rows.map((row) => row.status.length));
  const whereWidth = Math.max(9, ...rows.map((row) => row.where.length));
  const resourceWidth = Math.max(8, ...rows.map((row) => row.resource.length));
  const controlWidth = Math.max(7, ...rows.map((row) => row.control.length));
  const lines: string[] = [];
  if (rows.length > 0) {
    lines.push(paint('dim', `${'STATUS'.padEnd(statusWidth)}  ${'FILE:LINE'.padEnd(whereWidth)}  ${'RESOURCE'.padEnd(resourceWidth)}  ${'CONTROL'.padEnd(controlWidth)}  MESSAGE`));
    rows.forEach((row, index) => {
      lines.push(`${paint(row.colour, row.status.padEnd(statusWidth))}  ${row.where.padEnd(whereWidth)}  ${row.resource.padEnd(resourceWidth)}  ${row.control.padEnd(controlWidth)}  ${row.message}`);
      if (rows[index + 1]?.key === row.key) return;
      for (const note of row.notes) lines.push(paint('dim', `${' '.repeat(statusWidth + 2)}note: ${note}`));
    });
  }
  for (const warning of result.warnings) lines.push(`${paint('yellow', 'WARNING')} ${warning.file}:${warning.line} ${warning.resource}: ${warning.message}`);
  for (const error of result.errors) {
    const where = error.line === undefined ? error.file : `${error.file}:${error.line}${error.column === undefined ? '' : `:${error.column}`}`;
    lines.push(`${paint('red', 'ERROR')} ${where}: ${error.message}`);
  }
  const summary = summarizeIacScan(result);
  if (summary.resources === 0 && summary.errors === 0) lines.push(`No security-contact resources found in ${summary.files} file(s).`);
  lines.push(
    `${summary.files} file(s), ${summary.resources} security contact(s), ${result.controls.length} control(s): ${paint('green', `${summary.pass} pass`)}, ` +
      `${paint('red', `${summary.fail} fail`)}, ${paint('yellow', `${summary.unknown} unknown`)}; ${summary.warnings} warning(s), ${summary.errors} input error(s)`,
  );
  return `${lines.join('\n')}\n`;
};
