/**
 * Sends one recorded delivery, once: the caller decides about retries (graphile-worker jobs with backoff on a team
 * store; one attempt after the report on the embedded store). Every attempt is counted, with its HTTP status and
 * its error (redacted), in the delivery's row: `ward notify log` shows them.
 */
import { WardError } from '../core/errors.js';
import {
  beginDeliveryAttempt,
  getChannel,
  getDelivery,
  recordDeliveryOutcome,
  type NotificationChannel,
} from '../store/notification-repository.js';
import type { SqlClient } from '../store/sql-client.js';
import { PAYLOAD_BUILDERS } from './notification-payloads.js';
import { postNotification, type PostResult } from './post-notification.js';
import { redactUrl } from './redact-url.js';
import { webhookHeaders } from './sign-webhook.js';

export interface DeliverOptions {
  /** Where a webhook's `--secret-env` variable is read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: Date;
  readonly fetch?: typeof fetch | undefined;
  /** The deadline of the POST (default 10 s). */
  readonly timeoutMs?: number | undefined;
  /** The last attempt the caller will make: a failure that could be retried is recorded as failed. */
  readonly final: boolean;
}

export type DeliveryResult = 'delivered' | 'retry' | 'failed';

type Prepared = { readonly ok: true; readonly headers: Record<string, string>; readonly secrets: string[] } | { readonly ok: false; readonly error: string };

/** The headers a channel's request carries: a webhook's are signed with the secret from its variable. */
function prepare(channel: NotificationChannel, body: string, env: DeliverOptions['env'], now: Date, event: string, deliveryId: string): Prepared {
  if (channel.kind !== 'webhook') return { ok: true, headers: {}, secrets: [] };
  const name = channel.secretEnv;
  const secret = name === null ? undefined : env[name];
  if (name === null || secret === undefined || secret === '') {
    return {
      ok: false,
      error: `the signing secret is missing: the environment variable ${name ?? '(none)'} (--secret-env of channel ${channel.id}) is not set where ward delivers`,
    };
  }
  return { ok: true, headers: webhookHeaders({ secret, body, now, event, deliveryId }), secrets: [secret] };
}

/**
 * POSTs delivery `deliveryId` once and records the attempt. `delivered`: the receiver answered 2xx. `retry`: it could
 * work later (timeout, network, 408, 429, 5xx) and this is not the final attempt; the delivery stays pending.
 * `failed`: recorded as failed, because the answer will not change (a redirect, another 4xx, a missing secret, a
 * removed channel) or this was the final attempt. A delivery no longer pending is not sent again: `delivered` for
 * one delivered or skipped, `failed` for one failed.
 */
export async function deliverNotification(store: SqlClient, deliveryId: number, options: DeliverOptions): Promise<DeliveryResult> {
  const delivery = await getDelivery(store, deliveryId);
  if (!delivery) throw new WardError('NOT_FOUND', `no notification delivery ${deliveryId}`, { hint: 'ward notify log lists them' });
  if (delivery.status !== 'pending') return delivery.status === 'failed' ? 'failed' : 'delivered';
  const attempt = await beginDeliveryAttempt(store, deliveryId, options.now);
  if (attempt === undefined) return deliverNotification(store, deliveryId, options); // finished meanwhile: report how
  const fail = async (error: string, lastStatus: number | null = null): Promise<DeliveryResult> => {
    await recordDeliveryOutcome(store, deliveryId, { status: 'failed', lastStatus, lastError: error, at: options.now });
    return 'failed';
  };
  const channel = await getChannel(store, delivery.channelId);
  if (!channel) return fail(`channel ${delivery.channelId} was removed before its delivery was sent`);
  const body = JSON.stringify(delivery.payload);
  const prepared = prepare(channel, body, options.env, options.now, 'scan.changes', String(deliveryId));
  if (!prepared.ok) return fail(prepared.error);
  const result = await postNotification({ url: channel.url, body, headers: prepared.headers, fetch: options.fetch, timeoutMs: options.timeoutMs, secrets: prepared.secrets });
  if (result.ok) {
    await recordDeliveryOutcome(store, deliveryId, { status: 'delivered', lastStatus: result.status, lastError: null, at: options.now });
    return 'delivered';
  }
  if (!result.retryable || options.final) return fail(result.error, result.status);
  await recordDeliveryOutcome(store, deliveryId, { status: 'pending', lastStatus: result.status, lastError: result.error, at: options.now });
  return 'retry';
}

export type TestDeliveryOptions = Omit<DeliverOptions, 'final'>;

/**
 * `ward notify test`: POSTs the channel's test message now (signed like any webhook delivery, `X-Ward-Event: test`)
 * and returns the result; nothing is recorded. A failure's error is already redacted.
 */
export async function sendTestNotification(channel: NotificationChannel, options: TestDeliveryOptions): Promise<PostResult> {
  const body = JSON.stringify(PAYLOAD_BUILDERS[channel.kind].test(channel, options.now));
  const prepared = prepare(channel, body, options.env, options.now, 'test', `test-${options.now.getTime()}`);
  if (!prepared.ok) return { ok: false, status: null, error: prepared.error, retryable: false };
  return postNotification({ url: channel.url, body, headers: prepared.headers, fetch: options.fetch, timeoutMs: options.timeoutMs, secrets: prepared.secrets });
}

/** How a channel is shown anywhere: its id, kind and redacted URL. */
export const describeChannel = (channel: Pick<NotificationChannel, 'id' | 'kind' | 'url'>): string => `${channel.id} (${channel.kind}, ${redactUrl(channel.url)})`;
