/**
 * The whole of `ward serve` as one fetch handler, `(Request) => Promise<Response>`: tests call it without a socket,
 * start-ward-server.ts puts it on node:http. In order, for every request:
 *
 * 1. `/assets/ward.css` is public (so that the sign-in page has its look); everything else needs a principal:
 *    `Authorization: Bearer <token>`, or `?token=` once (exchanged for a session cookie and a redirect that takes
 *    the token out of the address bar), or the session cookie. None: 401, never a hint of what exists.
 * 2. A per-principal rate limit (rate-limiter-flexible): 429 with Retry-After.
 * 3. `/graphql` goes to the API; a browser's GET is sent to the Query page. A cookie-authenticated API call must
 *    carry the session's CSRF token in `X-Ward-CSRF` (a Bearer token is never sent by a browser on its own).
 * 4. Pages: a POST carries the session's CSRF token in its `csrf` field, or is refused (403) before any handler runs.
 * 5. Every response gets the security headers: a strict Content-Security-Policy with no script source at all,
 *    nosniff, no referrer, no framing, no caching.
 *
 * Errors never reach the client as stacks: an unexpected one is logged through `onError` and answered 500.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { escapeHtml } from '../reporters/html-reporter.js';
import type { AccessTokens } from './access-tokens.js';
import { SESSION_COOKIE, browserSessions, csrfMatches, type BrowserSession, type SessionOptions } from './browser-sessions.js';
import type { GraphqlAnswer, PageHandler } from './pages/page-request.js';
import type { Principal, ServerContext } from './server-context.js';

/** What the app needs of the GraphQL API (create-graphql-api.ts provides it). */
export interface ApiHandler {
  handle(request: Request, principal: Principal): Promise<Response>;
  execute(query: string, variables: Readonly<Record<string, unknown>> | undefined, principal: Principal): Promise<GraphqlAnswer>;
}

export type RoutePage = (method: string, pathname: string) => { handler: PageHandler; params: Record<string, string> } | undefined;

export interface WardAppOptions {
  readonly context: ServerContext;
  readonly tokens: AccessTokens;
  readonly api: ApiHandler;
  readonly routePage: RoutePage;
  readonly css: string;
  /** Requests per principal per minute (default 600). */
  readonly requestsPerMinute?: number;
  readonly sessions?: SessionOptions;
  /** Unexpected errors, for the server's log (the client only sees that something failed). */
  readonly onError?: (error: unknown, request: Request) => void;
}

export interface WardApp {
  fetch(request: Request): Promise<Response>;
}

/** The largest request body ward serve reads: a form or a GraphQL query is far smaller. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

function withSecurityHeaders(response: Response): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

const wantsHtml = (request: Request): boolean => (request.headers.get('accept') ?? '').includes('text/html');

/** A small page of its own for answers that come before any page handler (401, 403, 413, 429, 500). */
function plainPage(status: number, title: string, text: string): Response {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · ward</title><link rel="stylesheet" href="/assets/ward.css"></head><body><main id="main"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></main></body></html>`;
  return new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

function failure(request: Request, status: number, title: string, text: string, headers: Record<string, string> = {}): Response {
  const response = wantsHtml(request)
    ? plainPage(status, title, text)
    : new Response(JSON.stringify({ errors: [{ message: text, extensions: { code: title.toUpperCase().replace(/[^A-Z]+/g, '_') } }] }), {
        status,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

function cookieValue(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

const sessionCookie = (session: BrowserSession, secure: boolean): string =>
  `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;

/** Reads a body of at most MAX_REQUEST_BYTES (undefined when it is larger, whatever Content-Length claimed). */
async function boundedText(request: Request): Promise<string | undefined> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_REQUEST_BYTES) return undefined;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_REQUEST_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface Authenticated {
  readonly principal: Principal;
  readonly session: BrowserSession | undefined;
  readonly bearer: boolean;
}

export function createWardApp(options: WardAppOptions): WardApp {
  const sessions = browserSessions(options.sessions);
  const limiter = new RateLimiterMemory({ points: options.requestsPerMinute ?? 600, duration: 60 });

  const authenticate = (request: Request, url: URL): Authenticated | Response | undefined => {
    const authorization = request.headers.get('authorization');
    if (authorization !== null) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const principal = match ? options.tokens.verify(match[1]!) : undefined;
      return principal ? { principal, session: undefined, bearer: true } : undefined;
    }
    const token = url.searchParams.get('token');
    if (token !== null) {
      const principal = options.tokens.verify(token);
      if (!principal || request.method !== 'GET') return undefined;
      const session = sessions.create(principal);
      url.searchParams.delete('token');
      return new Response(null, {
        status: 303,
        headers: { location: `${url.pathname}${url.search}`, 'set-cookie': sessionCookie(session, url.protocol === 'https:') },
      });
    }
    const session = sessions.get(cookieValue(request, SESSION_COOKIE));
    return session ? { principal: session.principal, session, bearer: false } : undefined;
  };

  const api = async (request: Request, who: Authenticated): Promise<Response> => {
    if (request.method === 'GET' && wantsHtml(request)) return new Response(null, { status: 303, headers: { location: '/query' } });
    if (!who.bearer && request.method !== 'GET' && !(who.session && csrfMatches(who.session, request.headers.get('x-ward-csrf')))) {
      return failure(request, 403, 'Forbidden', 'a browser session calls the API with its CSRF token in X-Ward-CSRF; scripts use Authorization: Bearer');
    }
    if (Number(request.headers.get('content-length') ?? 0) > MAX_REQUEST_BYTES) return failure(request, 413, 'Too large', `requests are limited to ${MAX_REQUEST_BYTES / 1024} KiB`);
    return options.api.handle(request, who.principal);
  };

  const page = async (request: Request, url: URL, who: Authenticated): Promise<Response> => {
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    if (method !== 'GET' && method !== 'POST') return failure(request, 405, 'Method not allowed', `${method} is not used here`, { allow: 'GET, POST' });
    const route = options.routePage(method, url.pathname);
    if (!route) return failure(request, 404, 'Not found', `nothing at ${url.pathname}`);
    let form = new URLSearchParams();
    if (method === 'POST') {
      const text = await boundedText(request);
      if (text === undefined) return failure(request, 413, 'Too large', `forms are limited to ${MAX_REQUEST_BYTES / 1024} KiB`);
      form = new URLSearchParams(text);
      // a page POST is a browser's form: it must come with this session's CSRF token
      if (!who.session || !csrfMatches(who.session, form.get('csrf'))) {
        return failure(request, 403, 'Forbidden', 'the form is out of date or came from another site: reload the page and try again');
      }
    }
    return route.handler({
      method,
      url,
      params: route.params,
      form,
      principal: who.principal,
      csrfToken: who.session?.csrfToken ?? '',
      context: options.context,
      graphql: (query, variables) => options.api.execute(query, variables, who.principal),
    });
  };

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname === '/assets/ward.css') return new Response(options.css, { headers: { 'content-type': 'text/css; charset=utf-8' } });
    const who = authenticate(request, url);
    if (who instanceof Response) return who;
    if (!who) {
      return failure(request, 401, 'Sign in', 'open the address ward serve printed (it ends in ?token=…), or send Authorization: Bearer <token>', {
        'www-authenticate': 'Bearer realm="ward"',
      });
    }
    try {
      await limiter.consume(who.principal.name);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      return failure(request, 429, 'Too many requests', `slow down: try again in ${seconds} s`, { 'retry-after': String(seconds) });
    }
    if (url.pathname === '/graphql') return api(request, who);
    return page(request, url, who);
  };

  return {
    async fetch(request) {
      try {
        return withSecurityHeaders(await handle(request));
      } catch (error) {
        options.onError?.(error, request);
        return withSecurityHeaders(failure(request, 500, 'Something went wrong', 'the server could not answer this request; its log says why'));
      }
    },
  };
}
