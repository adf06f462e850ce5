/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core, against `ward serve`'s app on a
 * loopback port (the sample tenant, scanned twice, one exception; and the same tenant with hostile names). One
 * browser for the file; each test opens a context of its own (its own cookies), signing in with `?token=` as a
 * person does. Contexts obey the page's Content-Security-Policy, except the axe-core one (see test-support/browser.ts).
 *
 * Screenshots go to a temporary directory; with WARD_UPDATE_SCREENSHOTS=1 two of them also replace the README's
 * (docs/images/serve-overview.png and docs/images/serve-findings-phone.png).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { executeQuery } from '../core/query/execute-query.js';
import { listExceptions } from '../store/exception-repository.js';
import { accessTokens, generateToken } from './access-tokens.js';
import { createGraphqlApi } from './api/create-graphql-api.js';
import { CONTENT_SECURITY_POLICY, createWardApp } from './create-ward-app.js';
import { WARD_CSS } from './pages/page-css.js';
import { routePage } from './pages/page-routes.js';
import { HOSTILE_EMAIL, HOSTILE_NAME, HOSTILE_TAG_KEY, hostileCapture } from './pages/test-support/hostile-capture.js';
import { startWardServer, type RunningServer } from './start-ward-server.js';
import { axeContext, chromiumAvailability, launchChromium, seriousAxeViolations } from './test-support/browser.js';
import { serverFixture, type ServerFixture } from './test-support/server-fixture.js';

const chromium = chromiumAvailability();
const skip = chromium.skip;
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SEED_CHECK = readFileSync(join(REPO, 'controls/azure/defender/azure-defender-security-contact-email/check.graphql'), 'utf8');
const DESKTOP = { width: 1280, height: 800 } as const;
const PHONE = { width: 375, height: 800 } as const;

interface Served {
  readonly fixture: ServerFixture;
  readonly server: RunningServer;
  readonly token: string;
  /** Unexpected errors the server logged (each answered 500). */
  readonly serverErrors: string[];
}

/** The app as `ward serve` builds it (serve-actions.ts), on a loopback port of its own. */
async function serve(fixture: ServerFixture): Promise<Served> {
  const token = generateToken();
  const serverErrors: string[] = [];
  const app = createWardApp({
    context: fixture.context,
    tokens: accessTokens({ token, principal: { name: 'serve', role: 'admin' } }),
    api: createGraphqlApi(fixture.context),
    routePage,
    css: WARD_CSS,
    requestsPerMinute: 100_000,
    onError: (error, request) => void serverErrors.push(`${request.method} ${request.url}: ${(error as Error).stack ?? String(error)}`),
  });
  const server = await startWardServer(app, { host: '127.0.0.1', port: 0 });
  return { fixture, server, token, serverErrors };
}

interface Harness {
  readonly browser: Browser;
  readonly plain: Served;
  readonly hostile: Served;
  readonly screenshots: string;
}

/** Set by `before`, read by the tests (a test's own state, not the module's: each run of the file builds it anew). */
const harness: { current?: Harness } = {};
const h = (): Harness => {
  assert.ok(harness.current, 'the browser and the servers started');
  return harness.current;
};

before(async () => {
  if (skip) return;
  const [browser, plain, hostile] = await Promise.all([
    launchChromium(chromium),
    serverFixture().then(serve),
    serverFixture({ capture: hostileCapture }).then(serve),
  ]);
  harness.current = { browser, plain, hostile, screenshots: mkdtempSync(join(tmpdir(), 'ward-serve-screens-')) };
});

after(async () => {
  const current = harness.current;
  if (!current) return;
  await current.browser.close();
  for (const served of [current.plain, current.hostile]) {
    await served.server.close();
    await served.fixture.close();
  }
  rmSync(current.screenshots, { recursive: true, force: true });
});

interface Watched {
  readonly context: BrowserContext;
  /** What went wrong on any page of the context (console errors and warnings, CSP violations among them; uncaught errors; dialogs) or in the server. */
  problems(): string[];
}

/** A new context (its own cookies) whose pages are watched for anything that should not happen. */
async function watchedContext(served: Served, options: { viewport?: { width: number; height: number }; axe?: boolean } = {}): Promise<Watched> {
  const contextOptions = { viewport: options.viewport ?? DESKTOP };
  const context = options.axe ? await axeContext(h().browser, contextOptions) : await h().browser.newContext(contextOptions);
  const seen: string[] = [];
  const serverErrorsBefore = served.serverErrors.length;
  context.on('page', (page) => watch(page, seen));
  return { context, problems: () => [...seen, ...served.serverErrors.slice(serverErrorsBefore)] };
}

function watch(page: Page, problems: string[]): void {
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    const source = message.location().url;
    // a page answered 4xx on purpose (422 for a refused form) logs its own status: the tests assert statuses themselves
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text()) && (source === page.url() || new URL(source).pathname === '/favicon.ico')) return;
    problems.push(`console ${message.type()} on ${page.url()}: ${message.text()} (${source})`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught on ${page.url()}: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`a ${dialog.type()} dialog opened on ${page.url()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
}

/** Opens the address ward serve prints (`/?token=…`) in a new page of the context: afterwards the session cookie is set. */
async function signIn(context: BrowserContext, served: Served, path = '/'): Promise<Page> {
  const page = await context.newPage();
  const separator = path.includes('?') ? '&' : '?';
  const response = await page.goto(`${served.server.origin}${path}${separator}token=${served.token}`);
  assert.equal(response?.status(), 200, `signed in at ${path}`);
  return page;
}

/**
 * Runs `work` signed in (at `path`) in a new watched context, then checks nothing went wrong on any of its pages or
 * in the server, and closes the context.
 */
async function signedIn(
  served: Served,
  options: { viewport?: { width: number; height: number }; axe?: boolean; path?: string },
  work: (page: Page, context: BrowserContext) => Promise<void>,
): Promise<void> {
  const { context, problems } = await watchedContext(served, options);
  try {
    await work(await signIn(context, served, options.path), context);
    assert.deepEqual(problems(), [], 'no console error, no CSP violation, no dialog, no server error');
  } finally {
    await context.close();
  }
}

const heading = (page: Page): Promise<string> => page.locator('main h1').innerText();

/** Every page of the dashboard, by the path a person reaches it at, and its main heading. */
function everyPage(served: Served): { path: string; heading: RegExp }[] {
  const { controls, inventory } = served.fixture;
  const control = controls[0]!;
  const subscription = inventory.connectors[1]!;
  return [
    { path: '/', heading: /^Overview$/ },
    { path: '/controls', heading: /^Controls$/ },
    { path: `/controls/${encodeURIComponent(control.id)}`, heading: new RegExp(`^${control.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) },
    { path: '/findings', heading: /^Findings$/ },
    { path: `/subscriptions/${subscription.id.split('/').pop()!}`, heading: /^Subscription / },
    { path: '/scans', heading: /^Scans$/ },
    { path: '/drift', heading: /^Drift$/ },
    { path: '/exceptions', heading: /^Exceptions$/ },
    { path: '/query', heading: /^Query$/ },
  ];
}

test('signing in with ?token= sets an HttpOnly, SameSite=Strict session cookie and takes the token out of the address bar', { skip }, async () => {
  const { plain } = h();
  await signedIn(plain, { path: '/findings?status=fail' }, async (page, context) => {
    assert.equal(page.url(), `${plain.server.origin}/findings?status=fail`, 'the rest of the address stays');
    assert.doesNotMatch(page.url(), /token/);
    assert.equal(await heading(page), 'Findings');
    const cookies = await context.cookies();
    assert.equal(cookies.length, 1);
    assert.equal(cookies[0]!.name, 'ward_session');
    assert.equal(cookies[0]!.httpOnly, true);
    assert.equal(cookies[0]!.sameSite, 'Strict');
    assert.doesNotMatch(await page.content(), new RegExp(plain.token), 'the token is nowhere on the page');
    // the cookie alone is enough from now on
    const again = await page.goto(`${plain.server.origin}/scans`);
    assert.equal(again?.status(), 200);
    // and a browser without it sees the sign-in page
    const stranger = await h().browser.newContext();
    try {
      const response = await (await stranger.newPage()).goto(`${plain.server.origin}/`);
      assert.equal(response?.status(), 401);
    } finally {
      await stranger.close();
    }
  });
});

test('every page is reached from the nav and the links on it, renders its heading, and answers with the strict CSP', { skip }, async () => {
  const { plain } = h();
  await signedIn(plain, {}, async (page) => {
    const headers: { url: string; csp: string | undefined }[] = [];
    page.on('response', (response) => {
      if (response.request().resourceType() === 'document') headers.push({ url: response.url(), csp: response.headers()['content-security-policy'] });
    });
    const nav = page.getByRole('navigation', { name: 'Main' });
    const visit = async (click: () => Promise<void>, expected: RegExp, section?: string) => {
      await Promise.all([page.waitForLoadState('load'), click()]);
      assert.match(await heading(page), expected, page.url());
      if (section) assert.equal(await nav.locator('[aria-current="page"]').innerText(), section, `${section} is marked current`);
    };
    await visit(() => nav.getByRole('link', { name: 'Controls' }).click(), /^Controls$/, 'Controls');
    const control = plain.fixture.controls[0]!;
    await visit(() => page.locator('main').getByRole('link', { name: control.title, exact: true }).click(), new RegExp(`^${control.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    await visit(() => nav.getByRole('link', { name: 'Findings' }).click(), /^Findings$/, 'Findings');
    await visit(() => page.locator('main table a[href^="/subscriptions/"]').first().click(), /^Subscription /);
    await visit(() => nav.getByRole('link', { name: 'Scans' }).click(), /^Scans$/, 'Scans');
    await visit(() => nav.getByRole('link', { name: 'Drift' }).click(), /^Drift$/, 'Drift');
    await visit(() => nav.getByRole('link', { name: 'Exceptions' }).click(), /^Exceptions$/, 'Exceptions');
    await visit(() => nav.getByRole('link', { name: 'Query' }).click(), /^Query$/, 'Query');
    await visit(() => nav.getByRole('link', { name: 'Overview' }).click(), /^Overview$/, 'Overview');
    assert.equal(headers.length, 9, 'nine documents loaded');
    for (const { url, csp } of headers) assert.equal(csp, CONTENT_SECURITY_POLICY, url);
    // every path of everyPage was among them (the list the axe and layout tests walk)
    const seen = new Set(headers.map((x) => new URL(x.url).pathname));
    for (const { path } of everyPage(plain)) if (!path.startsWith('/subscriptions/')) assert.ok(seen.has(path.split('?')[0]!), path);
  });
});

test('findings: the filter form narrows the list, and the pager walks it', { skip }, async () => {
  const { plain } = h();
  await signedIn(plain, { path: '/findings' }, async (page) => {
    const all = await page.locator('main table tbody tr').count();
    assert.ok(all > 4, `the sample has findings of several statuses (${all})`);
    await page.getByLabel('Status').selectOption('fail');
    await Promise.all([page.waitForURL(/status=fail/), page.getByRole('button', { name: 'Apply' }).click()]);
    const statuses = await page.locator('main table tbody tr td:first-child .pill').first().allInnerTexts();
    const failing = await page.locator('main table tbody tr').count();
    assert.ok(failing > 0 && failing < all, `${failing} failing of ${all}`);
    for (const row of await page.locator('main table tbody tr td:first-child').allInnerTexts()) assert.match(row, /^Fail/, row);
    assert.deepEqual([...new Set(statuses)], ['Fail']);
    assert.equal(await page.getByLabel('Status').inputValue(), 'fail', 'the form shows the filter in force');
    // paginate: two per page, keeping the filter
    await page.goto(`${plain.server.origin}/findings?status=fail&size=2`);
    const pager = page.getByRole('navigation', { name: 'Pages of findings' }).first();
    assert.match(await pager.innerText(), new RegExp(`^1–2 of ${failing} findings · page 1 of ${Math.ceil(failing / 2)}`));
    const firstPage = await page.locator('main table tbody tr').allInnerTexts();
    await Promise.all([page.waitForURL(/page=2/), pager.getByRole('link', { name: 'Next page' }).click()]);
    assert.match(page.url(), /status=fail/, 'the filter stays');
    assert.match(await page.getByRole('navigation', { name: 'Pages of findings' }).first().innerText(), /page 2 of/);
    const secondPage = await page.locator('main table tbody tr').allInnerTexts();
    assert.equal(secondPage.length, Math.min(2, failing - 2));
    assert.notDeepEqual(secondPage, firstPage);
    await Promise.all([page.waitForURL(/page=1/), page.getByRole('navigation', { name: 'Pages of findings' }).first().getByRole('link', { name: 'Previous page' }).click()]);
    assert.deepEqual(await page.locator('main table tbody tr').allInnerTexts(), firstPage);
  });
});

test('exceptions: an invalid one is refused beside its field and nothing is stored; a valid one is listed, then removed', { skip }, async () => {
  const { plain } = h();
  const { store } = plain.fixture.context;
  const before = (await listExceptions(store)).length;
  await signedIn(plain, { path: '/exceptions' }, async (page) => {
    const control = plain.fixture.controls[0]!;
    const asset = plain.fixture.inventory.connectors[2]!.id;
    const fill = async (expires: string) => {
      await page.getByLabel('Control', { exact: true }).selectOption(control.id);
      await page.getByLabel(/^Asset/).fill(asset);
      await page.getByLabel(/^Owner/).fill('bob@contoso.com');
      await page.getByLabel(/^Expires/).fill(expires);
      await page.getByLabel('Reason').fill('waiting for the new SOC mailbox');
    };
    await fill('2020-01-01'); // long past
    const refused = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Add the exception' }).click()]);
    assert.equal(refused[0].status(), 422);
    await page.waitForLoadState('load');
    const expires = page.getByLabel(/^Expires/);
    assert.equal(await expires.getAttribute('aria-invalid'), 'true');
    const problem = page.locator('#x-expires-problem');
    assert.ok(await problem.isVisible(), 'the problem is shown');
    assert.equal(await expires.getAttribute('aria-describedby'), 'x-expires-problem', 'and tied to the field');
    assert.ok(await problem.evaluate((p) => (p as unknown as { parentElement: { querySelector(s: string): unknown } | null }).parentElement?.querySelector('#x-expires') != null), 'right beside it, in the field\'s own group');
    assert.equal(await page.getByLabel(/^Owner/).inputValue(), 'bob@contoso.com', 'what was typed stays');
    assert.equal((await listExceptions(store)).length, before, 'nothing was stored');

    await fill('2026-12-15');
    await Promise.all([page.waitForURL(/\/exceptions\?added=/), page.getByRole('button', { name: 'Add the exception' }).click()]);
    const id = new URL(page.url()).searchParams.get('added')!;
    assert.match(await page.getByRole('status').innerText(), new RegExp(`Exception ${id} added`));
    const listed = page.locator('section[aria-labelledby="list"] tbody tr', { has: page.locator(`th:text-is("${id}")`) });
    assert.equal(await listed.count(), 1, 'listed');
    assert.match(await listed.innerText(), /bob@contoso\.com/);
    const stored = (await listExceptions(store)).find((x) => x.id === id);
    assert.equal(stored?.createdBy, 'serve', 'the token name is the actor');
    assert.equal(stored?.assetId, asset);

    await Promise.all([page.waitForURL(/\/exceptions\?removed=/), page.getByRole('button', { name: `Remove exception ${id}` }).click()]);
    assert.match(await page.getByRole('status').innerText(), new RegExp(`Exception ${id} removed`));
    assert.equal(await page.locator('section[aria-labelledby="list"] tbody tr', { has: page.locator(`th:text-is("${id}")`) }).count(), 0, 'gone from the list');
    assert.equal((await listExceptions(store)).length, before);
    const audit = await page.locator('section[aria-labelledby="audit"] tbody tr', { has: page.locator(`th:text-is("${id}")`) }).allInnerTexts();
    assert.equal(audit.length, 2, 'the audit log has the add and the remove');
  });
});

test('query: the seed check pasted into the Query page returns what ward query returns on the same store', { skip }, async () => {
  const { plain } = h();
  await signedIn(plain, { path: '/query' }, async (page) => {
    await page.getByLabel('Query', { exact: true }).fill(SEED_CHECK);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Run the query' }).click()]);
    await page.getByRole('heading', { name: 'Result' }).waitFor();
    assert.equal(await page.locator('section[aria-labelledby="result"] [role="alert"]').count(), 0, 'no errors');
    const shown: unknown = JSON.parse(await page.locator('section[aria-labelledby="result"] pre code').innerText());
    const expected = await executeQuery(plain.fixture.context.store, SEED_CHECK);
    assert.equal(expected.errors, undefined);
    assert.deepEqual(shown, JSON.parse(JSON.stringify(expected.data)));
    const connectors = (shown as { connectors: { id: string }[] }).connectors;
    assert.ok(connectors.length > 0, 'the sample tenant has subscriptions the seed check flags');
    assert.equal(await page.getByLabel('Query', { exact: true }).inputValue(), SEED_CHECK, 'the query stays in the editor');
  });
});

test('hostile names, tags and emails render as text on every page and never run', { skip }, async () => {
  const { hostile } = h();
  await signedIn(hostile, {}, async (page) => {
    for (const { path, heading: expected } of everyPage(hostile)) {
      const response = await page.goto(`${hostile.server.origin}${path}`);
      assert.equal(response?.status(), 200, path);
      if (!path.startsWith('/subscriptions/')) assert.match(await heading(page), expected, path);
      const injected = await page.evaluate(() => {
        const d = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document;
        return { scripts: d.querySelectorAll('script').length, images: d.querySelectorAll('img').length, svgOnload: d.querySelectorAll('svg[onload], [onerror], [onmouseover]').length };
      });
      assert.deepEqual(injected, { scripts: 0, images: 0, svgOnload: 0 }, `nothing injected on ${path}`);
    }
    // the subscription page shows the hostile values as the text they are
    await page.goto(`${hostile.server.origin}${everyPage(hostile)[4]!.path}`);
    assert.ok((await heading(page)).startsWith(`Subscription ${HOSTILE_NAME.slice(0, 20)}`), 'the name is the heading, as text');
    const text = await page.locator('main').innerText();
    assert.ok(text.includes(HOSTILE_TAG_KEY), 'the tag key is shown as text');
    assert.ok(text.includes(HOSTILE_EMAIL), 'the email is shown as text');
    await page.goto(`${hostile.server.origin}/findings`);
    assert.ok((await page.locator('main').innerText()).includes(HOSTILE_NAME.slice(0, 30)), 'findings show the name as text');
    // give any handler that slipped through a moment to fire
    await page.waitForTimeout(200);
  });
});

test('axe-core finds no serious or critical violation on any page, at 1280 px and at 375 px', { skip }, async () => {
  const { plain } = h();
  const found: string[] = [];
  const record = async (page: Page, viewport: { width: number }, what: string) => {
    for (const v of await seriousAxeViolations(page)) found.push(`${viewport.width}px ${what}: ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(', ')}: ${v.summary}`);
  };
  for (const viewport of [DESKTOP, PHONE]) {
    // the only contexts that bypass the CSP: axe-core is a script the policy (rightly) refuses
    await signedIn(plain, { viewport, axe: true }, async (page) => {
      for (const { path } of [...everyPage(plain), { path: '/findings?status=fail&size=2' }]) {
        await page.goto(`${plain.server.origin}${path}`);
        await record(page, viewport, path);
      }
      // the exceptions form with a problem shown
      await page.goto(`${plain.server.origin}/exceptions`);
      await page.getByRole('button', { name: 'Add the exception' }).click();
      await page.waitForLoadState('load');
      await record(page, viewport, '/exceptions (refused form)');
    });
  }
  assert.deepEqual(found, []);
});

test('every page fits the window at 1280 px and at 375 px: the body never scrolls sideways', { skip }, async () => {
  const { plain, hostile } = h();
  const overflowing: string[] = [];
  for (const served of [plain, hostile]) {
    for (const viewport of [DESKTOP, PHONE]) {
      await signedIn(served, { viewport }, async (page) => {
        for (const { path } of everyPage(served)) {
          await page.goto(`${served.server.origin}${path}`);
          const { scrollWidth, innerWidth } = await page.evaluate(() => {
            const g = globalThis as unknown as { innerWidth: number; document: { documentElement: { scrollWidth: number } } };
            return { scrollWidth: g.document.documentElement.scrollWidth, innerWidth: g.innerWidth };
          });
          if (scrollWidth > innerWidth) overflowing.push(`${served === hostile ? 'hostile ' : ''}${path} at ${viewport.width} px: ${scrollWidth} px wide`);
        }
      });
    }
  }
  assert.deepEqual(overflowing, []);
});

test('keyboard: the first Tab reaches the skip link, and following it moves focus to main', { skip }, async () => {
  const { plain } = h();
  await signedIn(plain, { path: '/findings' }, async (page) => {
    await page.keyboard.press('Tab');
    const focused = () =>
      page.evaluate(() => {
        const active = (globalThis as unknown as { document: { activeElement: { tagName: string; id: string; className: string; textContent: string | null } | null } }).document.activeElement;
        return active ? { tag: active.tagName, id: active.id, className: active.className, text: active.textContent?.trim() ?? '' } : undefined;
      });
    assert.deepEqual(await focused(), { tag: 'A', id: '', className: 'skip', text: 'Skip to content' });
    assert.ok(await page.locator('a.skip').isVisible(), 'the skip link shows when focused');
    await page.keyboard.press('Enter');
    assert.deepEqual(await focused(), { tag: 'MAIN', id: 'main', className: '', text: (await page.locator('main').textContent())!.trim() });
    // the next Tab goes on from main, into the page's content (the filter form), not back to the header
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document.activeElement?.closest('main') !== null), true);
  });
});

test('screenshots of the overview, the findings and a control page at 1280 px and 375 px', { skip }, async () => {
  const { plain, screenshots } = h();
  const control = `/controls/${encodeURIComponent(plain.fixture.controls[0]!.id)}`;
  const shots: string[] = [];
  for (const viewport of [DESKTOP, PHONE]) {
    await signedIn(plain, { viewport }, async (page) => {
      for (const [name, path] of [['overview', '/'], ['findings', '/findings'], ['control', control]] as const) {
        await page.goto(`${plain.server.origin}${path}`);
        // the whole page, and its first screen (what the README shows of a long page)
        for (const fullPage of [true, false]) {
          const file = join(screenshots, `${name}-${viewport.width}${fullPage ? '' : '-screen'}.png`);
          await page.screenshot({ path: file, fullPage });
          assert.equal(readFileSync(file).subarray(1, 4).toString(), 'PNG', file);
          shots.push(file);
        }
      }
    });
  }
  assert.equal(shots.length, 12);
  if (process.env.WARD_UPDATE_SCREENSHOTS === '1') {
    const images = join(REPO, 'docs/images');
    mkdirSync(images, { recursive: true });
    copyFileSync(join(screenshots, 'overview-1280.png'), join(images, 'serve-overview.png'));
    // the phone's findings page is some 10,000 px long: its first screen is the picture
    copyFileSync(join(screenshots, 'findings-375-screen.png'), join(images, 'serve-findings-phone.png'));
  }
  // WARD_KEEP_SCREENSHOTS=DIR keeps every screenshot there, to look at them
  const keep = process.env.WARD_KEEP_SCREENSHOTS;
  if (keep) {
    mkdirSync(keep, { recursive: true });
    for (const file of shots) copyFileSync(file, join(keep, file.slice(screenshots.length + 1)));
  }
});
