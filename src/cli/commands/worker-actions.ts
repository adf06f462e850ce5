/** What `ward worker` does; worker.ts registers the command and loads this module when it runs. */
import { connectArm } from '../../connectors/azure/connect-arm.js';
import type { ArmClient } from '../../connectors/azure/arm-client.js';
import { connectorConnection } from '../../connectors/azure/connector-connection.js';
import { applyParameterOverrides } from '../../core/control/control-parameters.js';
import type { Control } from '../../core/model.js';
import type { ConnectorConfig } from '../../core/team/connector-config.js';
import type { QueueOptions } from '../../team/queued-scan.js';
import { runWorker } from '../../team/run-worker.js';
import { requireTeamStore } from '../../team/team-jobs.js';
import { extraCertificates, positiveInteger } from '../azure-options.js';
import { usageError, type CliContext } from '../cli-context.js';
import { storeLocation, withStore } from '../command-options.js';
import { selectControls } from '../select-controls.js';
import { untilSignal } from '../until-signal.js';
import { WardError } from '../../core/errors.js';

export interface WorkerFlags {
  readonly db?: string | undefined;
  readonly concurrency?: string | undefined;
  readonly controls?: string | undefined;
  readonly config?: string | undefined;
  readonly param?: string[] | undefined;
}

/** The scan's controls: the worker's (with its ward.yaml), narrowed and with the values the scan was enqueued with. */
function controlsResolver(base: readonly Control[]): (options: QueueOptions) => readonly Control[] {
  const cache = new Map<string, readonly Control[]>();
  return (options) => {
    const key = JSON.stringify(options);
    const known = cache.get(key);
    if (known) return known;
    const withValues = applyParameterOverrides(base, options.parameters);
    const chosen = options.controlIds === null ? withValues : withValues.filter((c) => options.controlIds!.includes(c.id));
    const missing = (options.controlIds ?? []).filter((id) => !chosen.some((c) => c.id === id));
    if (missing.length > 0) {
      throw new WardError('NOT_FOUND', `this worker has no control ${missing.join(', ')}`, { hint: 'run workers of the same ward version as the machine that queues scans' });
    }
    cache.set(key, chosen);
    return chosen;
  };
}

/** One signed-in ARM client per connector configuration and worker: tokens are fetched once and refreshed, not per batch. */
function connector(context: CliContext): (config: ConnectorConfig) => ArmClient {
  const clients = new Map<string, ArmClient>();
  const trusted = extraCertificates(context);
  return (config) => {
    const key = JSON.stringify(config);
    const known = clients.get(key);
    if (known) return known;
    const { client } = connectArm(connectorConnection(config, context.io.env, trusted));
    clients.set(key, client);
    return client;
  };
}

/**
 * The store connections a worker may open: a job holds one only while it stores a batch (it spends most of its time
 * waiting on ARM), so half the concurrency is plenty. Pools open connections as they are needed; at most a worker
 * uses this, graphile-worker's (up to the concurrency, for fetching and completing jobs) and the liveness session.
 */
function workerConnections(concurrency: number): number {
  return Math.ceil(concurrency / 2) + 1;
}

async function runWorkerCommand(context: CliContext, options: WorkerFlags): Promise<void> {
  const concurrency = positiveInteger('--concurrency', options.concurrency, 10);
  if (concurrency > 200) throw usageError(`--concurrency must be at most 200, got ${concurrency}`, 'run more workers instead');
  const url = storeLocation(context, options.db);
  const base = selectControls(context, options.controls, undefined, options);
  // the signal handler is installed before anything starts: a SIGTERM at any point stops the worker cleanly
  const controller = new AbortController();
  void untilSignal().then((signal) => {
    context.io.stderr.write(`ward worker: ${signal}: finishing the running jobs\n`);
    controller.abort();
  });
  await withStore(context, options.db, async (store) => {
    requireTeamStore(store, 'ward worker');
    context.io.stderr.write(`ward worker: running up to ${concurrency} jobs at once from ${store.location} (SIGINT or SIGTERM to stop)\n`);
    await runWorker({
      store,
      url,
      concurrency,
      now: context.io.now,
      env: context.io.env,
      controlsFor: controlsResolver(base),
      connect: connector(context),
      signal: controller.signal,
      log: (line) => void context.io.stderr.write(`${line}\n`),
    });
  }, { maxConnections: workerConnections(concurrency) });
  context.io.stderr.write('ward worker: stopped\n');
}

export const workerActions = { run: runWorkerCommand } as const;
