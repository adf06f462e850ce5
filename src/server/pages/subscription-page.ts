/**
 * `/subscriptions/:subscriptionId`: one subscription as ward holds it: its record and tags, every security contact
 * both as normalised (what checks read) and as ARM returned it (the raw body, escaped), its current findings with
 * their history, and the exceptions that cover it. Three small queries on indexed columns, whatever the tenant's size.
 */
import { assetPatternMatches, exceptionIsActive } from '../../core/engine/apply-exceptions.js';
import type { SecurityContactRecord } from '../../core/model.js';
import { readableTime } from '../../reporters/scan-report.js';
import { readSubscription } from '../../store/inventory-repository.js';
import { findingRow } from './findings-page.js';
import { currentOrNone, e, notFoundPage, renderPage, table } from './page-layout.js';
import type { PageHandler } from './page-request.js';

/** Every field of a contact as the inventory schema names it (what checks read), in the order the page lists them. */
const CONTACT_FIELDS: readonly (keyof SecurityContactRecord)[] = [
  'id', 'name', 'apiVersion', 'email', 'emails', 'invalidEmails', 'phone', 'isEnabled', 'alertNotifications', 'alertMinimalSeverity',
  'alertsToAdmins', 'notificationsByRole', 'notificationsSources', 'enabled', 'notifiedRoles', 'alertSeverities', 'attackPathRiskLevels',
];

const shown = (value: unknown): string => (value === null || value === undefined ? '<span class="muted">null</span>' : typeof value === 'string' ? e(value) : `<code>${e(JSON.stringify(value))}</code>`);

export const subscriptionPage: PageHandler = async (request) => {
  const wanted = request.params.subscriptionId ?? '';
  const { store } = request.context;
  const stored = await readSubscription(store, wanted);
  if (!stored) return notFoundPage(request, `ward holds no subscription "${wanted}".`);
  const { connector, securityContacts } = stored;
  const current = await currentOrNone(request.context);
  const id = connector.id.toLowerCase();
  const findings = (current?.findings ?? []).filter((f) => f.assetId.toLowerCase() === id);
  const exceptions = (current?.exceptions ?? []).filter((x) => assetPatternMatches(x.assetId, connector.id));
  const now = request.context.now();

  const tags = Object.entries(connector.tags);
  const record = `<dl class="fields"><dt>ARM id</dt><dd class="mono">${e(connector.id)}</dd><dt>Subscription id</dt><dd class="mono">${e(connector.subscriptionId)}</dd>
<dt>Tenant</dt><dd class="mono">${shown(connector.tenantId)}</dd><dt>State</dt><dd>${shown(connector.state)}</dd>
<dt>Tags</dt><dd>${tags.length === 0 ? '<span class="muted">none</span>' : tags.map(([k, v]) => `<span class="tag">${e(k)}: ${e(v)}</span>`).join('')}</dd>
${connector.readError ? `<dt>Read error</dt><dd><strong>${e(connector.readError.code)}</strong>: ${e(connector.readError.message)} <span class="note">(every check on it is an error until it can be read)</span></dd>` : ''}</dl>`;
  const contactSections = securityContacts.length === 0
    ? '<p class="muted">No security contact is stored for this subscription.</p>'
    : securityContacts.map((contact, i) => `<section aria-labelledby="contact-${i}"><h3 id="contact-${i}">Contact ${e(contact.name || contact.id)}</h3>
<dl class="fields">${CONTACT_FIELDS.map((field) => `<dt>${field}</dt><dd>${shown(contact[field])}</dd>`).join('')}</dl>
<details><summary>The body as ARM returned it</summary><pre><code>${e(JSON.stringify(contact.raw, null, 2))}</code></pre></details></section>`).join('');
  const exceptionRows = exceptions.map((x) => {
    const active = exceptionIsActive(x, now);
    return `<tr${active ? '' : ' class="expired"'}><th scope="row" class="mono">${e(x.id)}</th><td>${active ? '<span class="pill excepted">active</span>' : '<span class="pill expired">expired</span>'}</td><td><code>${e(x.controlId)}</code><br><span class="mono muted">${e(x.assetId)}</span></td><td>${e(x.owner)}</td><td>${e(x.expires)}</td><td>${e(x.reason)}</td></tr>`;
  });
  const body = `<p class="lede">${connector.name ? `<strong>${e(connector.name)}</strong> · ` : ''}<span class="mono">${e(connector.id)}</span></p>
<section aria-labelledby="record"><h2 id="record">Subscription</h2>${record}</section>
<section aria-labelledby="contacts"><h2 id="contacts">Security contacts</h2>${contactSections}</section>
<section aria-labelledby="findings"><h2 id="findings">Findings</h2>${current ? `<p class="note">As of scan #${current.scan.id} (${e(readableTime((current.scan.finishedAt ?? current.scan.startedAt).toISOString()))}).</p>` : ''}${findings.length === 0 ? '<p class="muted">No findings for this subscription.</p>' : table('Current findings of this subscription with their history', ['Status', 'Control', 'Severity', 'Why', 'History'], findings.map((f) => findingRow(f, { subscription: false })))}</section>
<section aria-labelledby="exceptions"><h2 id="exceptions">Exceptions</h2>${exceptions.length === 0 ? '<p class="muted">No exception covers this subscription.</p>' : table('Exceptions that cover this subscription', ['ID', 'State', 'Control / asset', 'Owner', 'Expires', 'Reason'], exceptionRows)}</section>`;
  return renderPage(request, { title: connector.name ? `Subscription ${connector.name}` : `Subscription ${connector.subscriptionId}`, section: 'none', body });
};
