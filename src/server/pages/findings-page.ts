/**
 * `/findings`: the current state (what `ward findings` shows), filtered by the query string (status, control,
 * severity, framework, subscription, tag), sorted and paginated; `/findings.csv`, `.json` and `.sarif` export the
 * same filtered list, whole, through the reporters the CLI uses.
 */
import { splitFailureReason } from '../../core/engine/failure-reason.js';
import { FINDING_STATUSES, type Control, type Finding, type FindingStatus, type Severity } from '../../core/model.js';
import { REPORTERS } from '../../reporters/index.js';
import { readableTime, reportString, WARD_VERSION, type ScanReport } from '../../reporters/scan-report.js';
import type { CurrentFindings } from '../../scan/current-findings.js';
import type { SqlClient } from '../../store/sql-client.js';
import { assetCell, currentOrNone, e, hrefWith, noScanPage, pager, paginate, pill, renderPage, table } from './page-layout.js';
import { assetIdsWithTag, controlIdsInFrameworks } from '../finding-filters.js';
import type { PageHandler, PageRequest } from './page-request.js';

/** Code-unit order for ids: a locale-aware compare costs far more over tens of thousands of rows. */
const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Names sort as people read them; one collator, built once (localeCompare builds one per call). */
const NAMES = new Intl.Collator();

const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'informational'];
const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, informational: 4 };
const STATUS_RANK: Record<FindingStatus, number> = { fail: 0, error: 1, excepted: 2, pass: 3, skipped: 4 };

export const FINDING_SORTS = {
  severity: { label: 'Severity, then status', compare: (a: Finding, b: Finding) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || STATUS_RANK[a.status] - STATUS_RANK[b.status] },
  status: { label: 'Status', compare: (a: Finding, b: Finding) => STATUS_RANK[a.status] - STATUS_RANK[b.status] },
  control: { label: 'Control', compare: (a: Finding, b: Finding) => byCode(a.controlId, b.controlId) },
  subscription: { label: 'Subscription name', compare: (a: Finding, b: Finding) => NAMES.compare(a.assetName ?? '', b.assetName ?? '') },
  'first-seen': { label: 'First seen, oldest first', compare: (a: Finding, b: Finding) => byCode(a.history?.firstSeen ?? '', b.history?.firstSeen ?? '') },
  'last-change': { label: 'Last change, newest first', compare: (a: Finding, b: Finding) => byCode(b.history?.lastChanged ?? '', a.history?.lastChanged ?? '') },
} as const satisfies Record<string, { label: string; compare: (a: Finding, b: Finding) => number }>;
export type FindingSort = keyof typeof FINDING_SORTS;

/** The filters as the query string gives them; an empty or unknown value filters nothing. */
export interface FindingFilters {
  readonly status: FindingStatus | '';
  readonly control: string;
  readonly severity: Severity | '';
  readonly framework: string;
  /** Part of a subscription's id or name, any case. */
  readonly subscription: string;
  /** `key` (the tag is set) or `key=value` (any case for the key, the value exactly). */
  readonly tag: string;
  readonly sort: FindingSort;
}

export function readFilters(url: URL): FindingFilters {
  const get = (name: string) => (url.searchParams.get(name) ?? '').trim();
  const status = get('status');
  const severity = get('severity');
  const sort = get('sort');
  return {
    status: (FINDING_STATUSES as readonly string[]).includes(status) ? (status as FindingStatus) : '',
    control: get('control'),
    severity: (SEVERITIES as readonly string[]).includes(severity) ? (severity as Severity) : '',
    framework: get('framework'),
    subscription: get('subscription'),
    tag: get('tag'),
    sort: Object.hasOwn(FINDING_SORTS, sort) ? (sort as FindingSort) : 'severity',
  };
}

export async function filterFindings(client: SqlClient, controls: readonly Control[], findings: readonly Finding[], filters: FindingFilters): Promise<Finding[]> {
  const frameworkControls = filters.framework ? controlIdsInFrameworks(controls, [filters.framework]) : undefined;
  const tagged = filters.tag ? await assetIdsWithTag(client, filters.tag) : undefined;
  const subscription = filters.subscription.toLowerCase();
  const shown = findings.filter(
    (f) =>
      (!filters.status || f.status === filters.status) &&
      (!filters.control || f.controlId === filters.control) &&
      (!filters.severity || f.severity === filters.severity) &&
      (!frameworkControls || frameworkControls.has(f.controlId)) &&
      (!subscription || f.assetId.toLowerCase().includes(subscription) || (f.assetName ?? '').toLowerCase().includes(subscription)) &&
      (!tagged || tagged.has(f.assetId.toLowerCase())),
  );
  const compare = FINDING_SORTS[filters.sort].compare;
  // ties keep a stable, readable order: by control, then subscription id
  return shown.sort((a, b) => compare(a, b) || byCode(a.controlId, b.controlId) || byCode(a.assetId, b.assetId));
}

function option(value: string, label: string, selected: string): string {
  return `<option value="${e(value)}"${value === selected ? ' selected' : ''}>${e(label)}</option>`;
}

function filterForm(controls: readonly Control[], filters: FindingFilters): string {
  const frameworks = [...new Set(controls.flatMap((c) => c.frameworks.map((f) => f.framework)))].sort();
  const select = (name: string, label: string, options: string) =>
    `<div><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">${options}</select></div>`;
  return `<form class="filters" method="get" action="/findings" aria-label="Filter findings">
${select('status', 'Status', option('', 'Any', filters.status) + FINDING_STATUSES.map((s) => option(s, s, filters.status)).join(''))}
${select('control', 'Control', option('', 'Any', filters.control) + controls.map((c) => option(c.id, c.id, filters.control)).join(''))}
${select('severity', 'Severity', option('', 'Any', filters.severity) + SEVERITIES.map((s) => option(s, s, filters.severity)).join(''))}
${select('framework', 'Framework', option('', 'Any', filters.framework) + frameworks.map((f) => option(f, f, filters.framework)).join(''))}
<div><label for="f-subscription">Subscription (id or name)</label><input id="f-subscription" name="subscription" value="${e(filters.subscription)}"></div>
<div><label for="f-tag">Tag (key or key=value)</label><input id="f-tag" name="tag" value="${e(filters.tag)}"></div>
${select('sort', 'Sort by', Object.entries(FINDING_SORTS).map(([value, s]) => option(value, s.label, filters.sort)).join(''))}
<div class="actions"><button type="submit">Apply</button> <a href="/findings">Clear</a></div>
</form>`;
}

const historyCell = (f: Finding): string =>
  f.history
    ? `<span class="note">first seen ${e(readableTime(f.history.firstSeen))}<br>last change ${e(readableTime(f.history.lastChanged))}${f.history.changes > 0 ? ` (${f.history.changes} change${f.history.changes === 1 ? '' : 's'})` : ''}</span>`
    : '';

/** A finding's row: status, control, subscription, why, history (shared with the subscription page). */
export function findingRow(f: Finding, { subscription = true } = {}): string {
  const reason = e(splitFailureReason(f.reason).text);
  const expired = f.expiredException ? `<br><span class="pill expired">exception ${e(f.expiredException.id)} expired</span>` : '';
  return `<tr><td>${pill(f.status)}${expired}</td><td class="control-id"><a href="/controls/${encodeURIComponent(f.controlId)}"><code>${e(f.controlId)}</code></a></td><td><span class="sev ${e(f.severity)}">${e(f.severity)}</span></td>${subscription ? `<td>${assetCell(f.assetId, f.assetName)}</td>` : ''}<td>${reason}</td><td class="history">${historyCell(f)}</td></tr>`;
}

export const findingsPage: PageHandler = async (request) => {
  const current = await currentOrNone(request.context);
  if (!current) return noScanPage(request, 'Findings', 'findings');
  const filters = readFilters(request.url);
  const shown = await filterFindings(request.context.store, request.context.controls, current.findings, filters);
  const slice = paginate(shown, request.url);
  const exportHref = (ext: string) => e(hrefWith(new URL(`/findings.${ext}${request.url.search}`, request.url), { page: undefined, size: undefined }));
  const rows = slice.rows.map((f) => findingRow(f));
  const body = `<p class="lede">Scan #${current.scan.id} with the exceptions on record applied as of now: the same list as <code>ward findings</code>.</p>
${filterForm(request.context.controls, filters)}
<p class="exports">Export these ${shown.length} findings: <a href="${exportHref('csv')}">CSV</a> <a href="${exportHref('json')}">JSON</a> <a href="${exportHref('sarif')}">SARIF</a></p>
${pager(request.url, slice, 'findings')}
${rows.length === 0 ? '<p class="muted">No finding matches these filters.</p>' : table('Findings matching the filters', ['Status', 'Control', 'Severity', 'Subscription', 'Why', 'History'], rows)}
${slice.pages > 1 ? pager(request.url, slice, 'findings') : ''}`;
  return renderPage(request, { title: 'Findings', section: 'findings', body });
};

function reportOf(request: PageRequest, current: CurrentFindings, findings: readonly Finding[]): ScanReport {
  const present = new Set(findings.map((f) => f.controlId));
  const { scan } = current;
  return {
    tool: { name: 'ward', version: WARD_VERSION },
    scan: { id: scan.id, source: scan.source, startedAt: scan.startedAt.toISOString(), finishedAt: scan.finishedAt?.toISOString() ?? null },
    controls: request.context.controls.filter((c) => present.has(c.id)),
    findings,
    asOf: request.context.now().toISOString(),
    trend: current.trend,
    exceptions: current.exceptions,
  };
}

const EXPORTS = {
  csv: { reporter: REPORTERS.csv, type: 'text/csv; charset=utf-8' },
  json: { reporter: REPORTERS.json, type: 'application/json; charset=utf-8' },
  sarif: { reporter: REPORTERS.sarif, type: 'application/sarif+json; charset=utf-8' },
} as const;

/** `/findings.<format>`: the filtered list, whole, as a download named after the scan. */
export function findingsExport(format: keyof typeof EXPORTS): PageHandler {
  return async (request) => {
    const current = await currentOrNone(request.context);
    if (!current) return noScanPage(request, 'Findings', 'findings');
    const shown = await filterFindings(request.context.store, request.context.controls, current.findings, readFilters(request.url));
    const { reporter, type } = EXPORTS[format];
    const text = reportString(reporter(reportOf(request, current, shown), { colour: false }));
    return new Response(text, {
      status: 200,
      headers: { 'content-type': type, 'content-disposition': `attachment; filename="ward-findings-scan-${current.scan.id}.${format}"`, 'cache-control': 'no-store' },
    });
  };
}
