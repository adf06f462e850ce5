import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessTokens, sha256 } from './access-tokens.js';
import { CONTENT_SECURITY_POLICY, MAX_REQUEST_BYTES, createWardApp, type ApiHandler, type RoutePage } from './create-ward-app.js';
import type { PageRequest } from './pages/page-request.js';
import type { Principal, ServerContext } from './server-context.js';

const ADMIN_TOKEN = 'a'.repeat(43);
const VIEWER_TOKEN = 'v'.repeat(43);

/** An app over stub API and pages that record what reached them: these tests are about the door, not the rooms. */
function app(options: { requestsPerMinute?: number } = {}) {
  const seen: { api: Principal[]; pages: PageRequest[] } = { api: [], pages: [] };
  const api: ApiHandler = {
    handle: async (_request, principal) => {
      seen.api.push(principal);
      return Response.json({ data: { who: principal.name } });
    },
    execute: async (_query, _variables, principal) => ({ data: { who: principal.name } }),
  };
  const routePage: RoutePage = (method, pathname) =>
    pathname === '/' || pathname === '/exceptions'
      ? {
          params: {},
          handler: async (request) => {
            seen.pages.push(request);
            return new Response(`<p>${method} ${request.principal.name}</p>`, { headers: { 'content-type': 'text/html; charset=utf-8' } });
          },
        }
      : undefined;
  const tokens = accessTokens({ token: ADMIN_TOKEN, principal: { name: 'serve', role: 'admin' } }, [{ principal: { name: 'val', role: 'viewer' }, digest: sha256(VIEWER_TOKEN) }]);
  const ward = createWardApp({ context: {} as ServerContext, tokens, api, routePage, css: 'body{}', ...options });
  return { ward, seen };
}

const url = (path: string) => `http://127.0.0.1:7420${path}`;
const browser = { accept: 'text/html,application/xhtml+xml' };

/** Signs in as a browser does: the token once, then only the cookie. */
async function signIn(ward: ReturnType<typeof app>['ward'], token = ADMIN_TOKEN): Promise<string> {
  const response = await ward.fetch(new Request(url(`/exceptions?status=fail&token=${token}`), { headers: browser }));
  assert.equal(response.status, 303);
  assert.equal(response.headers.get('location'), '/exceptions?status=fail', 'the token leaves the address bar, the rest of the query stays');
  const cookie = response.headers.get('set-cookie')!;
  assert.match(cookie, /^ward_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
  return cookie.split(';')[0]!;
}

test('without a token nothing but the stylesheet answers: 401 for pages and the API alike, with the same security headers', async () => {
  const { ward, seen } = app();
  for (const request of [
    new Request(url('/'), { headers: browser }),
    new Request(url('/no/such/page'), { headers: browser }),
    new Request(url('/graphql'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ controls { id } }"}' }),
    new Request(url('/graphql'), { method: 'POST', headers: { authorization: 'Bearer wrong' }, body: '{}' }),
    new Request(url('/?token=wrong'), { headers: browser }),
    new Request(url('/'), { headers: { ...browser, cookie: 'ward_session=forged-forged-forged-forged-forged-forged-for' } }),
  ]) {
    const response = await ward.fetch(request);
    assert.equal(response.status, 401, request.url);
    assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="ward"');
  }
  assert.deepEqual(seen, { api: [], pages: [] });
  const css = await ward.fetch(new Request(url('/assets/ward.css')));
  assert.equal(css.status, 200);
  assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
});

test('a bearer token reaches the API as its named principal; a browser GET of /graphql goes to the Query page', async () => {
  const { ward, seen } = app();
  const viewer = await ward.fetch(new Request(url('/graphql'), { method: 'POST', headers: { authorization: `Bearer ${VIEWER_TOKEN}` }, body: '{}' }));
  assert.equal(viewer.status, 200);
  assert.deepEqual(seen.api, [{ name: 'val', role: 'viewer' }]);
  const page = await ward.fetch(new Request(url('/graphql'), { headers: { ...browser, authorization: `Bearer ${ADMIN_TOKEN}` } }));
  assert.equal(page.status, 303);
  assert.equal(page.headers.get('location'), '/query');
});

test('the cookie flow: ?token= once, then the session cookie; every response carries the strict headers', async () => {
  const { ward, seen } = app();
  const cookie = await signIn(ward, VIEWER_TOKEN);
  const response = await ward.fetch(new Request(url('/'), { headers: { ...browser, cookie } }));
  assert.equal(response.status, 200);
  assert.equal(await response.text(), '<p>GET val</p>');
  assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /script-src|unsafe/, 'no script source at all');
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(response.headers.get('x-frame-options'), 'DENY');
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(seen.pages[0]!.principal.role, 'viewer');
  assert.match(seen.pages[0]!.csrfToken, /^[A-Za-z0-9_-]{43}$/);
  const missing = await ward.fetch(new Request(url('/nothing'), { headers: { ...browser, cookie } }));
  assert.equal(missing.status, 404);
});

test('a page POST needs the session CSRF token; a cookie-authenticated API call needs it in X-Ward-CSRF', async () => {
  const { ward, seen } = app();
  const cookie = await signIn(ward);
  await ward.fetch(new Request(url('/'), { headers: { ...browser, cookie } }));
  const csrf = seen.pages[0]!.csrfToken;
  const post = (body: string) =>
    ward.fetch(new Request(url('/exceptions'), { method: 'POST', headers: { ...browser, cookie, 'content-type': 'application/x-www-form-urlencoded' }, body }));
  assert.equal((await post('control=x')).status, 403, 'no token');
  assert.equal((await post(`control=x&csrf=${'b'.repeat(43)}`)).status, 403, 'another token');
  const ok = await post(`control=x&csrf=${csrf}`);
  assert.equal(ok.status, 200);
  assert.equal(seen.pages.at(-1)!.form.get('control'), 'x');
  const apiCall = (headers: Record<string, string>) => ward.fetch(new Request(url('/graphql'), { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: '{}' }));
  assert.equal((await apiCall({})).status, 403);
  assert.equal((await apiCall({ 'x-ward-csrf': csrf })).status, 200);
  // a bearer-authenticated POST to a page has no session, so no CSRF token can match
  const bearerPost = await ward.fetch(new Request(url('/exceptions'), { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: 'csrf=' }));
  assert.equal(bearerPost.status, 403);
});

test('bodies above the limit are refused before anything reads them', async () => {
  const { ward, seen } = app();
  const cookie = await signIn(ward);
  await ward.fetch(new Request(url('/'), { headers: { ...browser, cookie } }));
  const big = `csrf=${seen.pages[0]!.csrfToken}&x=${'y'.repeat(MAX_REQUEST_BYTES)}`;
  const response = await ward.fetch(new Request(url('/exceptions'), { method: 'POST', headers: { ...browser, cookie }, body: big }));
  assert.equal(response.status, 413);
  assert.equal(seen.pages.length, 1);
});

test('each token has its own rate limit: 429 with Retry-After, the others go on', async () => {
  const { ward } = app({ requestsPerMinute: 3 });
  const call = (token: string) => ward.fetch(new Request(url('/graphql'), { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' }));
  for (let i = 0; i < 3; i += 1) assert.equal((await call(ADMIN_TOKEN)).status, 200);
  const limited = await call(ADMIN_TOKEN);
  assert.equal(limited.status, 429);
  assert.match(limited.headers.get('retry-after')!, /^\d+$/);
  assert.equal((await call(VIEWER_TOKEN)).status, 200);
});

test('an unexpected error is a 500 without its stack; the log gets it', async () => {
  const logged: unknown[] = [];
  const tokens = accessTokens({ token: ADMIN_TOKEN, principal: { name: 'serve', role: 'admin' } });
  const ward = createWardApp({
    context: {} as ServerContext,
    tokens,
    api: { handle: async () => { throw new Error('SELECT secret FROM pg_authid'); }, execute: async () => ({}) },
    routePage: () => undefined,
    css: '',
    onError: (error) => logged.push(error),
  });
  const response = await ward.fetch(new Request(url('/graphql'), { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: '{}' }));
  assert.equal(response.status, 500);
  assert.doesNotMatch(await response.text(), /SELECT|pg_authid|at /);
  assert.equal(logged.length, 1);
});
