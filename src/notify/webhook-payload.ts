/**
 * The generic webhook's JSON body (`X-Ward-Event: scan.changes`), for programs: the scan, the channel's filters, the
 * full counts, and the changed findings by group, as data (no text is rewritten: a receiver escapes for its own
 * output). At most WEBHOOK_MAX_ITEMS findings are listed; `omitted` counts the rest.
 */
import type { NotificationChannel } from '../store/notification-repository.js';
import type { ChangeItem, ScanChanges } from './scan-changes.js';
import { CHANGE_GROUPS, capChanges, type ChangeGroup, type ChannelChanges } from './select-changes.js';

export const WEBHOOK_MAX_ITEMS = 1000;
export const WEBHOOK_PAYLOAD_VERSION = 1;

export interface WebhookFinding {
  readonly controlId: string;
  readonly checkId: string;
  readonly assetId: string;
  readonly assetName: string | null;
  readonly connector: string | null;
  readonly severity: string;
  readonly status: string;
  readonly before: string | null;
  readonly after: string | null;
  readonly reason: string;
}

export interface WebhookPayload {
  readonly type: 'scan.changes' | 'test';
  readonly version: number;
  readonly channel: { readonly id: string; readonly events: readonly string[]; readonly connectors: readonly string[] | null; readonly minSeverity: string | null };
  readonly scan: {
    readonly id: number;
    readonly source: string;
    readonly startedAt: string;
    readonly finishedAt: string | null;
    readonly narrowed: boolean;
    readonly previousScanId: number | null;
  } | null;
  readonly counts: Readonly<Record<ChangeGroup, number>>;
  readonly changes: Readonly<Record<ChangeGroup, readonly WebhookFinding[]>>;
  /** Findings counted but not listed (over WEBHOOK_MAX_ITEMS). */
  readonly omitted: number;
}

const finding = (item: ChangeItem): WebhookFinding => ({
  controlId: item.controlId,
  checkId: item.checkId,
  assetId: item.assetId,
  assetName: item.assetName,
  connector: item.connector,
  severity: item.severity,
  status: item.status,
  before: item.before,
  after: item.after,
  reason: item.reason,
});

const channelPart = (channel: NotificationChannel): WebhookPayload['channel'] => ({
  id: channel.id,
  events: channel.events,
  connectors: channel.connectors,
  minSeverity: channel.minSeverity,
});

const byGroup = <T>(make: (group: ChangeGroup) => T): Record<ChangeGroup, T> =>
  Object.fromEntries(CHANGE_GROUPS.map((group) => [group, make(group)])) as Record<ChangeGroup, T>;

export function webhookPayload(changes: ScanChanges, selected: ChannelChanges, channel: NotificationChannel): WebhookPayload {
  const { listed, omitted } = capChanges(selected, WEBHOOK_MAX_ITEMS);
  const { scan } = changes;
  return {
    type: 'scan.changes',
    version: WEBHOOK_PAYLOAD_VERSION,
    channel: channelPart(channel),
    scan: {
      id: scan.id,
      source: scan.source,
      startedAt: scan.startedAt.toISOString(),
      finishedAt: scan.finishedAt?.toISOString() ?? null,
      narrowed: scan.narrowed,
      previousScanId: changes.previous?.id ?? null,
    },
    counts: byGroup((group) => selected[group].length),
    changes: byGroup((group) => listed[group].map(finding)),
    omitted,
  };
}

/** `ward notify test`: the same shape, type `test`, no scan and no findings. */
export function webhookTestPayload(channel: NotificationChannel): WebhookPayload {
  return { type: 'test', version: WEBHOOK_PAYLOAD_VERSION, channel: channelPart(channel), scan: null, counts: byGroup(() => 0), changes: byGroup(() => []), omitted: 0 };
}
