/**
 * `/controls` lists the controls with their current counts; `/controls/:id` is a control's whole page: every section
 * of its document, its stored checks with their query text and the parameters in force, and the subscriptions it
 * does not pass on, with the cause and the dry-run command that plans each fix.
 */
import { splitFailureReason } from '../../core/engine/failure-reason.js';
import type { Control, Finding } from '../../core/model.js';
import { remediateCommand } from '../../reporters/html-reporter.js';
import { countByControlAndStatus, countByStatus } from '../../reporters/scan-report.js';
import { controlProse, proseLine } from './control-prose.js';
import { assetCell, currentOrNone, e, externalLink, notFoundPage, pager, paginate, pill, renderPage, statusBar, table } from './page-layout.js';
import type { PageHandler } from './page-request.js';

export const controlsPage: PageHandler = async (request) => {
  const current = await currentOrNone(request.context);
  const findings = current?.findings ?? [];
  const byControl = countByControlAndStatus(findings);
  const rows = request.context.controls.map((control) => {
    const c = byControl.get(control.id) ?? countByStatus([]);
    const frameworks = [...new Set(control.frameworks.map((f) => `${f.framework} ${f.version}`))].map((f) => `<span class="tag">${e(f)}</span>`).join('');
    return `<tr><th scope="row"><a href="/controls/${encodeURIComponent(control.id)}">${e(control.title)}</a><br><code class="muted">${e(control.id)}</code></th><td><span class="sev ${e(control.severity)}">${e(control.severity)}</span></td><td>${e(control.service)}</td><td>${frameworks}</td><td class="num">${c.fail}</td><td class="num">${c.error}</td><td>${current ? statusBar(c) : '<span class="muted">no scan yet</span>'}</td></tr>`;
  });
  const body = `<p class="lede">${request.context.controls.length} controls, each judged by stored GraphQL checks on the inventory.</p>
${table('Controls and their current failures', ['Control', 'Severity', 'Service', 'Frameworks', 'Fail', 'Error', 'Status'], rows, [4, 5])}`;
  return renderPage(request, { title: 'Controls', section: 'controls', body });
};

function checksSection(control: Control): string {
  return control.checks.map((check) => {
    const variables = check.variables.length === 0
      ? ''
      : `<p class="note">Variables: ${check.variables.map((v) => `<code>$${e(v.name)}: ${e(v.type)}</code> = <code>${e(JSON.stringify(control.parameterValues[v.name] ?? null))}</code>`).join(', ')}</p>`;
    const reasons = (check.reasons ?? []).length === 0
      ? ''
      : `<ul>${(check.reasons ?? []).map((r) => `<li><code>${e(r.match)}</code>: ${e(r.reason)}</li>`).join('')}</ul>`;
    return `<section aria-labelledby="${e(`check-${check.id}`)}"><h3 id="${e(`check-${check.id}`)}">${e(check.name)} <code class="muted">${e(check.id)}</code></h3>
<p class="note">Lists <code>${e(check.assetType)}</code> at <code>${e(check.rootField)}</code>; expected result <code>${e(check.expect.source)}</code>.</p>${variables}
<pre><code>${e(check.query)}</code></pre>${reasons}</section>`;
  }).join('\n');
}

function parametersSection(control: Control): string {
  if (control.parameters.length === 0) return '<p class="muted">This control has no parameters.</p>';
  const rows = control.parameters.map((p) => {
    const value = control.parameterValues[p.name] ?? p.default;
    return `<tr><th scope="row"><code>${e(p.name)}</code></th><td>${e(p.type)}</td><td><code>${e(JSON.stringify(value))}</code>${value === p.default ? '' : ' <span class="note">(overridden)</span>'}</td><td><code>${e(JSON.stringify(p.default))}</code></td><td>${p.allowed ? p.allowed.map((a) => `<code>${e(JSON.stringify(a))}</code>`).join(' ') : 'any'}</td><td>${e(p.description)}</td></tr>`;
  });
  return table('Parameters and the values in force', ['Name', 'Type', 'In force', 'Default', 'Allowed', 'What it sets'], rows);
}

function affectedSection(request: Parameters<PageHandler>[0], control: Control, findings: readonly Finding[], source: string): string {
  const open = findings.filter((f) => f.status === 'fail' || f.status === 'error' || f.status === 'excepted');
  if (open.length === 0) return '<p class="muted">Every subscription judged passes this control (or no scan is stored yet).</p>';
  const order = { fail: 0, error: 1, excepted: 2 } as Record<string, number>;
  const sorted = [...open].sort((a, b) => (order[a.status]! - order[b.status]!) || a.assetId.localeCompare(b.assetId));
  const slice = paginate(sorted, request.url);
  const rows = slice.rows.map((f) => {
    const cause = e(splitFailureReason(f.status === 'excepted' ? (f.originalReason ?? f.reason) : f.reason).text);
    const exception = f.exception ? `<br><span class="note">Accepted by ${e(f.exception.owner)} until ${e(f.exception.expires)} (${e(f.exception.id)})</span>` : '';
    const expired = f.expiredException ? `<br><span class="pill expired">exception ${e(f.expiredException.id)} expired</span>` : '';
    // as in the report: an option and its value never part across lines
    const command = remediateCommand(control, f.assetId, source).split(/ (?=--)/).map((part) => `<span>${e(part)}</span>`).join(' ');
    const fix = f.status === 'fail' ? `<code class="cmd">${command}</code>` : '';
    return `<tr><td>${pill(f.status)}${expired}</td><td>${assetCell(f.assetId, f.assetName)}</td><td>${cause}${exception}</td><td>${fix}</td></tr>`;
  });
  return `${pager(request.url, slice, 'subscriptions')}${table('Subscriptions that do not pass, with the cause and the dry run that plans the fix', ['Status', 'Subscription', 'Cause', 'Plan the fix (dry run)'], rows)}`;
}

export const controlPage: PageHandler = async (request) => {
  const control = request.context.controls.find((c) => c.id === request.params.id);
  if (!control) return notFoundPage(request, `There is no control "${request.params.id ?? ''}".`);
  const current = await currentOrNone(request.context);
  const findings = (current?.findings ?? []).filter((f) => f.controlId === control.id);
  const c = countByStatus(findings);
  const refs = (list: readonly { title: string; url: string }[]) => (list.length === 0 ? '<p class="muted">None.</p>' : `<ul>${list.map((r) => `<li>${externalLink(r.url, r.title)}</li>`).join('')}</ul>`);
  const rollout = control.rollout.map((step) => `<h3>${e(step.title)}</h3><ol>${step.steps.map((s) => `<li>${proseLine(s)}</li>`).join('')}</ol>`).join('');
  const frameworks = control.frameworks.map((f) => `<tr><th scope="row">${e(f.framework)}</th><td>${e(f.version)}</td><td>${e(f.requirement)}</td><td>${e(f.level ?? '')}</td></tr>`);
  const section = (id: string, title: string, content: string) => `<section aria-labelledby="${id}"><h2 id="${id}">${title}</h2>${content}</section>`;
  const body = `<p class="lede"><code>${e(control.id)}</code> · <span class="sev ${e(control.severity)}">${e(control.severity)}</span> · ${e(control.provider)} · ${e(control.service)} · asset types ${control.assetTypes.map((t) => `<code>${e(t)}</code>`).join(', ')}</p>
<p>${current ? `Now: ${c.pass} pass · <a href="/findings?status=fail&amp;control=${encodeURIComponent(control.id)}">${c.fail} fail</a> · ${c.error} error · ${c.excepted} excepted · ${c.skipped} skipped` : 'No scan is stored yet.'}</p>
${section('overview', 'Overview', controlProse(control.overview))}
${section('rationale', 'Rationale', controlProse(control.rationale))}
${section('default', 'Default value', controlProse(control.defaultValue))}
${section('affected', 'Affected subscriptions', affectedSection(request, control, findings, current?.scan.source ?? ''))}
${section('console', 'Remediation in the portal', `<ol>${control.remediation.console.map((s) => `<li>${e(s)}</li>`).join('')}</ol>`)}
${section('cli', 'Remediation from the command line', controlProse(control.remediation.cli))}
${section('paths', 'The three remediation paths', `<h3>Service-wide</h3>${controlProse(control.remediationPaths.serviceWide)}<h3>Per subscription</h3>${controlProse(control.remediationPaths.assetLevel)}<h3>Preventive</h3>${controlProse(control.remediationPaths.preventive)}<h3>Remediation references</h3>${refs(control.remediationPaths.references)}`)}
${section('rollout', 'Rollout', rollout || '<p class="muted">No rollout steps.</p>')}
${control.additionalInformation.trim() ? section('additional', 'Additional information', controlProse(control.additionalInformation)) : ''}
${section('frameworks', 'Frameworks', frameworks.length === 0 ? '<p class="muted">None.</p>' : table('Framework requirements this control maps to', ['Framework', 'Version', 'Requirement', 'Level'], frameworks))}
${section('references', 'References', refs(control.references))}
${section('checks', 'Stored checks', checksSection(control))}
${section('parameters', 'Parameters', parametersSection(control))}`;
  return renderPage(request, { title: control.title, section: 'controls', body });
};
