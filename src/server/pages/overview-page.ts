/**
 * `/`: the posture at a glance: counts by status, each control and framework, the trend across full scans (narrowed
 * scans named, not drawn: their counts cover part of the tenant) and what changed since the previous scan.
 */
import type { Control, Finding, FindingStatus, TrendPoint } from '../../core/model.js';
import { STATUS_COLOUR, STATUS_LABEL } from '../../reporters/html-reporter.js';
import { countByStatus, readableTime } from '../../reporters/scan-report.js';
import { currentOrNone, e, noScanPage, renderPage, statusBar, table } from './page-layout.js';
import type { PageHandler } from './page-request.js';

const pct = (part: number, whole: number): string => (whole === 0 ? '–' : `${Math.round((part / whole) * 100)}%`);
/** Compliance as the report counts it: passing among the judged (pass, fail, error, excepted). */
const judged = (c: Readonly<Record<FindingStatus, number>>): number => c.pass + c.fail + c.error + c.excepted;

function byControl(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const group = groups.get(finding.controlId);
    if (group) group.push(finding);
    else groups.set(finding.controlId, [finding]);
  }
  return groups;
}

function controlRows(controls: readonly Control[], groups: Map<string, Finding[]>): string[] {
  return controls.map((control) => {
    const c = countByStatus(groups.get(control.id) ?? []);
    return `<tr><th scope="row"><a href="/controls/${encodeURIComponent(control.id)}">${e(control.title)}</a><br><code class="muted">${e(control.id)}</code></th><td><span class="sev ${e(control.severity)}">${e(control.severity)}</span></td>
<td class="num">${c.pass}</td><td class="num"><a href="/findings?status=fail&amp;control=${encodeURIComponent(control.id)}">${c.fail}</a></td><td class="num">${c.error}</td><td class="num">${c.excepted}</td><td class="num">${c.skipped}</td><td class="num">${pct(c.pass, judged(c))}</td><td>${statusBar(c)}</td></tr>`;
  });
}

/** Per framework: how many requirement mappings are met (no subscription fails or errs on the mapped control). */
function frameworkRows(controls: readonly Control[], groups: Map<string, Finding[]>): string[] {
  const tally = new Map<string, { met: number; total: number; controls: Set<string> }>();
  for (const control of controls) {
    const c = countByStatus(groups.get(control.id) ?? []);
    for (const mapping of control.frameworks) {
      const key = `${mapping.framework} ${mapping.version}`;
      const entry = tally.get(key) ?? { met: 0, total: 0, controls: new Set<string>() };
      entry.total += 1;
      entry.met += c.fail + c.error === 0 ? 1 : 0;
      entry.controls.add(control.id);
      tally.set(key, entry);
    }
  }
  return [...tally].map(([name, t]) => {
    const framework = name.slice(0, name.lastIndexOf(' '));
    const verdict = t.met === t.total ? '<span class="pill pass">Met</span>' : '<span class="pill fail">Not met</span>';
    return `<tr><th scope="row"><a href="/findings?framework=${encodeURIComponent(framework)}">${e(name)}</a></th><td class="num">${t.met} of ${t.total}</td><td class="num">${t.controls.size}</td><td>${verdict}</td></tr>`;
  });
}

/** Stacked bars of each full scan's counts, oldest to newest, in SVG attributes only (no style: the CSP). */
export function trendChart(points: readonly TrendPoint[]): string {
  const full = points.filter((p) => !p.narrowed);
  const narrowed = points.filter((p) => p.narrowed);
  const note = narrowed.length === 0
    ? ''
    : `<p class="note">Narrowed (not drawn: their counts cover only part of the tenant): ${narrowed.map((p) => `scan #${p.scanId}`).join(', ')}.</p>`;
  if (full.length === 0) return `<p class="note">No full scan yet: the trend starts with the next one.</p>${note}`;
  const shown = full.slice(-30);
  const statuses: FindingStatus[] = ['pass', 'excepted', 'error', 'fail'];
  const width = 560, height = 200, left = 36, bottom = 34, top = 8;
  const plotH = height - bottom - top;
  const step = (width - left - 8) / shown.length;
  const barW = Math.min(40, step * 0.6);
  const max = Math.max(1, ...shown.map((p) => statuses.reduce((n, s) => n + p.counts[s], 0)));
  const every = Math.max(1, Math.ceil(56 / step));
  const bars = shown.map((point, i) => {
    const cx = left + i * step + step / 2;
    let y = top + plotH;
    const rects = statuses.filter((s) => point.counts[s] > 0).map((s) => {
      const h = (point.counts[s] / max) * plotH;
      y -= h;
      return `<rect x="${(cx - barW / 2).toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${STATUS_COLOUR[s]}"></rect>`;
    }).join('');
    const title = `scan #${point.scanId}, ${readableTime(point.finishedAt)}: ${statuses.map((s) => `${point.counts[s]} ${s}`).join(', ')}`;
    const label = (shown.length - 1 - i) % every === 0
      ? `<text x="${cx.toFixed(1)}" y="${height - bottom + 14}" text-anchor="middle" font-size="10" fill="#59636e">#${point.scanId}</text><text x="${cx.toFixed(1)}" y="${height - bottom + 26}" text-anchor="middle" font-size="10" fill="#59636e">${e(point.finishedAt.slice(5, 10))}</text>`
      : '';
    return `<g><title>${e(title)}</title>${rects}</g>${label}`;
  }).join('');
  const axis = [0, Math.round(max / 2), max].map((v) => {
    const y = top + plotH - (v / max) * plotH;
    return `<line x1="${left}" x2="${width - 8}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#eaeef2"/><text x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="10" fill="#59636e">${v}</text>`;
  }).join('');
  const legend = `<div class="legend">${statuses.map((s) => `<span><i class="${s}"></i>${STATUS_LABEL[s]}</span>`).join('')}</div>`;
  const older = full.length > shown.length ? `<p class="note">The last ${shown.length} of ${full.length} full scans.</p>` : '';
  return `<svg role="img" aria-label="${e(`Findings per full scan, scans #${shown[0]!.scanId} to #${shown.at(-1)!.scanId}`)}" width="100%" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${axis}${bars}</svg>${legend}${older}${note}`;
}

/**
 * What changed in the shown scan, read from each finding's history (no second read of the store: the drift page
 * does the full comparison): findings whose status changed in it, by their status now, and those it saw first.
 */
function changesText(findings: readonly Finding[], scanId: number, scanTime: string, trend: readonly TrendPoint[]): string {
  const previous = trend.filter((p) => p.scanId < scanId).at(-1);
  if (!previous) return '<p class="muted">This is the first complete scan: nothing to compare with yet.</p>';
  const changed = findings.filter((f) => f.history && f.history.lastChanged === scanTime && f.history.firstSeen !== scanTime);
  const first = findings.filter((f) => f.history?.firstSeen === scanTime).length;
  const byStatus = countByStatus(changed);
  const parts = (['fail', 'error', 'excepted', 'pass', 'skipped'] as const).filter((s) => byStatus[s] > 0).map((s) => `${byStatus[s]} now ${s}`);
  return `<p>Since scan #${previous.scanId}: <strong>${changed.length}</strong> finding${changed.length === 1 ? '' : 's'} changed status${parts.length > 0 ? ` (${parts.join(', ')})` : ''}; <strong>${first}</strong> seen for the first time. <a href="/drift?from=${previous.scanId}&amp;to=${scanId}">See the drift</a> for what is new, resolved and changed.</p>`;
}

export const overviewPage: PageHandler = async (request) => {
  const current = await currentOrNone(request.context);
  if (!current) return noScanPage(request, 'Overview', 'overview');
  const { scan, findings, trend } = current;
  const counts = countByStatus(findings);
  const groups = byControl(findings);
  const card = (n: string | number, label: string, status?: FindingStatus) =>
    `<div class="card${status ? '' : ' score'}"><div class="n${status ? ` ${status}` : ''}">${e(n)}</div><div class="l">${e(label)}</div></div>`;
  const cards = `<div class="cards">${card(pct(counts.pass, judged(counts)), 'compliant')}${(['pass', 'fail', 'error', 'excepted', 'skipped'] as const).map((s) => card(counts[s], s, s)).join('')}</div>`;
  const subscriptions = new Set(findings.map((f) => f.assetId)).size;
  const changes = changesText(findings, scan.id, (scan.finishedAt ?? scan.startedAt).toISOString(), trend);
  const frameworks = frameworkRows(request.context.controls, groups);
  const body = `<p class="lede">Scan #${scan.id}${scan.narrowed ? ' (narrowed)' : ''}, finished ${e(readableTime((scan.finishedAt ?? scan.startedAt).toISOString()))}, source <span class="mono">${e(scan.source)}</span>: ${findings.length} findings over ${subscriptions} subscriptions. Exceptions are applied as of now.</p>
<section aria-labelledby="counts"><h2 id="counts">Counts by status</h2>${cards}</section>
<section aria-labelledby="changes"><h2 id="changes">Since the previous scan</h2>${changes}</section>
<section aria-labelledby="trend"><h2 id="trend">Trend across scans</h2><div class="panel">${trendChart(trend)}</div></section>
<section aria-labelledby="controls"><h2 id="controls">Controls</h2>${table('Status of each control, counted in subscriptions', ['Control', 'Severity', 'Pass', 'Fail', 'Error', 'Excepted', 'Skipped', 'Compliant', 'Share'], controlRows(request.context.controls, groups), [2, 3, 4, 5, 6, 7])}</section>
<section aria-labelledby="frameworks"><h2 id="frameworks">Frameworks</h2>${frameworks.length === 0 ? '<p class="muted">The controls name no frameworks.</p>' : table('Requirement mappings met per framework', ['Framework', 'Met', 'Controls', 'Status'], frameworks, [1, 2])}</section>`;
  return renderPage(request, { title: 'Overview', section: 'overview', body });
};
