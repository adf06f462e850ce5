/**
 * The dashboard's routes: one line per page, `METHOD /path/:param` → handler. The HTTP app asks routePage for a
 * request's handler and its decoded path parameters; anything unmatched is the app's own 404.
 *
 *   GET  /                                  overview: counts, controls, frameworks, trend, changes since the last scan
 *   GET  /controls, /controls/:id           the controls; one control's whole page, checks and affected subscriptions
 *   GET  /findings (.csv, .json, .sarif)    the current findings, filtered, sorted, paginated; their exports
 *   GET  /subscriptions/:subscriptionId     a subscription: contacts (normalised and raw), findings, exceptions
 *   GET  /scans, POST /scans                stored scans and this server's jobs; start an offline scan (admin)
 *   GET  /drift?from=&to=                   new, resolved and changed findings between two complete scans
 *   GET  /exceptions, POST /exceptions      exceptions and the audit log; add one (admin)
 *   POST /exceptions/:id/remove             remove one (admin)
 *   GET  /query, POST /query                run a GraphQL query on the API
 */
import { controlPage, controlsPage } from './controls-page.js';
import { addExceptionPage, exceptionsPage, removeExceptionPage } from './exceptions-page.js';
import { findingsExport, findingsPage } from './findings-page.js';
import { overviewPage } from './overview-page.js';
import type { PageHandler } from './page-request.js';
import { queryPage } from './query-page.js';
import { driftPage, scansPage, startScanPage } from './scans-page.js';
import { subscriptionPage } from './subscription-page.js';

export const PAGE_ROUTES = {
  'GET /': overviewPage,
  'GET /controls': controlsPage,
  'GET /controls/:id': controlPage,
  'GET /findings': findingsPage,
  'GET /findings.csv': findingsExport('csv'),
  'GET /findings.json': findingsExport('json'),
  'GET /findings.sarif': findingsExport('sarif'),
  'GET /subscriptions/:subscriptionId': subscriptionPage,
  'GET /scans': scansPage,
  'POST /scans': startScanPage,
  'GET /drift': driftPage,
  'GET /exceptions': exceptionsPage,
  'POST /exceptions': addExceptionPage,
  'POST /exceptions/:id/remove': removeExceptionPage,
  'GET /query': queryPage,
  'POST /query': queryPage,
} as const satisfies Record<string, PageHandler>;

/** A route's segments, split once: literals, and `:name` parameters. */
function matchPattern(pattern: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = pattern.split('/').filter(Boolean);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const segment = segments[i]!;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(segment);
      } catch {
        return undefined; // a malformed escape matches no page
      }
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

export function routePage(method: string, pathname: string): { handler: PageHandler; params: Record<string, string> } | undefined {
  const segments = pathname.split('/').filter(Boolean);
  for (const [route, handler] of Object.entries(PAGE_ROUTES) as [string, PageHandler][]) {
    const at = route.indexOf(' ');
    if (route.slice(0, at) !== method.toUpperCase()) continue;
    const params = matchPattern(route.slice(at + 1), segments);
    if (params) return { handler, params };
  }
  return undefined;
}
