/**
 * The sample capture with attacker-chosen text wherever a tenant controls it: subscription names and tags, contact
 * emails and phones. Every page is rendered over it; none may let a tag, an attribute or a script through.
 */
import type { Capture, CapturedBody } from '../../../core/inventory/capture.js';

export const HOSTILE_NAME = `<script>alert("name")</script> & 'quoted' "double" \u202Egnp.exe javascript:alert(1) ${'long-'.repeat(60)}`;
export const HOSTILE_TAG_KEY = '<img src=x onerror=alert(1)>';
export const HOSTILE_TAG_VALUE = '"><svg onload=alert(2)>';
export const HOSTILE_EMAIL = '"><script>alert(3)</script>@evil.example';
export const HOSTILE_PHONE = "<b style='x' onmouseover=alert(4)>555</b>";
/** Strings that must never reach a page unescaped. */
export const RAW_MARKERS = ['<script>alert', '<img src=x', '<svg onload', '<b style', 'onmouseover=alert(4)>555</b>'];

/** Rewrites each item of a body as ARM gives it: `{"value": [...]}`, a bare array, or one resource. */
const rewrite = (body: unknown, change: (item: Record<string, unknown>) => Record<string, unknown>): unknown => {
  const each = (items: unknown[]) => items.map((item) => (typeof item === 'object' && item !== null ? change(item as Record<string, unknown>) : item));
  if (Array.isArray(body)) return each(body);
  if (typeof body !== 'object' || body === null) return body;
  const value = (body as { value?: unknown }).value;
  if (Array.isArray(value)) return { ...body, value: each(value) };
  return 'properties' in body ? change(body as Record<string, unknown>) : body;
};

export function hostileCapture(capture: Capture): Capture {
  const subscriptions: CapturedBody = {
    ...capture.subscriptions,
    body: rewrite(capture.subscriptions.body, (s) => ({ ...s, displayName: `${HOSTILE_NAME} ${String(s.subscriptionId)}`, tags: { environment: HOSTILE_TAG_VALUE, [HOSTILE_TAG_KEY]: HOSTILE_TAG_VALUE, owner: HOSTILE_NAME } })),
  };
  const contacts = new Map<string, CapturedBody>();
  for (const [id, captured] of capture.securityContacts) {
    contacts.set(id, {
      ...captured,
      body: rewrite(captured.body, (c) => {
        const properties = (typeof c.properties === 'object' && c.properties !== null ? c.properties : {}) as Record<string, unknown>;
        const hostile: Record<string, unknown> = { ...properties, phone: HOSTILE_PHONE };
        if ('emails' in properties) hostile.emails = `${HOSTILE_EMAIL};soc@contoso.com`;
        if ('email' in properties) hostile.email = `${HOSTILE_EMAIL};soc@contoso.com`;
        return { ...c, properties: hostile };
      }),
    });
  }
  return { subscriptions, securityContacts: contacts };
}
