/** What the `ward notify` subcommands do; notify.ts registers them and loads this module when one runs. */
import { WardError } from '../../core/errors.js';
import { deliverNotification, describeChannel, sendTestNotification } from '../../notify/deliver-notification.js';
import { recordScanNotifications } from '../../notify/record-scan-notifications.js';
import { redactUrl } from '../../notify/redact-url.js';
import { channelFromFlags, validateChannelId } from '../../notify/validate-channel.js';
import { formatColumns } from '../../reporters/table-reporter.js';
import {
  getChannel,
  insertChannel,
  listChannels,
  listDeliveries,
  nextChannelId,
  removeChannel,
  type NotificationChannel,
  type NotificationDelivery,
} from '../../store/notification-repository.js';
import { latestCompleteScan } from '../../store/scan-repository.js';
import type { Store } from '../../store/sql-client.js';
import { usageError, type CliContext } from '../cli-context.js';
import { emit, withStore } from '../command-options.js';
import { actorOf } from './actor-of.js';

interface StoreFlags {
  readonly db?: string | undefined;
}
interface ListingFlags extends StoreFlags {
  readonly format?: 'table' | 'json' | undefined;
  readonly output?: string | undefined;
}
export interface AddFlags extends StoreFlags {
  readonly url: string;
  readonly on?: string[] | undefined;
  readonly connector?: string[] | undefined;
  readonly minSeverity?: string | undefined;
  readonly secretEnv?: string | undefined;
  readonly name?: string | undefined;
  readonly actor?: string | undefined;
}
export interface LogFlags extends ListingFlags {
  readonly channel?: string | undefined;
  readonly limit?: string | undefined;
}
export interface SendFlags extends StoreFlags {
  readonly scan?: string | undefined;
}

const noChannel = (id: string): WardError => new WardError('NOT_FOUND', `no notification channel ${JSON.stringify(id.slice(0, 80))}`, { hint: 'ward notify list shows them' });

async function add(context: CliContext, kind: string, options: AddFlags): Promise<void> {
  const fields = channelFromFlags({ kind, url: options.url, on: options.on, connector: options.connector, minSeverity: options.minSeverity, secretEnv: options.secretEnv });
  const requested = options.name === undefined ? undefined : validateChannelId(options.name);
  const channel = await withStore(context, options.db, async (store) => {
    const id = requested ?? (await nextChannelId(store, fields.kind));
    const record: NotificationChannel = { ...fields, id, createdAt: context.io.now().toISOString(), createdBy: actorOf(context, options.actor) };
    if (!(await insertChannel(store, record))) throw new WardError('USAGE', `a notification channel ${id} exists already`, { hint: 'choose another --name, or ward notify remove it first' });
    return record;
  });
  if (channel.secretEnv !== null && !context.io.env[channel.secretEnv]) {
    context.io.stderr.write(`ward: warning: ${channel.secretEnv} is not set here; deliveries to ${channel.id} fail until it is set where ward delivers\n`);
  }
  context.io.stderr.write(`ward: added ${describeChannel(channel)} on ${channel.events.join(', ')}\n`);
  context.io.stdout.write(`${channel.id}\n`);
}

const channelJson = (c: NotificationChannel) => ({
  id: c.id,
  kind: c.kind,
  url: redactUrl(c.url),
  events: c.events,
  connectors: c.connectors,
  minSeverity: c.minSeverity,
  secretEnv: c.secretEnv,
  createdAt: c.createdAt,
  createdBy: c.createdBy,
});

async function list(context: CliContext, options: ListingFlags): Promise<void> {
  const channels = await withStore(context, options.db, (store) => listChannels(store));
  if (options.format === 'json') return emit(context, `${JSON.stringify(channels.map(channelJson), null, 2)}\n`, options.output);
  if (channels.length === 0) return emit(context, 'no notification channels (ward notify add)\n', options.output);
  const rows = channels.map((c) => [c.id, c.kind, redactUrl(c.url), c.events.join(','), c.connectors?.join(',') ?? 'all', c.minSeverity ?? 'any', c.secretEnv ?? '', c.createdBy]);
  emit(context, `${formatColumns([['ID', 'KIND', 'URL', 'ON', 'CONNECTORS', 'MIN-SEVERITY', 'SECRET-ENV', 'BY'], ...rows]).join('\n')}\n`, options.output);
}

async function remove(context: CliContext, id: string, options: StoreFlags): Promise<void> {
  const removed = await withStore(context, options.db, (store) => removeChannel(store, id));
  if (!removed) throw noChannel(id);
  context.io.stdout.write(`removed ${id} (its deliveries stay in ward notify log)\n`);
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d{0,8}$/.test(value)) throw usageError(`${flag} must be a whole number (1 or more), got ${JSON.stringify(value.slice(0, 40))}`);
  return Number(value);
}

const deliveryJson = (d: NotificationDelivery) => ({
  id: d.id,
  scanId: d.scanId,
  channel: d.channelId,
  status: d.status,
  attempts: d.attempts,
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
});

/** What the log's last column says: the error, or why a delivery was skipped. */
function detailOf(d: NotificationDelivery): string {
  if (d.lastError !== null) return d.lastError;
  const skipped = d.status === 'skipped' ? (d.payload as { skipped?: unknown } | null)?.skipped : undefined;
  return typeof skipped === 'string' ? skipped : '';
}

async function log(context: CliContext, options: LogFlags): Promise<void> {
  const limit = positiveInteger(options.limit, '--limit');
  const deliveries = await withStore(context, options.db, (store) => listDeliveries(store, { channelId: options.channel, limit }));
  if (options.format === 'json') return emit(context, `${JSON.stringify(deliveries.map(deliveryJson), null, 2)}\n`, options.output);
  if (deliveries.length === 0) return emit(context, 'no notification deliveries yet\n', options.output);
  const rows = deliveries.map((d) => [String(d.id), String(d.scanId), d.channelId, d.status, String(d.attempts), d.lastStatus === null ? '' : String(d.lastStatus), d.updatedAt.toISOString(), detailOf(d)]);
  emit(context, `${formatColumns([['DELIVERY', 'SCAN', 'CHANNEL', 'STATUS', 'ATTEMPTS', 'HTTP', 'WHEN', 'DETAIL'], ...rows]).join('\n')}\n`, options.output);
}

async function test(context: CliContext, id: string, options: StoreFlags): Promise<void> {
  const channel = await withStore(context, options.db, (store) => getChannel(store, id));
  if (!channel) throw noChannel(id);
  const result = await sendTestNotification(channel, { env: context.io.env, now: context.io.now() });
  if (!result.ok) {
    throw new WardError('SERVER_ERROR', `the test message to ${describeChannel(channel)} was not delivered: ${result.error}`, {
      hint: result.status === null ? 'check that the receiver is reachable from here' : 'check the URL with the service that issued it, then ward notify test again',
    });
  }
  context.io.stdout.write(`delivered a test message to ${describeChannel(channel)} (HTTP ${result.status})\n`);
}

async function sendScan(context: CliContext, store: Store, scanFlag: string | undefined): Promise<string[]> {
  const scanId = positiveInteger(scanFlag, '--scan') ?? (await latestCompleteScan(store))?.id;
  if (scanId === undefined) throw new WardError('NOT_FOUND', 'no complete scan yet', { hint: 'run ward scan first' });
  const now = context.io.now();
  const pending = await recordScanNotifications(store, scanId, now);
  const lines: string[] = [];
  for (const id of pending) {
    const result = await deliverNotification(store, id, { env: context.io.env, now, final: false });
    lines.push(`delivery ${id} of scan ${scanId}: ${result === 'retry' ? 'not delivered, still pending (ward notify log says why)' : result}`);
  }
  if (pending.length === 0) lines.push(`scan ${scanId}: nothing pending to deliver (ward notify log)`);
  return lines;
}

async function send(context: CliContext, options: SendFlags): Promise<void> {
  const lines = await withStore(context, options.db, (store) => sendScan(context, store, options.scan));
  context.io.stdout.write(`${lines.join('\n')}\n`);
}

export const notifyActions = { add, list, remove, log, test, send } as const;
