import { exceptionIsActive } from '../core/engine/apply-exceptions.js';
import type { ControlDescription, ExceptionRecord, Finding, FindingStatus } from '../core/model.js';
import { EMAIL_CONTROL_ID } from '../core/remediation/planners/email-planner.js';
import { countByStatus, readableTime, type ReportAsset, type StringReporter, type ScanReport, type TrendPoint } from './scan-report.js';
import { findingReason } from './finding-reason.js';

/**
 * One self-contained HTML page for people: no scripts, no external assets (inline CSS and SVG), readable in a
 * browser, a mail client or printed. Every text that reaches it is escaped: asset names and tags come from tenants.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const NEEDS_ESCAPE = /[&<>"']/;
export function escapeHtml(value: unknown): string {
  const text = String(value ?? '');
  return NEEDS_ESCAPE.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : text;
}
const e = escapeHtml;

/** Only https links, escaped: a reference URL is data too. */
const safeUrl = (url: string): string => (/^https:\/\//i.test(url) ? e(url) : '#');

const STATUS_ORDER: readonly FindingStatus[] = ['pass', 'fail', 'error', 'excepted', 'skipped'];
export const STATUS_LABEL: Record<FindingStatus, string> = { pass: 'Pass', fail: 'Fail', error: 'Error', excepted: 'Excepted', skipped: 'Skipped' };
export const STATUS_COLOUR: Record<FindingStatus, string> = { pass: '#1a7f37', fail: '#cf222e', error: '#8250df', excepted: '#bf8700', skipped: '#8c959f' };

/** The report's stylesheet; `ward serve` builds its own on it (src/server/pages/page-css.ts), so both look alike. */
export const CSS = `
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--panel:#f6f8fa;--accent:#0969da}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--ink);background:#fff}
main{max-width:1120px;margin:0 auto;padding:32px 40px 48px}
header.top{display:flex;justify-content:space-between;align-items:flex-end;border-bottom:3px solid var(--ink);padding-bottom:14px;margin-bottom:24px}
header.top h1{font-size:26px;margin:0;letter-spacing:-.01em;white-space:nowrap}
header.top .brand{font-weight:700;color:var(--accent);font-size:13px;letter-spacing:.08em;text-transform:uppercase}
header.top .meta{text-align:right;color:var(--muted);font-size:12.5px;max-width:60%;overflow-wrap:anywhere}
h2{font-size:18px;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:22px 0 8px}
.cards{display:grid;grid-template-columns:repeat(6,1fr);gap:12px;margin:8px 0 8px}
.card{border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:#fff}
.card .n{font-size:26px;font-weight:700;line-height:1.1}
.card .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.05em}
.card.score{background:var(--panel)}
.charts{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.6fr);gap:20px;margin-top:16px}
.panel{border:1px solid var(--line);border-radius:8px;padding:14px 16px}
.panel h3{margin:0 0 8px;font-size:13px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
table{border-collapse:collapse;width:100%;font-size:13px}
th{text-align:left;font-weight:600;color:var(--muted);font-size:11.5px;text-transform:uppercase;letter-spacing:.04em;border-bottom:2px solid var(--line);padding:6px 8px}
td{border-bottom:1px solid var(--line);padding:7px 8px;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:11.5px;overflow-wrap:anywhere}
.asset{white-space:nowrap}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:11.5px;font-weight:600;color:#fff;white-space:nowrap}
.pill.pass{background:${STATUS_COLOUR.pass}}.pill.fail{background:${STATUS_COLOUR.fail}}.pill.error{background:${STATUS_COLOUR.error}}
.pill.excepted{background:${STATUS_COLOUR.excepted}}.pill.skipped{background:${STATUS_COLOUR.skipped}}.pill.expired{background:#953800}
.sev{display:inline-block;padding:0 6px;border:1px solid var(--line);border-radius:4px;font-size:11.5px;text-transform:capitalize}
.sev.critical,.sev.high{border-color:#cf222e;color:#cf222e}.sev.medium{border-color:#bf8700;color:#9a6700}
.bar{display:flex;height:8px;border-radius:4px;overflow:hidden;background:var(--panel);min-width:120px}
.bar span{display:block;height:100%}
.control{border:1px solid var(--line);border-left:4px solid ${STATUS_COLOUR.fail};border-radius:8px;padding:4px 18px 14px;margin:16px 0;page-break-inside:avoid}
.control.ok{border-left-color:${STATUS_COLOUR.pass}}
.fix{background:var(--panel);border-radius:6px;padding:10px 14px;margin-top:12px}
.fix ol{margin:6px 0 0 18px;padding:0}
.fix li{margin:2px 0}
.muted{color:var(--muted)}
.note{color:var(--muted);font-size:12.5px}
.legend{display:flex;gap:14px;flex-wrap:wrap;font-size:12px;color:var(--muted);margin-top:6px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
details{margin-top:10px}
summary{cursor:pointer;color:var(--accent);font-size:13px}
.tag{display:inline-block;margin:3px 4px 0 0;padding:0 6px;border-radius:4px;background:var(--panel);border:1px solid var(--line);font-size:11.5px;color:var(--ink)}
.cmd{display:block;overflow-wrap:anywhere;background:var(--panel);border-radius:4px;padding:4px 6px}
.cmd span{white-space:nowrap}
footer{margin-top:40px;padding-top:12px;border-top:1px solid var(--line);color:var(--muted);font-size:12px}
@media print{main{padding:0}.control{break-inside:avoid}}
`;

export { readableTime };

/** Whole days from `from` to `to` (ISO times), never negative. */
const daysBetween = (from: string, to: Date): number => Math.max(0, Math.floor((to.getTime() - Date.parse(from)) / 86_400_000));
const ageText = (days: number): string => (days === 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`);

const pct = (part: number, whole: number): string => (whole === 0 ? '–' : `${Math.round((part / whole) * 100)}%`);
/** Compliance: passing among the assets that were judged (excepted count as not passing; skipped are left out). */
const judged = (c: Record<FindingStatus, number>): number => c.pass + c.fail + c.error + c.excepted;

function statusBar(counts: Record<FindingStatus, number>): string {
  const total = STATUS_ORDER.reduce((n, s) => n + counts[s], 0);
  if (total === 0) return '<div class="bar"></div>';
  const parts = STATUS_ORDER.filter((s) => counts[s] > 0)
    .map((s) => `<span style="width:${((counts[s] / total) * 100).toFixed(2)}%;background:${STATUS_COLOUR[s]}" title="${e(`${counts[s]} ${s}`)}"></span>`)
    .join('');
  return `<div class="bar">${parts}</div>`;
}

const legend = (statuses: readonly FindingStatus[] = STATUS_ORDER): string =>
  `<div class="legend">${statuses.map((s) => `<span><i style="background:${STATUS_COLOUR[s]}"></i>${STATUS_LABEL[s]}</span>`).join('')}</div>`;

/** A donut of the current status counts, as inline SVG. */
function donut(counts: Record<FindingStatus, number>): string {
  const total = STATUS_ORDER.reduce((n, s) => n + counts[s], 0);
  const r = 62;
  const circumference = 2 * Math.PI * r;
  let offset = 0;
  const arcs = STATUS_ORDER.filter((s) => counts[s] > 0).map((s) => {
    const length = (counts[s] / total) * circumference;
    const arc = `<circle r="${r}" cx="90" cy="90" fill="none" stroke="${STATUS_COLOUR[s]}" stroke-width="26" stroke-dasharray="${length.toFixed(3)} ${(circumference - length).toFixed(3)}" stroke-dashoffset="${(-offset).toFixed(3)}" transform="rotate(-90 90 90)"><title>${e(`${STATUS_LABEL[s]}: ${counts[s]}`)}</title></circle>`;
    offset += length;
    return arc;
  });
  const score = pct(counts.pass, judged(counts));
  return `<svg role="img" aria-label="${e(`Status of ${total} findings`)}" width="180" height="180" viewBox="0 0 180 180" xmlns="http://www.w3.org/2000/svg">
<circle r="${r}" cx="90" cy="90" fill="none" stroke="#eaeef2" stroke-width="26"/>${arcs.join('')}
<text x="90" y="88" text-anchor="middle" font-size="26" font-weight="700" fill="#1f2328">${e(score)}</text>
<text x="90" y="108" text-anchor="middle" font-size="11" fill="#59636e">compliant</text></svg>`;
}

/**
 * Stacked bars of each full scan's counts, oldest to newest, with the compliance % of each as a line (right axis),
 * as inline SVG. Narrowed scans are left out (their counts cover part of the tenant) and named under the chart.
 * Labels give the scan number and its time on two lines, and are thinned so that they never overlap.
 */
function trendChart(allPoints: readonly TrendPoint[]): string {
  const trend = allPoints.filter((point) => !point.narrowed);
  const narrowed = allPoints.filter((point) => point.narrowed);
  const narrowedNote = narrowed.length === 0
    ? ''
    : `<p class="note">Not shown: ${narrowed.length === 1 ? 'scan' : 'scans'} ${narrowed.map((p) => `#${p.scanId}`).join(', ')}, narrowed to some subscriptions (<code>--subscription</code> / <code>--management-group</code>): ${narrowed.length === 1 ? 'its counts cover' : 'their counts cover'} only part of the tenant.</p>`;
  if (trend.length === 0) return `<p class="note">No earlier full scans yet: the trend starts with the next scan.</p>${narrowedNote}`;
  const statuses: FindingStatus[] = ['pass', 'excepted', 'error', 'fail'];
  const width = 560;
  const height = 210;
  const left = 36;
  const right = 40;
  const bottom = 40;
  const top = 10;
  const plotH = height - bottom - top;
  const plotW = width - left - right;
  const max = Math.max(1, ...trend.map((t) => statuses.reduce((n, s) => n + t.counts[s], 0)));
  const step = plotW / trend.length;
  const barW = Math.min(42, step * 0.62);
  const ticks = [0, Math.round(max / 2), max];
  const grid = ticks
    .map((v) => {
      const y = top + plotH - (v / max) * plotH;
      return `<line x1="${left}" x2="${width - right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#eaeef2"/><text x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="10" fill="#59636e">${v}</text>`;
    })
    .join('');
  const percentAxis = [0, 50, 100]
    .map((v) => `<text x="${width - right + 6}" y="${(top + plotH - (v / 100) * plotH + 4).toFixed(1)}" font-size="10" fill="#0969da">${v}%</text>`)
    .join('');
  // a label is about 62 user units wide: label every k-th scan, counted back from the newest, which is always labelled
  const every = Math.max(1, Math.ceil(62 / step));
  const centre = (i: number): number => left + i * step + step / 2;
  const compliance = (point: TrendPoint): number | null => {
    const whole = judged(point.counts as Record<FindingStatus, number>);
    return whole === 0 ? null : point.counts.pass / whole;
  };
  const bars = trend
    .map((point, i) => {
      const x = centre(i) - barW / 2;
      let y = top + plotH;
      const share = compliance(point);
      const title = `scan #${point.scanId}, ${readableTime(point.finishedAt)}: ${statuses.map((s) => `${point.counts[s]} ${s}`).join(', ')}${share === null ? '' : `, ${Math.round(share * 100)}% compliant`}`;
      const rects = statuses
        .filter((s) => point.counts[s] > 0)
        .map((s) => {
          const h = (point.counts[s] / max) * plotH;
          y -= h;
          return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${STATUS_COLOUR[s]}"></rect>`;
        })
        .join('');
      const time = point.finishedAt.slice(5, 16).replace('T', ' ');
      const label = (trend.length - 1 - i) % every === 0
        ? `<text x="${centre(i).toFixed(1)}" y="${height - bottom + 14}" text-anchor="middle" font-size="10" fill="#59636e"><tspan x="${centre(i).toFixed(1)}">${e(`#${point.scanId}`)}</tspan><tspan x="${centre(i).toFixed(1)}" dy="12">${e(time)}</tspan></text>`
        : '';
      return `<g><title>${e(title)}</title>${rects}</g>${label}`;
    })
    .join('');
  const line = trend
    .map((point, i) => ({ i, share: compliance(point) }))
    .filter((p): p is { i: number; share: number } => p.share !== null)
    .map((p) => `${centre(p.i).toFixed(1)},${(top + plotH - p.share * plotH).toFixed(1)}`);
  const complianceLine = line.length === 0
    ? ''
    : `<polyline points="${line.join(' ')}" fill="none" stroke="#0969da" stroke-width="2"/>${line.map((xy) => `<circle cx="${xy.split(',')[0]}" cy="${xy.split(',')[1]}" r="3" fill="#0969da"/>`).join('')}`;
  const chartLegend = `<div class="legend">${(['pass', 'fail', 'error', 'excepted'] as const).map((s) => `<span><i style="background:${STATUS_COLOUR[s]}"></i>${STATUS_LABEL[s]}</span>`).join('')}<span><i style="background:#0969da;height:3px;vertical-align:3px"></i>Compliant (right axis)</span></div>`;
  return `<svg role="img" aria-label="${e(`Findings and compliance per full scan, scans #${trend[0]!.scanId} to #${trend[trend.length - 1]!.scanId}`)}" width="100%" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${grid}${percentAxis}${bars}${complianceLine}</svg>${chartLegend}${narrowedNote}`;
}

/** The `ward remediate` dry run that plans the fix of one subscription for one control. */
export function remediateCommand(control: ControlDescription, assetId: string, source: string): string {
  const subscription = subscriptionOf(assetId);
  const offline = source.startsWith('offline:') ? ` --offline ${shellWord(source.slice('offline:'.length))}` : '';
  const email = control.id === EMAIL_CONTROL_ID ? ' --email <address>' : '';
  return `ward remediate --control ${shellWord(control.id)} --subscription ${shellWord(subscription)}${email}${offline}`;
}

/** The subscription id of a subscription's ARM id (any other asset id as it is). */
const subscriptionOf = (assetId: string): string => /^\/subscriptions\/([^/]+)$/i.exec(assetId)?.[1] ?? assetId;

/** A word as a POSIX shell reads it back: quoted when it holds anything but safe characters. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Tags people look for first on a subscription: its environment and its owner. */
const SHOWN_TAGS = ['environment', 'owner'] as const;

function tagsOf(asset: ReportAsset | undefined): string {
  if (!asset) return '';
  const entries = Object.entries(asset.tags);
  const shown = SHOWN_TAGS.flatMap((key) => {
    const entry = entries.find(([name]) => name.toLowerCase() === key);
    return entry ? [`<span class="tag">${e(entry[0])}: ${e(entry[1])}</span>`] : [];
  });
  return shown.length === 0 ? '' : `<br>${shown.join('')}`;
}

const assetCell = (f: Finding, asset?: ReportAsset): string =>
  `${f.assetName ? `<strong>${e(f.assetName)}</strong><br>` : ''}<span class="mono muted asset">${e(f.assetId)}</span>${tagsOf(asset)}`;

/** When ward first saw the finding, and how long ago (as of the report). */
const sinceText = (firstSeen: string, asOf: Date): string =>
  `<br><span class="note">first seen ${e(readableTime(firstSeen))} (${ageText(daysBetween(firstSeen, asOf))})</span>`;

interface SectionContext {
  readonly asOf: Date;
  readonly source: string;
  /** The subscription cell of a finding (an asset is in every control's table: built once per report). */
  readonly assetCell: (f: Finding) => string;
  /** When the finding was first seen (sinceText), once per distinct time: a scan's, shared by many findings. */
  readonly since: (f: Finding) => string;
  /** The remediate command of a failing finding as HTML (commandHtml), from one template per control. */
  readonly command: (control: ControlDescription, assetId: string) => string;
}

/** The command, escaped, with each option and its value in a span: they never part across lines (copying keeps it whole). */
const commandHtml = (command: string): string => command.split(/ (?=--)/).map((part) => `<span>${e(part)}</span>`).join(' ');

/** Stands for the subscription in a control's command template: safe characters, and not a subscription id. */
const SUBSCRIPTION_SLOT = 'WARD0SUBSCRIPTION0SLOT';

/**
 * commandHtml of remediateCommand, from a template made once per control: in a large tenant's report there are tens
 * of thousands of failing findings, and the command differs only by its subscription. A subscription that shellWord
 * leaves as it is and that does not start with `-` neither needs escaping nor adds or removes a place where the
 * command is split, so putting it in the template's slot gives the same text; any other asset id is rendered whole.
 */
function commandRenderer(source: string): (control: ControlDescription, assetId: string) => string {
  const templates = new Map<string, readonly string[] | null>();
  return (control, assetId) => {
    const subscription = subscriptionOf(assetId);
    if (!templates.has(control.id)) {
      const pieces = commandHtml(remediateCommand(control, `/subscriptions/${SUBSCRIPTION_SLOT}`, source)).split(SUBSCRIPTION_SLOT);
      templates.set(control.id, pieces.length === 2 ? pieces : null);
    }
    const template = templates.get(control.id);
    if (!template || shellWord(subscription) !== subscription || subscription.startsWith('-')) return commandHtml(remediateCommand(control, assetId, source));
    return `${template[0]}${subscription}${template[1]}`;
  };
}

function sectionContext(report: ScanReport, asOf: Date): SectionContext {
  const assets = new Map((report.assets ?? []).map((asset) => [asset.id, asset]));
  const cells = new Map<string, { readonly name: string; readonly cell: string }>();
  const notes = new Map<string, string>();
  return {
    asOf,
    source: report.scan.source,
    assetCell: (f) => {
      // what the cell shows of the finding: its asset's id and name (no name and an empty one show alike); an asset
      // has one name in a report, and a finding that gives it another is rendered on its own
      const name = f.assetName ?? '';
      const cached = cells.get(f.assetId);
      if (cached?.name === name) return cached.cell;
      const cell = assetCell(f, assets.get(f.assetId));
      if (!cached) cells.set(f.assetId, { name, cell });
      return cell;
    },
    since: (f) => {
      if (!f.history) return '';
      const { firstSeen } = f.history;
      if (!notes.has(firstSeen)) notes.set(firstSeen, sinceText(firstSeen, asOf));
      return notes.get(firstSeen)!;
    },
    command: commandRenderer(report.scan.source),
  };
}

function controlSection(control: ControlDescription, findings: readonly Finding[], context: SectionContext): string {
  const counts = countByStatus(findings);
  const open = findings.filter((f) => f.status === 'fail' || f.status === 'error');
  const excepted = findings.filter((f) => f.status === 'excepted');
  const rows = [...open, ...excepted]
    .map((f) => {
      const status = f.expiredException ? `<span class="pill fail">Fail</span><br><span class="pill expired">exception expired</span>` : `<span class="pill ${f.status}">${STATUS_LABEL[f.status]}</span>`;
      const cause = f.status === 'excepted' && f.exception
        ? `${e(findingReason(f, { original: true }))}<br><span class="note">Accepted by ${e(f.exception.owner)} until ${e(f.exception.expires)} (${e(f.exception.id)}): ${e(f.exception.reason)}</span>`
        : e(findingReason(f));
      // an option and its value never part across lines (copying the command keeps it whole either way)
      const fix = f.status === 'fail' ? `<code class="cmd">${context.command(control, f.assetId)}</code>` : '';
      return `<tr><td>${status}</td><td>${context.assetCell(f)}${context.since(f)}</td><td>${cause}</td><td>${fix}</td></tr>`;
    })
    .join('');
  const table = rows
    ? `<table><thead><tr><th scope="col" style="width:96px">Status</th><th scope="col" style="width:290px">Subscription</th><th scope="col">Cause</th><th scope="col" style="width:360px">Plan the fix (dry run)</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p class="muted">Every subscription evaluated passes this control.</p>';
  const settled = findings.filter((f) => f.status === 'pass' || f.status === 'skipped');
  const settledList = settled.length === 0
    ? ''
    : `<details><summary>${counts.pass} passing and ${counts.skipped} skipped subscription${settled.length === 1 ? '' : 's'}</summary>
<table><thead><tr><th scope="col" style="width:100px">Status</th><th scope="col">Subscription</th><th scope="col">Why</th></tr></thead><tbody>${settled
        .map((f) => `<tr><td><span class="pill ${f.status}">${STATUS_LABEL[f.status]}</span></td><td>${context.assetCell(f)}</td><td>${e(f.status === 'pass' ? 'passes every check' : findingReason(f))}</td></tr>`)
        .join('')}</tbody></table></details>`;
  const fix = counts.fail > 0
    ? `<div class="fix"><strong>How to fix</strong> (Azure portal)<ol>${control.remediation.console.map((s) => `<li>${e(s)}</li>`).join('')}</ol>
<p class="note">${e((control.remediationPaths.serviceWide.split('\n\n')[0] ?? '').replace(/\s+/g, ' ').trim())} Command-line steps and the policy: <code>ward controls show ${e(control.id)}</code>. The commands in the table plan one subscription's fix as a dry run; add <code>--apply</code> to carry it out.</p></div>`
    : '';
  const errorsNote = counts.error > 0
    ? '<p class="note">Errors mean ward could not read a subscription\'s data: the control is neither passed nor failed there until access is fixed (reading security contacts needs the Security Reader or Reader role).</p>'
    : '';
  const refs = control.references.length > 0
    ? `<p class="note">References: ${control.references.map((r) => `<a href="${safeUrl(r.url)}">${e(r.title)}</a>`).join(' · ')}</p>`
    : '';
  return `<section class="control${open.length === 0 ? ' ok' : ''}" aria-label="${e(control.title)}">
<h3>${e(control.title)} <span class="sev ${e(control.severity)}">${e(control.severity)}</span></h3>
<p class="note"><code>${e(control.id)}</code> · ${counts.pass} pass · ${counts.fail} fail · ${counts.error} error · ${counts.excepted} excepted · ${counts.skipped} skipped</p>
${table}${settledList}${fix}${errorsNote}${refs}</section>`;
}

function exceptionsTable(exceptions: readonly ExceptionRecord[], asOf: Date): string {
  if (exceptions.length === 0) return '<p class="muted">No exceptions on record.</p>';
  const rows = [...exceptions]
    .sort((a, b) => a.expires.localeCompare(b.expires))
    .map((x) => {
      const active = exceptionIsActive(x, asOf);
      const days = Math.ceil((Date.parse(`${x.expires}T00:00:00Z`) + 86_400_000 - asOf.getTime()) / 86_400_000);
      const state = active ? `<span class="pill excepted">active</span><br><span class="note">${days} day${days === 1 ? '' : 's'} left</span>` : '<span class="pill expired">expired</span>';
      return `<tr><td class="mono">${e(x.id)}</td><td>${state}</td><td>${e(x.expires)}</td><td>${e(x.owner)}</td><td><code>${e(x.controlId)}</code><br><span class="mono muted">${e(x.assetId)}</span></td><td>${e(x.reason)}</td></tr>`;
    })
    .join('');
  return `<table><thead><tr><th>ID</th><th>State</th><th>Expires</th><th>Owner</th><th>Control / asset</th><th>Reason</th></tr></thead><tbody>${rows}</tbody></table>
<p class="note">An exception accepts a known failure until the end of its expiry day (UTC); it never covers an error. Once expired, the finding counts as a failure again.</p>`;
}

function frameworkTable(report: ScanReport, findingsOf: (control: ControlDescription) => readonly Finding[]): string {
  const verdictOf = (c: Record<FindingStatus, number>): 'not-met' | 'excepted' | 'met' => (c.fail + c.error > 0 ? 'not-met' : c.excepted > 0 ? 'excepted' : 'met');
  const PILL = { 'not-met': '<span class="pill fail">Not met</span>', excepted: '<span class="pill excepted">Met with exceptions</span>', met: '<span class="pill pass">Met</span>' } as const;
  const perFramework = new Map<string, { requirements: number; met: number }>();
  const rows = report.controls.flatMap((control) => {
    const counts = countByStatus(findingsOf(control));
    const verdict = verdictOf(counts);
    return control.frameworks.map((f) => {
      const key = `${f.framework} ${f.version}`;
      const tally = perFramework.get(key) ?? { requirements: 0, met: 0 };
      perFramework.set(key, { requirements: tally.requirements + 1, met: tally.met + (verdict === 'not-met' ? 0 : 1) });
      return `<tr><td>${e(f.framework)}</td><td>${e(f.version)}</td><td>${e(f.requirement)}${f.level ? ` <span class="note">(${e(f.level)})</span>` : ''}</td><td><code>${e(control.id)}</code></td><td class="num">${counts.pass}</td><td class="num">${counts.fail}</td><td class="num">${counts.error}</td><td class="num">${counts.excepted}</td><td class="num">${pct(counts.pass, judged(counts))}</td><td>${PILL[verdict]}</td></tr>`;
    });
  });
  if (rows.length === 0) return '<p class="muted">The controls name no frameworks.</p>';
  const summary = [...perFramework]
    .map(([name, t]) => `<li><strong>${e(name)}</strong>: ${t.met} of ${t.requirements} requirement mapping${t.requirements === 1 ? '' : 's'} met</li>`)
    .join('');
  return `<ul class="note">${summary}</ul><table><thead><tr><th scope="col">Framework</th><th scope="col">Version</th><th scope="col">Requirement</th><th scope="col">Control</th><th scope="col" class="num">Pass</th><th scope="col" class="num">Fail</th><th scope="col" class="num">Error</th><th scope="col" class="num">Excepted</th><th scope="col" class="num">Compliant</th><th scope="col">Status</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="note">Counts are subscriptions per control; a requirement is met when no subscription fails or errs on its control.</p>`;
}

/** Without the stored list, the exceptions the findings carry (one row per excepted or lapsed finding). */
function exceptionsOfFindings(findings: readonly Finding[]): ExceptionRecord[] {
  return findings.flatMap((f) => {
    const x = f.exception ?? f.expiredException;
    return x ? [{ ...x, controlId: f.controlId, assetId: f.assetId, createdAt: '', createdBy: '' }] : [];
  });
}

export const htmlReporter: StringReporter = (report) => {
  const counts = countByStatus(report.findings);
  const asOf = new Date(report.asOf ?? report.scan.finishedAt ?? report.scan.startedAt);
  const subscriptions = new Set(report.findings.map((f) => f.assetId)).size;
  const byControl = new Map<string, Finding[]>(report.controls.map((control) => [control.id, []]));
  for (const finding of report.findings) byControl.get(finding.controlId)?.push(finding);
  const findingsOf = (control: ControlDescription): readonly Finding[] => byControl.get(control.id) ?? [];
  const card = (n: string | number, label: string, colour?: string, extra = '') =>
    `<div class="card${extra}"><div class="n"${colour ? ` style="color:${colour}"` : ''}>${e(n)}</div><div class="l">${e(label)}</div></div>`;
  const controlRows = report.controls
    .map((control) => {
      const c = countByStatus(findingsOf(control));
      return `<tr><td><strong>${e(control.title)}</strong><br><code class="muted">${e(control.id)}</code></td><td><span class="sev ${e(control.severity)}">${e(control.severity)}</span></td>
<td class="num">${c.pass}</td><td class="num">${c.fail}</td><td class="num">${c.error}</td><td class="num">${c.excepted}</td><td class="num">${c.skipped}</td><td class="num">${pct(c.pass, judged(c))}</td><td>${statusBar(c)}</td></tr>`;
    })
    .join('');
  const context = sectionContext(report, asOf);
  const sections = report.controls.map((control) => controlSection(control, findingsOf(control), context)).join('');
  const trend = report.trend ?? [];
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${e(`ward compliance report${report.scan.id === null ? '' : ` · scan #${report.scan.id}`}`)}</title>
<style>${CSS}</style>
</head>
<body><main>
<header class="top"><div><div class="brand">ward</div><h1>Azure compliance report</h1></div>
<div class="meta">Scan ${report.scan.id === null ? '(not stored)' : `#${e(report.scan.id)}`} · finished <time datetime="${e(report.scan.finishedAt ?? report.scan.startedAt)}">${e(readableTime(report.scan.finishedAt ?? report.scan.startedAt))}</time><br>Source: <span class="mono">${e(report.scan.source)}</span><br>Exceptions judged as of ${e(readableTime(asOf.toISOString()))}</div></header>

<section id="summary"><h2>Summary</h2>
<div class="cards">${card(pct(counts.pass, judged(counts)), 'compliant', undefined, ' score')}${card(counts.pass, 'pass', STATUS_COLOUR.pass)}${card(counts.fail, 'fail', STATUS_COLOUR.fail)}${card(counts.error, 'error', STATUS_COLOUR.error)}${card(counts.excepted, 'excepted', STATUS_COLOUR.excepted)}${card(counts.skipped, 'skipped', STATUS_COLOUR.skipped)}</div>
<p class="note">${report.findings.length} findings over ${subscriptions} subscription${subscriptions === 1 ? '' : 's'} and ${report.controls.length} control${report.controls.length === 1 ? '' : 's'}. Compliance counts passing subscriptions among those judged (pass, fail, error, excepted); disabled or deleted subscriptions are skipped.</p>
<div class="charts"><div class="panel"><h3>Current status</h3><div style="display:flex;align-items:center;gap:18px">${donut(counts)}${legend()}</div></div>
<div class="panel"><h3>Trend across scans</h3>${trendChart(trend)}</div></div></section>

<section id="controls"><h2>Controls</h2>
<table><thead><tr><th>Control</th><th>Severity</th><th class="num">Pass</th><th class="num">Fail</th><th class="num">Error</th><th class="num">Excepted</th><th class="num">Skipped</th><th class="num">Compliant</th><th style="width:140px"></th></tr></thead><tbody>${controlRows}</tbody></table></section>

<section id="frameworks"><h2>Frameworks</h2>${frameworkTable(report, findingsOf)}</section>

<section id="failing"><h2>Subscriptions per control and how to fix them</h2>${sections || '<p class="muted">No controls in this report.</p>'}</section>

<section id="exceptions"><h2>Exceptions</h2>${exceptionsTable(report.exceptions ?? exceptionsOfFindings(report.findings), asOf)}</section>

<footer>Generated by ${e(report.tool.name)} ${e(report.tool.version)}. This page is self-contained: no scripts, no external resources.</footer>
</main></body></html>
`;
  return html;
};
