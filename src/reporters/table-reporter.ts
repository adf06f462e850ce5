import type { ControlDescription, Finding, FindingStatus } from '../core/model.js';
import { EMAIL_CONTROL_ID } from '../core/remediation/planners/email-planner.js';
import { findingReason } from './finding-reason.js';
import { countByControlAndStatus, countByStatus, DEFAULT_REPORT_WIDTH, readableTime, type StringReporter } from './scan-report.js';
import { wrapText, wrapUnits } from './wrap-text.js';

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

/** Subscriptions listed per group unless `--all`. */
export const DEFAULT_GROUP_LIMIT = 10;

type OpenStatus = 'fail' | 'error' | 'excepted';
const OPEN_STATUSES: readonly OpenStatus[] = ['fail', 'error', 'excepted'];
const STATUS_WORD: Record<OpenStatus, string> = { fail: 'FAIL', error: 'ERROR', excepted: 'EXCEPTED' };

/** Findings of one control that share a status and a reason: they read as one entry and are fixed the same way. */
export interface FindingGroup {
  readonly status: OpenStatus;
  /** What the group's subscriptions have in common, in plain language. */
  readonly reason: string;
  /** A detail of the first finding that its reason leaves out (an error's message), for errors only. */
  readonly example?: string;
  readonly findings: readonly Finding[];
}

/** Tenant text on a terminal: control characters (escape sequences, line breaks) become spaces. */
const terminalText = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();

/** What a finding is grouped by, and the detail it keeps aside. */
function groupKey(finding: Finding & { status: OpenStatus }): { reason: string; example?: string } {
  if (finding.status === 'excepted' && finding.exception) {
    const x = finding.exception;
    return { reason: terminalText(`${x.id} (owner ${x.owner}, until ${x.expires}): ${x.reason}. Check result: ${findingReason(finding, { original: true })}`) };
  }
  // a failure whose exception lapsed reads as the others with its reason: the lapse is said per subscription
  const reason = terminalText(findingReason(finding, { original: finding.status === 'fail' && finding.expiredException !== undefined }));
  // errors name the subscription in their message: grouped by their code, one message shown as an example
  const read = finding.status === 'error' ? /^(could not read the data: [A-Za-z0-9_.]+): ([\s\S]+)$/.exec(reason) : null;
  return read ? { reason: read[1]!, example: read[2]! } : { reason };
}

/** The open findings of one control (fail, error, excepted), grouped by status and reason: most subscriptions first. */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, { status: OpenStatus; reason: string; example?: string; findings: Finding[] }>();
  for (const finding of findings) {
    if (!(OPEN_STATUSES as readonly FindingStatus[]).includes(finding.status)) continue;
    const open = finding as Finding & { status: OpenStatus };
    const { reason, example } = groupKey(open);
    const key = `${open.status}\u0000${reason}`;
    const group = groups.get(key);
    if (group) group.findings.push(finding);
    else groups.set(key, { status: open.status, reason, ...(example === undefined ? {} : { example }), findings: [finding] });
  }
  return [...groups.values()].sort((a, b) => OPEN_STATUSES.indexOf(a.status) - OPEN_STATUSES.indexOf(b.status) || b.findings.length - a.findings.length);
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The terminal report: a summary line per control, then per control what failed, what could not be read and what
 * is excepted, grouped by reason (one entry however many subscriptions share it), wrapped to the terminal width,
 * with the first `limit` subscriptions of each group and a count of the rest (`all` lists every one).
 */
export const tableReporter: StringReporter = (report, { colour, width: givenWidth, all = false, limit = DEFAULT_GROUP_LIMIT }) => {
  const width = Math.max(40, givenWidth ?? DEFAULT_REPORT_WIDTH);
  const dim = (text: string): string => paint(colour, 'dim', text);
  const lines: string[] = [];
  const when = report.scan.finishedAt ?? report.scan.startedAt;
  const [title, ...more] = wrapText(`ward scan${report.scan.id === null ? '' : ` #${report.scan.id}`} ${report.scan.source} ${readableTime(when)}`, width, '', '  ');
  lines.push(paint(colour, 'bold', title!), ...more);
  lines.push('');
  const header = ['CONTROL', 'SEVERITY', 'PASS', 'FAIL', 'ERROR', 'EXCEPTED', 'SKIPPED'];
  const byControl = countByControlAndStatus(report.findings);
  const rows = report.controls.map((control) => {
    const counts = byControl.get(control.id) ?? countByStatus([]);
    return [control.id, control.severity, String(counts.pass), String(counts.fail), String(counts.error), String(counts.excepted), String(counts.skipped)];
  });
  const [head, ...body] = formatColumns([header, ...rows]);
  lines.push(dim(head!), ...body);

  let shortened = false;
  for (const control of report.controls) {
    const groups = groupFindings(report.findings.filter((f) => f.controlId === control.id));
    if (groups.length === 0) continue;
    lines.push('', ...wrapText(`${control.id}: ${control.title}`, width, '', '  ').map((line) => paint(colour, 'bold', line)));
    for (const group of groups) shortened = renderGroup(lines, group, { colour, width, all, limit }) || shortened;
    if (groups.some((group) => group.status === 'fail')) lines.push(...fixLines(control, width).map(dim));
  }
  if (shortened) lines.push('', ...wrapText(`Only the first ${limit} subscriptions of each group are listed: --all lists every one (or --format json).`, width).map(dim));
  const totals = countByStatus(report.findings);
  lines.push(
    '',
    `${paint(colour, 'pass', `${totals.pass} pass`)}, ${paint(colour, 'fail', `${totals.fail} fail`)}, ${paint(colour, 'error', `${totals.error} error`)}, ` +
      `${paint(colour, 'excepted', `${totals.excepted} excepted`)}, ${paint(colour, 'skipped', `${totals.skipped} skipped`)}`,
  );
  return `${lines.join('\n')}\n`;
};

const GROUP_INDENT = '  ';
const LIST_INDENT = '      ';

/** One group: status and reason with its count, then its subscriptions. Says whether it left some out. */
function renderGroup(lines: string[], group: FindingGroup, options: { colour: boolean; width: number; all: boolean; limit: number }): boolean {
  const { colour, width, all, limit } = options;
  const word = STATUS_WORD[group.status];
  const label = wrapText(`${word} ${plural(group.findings.length, 'subscription')}: ${group.reason}`, width, GROUP_INDENT, LIST_INDENT);
  label[0] = label[0]!.replace(word, paint(colour, group.status, word));
  lines.push(...label);
  if (group.example) lines.push(...wrapText(`e.g. ${group.example}`, width, LIST_INDENT, `${LIST_INDENT}  `).map((line) => paint(colour, 'dim', line)));
  const shown = all ? group.findings : group.findings.slice(0, limit);
  for (const finding of shown) {
    const lapsed = finding.expiredException ? [`(exception ${terminalText(finding.expiredException.id)} expired on ${finding.expiredException.expires}: counted as a failure again)`] : [];
    const history = finding.history ? [`(first seen ${finding.history.firstSeen.slice(0, 10)}, last change ${finding.history.lastChanged.slice(0, 10)})`] : [];
    const name = finding.assetName ? terminalText(finding.assetName).split(' ') : [];
    lines.push(...wrapUnits([...name, terminalText(finding.assetId), ...lapsed, ...history], width, `${LIST_INDENT}- `, `${LIST_INDENT}  `));
  }
  const rest = group.findings.length - shown.length;
  if (rest > 0) lines.push(paint(colour, 'dim', `${LIST_INDENT}… and ${plural(rest, 'more subscription')}`));
  return rest > 0;
}

function fixLines(control: ControlDescription, width: number): string[] {
  return wrapText(
    `fix: ward remediate --control ${control.id}${control.id === EMAIL_CONTROL_ID ? ' --email <address>' : ''} plans it as a dry run; ward controls show ${control.id} explains it`,
    width,
    GROUP_INDENT,
    `${GROUP_INDENT}     `,
  );
}
