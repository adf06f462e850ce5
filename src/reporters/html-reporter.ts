import { exceptionIsActive } from '../core/engine/apply-exceptions.js';
import type { Control, ExceptionRecord, Finding, FindingStatus } from '../core/model.js';
import { countByStatus, type Reporter, type ScanReport, type TrendPoint } from './scan-report.js';

/**
 * One self-contained HTML page for people: no scripts, no external assets (inline CSS and SVG), readable in a
 * browser, a mail client or printed. Every text that reaches it is escaped: asset names and tags come from tenants.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
const e = escapeHtml;

/** Only https links, escaped: a reference URL is data too. */
const safeUrl = (url: string): string => (/^https:\/\//i.test(url) ? e(url) : '#');

const STATUS_ORDER: readonly FindingStatus[] = ['pass', 'fail', 'error', 'excepted', 'skipped'];
const STATUS_LABEL: Record<FindingStatus, string> = { pass: 'Pass', fail: 'Fail', error: 'Error', excepted: 'Excepted', skipped: 'Skipped' };
const STATUS_COLOUR: Record<FindingStatus, string> = { pass: '#1a7f37', fail: '#cf222e', error: '#8250df', excepted: '#bf8700', skipped: '#8c959f' };

const CSS = `
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
footer{margin-top:40px;padding-top:12px;border-top:1px solid var(--line);color:var(--muted);font-size:12px}
@media print{main{padding:0}.control{break-inside:avoid}}
`;

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

/** Stacked bars of each scan's counts, oldest to newest, as inline SVG. */
function trendChart(trend: readonly TrendPoint[]): string {
  if (trend.length === 0) return '<p class="note">No earlier scans yet: the trend starts with the next scan.</p>';
  const statuses: FindingStatus[] = ['pass', 'excepted', 'error', 'fail'];
  const width = 560;
  const height = 190;
  const left = 36;
  const bottom = 28;
  const plotH = height - bottom - 10;
  const max = Math.max(1, ...trend.map((t) => statuses.reduce((n, s) => n + t.counts[s], 0)));
  const step = (width - left - 8) / trend.length;
  const barW = Math.min(42, step * 0.62);
  const ticks = [0, Math.round(max / 2), max];
  const grid = ticks
    .map((v) => {
      const y = 10 + plotH - (v / max) * plotH;
      return `<line x1="${left}" x2="${width - 4}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#eaeef2"/><text x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="10" fill="#59636e">${v}</text>`;
    })
    .join('');
  const labelEvery = Math.ceil(trend.length / 10);
  const bars = trend
    .map((point, i) => {
      const x = left + i * step + (step - barW) / 2;
      let y = 10 + plotH;
      const rects = statuses
        .filter((s) => point.counts[s] > 0)
        .map((s) => {
          const h = (point.counts[s] / max) * plotH;
          y -= h;
          return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${STATUS_COLOUR[s]}"><title>${e(`scan #${point.scanId}: ${point.counts[s]} ${s}`)}</title></rect>`;
        })
        .join('');
      const label = i % labelEvery === 0 || i === trend.length - 1
        ? `<text x="${(x + barW / 2).toFixed(1)}" y="${height - 10}" text-anchor="middle" font-size="10" fill="#59636e">${e(`#${point.scanId} ${point.finishedAt.slice(5, 10)}`)}</text>`
        : '';
      return rects + label;
    })
    .join('');
  return `<svg role="img" aria-label="Findings per scan" width="100%" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${grid}${bars}</svg>${legend(['pass', 'fail', 'error', 'excepted'])}`;
}

const assetCell = (f: Finding): string =>
  `${f.assetName ? `<strong>${e(f.assetName)}</strong><br>` : ''}<span class="mono muted asset">${e(f.assetId)}</span>`;

function controlSection(control: Control, findings: readonly Finding[]): string {
  const counts = countByStatus(findings);
  const open = findings.filter((f) => f.status === 'fail' || f.status === 'error');
  const excepted = findings.filter((f) => f.status === 'excepted');
  const rows = [...open, ...excepted]
    .map((f) => {
      const status = f.expiredException ? `<span class="pill fail">Fail</span><br><span class="pill expired">exception expired</span>` : `<span class="pill ${f.status}">${STATUS_LABEL[f.status]}</span>`;
      const cause = f.status === 'excepted' && f.exception
        ? `${e(f.originalReason ?? f.reason)}<br><span class="note">Accepted by ${e(f.exception.owner)} until ${e(f.exception.expires)} (${e(f.exception.id)}): ${e(f.exception.reason)}</span>`
        : e(f.reason);
      const since = f.history ? `<br><span class="note">first seen ${e(f.history.firstSeen.slice(0, 10))}</span>` : '';
      return `<tr><td>${status}</td><td>${assetCell(f)}${since}</td><td>${cause}</td></tr>`;
    })
    .join('');
  const table = rows
    ? `<table><thead><tr><th style="width:110px">Status</th><th style="width:400px">Subscription</th><th>Cause</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p class="muted">Every subscription evaluated passes this control.</p>';
  const fix = counts.fail > 0
    ? `<div class="fix"><strong>How to fix</strong> (Azure portal)<ol>${control.remediation.console.map((s) => `<li>${e(s)}</li>`).join('')}</ol>
<p class="note">${e((control.remediationPaths.serviceWide.split('\n\n')[0] ?? '').replace(/\s+/g, ' ').trim())} Command-line steps and the policy: <code>ward controls show ${e(control.id)}</code>.</p></div>`
    : '';
  const errorsNote = counts.error > 0
    ? '<p class="note">Errors mean ward could not read a subscription\'s data: the control is neither passed nor failed there until access is fixed (reading security contacts needs the Security Reader or Reader role).</p>'
    : '';
  const refs = control.references.length > 0
    ? `<p class="note">References: ${control.references.map((r) => `<a href="${safeUrl(r.url)}">${e(r.title)}</a>`).join(' · ')}</p>`
    : '';
  return `<section class="control${open.length === 0 ? ' ok' : ''}">
<h3>${e(control.title)} <span class="sev ${e(control.severity)}">${e(control.severity)}</span></h3>
<p class="note"><code>${e(control.id)}</code> · ${counts.pass} pass · ${counts.fail} fail · ${counts.error} error · ${counts.excepted} excepted · ${counts.skipped} skipped</p>
${table}${fix}${errorsNote}${refs}</section>`;
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

function frameworkTable(report: ScanReport): string {
  const rows = report.controls.flatMap((control) => {
    const counts = countByStatus(report.findings.filter((f) => f.controlId === control.id));
    const verdict = counts.fail + counts.error > 0 ? '<span class="pill fail">Not met</span>' : counts.excepted > 0 ? '<span class="pill excepted">Met with exceptions</span>' : '<span class="pill pass">Met</span>';
    return control.frameworks.map((f) => `<tr><td>${e(f.framework)}</td><td>${e(f.version)}</td><td>${e(f.requirement)}${f.level ? ` <span class="note">(${e(f.level)})</span>` : ''}</td><td><code>${e(control.id)}</code></td><td>${verdict}</td></tr>`);
  });
  return rows.length === 0 ? '<p class="muted">The controls name no frameworks.</p>' : `<table><thead><tr><th>Framework</th><th>Version</th><th>Requirement</th><th>Control</th><th>Status</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Without the stored list, the exceptions the findings carry (one row per excepted or lapsed finding). */
function exceptionsOfFindings(findings: readonly Finding[]): ExceptionRecord[] {
  return findings.flatMap((f) => {
    const x = f.exception ?? f.expiredException;
    return x ? [{ ...x, controlId: f.controlId, assetId: f.assetId, createdAt: '', createdBy: '' }] : [];
  });
}

export const htmlReporter: Reporter = (report) => {
  const counts = countByStatus(report.findings);
  const asOf = new Date(report.asOf ?? report.scan.finishedAt ?? report.scan.startedAt);
  const subscriptions = new Set(report.findings.map((f) => f.assetId)).size;
  const card = (n: string | number, label: string, colour?: string, extra = '') =>
    `<div class="card${extra}"><div class="n"${colour ? ` style="color:${colour}"` : ''}>${e(n)}</div><div class="l">${e(label)}</div></div>`;
  const controlRows = report.controls
    .map((control) => {
      const c = countByStatus(report.findings.filter((f) => f.controlId === control.id));
      return `<tr><td><strong>${e(control.title)}</strong><br><code class="muted">${e(control.id)}</code></td><td><span class="sev ${e(control.severity)}">${e(control.severity)}</span></td>
<td class="num">${c.pass}</td><td class="num">${c.fail}</td><td class="num">${c.error}</td><td class="num">${c.excepted}</td><td class="num">${c.skipped}</td><td class="num">${pct(c.pass, judged(c))}</td><td>${statusBar(c)}</td></tr>`;
    })
    .join('');
  const sections = report.controls.map((control) => controlSection(control, report.findings.filter((f) => f.controlId === control.id))).join('');
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
<div class="meta">Scan ${report.scan.id === null ? '(not stored)' : `#${e(report.scan.id)}`} · finished ${e(report.scan.finishedAt ?? report.scan.startedAt)}<br>Source: <span class="mono">${e(report.scan.source)}</span><br>Exceptions judged as of ${e(asOf.toISOString())}</div></header>

<section id="summary"><h2>Summary</h2>
<div class="cards">${card(pct(counts.pass, judged(counts)), 'compliant', undefined, ' score')}${card(counts.pass, 'pass', STATUS_COLOUR.pass)}${card(counts.fail, 'fail', STATUS_COLOUR.fail)}${card(counts.error, 'error', STATUS_COLOUR.error)}${card(counts.excepted, 'excepted', STATUS_COLOUR.excepted)}${card(counts.skipped, 'skipped', STATUS_COLOUR.skipped)}</div>
<p class="note">${report.findings.length} findings over ${subscriptions} subscription${subscriptions === 1 ? '' : 's'} and ${report.controls.length} control${report.controls.length === 1 ? '' : 's'}. Compliance counts passing subscriptions among those judged (pass, fail, error, excepted); disabled or deleted subscriptions are skipped.</p>
<div class="charts"><div class="panel"><h3>Current status</h3><div style="display:flex;align-items:center;gap:18px">${donut(counts)}${legend()}</div></div>
<div class="panel"><h3>Trend across scans</h3>${trendChart(trend)}</div></div></section>

<section id="controls"><h2>Controls</h2>
<table><thead><tr><th>Control</th><th>Severity</th><th class="num">Pass</th><th class="num">Fail</th><th class="num">Error</th><th class="num">Excepted</th><th class="num">Skipped</th><th class="num">Compliant</th><th style="width:140px"></th></tr></thead><tbody>${controlRows}</tbody></table></section>

<section id="frameworks"><h2>Frameworks</h2>${frameworkTable(report)}</section>

<section id="failing"><h2>Failing subscriptions and how to fix them</h2>${sections || '<p class="muted">No controls in this report.</p>'}</section>

<section id="exceptions"><h2>Exceptions</h2>${exceptionsTable(report.exceptions ?? exceptionsOfFindings(report.findings), asOf)}</section>

<footer>Generated by ${e(report.tool.name)} ${e(report.tool.version)}. This page is self-contained: no scripts, no external resources.</footer>
</main></body></html>
`;
  return html;
};
