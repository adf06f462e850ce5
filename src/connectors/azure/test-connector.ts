/**
 * `ward connectors test`: signs in as a configured connector, lists the subscriptions in its scope and reads their
 * security contacts, as a scan would, and counts what it could read. Nothing is stored. A failed sign-in or a
 * scope that cannot be listed throws (a WardError that says why); a subscription that cannot be read is counted
 * under its ARM error code.
 */
import { performance } from 'node:perf_hooks';
import type { ConnectorConfig } from '../../core/team/connector-config.js';
import { isObject } from '../../core/is-object.js';
import { collectCapture, type CollectOptions } from './collect-capture.js';
import { connectorConnection, type ConnectorConnectionOptions } from './connector-connection.js';

export interface ConnectorTestOptions extends ConnectorConnectionOptions, Pick<CollectOptions, 'timeoutMs' | 'maxRetries' | 'retryDelayMs' | 'signal' | 'onProgress'> {
  /** Contacts requests in flight at once (default: the connector's maxConcurrency). */
  readonly concurrency?: number;
  /** Milliseconds, monotonic (default performance.now). */
  readonly clock?: () => number;
}

export interface ConnectorTestResult {
  readonly connector: string;
  /** Subscriptions in scope, as listed (excluded ones are not counted). */
  readonly subscriptions: number;
  /** Read without an error. */
  readonly readable: number;
  /** Disabled or deleted: in scope but not read (a scan reports them skipped). */
  readonly inactive: number;
  /** Subscriptions whose subscription or contacts could not be read, by ARM error code. */
  readonly readErrors: Readonly<Record<string, number>>;
  readonly durationMs: number;
}

function errorCodeOf(body: unknown): string | undefined {
  if (!isObject(body) || !isObject(body.error)) return undefined;
  return typeof body.error.code === 'string' ? body.error.code : 'UnknownError';
}

export async function testConnector(config: ConnectorConfig, env: Readonly<Record<string, string | undefined>>, options: ConnectorTestOptions = {}): Promise<ConnectorTestResult> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const { ca, probeTimeoutMs, clock: _clock, concurrency, ...collect } = options;
  const connection = connectorConnection(config, env, { ...(ca === undefined ? {} : { ca }), ...(probeTimeoutMs === undefined ? {} : { probeTimeoutMs }) });
  const capture = await collectCapture({ ...connection, ...collect, concurrency: concurrency ?? config.maxConcurrency });
  const listed = isObject(capture.subscriptions.body) && Array.isArray(capture.subscriptions.body.value) ? capture.subscriptions.body.value : [];
  let readable = 0;
  let inactive = 0;
  const readErrors: Record<string, number> = {};
  for (const item of listed) {
    const id = isObject(item) && typeof item.subscriptionId === 'string' ? item.subscriptionId : undefined;
    const read = id === undefined ? undefined : capture.securityContacts.get(id) ?? capture.securityContacts.get(id.toLowerCase());
    if (read === undefined) {
      inactive += 1;
      continue;
    }
    const code = errorCodeOf(read.body);
    if (code === undefined) readable += 1;
    else readErrors[code] = (readErrors[code] ?? 0) + 1;
  }
  return { connector: config.name, subscriptions: listed.length, readable, inactive, readErrors, durationMs: Math.max(0, clock() - started) };
}
