/**
 * `/exceptions`: the exceptions on record (expired ones highlighted) and their audit log; for admins, a form that
 * adds one (POST /exceptions) and a remove button per exception (POST /exceptions/:id/remove). Both go through
 * src/scan/exception-changes.ts, the same validation and audit line as `ward exceptions`, with the token's name as
 * the actor and `serve` as the source. A refused exception comes back in the form, as typed, with the problem
 * beside its field.
 */
import { exceptionIsActive } from '../../core/engine/apply-exceptions.js';
import { WardError } from '../../core/errors.js';
import { exceptionProblem, type DeclaredException, type ExceptionProblem, type ExceptionRules } from '../../core/exceptions/validate-exception.js';
import { addException, removeExceptionById } from '../../scan/exception-changes.js';
import { listExceptionEvents, listExceptions } from '../../store/exception-repository.js';
import { readableTime } from '../../reporters/scan-report.js';
import { canChange, csrfField, e, notFoundPage, refuseChange, renderPage, seeOther, table } from './page-layout.js';
import type { PageHandler, PageRequest } from './page-request.js';

const FIELDS = ['control', 'asset', 'owner', 'expires', 'reason'] as const;
type Field = (typeof FIELDS)[number];
type Typed = Readonly<Record<Field, string>>;

const EMPTY: Typed = { control: '', asset: '', owner: '', expires: '', reason: '' };
/** How many audit lines the page shows (newest first): `ward exceptions log` has them all. */
const AUDIT_LINES = 200;

function rulesOf(request: PageRequest): ExceptionRules {
  return { now: request.context.now(), maxDays: request.context.exceptionMaxDays, knownControls: request.context.controls.map((c) => c.id) };
}

function addForm(request: PageRequest, typed: Typed, problem: ExceptionProblem | undefined): string {
  if (!canChange(request)) return '';
  const described = (field: Field) => (problem?.field === field ? ` aria-invalid="true" aria-describedby="x-${field}-problem"` : '');
  const message = (field: Field) =>
    problem?.field === field ? `<p class="field-problem" id="x-${field}-problem">${e(problem.message)}${problem.hint ? ` (${e(problem.hint)})` : ''}</p>` : '';
  const input = (field: Field, label: string, attributes: string, hint = '') =>
    `<div><label for="x-${field}">${label}</label><input id="x-${field}" name="${field}" value="${e(typed[field])}" ${attributes}${described(field)}>${hint}${message(field)}</div>`;
  const controls = request.context.controls.map((c) => `<option value="${e(c.id)}"${c.id === typed.control ? ' selected' : ''}>${e(c.id)}</option>`).join('');
  const unknown = typed.control && !request.context.controls.some((c) => c.id === typed.control) ? `<option value="${e(typed.control)}" selected>${e(typed.control)}</option>` : '';
  return `<section aria-labelledby="add"><h2 id="add">Add an exception</h2>
<form class="stack" method="post" action="/exceptions" novalidate>${csrfField(request)}
<div><label for="x-control">Control</label><select id="x-control" name="control"${described('control')}><option value="">Choose a control</option>${controls}${unknown}</select>${message('control')}</div>
${input('asset', 'Asset (an ARM id, or a prefix ending in *)', 'class="mono" autocomplete="off"')}
${input('owner', 'Owner (who answers for it, with an email address)', 'autocomplete="email"')}
${input('expires', 'Expires (YYYY-MM-DD, valid through that day, UTC)', 'type="date"', `<p class="note">At most ${request.context.exceptionMaxDays} days from today.</p>`)}
<div><label for="x-reason">Reason</label><textarea id="x-reason" name="reason" rows="3"${described('reason')}>${e(typed.reason)}</textarea>${message('reason')}</div>
<div><button type="submit">Add the exception</button></div></form></section>`;
}

async function exceptionsBody(request: PageRequest, typed: Typed = EMPTY, problem?: ExceptionProblem, general = ''): Promise<string> {
  const { store } = request.context;
  const now = request.context.now();
  const exceptions = [...(await listExceptions(store))].sort((a, b) => a.expires.localeCompare(b.expires));
  const events = await listExceptionEvents(store);
  const change = canChange(request);
  const rows = exceptions.map((x) => {
    const active = exceptionIsActive(x, now);
    const remove = change
      ? `<td><form class="inline" method="post" action="/exceptions/${encodeURIComponent(x.id)}/remove">${csrfField(request)}<button type="submit" class="danger" aria-label="${e(`Remove exception ${x.id}`)}">Remove</button></form></td>`
      : '';
    return `<tr${active ? '' : ' class="expired"'}><th scope="row" class="mono">${e(x.id)}</th><td>${active ? '<span class="pill excepted">active</span>' : '<span class="pill expired">expired</span>'}</td><td>${e(x.expires)}</td><td>${e(x.owner)}</td><td><a href="/controls/${encodeURIComponent(x.controlId)}"><code>${e(x.controlId)}</code></a><br><span class="mono muted">${e(x.assetId)}</span></td><td>${e(x.reason)}</td><td>${e(x.createdBy)}<br><span class="note">${e(readableTime(x.createdAt))}</span></td>${remove}</tr>`;
  });
  const audit = events.slice(-AUDIT_LINES).reverse().map((ev) => `<tr><td>${e(readableTime(ev.at))}</td><td>${e(ev.action)}</td><th scope="row" class="mono">${e(ev.exceptionId)}</th><td>${e(ev.actor)}</td><td>${e(ev.source ?? '')}</td><td><code>${e(ev.exception.controlId)}</code><br><span class="mono muted">${e(ev.exception.assetId)}</span></td><td>${e(ev.exception.expires)}</td></tr>`);
  const added = request.url.searchParams.get('added');
  const removed = request.url.searchParams.get('removed');
  const notice = added ? `Exception ${added} added.` : removed ? `Exception ${removed} removed.` : '';
  const expired = exceptions.filter((x) => !exceptionIsActive(x, now)).length;
  return `${notice ? `<p class="notice" role="status">${e(notice)}</p>` : ''}${general ? `<p class="problem" role="alert">${e(general)}</p>` : ''}
<p class="lede">An exception accepts a known failure of one control on an asset until the end of its expiry day (UTC); it never covers an error. ${exceptions.length} on record${expired > 0 ? `, <strong>${expired} expired</strong> (highlighted: their findings count as failures again)` : ''}.</p>
${problem ? `<p class="problem" role="alert">The exception was not added: ${e(problem.message)}.</p>` : ''}
${addForm(request, typed, problem)}
<section aria-labelledby="list"><h2 id="list">On record</h2>${rows.length === 0 ? '<p class="muted">No exceptions on record.</p>' : table('Exceptions, soonest expiry first', ['ID', 'State', 'Expires', 'Owner', 'Control / asset', 'Reason', 'Added by', ...(change ? ['Remove'] : [])], rows)}</section>
<section aria-labelledby="audit"><h2 id="audit">Audit log</h2>${audit.length === 0 ? '<p class="muted">No changes yet.</p>' : table(`Every change, newest first${events.length > AUDIT_LINES ? ` (the latest ${AUDIT_LINES} of ${events.length})` : ''}`, ['When', 'Action', 'Exception', 'By', 'Through', 'Control / asset', 'Expires'], audit)}</section>`;
}

export const exceptionsPage: PageHandler = async (request) => renderPage(request, { title: 'Exceptions', section: 'exceptions', body: await exceptionsBody(request) });

export const addExceptionPage: PageHandler = async (request) => {
  const refused = refuseChange(request);
  if (refused) return refused;
  const typed = Object.fromEntries(FIELDS.map((f) => [f, request.form.get(f) ?? ''])) as Record<Field, string>;
  const declared: DeclaredException = { controlId: typed.control, assetId: typed.asset, owner: typed.owner, expires: typed.expires, reason: typed.reason };
  const rules = rulesOf(request);
  const problem = exceptionProblem(declared, rules);
  if (problem) return renderPage(request, { title: 'Exceptions', section: 'exceptions', status: 422, body: await exceptionsBody(request, typed, problem) });
  try {
    const { saved } = await addException(request.context.store, declared, rules, { actor: request.principal.name, source: 'serve' });
    return seeOther(`/exceptions?added=${encodeURIComponent(saved.id)}`);
  } catch (error) {
    if (!(error instanceof WardError)) throw error;
    return renderPage(request, { title: 'Exceptions', section: 'exceptions', status: 422, body: await exceptionsBody(request, typed, undefined, error.message) });
  }
};

export const removeExceptionPage: PageHandler = async (request) => {
  const refused = refuseChange(request);
  if (refused) return refused;
  const id = request.params.id ?? '';
  try {
    await removeExceptionById(request.context.store, id, request.context.now(), { actor: request.principal.name, source: 'serve' });
  } catch (error) {
    if (error instanceof WardError && error.code === 'NOT_FOUND') return notFoundPage(request, `There is no exception "${id}": nothing was removed.`);
    throw error;
  }
  return seeOther(`/exceptions?removed=${encodeURIComponent(id)}`);
};
