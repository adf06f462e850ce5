import type { Finding, FindingStatus } from '../core/model.js';
import { countByStatus, type Reporter } from './scan-report.js';

const COLOURS: Record<FindingStatus | 'dim' | 'bold', [number, number]> = {
  pass: [32, 39],
  fail: [31, 39],
  error: [35, 39],
  excepted: [36, 39],
  skipped: [90, 39],
  dim: [2, 22],
  bold: [1, 22],
};

function paint(colour: boolean, style: keyof typeof COLOURS, text: string): string {
  if (!colour) return text;
  const [open, close] = COLOURS[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** Pads cells to column widths; the last column is not padded. */
export function formatColumns(rows: readonly (readonly string[])[], gap = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!))).join(gap).trimEnd());
}

function assetLabel(finding: Finding): string {
  return finding.assetName ? `${finding.assetName} (${finding.assetId})` : finding.assetId;
}

/** The terminal report: a summary line per control, then what failed and what could not be read, with why. */
export const tableReporter: Reporter = (report, { colour }) => {
  const lines: string[] = [];
  const when = report.scan.finishedAt ?? report.scan.startedAt;
  lines.push(paint(colour, 'bold', `ward scan${report.scan.id === null ? '' : ` #${report.scan.id}`}`) + paint(colour, 'dim', `  ${report.scan.source}  ${when}`));
  lines.push('');
  const header = ['CONTROL', 'SEVERITY', 'PASS', 'FAIL', 'ERROR', 'EXCEPTED', 'SKIPPED'];
  const rows = report.controls.map((control) => {
    const counts = countByStatus(report.findings.filter((f) => f.controlId === control.id));
    return [control.id, control.severity, String(counts.pass), String(counts.fail), String(counts.error), String(counts.excepted), String(counts.skipped)];
  });
  const [head, ...body] = formatColumns([header, ...rows]);
  lines.push(paint(colour, 'dim', head!), ...body);

  for (const control of report.controls) {
    const mine = report.findings.filter((f) => f.controlId === control.id);
    const failing = mine.filter((f) => f.status === 'fail');
    const errors = mine.filter((f) => f.status === 'error');
    const excepted = mine.filter((f) => f.status === 'excepted');
    if (failing.length + errors.length + excepted.length === 0) continue;
    lines.push('', paint(colour, 'bold', `${control.id}: ${control.title}`));
    const detail = (finding: Finding): string[] => [
      paint(colour, 'dim', `        ${finding.reason}`),
      ...(finding.history ? [paint(colour, 'dim', `        first seen ${finding.history.firstSeen}, last change ${finding.history.lastChanged}`)] : []),
    ];
    for (const finding of failing) {
      const lapsed = finding.expiredException ? paint(colour, 'fail', `  (exception ${finding.expiredException.id} expired ${finding.expiredException.expires})`) : '';
      lines.push(`  ${paint(colour, 'fail', 'FAIL ')} ${assetLabel(finding)}${lapsed}`, ...detail(finding));
    }
    for (const finding of errors) lines.push(`  ${paint(colour, 'error', 'ERROR')} ${assetLabel(finding)}`, ...detail(finding));
    for (const finding of excepted) {
      const by = finding.exception ? paint(colour, 'dim', `  (${finding.exception.id}, owner ${finding.exception.owner}, until ${finding.exception.expires})`) : '';
      lines.push(`  ${paint(colour, 'excepted', 'EXCEPTED')} ${assetLabel(finding)}${by}`, ...detail(finding));
    }
    if (failing.length > 0) lines.push(paint(colour, 'dim', `  fix: ward controls show ${control.id}   (or plan it: ward remediate --control ${control.id}, with --email <address> when the fix adds one)`));
  }
  const totals = countByStatus(report.findings);
  lines.push(
    '',
    `${paint(colour, 'pass', `${totals.pass} pass`)}, ${paint(colour, 'fail', `${totals.fail} fail`)}, ${paint(colour, 'error', `${totals.error} error`)}, ` +
      `${paint(colour, 'excepted', `${totals.excepted} excepted`)}, ${paint(colour, 'skipped', `${totals.skipped} skipped`)}`,
  );
  return `${lines.join('\n')}\n`;
};
