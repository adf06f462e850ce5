/**
 * What every dashboard page shares: the layout (skip link, header with the signed-in principal, nav, main), the
 * responses (HTML, 403, 404, "no scan yet"), links that keep a page's filters, pagination, status pills and bars.
 * Everything a page prints goes through `e` (escapeHtml): names, tags, emails and reasons come from tenants.
 */
import { WardError } from '../../core/errors.js';
import { FINDING_STATUSES, type FindingStatus } from '../../core/model.js';
import { escapeHtml, STATUS_COLOUR, STATUS_LABEL } from '../../reporters/html-reporter.js';
import type { CurrentFindings } from '../../scan/current-findings.js';
import type { ServerContext } from '../server-context.js';
import type { PageRequest } from './page-request.js';

export const e = escapeHtml;

/** Only https links leave the dashboard; anything else (javascript:, data:, http:) becomes no link at all. */
export function externalLink(url: string, text: string): string {
  return /^https:\/\//i.test(url) ? `<a href="${e(url)}" rel="noreferrer">${e(text)}</a>` : `${e(text)} <span class="note">(${e(url)})</span>`;
}

/** The nav entries, in order: the section a page belongs to is marked `aria-current="page"`. */
const NAV = [
  ['overview', '/', 'Overview'],
  ['controls', '/controls', 'Controls'],
  ['findings', '/findings', 'Findings'],
  ['scans', '/scans', 'Scans'],
  ['drift', '/drift', 'Drift'],
  ['exceptions', '/exceptions', 'Exceptions'],
  ['query', '/query', 'Query'],
] as const;

export type Section = (typeof NAV)[number][0] | 'none';

export interface PageContent {
  /** The page's h1 and the first part of its <title>. */
  readonly title: string;
  readonly section: Section;
  /** Everything after the h1, already escaped. */
  readonly body: string;
  readonly status?: number;
}

export function htmlResponse(html: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers } });
}

export function renderPage(request: PageRequest, content: PageContent): Response {
  const { principal, context } = request;
  const nav = NAV.map(([section, href, label]) => `<li><a href="${href}"${section === content.section ? ' aria-current="page"' : ''}>${label}</a></li>`).join('');
  const mode = context.readOnly ? ' · <strong>read-only</strong>' : '';
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(content.title)} · ward</title>
<link rel="stylesheet" href="/assets/ward.css">
<link rel="icon" href="data:,">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><div class="inner"><a class="brand" href="/">ward</a>
<nav class="site" aria-label="Main"><ul>${nav}</ul></nav>
<div class="who">Signed in as <strong>${e(principal.name)}</strong> (${e(principal.role)})${mode}</div></div></header>
<main id="main" tabindex="-1">
<h1>${e(content.title)}</h1>
${content.body}
</main>
</body></html>
`;
  return htmlResponse(html, content.status ?? 200);
}

/** True when this request may change something: an admin, on a server not started with --read-only. */
export function canChange(request: PageRequest): boolean {
  return request.principal.role === 'admin' && !request.context.readOnly;
}

/** The 403 page for a POST that may not change anything, saying why; undefined when the request may. */
export function refuseChange(request: PageRequest): Response | undefined {
  if (canChange(request)) return undefined;
  const why = request.context.readOnly
    ? 'This server was started with <code>--read-only</code>: nothing can be changed through it, whatever the token.'
    : `The token <strong>${e(request.principal.name)}</strong> has the <code>viewer</code> role: it can read everything but change nothing. Changes need a token with the <code>admin</code> role.`;
  return renderPage(request, { title: 'Not allowed', section: 'none', status: 403, body: `<p class="problem">${why}</p><p>Nothing was changed. <a href="/">Back to the overview</a>.</p>` });
}

export function notFoundPage(request: PageRequest, what: string): Response {
  return renderPage(request, { title: 'Not found', section: 'none', status: 404, body: `<p>${e(what)}</p><p><a href="/">Back to the overview</a>.</p>` });
}

export const csrfField = (request: PageRequest): string => `<input type="hidden" name="csrf" value="${e(request.csrfToken)}">`;

/** A 303 to a page of the dashboard (after a POST that worked), so reloading it does not repeat the change. */
export function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { location } });
}

/** The current state, or undefined before the first complete scan (a page then says to run one). */
export async function currentOrNone(context: ServerContext): Promise<CurrentFindings | undefined> {
  try {
    return await context.findings();
  } catch (error) {
    if (error instanceof WardError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

export function noScanPage(request: PageRequest, title: string, section: Section): Response {
  return renderPage(request, {
    title,
    section,
    body: `<p class="lede">No complete scan is stored yet, so there is nothing to show.</p>
<p>Run one with <code>ward scan</code> (or <code>ward scan --offline DIR</code> for a capture)${canChange(request) ? ', or start one on the <a href="/scans">Scans</a> page' : ''}; this page fills in once it completes.</p>`,
  });
}

export const pill = (status: FindingStatus): string => `<span class="pill ${status}">${STATUS_LABEL[status]}</span>`;

/** A table in a wrapper that scrolls sideways on a narrow screen instead of widening the page. */
export function table(caption: string, head: readonly string[], rows: readonly string[], numeric: readonly number[] = []): string {
  const ths = head.map((h, i) => `<th scope="col"${numeric.includes(i) ? ' class="num"' : ''}>${h}</th>`).join('');
  // a region that scrolls must be reachable by keyboard (axe: scrollable-region-focusable), and named for what it holds
  return `<div class="table-wrap" tabindex="0" role="region" aria-label="${e(caption.replace(/<[^>]*>/g, ''))}"><table><caption class="note">${caption}</caption><thead><tr>${ths}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** The status counts as one stacked bar, in SVG (widths as attributes: the CSP forbids style attributes). */
export function statusBar(counts: Readonly<Record<FindingStatus, number>>): string {
  const total = FINDING_STATUSES.reduce((n, s) => n + counts[s], 0);
  let x = 0;
  const parts = total === 0
    ? ''
    : FINDING_STATUSES.filter((s) => counts[s] > 0)
        .map((s) => {
          const width = (counts[s] / total) * 140;
          const rect = `<rect x="${x.toFixed(2)}" y="0" width="${width.toFixed(2)}" height="8" fill="${STATUS_COLOUR[s]}"><title>${counts[s]} ${s}</title></rect>`;
          x += width;
          return rect;
        })
        .join('');
  const label = FINDING_STATUSES.map((s) => `${counts[s]} ${s}`).join(', ');
  return `<svg class="bar" role="img" aria-label="${e(label)}" width="140" height="8" viewBox="0 0 140 8" xmlns="http://www.w3.org/2000/svg">${parts}</svg>`;
}

/** The same URL with some query parameters changed (undefined or '' removes one): links that keep the filters. */
export function hrefWith(url: URL, changes: Readonly<Record<string, string | number | undefined>>): string {
  const params = new URLSearchParams(url.search);
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || value === '') params.delete(name);
    else params.set(name, String(value));
  }
  const query = params.toString();
  return `${url.pathname}${query ? `?${query}` : ''}`;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

export interface PageSlice<T> {
  readonly rows: readonly T[];
  readonly page: number;
  readonly pages: number;
  readonly size: number;
  readonly total: number;
}

/** One page of `items` as `?page=` and `?size=` ask (clamped: a bad number reads as the default, never an error). */
export function paginate<T>(items: readonly T[], url: URL): PageSlice<T> {
  const wanted = Number.parseInt(url.searchParams.get('size') ?? '', 10);
  const size = Number.isInteger(wanted) && wanted > 0 ? Math.min(wanted, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  const pages = Math.max(1, Math.ceil(items.length / size));
  const asked = Number.parseInt(url.searchParams.get('page') ?? '', 10);
  const page = Number.isInteger(asked) ? Math.min(Math.max(asked, 1), pages) : 1;
  return { rows: items.slice((page - 1) * size, page * size), page, pages, size, total: items.length };
}

/** Previous / next links for a slice, keeping every other query parameter. */
export function pager(url: URL, slice: PageSlice<unknown>, noun: string): string {
  const first = slice.total === 0 ? 0 : (slice.page - 1) * slice.size + 1;
  const last = Math.min(slice.total, slice.page * slice.size);
  const previous = slice.page > 1 ? `<a href="${e(hrefWith(url, { page: slice.page - 1 }))}" rel="prev">Previous page</a>` : '';
  const next = slice.page < slice.pages ? `<a href="${e(hrefWith(url, { page: slice.page + 1 }))}" rel="next">Next page</a>` : '';
  return `<nav class="pager" aria-label="${e(`Pages of ${noun}`)}"><span>${first}–${last} of ${slice.total} ${e(noun)} · page ${slice.page} of ${slice.pages}</span>${previous}${next}</nav>`;
}

/** `/subscriptions/<guid>`: the dashboard's page of an asset, from its ARM id (undefined for other ids). */
export function subscriptionHref(assetId: string): string | undefined {
  const match = /^\/subscriptions\/([^/]+)$/i.exec(assetId);
  return match ? `/subscriptions/${encodeURIComponent(match[1]!)}` : undefined;
}

/** An asset's name and id, linking to its subscription page. */
export function assetCell(assetId: string, assetName: string | null): string {
  const href = subscriptionHref(assetId);
  const name = assetName ? `<strong>${e(assetName)}</strong><br>` : '';
  const id = `<span class="mono muted asset">${e(assetId)}</span>`;
  return href ? `<a href="${e(href)}">${name}${id}</a>` : `${name}${id}`;
}

export const isoTime = (time: Date | null | undefined): string => (time ? time.toISOString() : '');
