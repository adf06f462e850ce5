/**
 * Pages called directly, without a socket: a PageRequest over a test ServerContext, routed as the app routes it.
 * The GraphQL function records its calls and answers what the test gives it (the real API has its own tests).
 */
import type { Principal, ServerContext } from '../../server-context.js';
import type { GraphqlAnswer, PageRequest } from '../page-request.js';
import { routePage } from '../page-routes.js';

export const ADMIN: Principal = { name: 'alice-admin', role: 'admin' };
export const VIEWER: Principal = { name: 'victor-viewer', role: 'viewer' };
export const TEST_CSRF = 'csrf-token-for-tests';

export interface PageCall {
  readonly method?: 'GET' | 'POST';
  readonly form?: Readonly<Record<string, string>>;
  readonly principal?: Principal;
  readonly graphql?: PageRequest['graphql'];
}

export interface PageResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export function pageRequest(context: ServerContext, target: string, call: PageCall = {}, params: Record<string, string> = {}): PageRequest {
  const graphql = call.graphql ?? (async (): Promise<GraphqlAnswer> => ({ data: null }));
  return {
    method: call.method ?? 'GET',
    url: new URL(target, 'http://127.0.0.1:7420'),
    params,
    form: new URLSearchParams(call.form ?? {}),
    principal: call.principal ?? ADMIN,
    csrfToken: TEST_CSRF,
    context,
    graphql,
  };
}

/** Routes `target` (a path with its query) as the app does and runs the page; throws when no page matches. */
export async function callPage(context: ServerContext, target: string, call: PageCall = {}): Promise<PageResult> {
  const method = call.method ?? 'GET';
  const url = new URL(target, 'http://127.0.0.1:7420');
  const route = routePage(method, url.pathname);
  if (!route) throw new Error(`no page for ${method} ${url.pathname}`);
  const response = await route.handler(pageRequest(context, target, call, route.params));
  return { status: response.status, headers: response.headers, text: await response.text() };
}
