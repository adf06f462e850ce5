/**
 * A Slack incoming-webhook message: Block Kit `blocks` and a `text` fallback (notifications and clients without
 * blocks). Values from elsewhere are made plain (message-text.ts), then escaped for mrkdwn: `&`, `<` and `>` as
 * entities (no `<!channel>`, `<@U…>` or `<url|label>` can form), and the formatting characters `*`, `_`, `~` and
 * `` ` `` replaced by look-alikes, as mrkdwn has no escape for them. Text objects are `verbatim`, so Slack links no
 * bare names or URLs either. At most SLACK_MAX_ITEMS findings are listed, each in its own section, well under
 * Slack's 50 blocks, 3,000 characters a section and 40,000 characters of text.
 */
import type { NotificationChannel } from '../store/notification-repository.js';
import { comparedWith, movement, plainText, reasonForPeople, seeAllCommand, SEVERITY_LABELS, TEXT_LIMITS } from './message-text.js';
import type { ChangeItem, ScanChanges } from './scan-changes.js';
import { CHANGE_GROUPS, capChanges, describeCounts, GROUP_TITLES, type ChannelChanges } from './select-changes.js';

export const SLACK_MAX_ITEMS = 20;
export const SLACK_MAX_BLOCKS = 50;
export const SLACK_MAX_TEXT = 40_000;
export const SLACK_MAX_SECTION_TEXT = 3000;

const LOOKALIKES: Readonly<Record<string, string>> = { '*': '\u2217', _: '\uff3f', '~': '\u223c', '`': '\u02cb' };

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Text from elsewhere, safe inside mrkdwn: plain, entities for & < >, no formatting characters, and at most `max`
 * characters once escaped (an entity is never cut).
 */
export function slackEscape(text: string, max: number): string {
  const plain = plainText(text, max);
  let escaped = '';
  for (const char of plain) {
    const next = ENTITIES[char] ?? LOOKALIKES[char] ?? char;
    if (escaped.length + next.length > max) return `${escaped.slice(0, max - 1)}…`;
    escaped += next;
  }
  return escaped;
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text, verbatim: true });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });

function itemText(item: ChangeItem): string {
  const name = item.assetName ? `${slackEscape(item.assetName, TEXT_LIMITS.assetName)} ` : '';
  const connector = item.connector ? ` · connector ${slackEscape(item.connector, TEXT_LIMITS.connector)}` : '';
  return [
    `*${SEVERITY_LABELS[item.severity] ?? 'Unknown'}* · ${slackEscape(item.controlId, TEXT_LIMITS.control)} · ${movement(item)}`,
    `${name}\`${slackEscape(item.assetId, TEXT_LIMITS.assetId)}\`${connector}`,
    slackEscape(reasonForPeople(item.reason), TEXT_LIMITS.reason),
  ].join('\n');
}

export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly unknown[];
  readonly unfurl_links: false;
  readonly unfurl_media: false;
}

export function slackPayload(changes: ScanChanges, selected: ChannelChanges, channel: NotificationChannel): SlackMessage {
  const summary = `ward ${comparedWith(changes)}: ${describeCounts(selected)}`;
  const { listed, omitted } = capChanges(selected, SLACK_MAX_ITEMS);
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: plainText(`ward: ${describeCounts(selected)}`, 150), emoji: false } },
    section(
      [
        comparedWith(changes).replace(/^scan/, 'Scan'),
        `*Source* ${slackEscape(changes.scan.source, TEXT_LIMITS.source)}${changes.scan.narrowed ? ' (narrowed)' : ''}`,
        `*Finished* ${changes.scan.finishedAt?.toISOString() ?? 'not yet'}`,
      ].join('\n'),
    ),
  ];
  for (const group of CHANGE_GROUPS) {
    if (listed[group].length === 0) continue;
    blocks.push({ type: 'divider' }, section(`*${GROUP_TITLES[group]} (${selected[group].length})*`));
    for (const item of listed[group]) blocks.push(section(itemText(item)));
  }
  if (omitted > 0) blocks.push({ type: 'context', elements: [mrkdwn(`…and ${omitted} more: \`${seeAllCommand(changes)}\``)] });
  blocks.push({ type: 'context', elements: [mrkdwn(`ward notification channel ${slackEscape(channel.id, 63)}`)] });
  return { text: slackEscape(summary, 1000), blocks, unfurl_links: false, unfurl_media: false };
}

export function slackTestPayload(channel: NotificationChannel, now: Date): SlackMessage {
  const text = `ward test message: channel ${slackEscape(channel.id, 63)} can post here (${now.toISOString()})`;
  return { text, blocks: [section(text)], unfurl_links: false, unfurl_media: false };
}
