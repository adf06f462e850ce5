/** The body each kind of channel is sent: kind → builders (one file per kind, one line here). */
import type { NotificationChannel, NotificationKind } from '../store/notification-repository.js';
import type { ScanChanges } from './scan-changes.js';
import type { ChannelChanges } from './select-changes.js';
import { slackPayload, slackTestPayload } from './slack-payload.js';
import { teamsPayload, teamsTestPayload } from './teams-payload.js';
import { webhookPayload, webhookTestPayload } from './webhook-payload.js';

export interface PayloadBuilders {
  /** The message about a scan's changes, as the exact JSON value to POST. */
  readonly changes: (changes: ScanChanges, selected: ChannelChanges, channel: NotificationChannel) => unknown;
  /** `ward notify test`: a message that says the channel works. */
  readonly test: (channel: NotificationChannel, now: Date) => unknown;
}

export const PAYLOAD_BUILDERS: Readonly<Record<NotificationKind, PayloadBuilders>> = {
  webhook: { changes: webhookPayload, test: webhookTestPayload },
  slack: { changes: slackPayload, test: slackTestPayload },
  teams: { changes: teamsPayload, test: teamsTestPayload },
};
