/**
 * Debian's Chromium for the dashboard's browser tests, driven by playwright-core (the Playwright browser download is
 * not reachable here, so `executablePath` is the system's `chromium`).
 *
 * Without Chromium a test skips with a visible reason; under CI (`CI=true`, where .ci/run installs it) it fails
 * instead, so CI cannot pass without ever opening a page (the same rule as PostgreSQL in test-store.ts).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/** Where Debian puts Chromium; WARD_CHROMIUM names another binary. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * The flags the tests launch with. We run as root (no sandbox), headless without a GPU, and with every background
 * service off: the network is closed, and a browser that tries to reach Google's servers stalls its own start.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumAvailability {
  readonly executablePath: string;
  /** A reason for `test(..., { skip })`, or false when the tests run (always false under CI). */
  readonly skip: string | false;
}

/** Whether the browser tests can run here, and with which binary. */
export function chromiumAvailability(env: NodeJS.ProcessEnv = process.env): ChromiumAvailability {
  const executablePath = env.WARD_CHROMIUM ?? DEFAULT_CHROMIUM;
  if (existsSync(executablePath) || env.CI === 'true') return { executablePath, skip: false };
  return { executablePath, skip: `no Chromium at ${executablePath} (apt-get install chromium, or set WARD_CHROMIUM to its path)` };
}

/** Launches headless Chromium; under CI a missing binary is an error that says what is missing. */
export async function launchChromium(availability: ChromiumAvailability = chromiumAvailability()): Promise<Browser> {
  if (!existsSync(availability.executablePath)) {
    throw new Error(`CI=true: the browser tests need Chromium at ${availability.executablePath} (.ci/run installs it with apt-get install chromium)`);
  }
  return chromium.launch({ executablePath: availability.executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}

/** The serious and critical findings of axe-core, as a test reports them. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  /** CSS selectors of the offending nodes (the first few). */
  readonly targets: readonly string[];
  /** What axe says is wrong with the first of them (for colour contrast: the colours and the ratio). */
  readonly summary: string;
}

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * A browser context for axe runs only. The dashboard's Content-Security-Policy has no script source at all, so
 * axe-core cannot be injected into a page that obeys it: `bypassCSP` lets the injected script run. Every other test
 * uses a context WITHOUT it, so the policy stays under test there.
 */
export function axeContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ ...options, bypassCSP: true });
}

/**
 * Runs axe-core (WCAG 2.x A/AA and best practices) on the page as it is now and returns the violations of impact
 * serious or critical. The page must belong to a context made by `axeContext`.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  const violations = await page.evaluate(async () => {
    interface AxeResult {
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
    }
    const axe = (globalThis as unknown as { axe: { run(options: unknown): Promise<AxeResult> } }).axe;
    const result = await axe.run({ resultTypes: ['violations'] }); // the whole document
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? 'unknown', help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')),
      summary: (v.nodes[0]?.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
