/**
 * Team mode in a test: a new database on the test run's PostgreSQL server, emulators to read, connectors
 * configured on them, and workers run in-process (runWorker) until stopped. Without a PostgreSQL server the tests
 * skip, except under CI=true, where that is a failure.
 */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connectArm } from '../../connectors/azure/connect-arm.js';
import { connectorConnection } from '../../connectors/azure/connector-connection.js';
import { emulatorConnector as connectorOn } from '../../connectors/azure/test-support/emulator-connector.js';
import type { ConnectorConfig } from '../../core/team/connector-config.js';
import type { Control } from '../../core/model.js';
import type { RunningEmulator } from '../../emulator/start-emulator.js';
import { loadControls } from '../../scan/load-controls.js';
import { BUILTIN_CONTROLS_DIR } from '../../core/package-paths.js';
import { addConnectorConfig } from '../../store/connector-config-repository.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/sql-client.js';
import { postgresTestDatabaseUrl } from '../../store/test-support/test-store.js';
import { applyParameterOverrides } from '../../core/control/control-parameters.js';
import { queuedScanProgress, type QueueOptions } from '../queued-scan.js';
import { getScan } from '../../store/scan-repository.js';
import { runWorker, type RunWorkerOptions } from '../run-worker.js';
import { installJobQueue } from '../team-jobs.js';

export const NOW = (): Date => new Date('2026-12-01T06:00:00Z');

/** A team store on a new database, or undefined (the test is skipped) when the run has no PostgreSQL. */
export async function teamStore(t: TestContext): Promise<{ store: Store; url: string } | undefined> {
  const url = await postgresTestDatabaseUrl();
  if (url === undefined) {
    if (process.env.CI === 'true') assert.fail('CI=true but no PostgreSQL server for the team tests (WARD_TEST_POSTGRES_URL)');
    t.skip('no PostgreSQL server (WARD_TEST_POSTGRES_URL)');
    return undefined;
  }
  const store = await openStore({ location: url });
  await installJobQueue(url);
  t.after(() => store.close());
  return { store, url };
}

/** A connector on an emulator, signing in with env:<NAME> (the emulator's service principal under that prefix). */
export function emulatorConnector(name: string, emulator: RunningEmulator, overrides: Partial<ConnectorConfig> = {}): ConnectorConfig {
  return connectorOn(emulator, { name, credential: `env:${name.toUpperCase().replace(/-/g, '_')}`, createdAt: NOW().toISOString(), createdBy: 'test', ...overrides });
}

/** The worker environment holding each emulator connector's service principal. */
export function connectorEnv(pairs: readonly (readonly [ConnectorConfig, RunningEmulator])[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [config, emulator] of pairs) {
    const prefix = config.credential.replace(/^env:/, '');
    env[`${prefix}_CLIENT_ID`] = emulator.credentials.clientId;
    env[`${prefix}_CLIENT_SECRET`] = emulator.credentials.clientSecret;
  }
  return env;
}

export async function addConnectors(store: Store, configs: readonly ConnectorConfig[]): Promise<void> {
  for (const config of configs) await addConnectorConfig(store, config);
}

export const SHIPPED_CONTROLS: readonly Control[] = loadControls(BUILTIN_CONTROLS_DIR);

export function controlsFor(options: QueueOptions): readonly Control[] {
  const controls = applyParameterOverrides(SHIPPED_CONTROLS, options.parameters);
  return options.controlIds === null ? controls : controls.filter((c) => options.controlIds!.includes(c.id));
}

export interface InProcessWorker {
  stop(): Promise<void>;
}

/** A worker in this process; the emulators' CAs are trusted for its ARM requests and sign-ins. */
export function startWorker(
  team: { store: Store; url: string },
  env: Record<string, string>,
  cas: readonly string[],
  extra: Partial<RunWorkerOptions> = {},
): InProcessWorker {
  const controller = new AbortController();
  const errors: string[] = [];
  const done = runWorker({
    store: team.store,
    url: team.url,
    concurrency: 4,
    now: NOW,
    env,
    controlsFor,
    connect: (config) => connectArm(connectorConnection(config, env, { ca: [...cas] })).client,
    signal: controller.signal,
    log: (line) => {
      errors.push(line);
      if (process.env.WARD_TEST_LOG) process.stderr.write(`${line}\n`);
    },
    reapIntervalMs: 250,
    pollIntervalMs: 200,
    ...extra,
  });
  return {
    async stop() {
      controller.abort();
      await done;
    },
  };
}

/** Waits until a queued scan is no longer queued (complete or failed); fails the test with its progress after `timeoutMs`. */
export async function waitForScan(store: Store, scanId: number, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const scan = await getScan(store, scanId);
    if (scan && scan.status !== 'queued') return;
    if (Date.now() > until) assert.fail(`scan ${scanId} still queued after ${timeoutMs} ms: ${JSON.stringify(await queuedScanProgress(store, scanId))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
