/**
 * The generic webhook's signature: HMAC-SHA256, keyed with the channel's secret, over `<timestamp>.<raw body>`,
 * sent as `X-Ward-Signature: sha256=<hex>` beside `X-Ward-Timestamp: <unix seconds>`. Signing the timestamp with the
 * body lets a receiver refuse a replayed request (docs/notifications.md shows how to verify).
 */
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Ward-Signature';
export const TIMESTAMP_HEADER = 'X-Ward-Timestamp';
export const EVENT_HEADER = 'X-Ward-Event';
export const DELIVERY_HEADER = 'X-Ward-Delivery';

/** `sha256=<hex>` of `<timestamp>.<body>`. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The headers of a signed webhook request. */
export function webhookHeaders(options: { secret: string; body: string; now: Date; event: string; deliveryId: string }): Record<string, string> {
  const timestamp = Math.floor(options.now.getTime() / 1000);
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: webhookSignature(options.secret, timestamp, options.body),
    [EVENT_HEADER]: options.event,
    [DELIVERY_HEADER]: options.deliveryId,
  };
}
