/**
 * `/scans`: the stored scans (status, counts, narrowed ones marked) and the scans this server ran or runs; admins get
 * a form that starts an offline scan (POST /scans). `/drift?from=&to=`: what changed between two complete scans,
 * as `ward diff` computes it.
 */
import type { DriftEntry } from '../../core/engine/diff-findings.js';
import { WardError } from '../../core/errors.js';
import { splitFailureReason } from '../../core/engine/failure-reason.js';
import { FINDING_STATUSES, type FindingStatus } from '../../core/model.js';
import { readableTime } from '../../reporters/scan-report.js';
import { listScans, type ScanRow } from '../../store/scan-repository.js';
import { assetCell, canChange, csrfField, e, pill, refuseChange, renderPage, seeOther, table } from './page-layout.js';
import type { PageHandler, PageRequest } from './page-request.js';
import { pickDrift } from './scan-drift.js';

const when = (time: Date | null): string => (time ? `<time datetime="${e(time.toISOString())}">${e(readableTime(time.toISOString()))}</time>` : '');

function scanRow(scan: ScanRow, previous: ScanRow | undefined): string {
  const counts = scan.summary
    ? FINDING_STATUSES.map((s) => `<td class="num">${scan.summary!.byStatus[s] ?? 0}</td>`).join('')
    : FINDING_STATUSES.map(() => '<td class="num muted">–</td>').join('');
  const status = scan.status === 'complete' ? '<span class="pill pass">complete</span>' : scan.status === 'running' ? '<span class="pill skipped">running</span>' : `<span class="pill fail">${e(scan.status)}</span>`;
  const narrowed = scan.narrowed ? `<br><span class="tag">narrowed</span>` : '';
  const drift = scan.status === 'complete' && previous ? `<a href="/drift?from=${previous.id}&amp;to=${scan.id}">drift from #${previous.id}</a>` : '';
  return `<tr><th scope="row">#${scan.id}</th><td>${status}${narrowed}${scan.error ? `<br><span class="note">${e(scan.error)}</span>` : ''}</td><td>${when(scan.startedAt)}</td><td>${when(scan.finishedAt)}</td><td class="mono">${e(scan.source)}</td>${counts}<td>${drift}</td></tr>`;
}

function startForm(request: PageRequest, typed = '', problem = ''): string {
  if (!canChange(request)) return '';
  return `<section aria-labelledby="start"><h2 id="start">Start a scan</h2>
<form class="stack" method="post" action="/scans">${csrfField(request)}
<div><label for="scan-offline">Capture directory on the server (as <code>ward scan --offline DIR</code>)</label>
<input id="scan-offline" name="offline" value="${e(typed)}" required${problem ? ' aria-invalid="true" aria-describedby="scan-offline-problem"' : ''}>
${problem ? `<p class="field-problem" id="scan-offline-problem">${e(problem)}</p>` : ''}</div>
<div><button type="submit">Start the scan</button></div></form>
<p class="note">One scan runs at a time; its progress shows in the table of this server's scans.</p></section>`;
}

async function scansBody(request: PageRequest, typed = '', problem = ''): Promise<string> {
  const scans = await listScans(request.context.store);
  const ordered = [...scans].sort((a, b) => b.id - a.id);
  const completeBefore = (scan: ScanRow) => scans.filter((s) => s.status === 'complete' && s.id < scan.id).sort((a, b) => b.id - a.id)[0];
  const rows = ordered.slice(0, 200).map((scan) => scanRow(scan, completeBefore(scan)));
  const jobs = request.context.scans.list().map((job) => `<tr><th scope="row">${e(job.id)}</th><td>${e(job.state)}</td><td>${e(job.phase)}</td><td class="mono">${e(job.source)}</td><td>${e(job.startedBy)}</td><td>${e(readableTime(job.startedAt))}</td><td>${job.finishedAt ? e(readableTime(job.finishedAt)) : ''}</td><td>${job.scanId === null ? '' : `#${job.scanId}`}</td><td class="num">${job.subscriptions ?? ''}</td><td>${e(job.error ?? '')}</td></tr>`);
  const notice = request.url.searchParams.get('started');
  return `${notice ? `<p class="notice" role="status">Scan job ${e(notice)} started.</p>` : ''}
<p class="lede">${scans.length} scans stored. A narrowed scan (<code>--subscription</code>, <code>--management-group</code>, <code>--control</code>) covers part of the tenant; the trend leaves it out.</p>
${startForm(request, typed, problem)}
<section aria-labelledby="jobs"><h2 id="jobs">Scans run by this server</h2>${jobs.length === 0 ? '<p class="muted">None since the server started.</p>' : table('Scan jobs of this server, newest first', ['Job', 'State', 'Phase', 'Source', 'Started by', 'Started', 'Finished', 'Scan', 'Subscriptions', 'Error'], jobs, [8])}</section>
<section aria-labelledby="stored"><h2 id="stored">Stored scans</h2>${rows.length === 0 ? '<p class="muted">No scan is stored yet.</p>' : table(`Stored scans, newest first${scans.length > 200 ? ' (the latest 200)' : ''}`, ['Scan', 'Status', 'Started', 'Finished', 'Source', ...FINDING_STATUSES.map((s) => s[0]!.toUpperCase() + s.slice(1)), 'Drift'], rows, [5, 6, 7, 8, 9])}</section>`;
}

export const scansPage: PageHandler = async (request) => renderPage(request, { title: 'Scans', section: 'scans', body: await scansBody(request) });

/** POST /scans: starts an offline scan of a capture directory; a busy runner or a bad directory is shown in the form. */
export const startScanPage: PageHandler = async (request) => {
  const refused = refuseChange(request);
  if (refused) return refused;
  const offline = (request.form.get('offline') ?? '').trim();
  let problem = offline ? '' : 'name the capture directory to scan';
  if (!problem) {
    try {
      const job = request.context.scans.start({ offline }, request.principal.name);
      return seeOther(`/scans?started=${encodeURIComponent(job.id)}`);
    } catch (error) {
      if (!(error instanceof WardError)) throw error;
      problem = error.hint ? `${error.message} (${error.hint})` : error.message;
    }
  }
  return renderPage(request, { title: 'Scans', section: 'scans', status: 422, body: await scansBody(request, offline, problem) });
};

function driftTable(caption: string, entries: readonly DriftEntry[]): string {
  if (entries.length === 0) return '<p class="muted">None.</p>';
  const status = (s: FindingStatus | null) => (s === null ? '<span class="muted">absent</span>' : pill(s));
  const rows = entries.slice(0, 1000).map((d) => `<tr><td><code>${e(d.controlId)}</code></td><td>${assetCell(d.assetId, d.assetName)}</td><td>${status(d.before)}</td><td>${status(d.after)}</td><td><span class="sev ${e(d.severity)}">${e(d.severity)}</span></td><td>${e(splitFailureReason(d.reason).text)}</td></tr>`);
  const more = entries.length > 1000 ? `<p class="note">The first 1000 of ${entries.length}; <code>ward diff --format json</code> lists them all.</p>` : '';
  return `${table(caption, ['Control', 'Subscription', 'Before', 'After', 'Severity', 'Why'], rows)}${more}`;
}

export const driftPage: PageHandler = async (request) => {
  const from = request.url.searchParams.get('from')?.trim() || undefined;
  const to = request.url.searchParams.get('to')?.trim() || undefined;
  const pick = await pickDrift(request.context, from, to);
  const options = (selected: number | undefined) => pick.complete.map((s) => `<option value="${s.id}"${s.id === selected ? ' selected' : ''}>#${s.id} · ${e(readableTime((s.finishedAt ?? s.startedAt).toISOString()))}${s.narrowed ? ' (narrowed)' : ''}</option>`).join('');
  const chosen = pick.kind === 'drift' ? pick.drift : undefined;
  const form = `<form class="filters" method="get" action="/drift" aria-label="Pick the scans to compare">
<div><label for="d-from">From scan</label><select id="d-from" name="from"><option value="">the one before</option>${options(chosen?.from.id)}</select></div>
<div><label for="d-to">To scan</label><select id="d-to" name="to"><option value="">the latest</option>${options(chosen?.to.id)}</select></div>
<div><button type="submit">Compare</button></div></form>`;
  if (pick.kind === 'none') return renderPage(request, { title: 'Drift', section: 'drift', body: `${form}<p class="lede">${e(pick.why)}.</p>` });
  const chosenDrift = pick.drift;
  const { diff } = chosenDrift;
  const body = `${form}
<p class="lede">From scan #${chosenDrift.from.id} (${when(chosenDrift.from.finishedAt)}) to scan #${chosenDrift.to.id} (${when(chosenDrift.to.finishedAt)}): ${diff.new.length} new, ${diff.resolved.length} resolved, ${diff.changed.length} changed, ${diff.unchanged} unchanged${diff.outOfScope > 0 ? `, ${diff.outOfScope} outside what the later scans looked at` : ''}.</p>
<section aria-labelledby="new"><h2 id="new">New problems (${diff.new.length})</h2>${driftTable('Findings that became a problem', diff.new)}</section>
<section aria-labelledby="resolved"><h2 id="resolved">Resolved (${diff.resolved.length})</h2>${driftTable('Problems that went away', diff.resolved)}</section>
<section aria-labelledby="changed"><h2 id="changed">Changed (${diff.changed.length})</h2>${driftTable('Problems whose status changed', diff.changed)}</section>`;
  return renderPage(request, { title: 'Drift', section: 'drift', body });
};
