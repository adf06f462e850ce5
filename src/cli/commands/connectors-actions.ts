/**
 * What the `ward connectors` subcommands do. connectors.ts registers them and loads this module (the store and
 * the Azure SDK) with one `await import()` when a subcommand runs.
 */
import { WardError } from '../../core/errors.js';
import type { ConnectorConfig } from '../../core/team/connector-config.js';
import { validateConnectorConfig } from '../../core/team/validate-connector-config.js';
import { AZURE_CLOUD_NAMES } from '../../connectors/azure/azure-clouds.js';
import { testConnector, type ConnectorTestResult } from '../../connectors/azure/test-connector.js';
import { formatColumns } from '../../reporters/table-reporter.js';
import { addConnectorConfig, getConnectorConfig, listConnectorConfigs, removeConnectorConfig } from '../../store/connector-config-repository.js';
import { listSchedules } from '../../store/schedule-repository.js';
import { createProgressRenderer, extraCertificates, positiveInteger } from '../azure-options.js';
import { EXIT_FINDINGS, EXIT_OK, type CliContext } from '../cli-context.js';
import { emit, parseFormat, withStore } from '../command-options.js';
import { actorOf } from './actor-of.js';

interface StoreFlags {
  readonly db?: string;
}
export interface AddFlags extends StoreFlags {
  readonly name: string;
  readonly tenant: string;
  readonly credential?: string;
  readonly cloud?: string;
  readonly armEndpoint?: string;
  readonly authorityHost?: string;
  readonly managementGroup?: string;
  readonly subscription?: string[];
  readonly excludeSubscription?: string[];
  readonly maxConcurrency?: string;
  readonly actor?: string;
}
export interface ListFlags extends StoreFlags {
  readonly format?: string;
  readonly output?: string;
}
export type RemoveFlags = StoreFlags;
export interface TestFlags extends StoreFlags {
  readonly format?: string;
  readonly timeoutMs?: string;
}

/** The scope in words: a management group, a list of subscriptions, or everything the identity reads; less the exclusions. */
function scopeOf(config: ConnectorConfig): string {
  const base = config.managementGroup !== null
    ? `management group ${config.managementGroup}`
    : config.subscriptions !== null
      ? `${config.subscriptions.length} subscription${config.subscriptions.length === 1 ? '' : 's'}`
      : 'every readable subscription';
  return config.excludeSubscriptions.length === 0 ? base : `${base}, ${config.excludeSubscriptions.length} excluded`;
}

async function add(context: CliContext, options: AddFlags): Promise<void> {
  const config = validateConnectorConfig(
    {
      name: options.name,
      tenant: options.tenant,
      credential: options.credential,
      cloud: options.cloud,
      armEndpoint: options.armEndpoint,
      authorityHost: options.authorityHost,
      managementGroup: options.managementGroup,
      subscriptions: options.subscription,
      excludeSubscriptions: options.excludeSubscription,
      maxConcurrency: options.maxConcurrency,
    },
    { clouds: AZURE_CLOUD_NAMES, now: context.io.now(), actor: actorOf(context, options.actor) },
  );
  await withStore(context, options.db, (store) => addConnectorConfig(store, config));
  context.io.stdout.write(
    `added connector ${config.name}: tenant ${config.tenantId} (${config.cloud}), credential ${config.credential}, scope ${scopeOf(config)}, up to ${config.maxConcurrency} batches at once\n`,
  );
  context.io.stdout.write(`check it from a worker's machine: ward connectors test ${config.name}\n`);
}

async function list(context: CliContext, options: ListFlags): Promise<void> {
  const format = parseFormat(options.format, ['table', 'json'] as const, 'table');
  const configs = await withStore(context, options.db, (store) => listConnectorConfigs(store));
  if (format === 'json') return emit(context, `${JSON.stringify(configs, null, 2)}\n`, options.output);
  if (configs.length === 0) return emit(context, 'no connectors (add one: ward connectors add azure --name NAME --tenant ID)\n', options.output);
  const rows = configs.map((c) => [c.name, c.tenantId, c.cloud, c.credential, scopeOf(c), String(c.maxConcurrency), c.armEndpoint ?? '', c.createdBy]);
  emit(context, `${formatColumns([['NAME', 'TENANT', 'CLOUD', 'CREDENTIAL', 'SCOPE', 'CONCURRENCY', 'ARM ENDPOINT', 'ADDED BY'], ...rows]).join('\n')}\n`, options.output);
}

function notFound(name: string): WardError {
  return new WardError('NOT_FOUND', `no connector named ${name}`, { hint: 'ward connectors list shows the configured ones' });
}

async function remove(context: CliContext, name: string, options: RemoveFlags): Promise<void> {
  await withStore(context, options.db, (store) =>
    store.transaction(async (tx) => {
      const using = (await listSchedules(tx)).filter((schedule) => schedule.connectors?.includes(name));
      if (using.length > 0) {
        const ids = using.map((schedule) => schedule.id);
        throw new WardError('USAGE', `connector ${name} is scanned by schedule ${ids.join(', ')}`, {
          hint: `remove the schedule first (ward schedule remove ${ids[0]}), or add it again without this connector`,
        });
      }
      if (!(await removeConnectorConfig(tx, name))) throw notFound(name);
    }),
  );
  context.io.stdout.write(`removed connector ${name}\n`);
}


function testReport(config: ConnectorConfig, result: ConnectorTestResult): string {
  const failed = Object.values(result.readErrors).reduce((sum, n) => sum + n, 0);
  const codes = Object.entries(result.readErrors)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, n]) => `${code}: ${n}`)
    .join(', ');
  const lines = [
    `connector ${config.name}: signed in to tenant ${config.tenantId} (${config.cloud}) with credential ${config.credential}`,
    `  subscriptions in scope: ${result.subscriptions}${result.inactive > 0 ? ` (${result.inactive} disabled or deleted, not read)` : ''}`,
    `  readable: ${result.readable}`,
    `  read errors: ${failed}${failed > 0 ? ` (${codes})` : ''}`,
    `  took ${(result.durationMs / 1000).toFixed(1)} s`,
  ];
  return `${lines.join('\n')}\n`;
}

async function test(context: CliContext, name: string, options: TestFlags): Promise<void> {
  const format = parseFormat(options.format, ['table', 'json'] as const, 'table');
  const timeoutMs = positiveInteger('--timeout-ms', options.timeoutMs, 30_000);
  const config = await withStore(context, options.db, (store) => getConnectorConfig(store, name));
  if (config === undefined) throw notFound(name);
  const renderer = createProgressRenderer(context);
  const result = await testConnector(config, context.io.env, { ...extraCertificates(context), timeoutMs, onProgress: (progress) => renderer.update(progress) }).finally(() =>
    renderer.finish(),
  );
  context.io.stdout.write(format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : testReport(config, result));
  context.exitCode = Object.keys(result.readErrors).length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

export const connectorsActions = { add, list, remove, test };
