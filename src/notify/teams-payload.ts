/**
 * A Microsoft Teams Workflows webhook message: a `message` with one Adaptive Card (1.4) attachment. (The Office 365
 * connectors and their MessageCard format are retired: validate-channel.ts refuses their URLs.) Values from
 * elsewhere go only into `TextRun`s of `RichTextBlock`s, which Teams renders without Markdown, after they are made
 * plain (message-text.ts) and their `{{` broken (no DATE()/TIME() templates); TextBlocks hold only ward's own words
 * and numbers. At most TEAMS_MAX_ITEMS findings are listed, and the body is kept under TEAMS_MAX_BYTES (Teams
 * refuses messages over about 28 KB).
 */
import type { NotificationChannel } from '../store/notification-repository.js';
import { comparedWith, movement, plainText, reasonForPeople, seeAllCommand, SEVERITY_LABELS, TEXT_LIMITS } from './message-text.js';
import type { ChangeItem, ScanChanges } from './scan-changes.js';
import { CHANGE_GROUPS, capChanges, describeCounts, GROUP_TITLES, type ChannelChanges } from './select-changes.js';

export const TEAMS_MAX_ITEMS = 20;
export const TEAMS_MAX_BYTES = 27_000;

/** Text from elsewhere for a TextRun: plain, cut to `max`, and no `{{` template. */
export const teamsText = (text: string, max: number): string => plainText(text, max).replace(/\{\{/g, '{\u00a0{');

const run = (text: string, style: Record<string, unknown> = {}) => ({ type: 'TextRun', text, ...style });
const richLine = (...inlines: unknown[]) => ({ type: 'RichTextBlock', inlines, spacing: 'None' });
const heading = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'TextBlock', text, weight: 'Bolder', wrap: true, ...extra });

const SEVERITY_COLOURS: Readonly<Record<string, string>> = { critical: 'Attention', high: 'Attention', medium: 'Warning', low: 'Default', informational: 'Default' };

function itemBlocks(item: ChangeItem): unknown[] {
  return [
    {
      type: 'RichTextBlock',
      separator: true,
      inlines: [
        run(SEVERITY_LABELS[item.severity] ?? 'Unknown', { weight: 'Bolder', color: SEVERITY_COLOURS[item.severity] ?? 'Default' }),
        run(` · ${teamsText(item.controlId, TEXT_LIMITS.control)} · ${movement(item)}`),
      ],
    },
    richLine(
      ...(item.assetName ? [run(`${teamsText(item.assetName, TEXT_LIMITS.assetName)} `)] : []),
      run(teamsText(item.assetId, TEXT_LIMITS.assetId), { fontType: 'Monospace', isSubtle: true }),
      ...(item.connector ? [run(` · connector ${teamsText(item.connector, TEXT_LIMITS.connector)}`, { isSubtle: true })] : []),
    ),
    richLine(run(teamsText(reasonForPeople(item.reason), TEXT_LIMITS.reason))),
  ];
}

export interface TeamsMessage {
  readonly type: 'message';
  readonly attachments: readonly [{ readonly contentType: 'application/vnd.microsoft.card.adaptive'; readonly contentUrl: null; readonly content: unknown }];
}

const message = (body: unknown[]): TeamsMessage => ({
  type: 'message',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', msteams: { width: 'Full' }, body },
    },
  ],
});

function build(changes: ScanChanges, selected: ChannelChanges, channel: NotificationChannel, limit: number): TeamsMessage {
  const { listed, omitted } = capChanges(selected, limit);
  const body: unknown[] = [
    heading(`ward: ${describeCounts(selected)}`, { size: 'Medium' }),
    richLine(run(`${comparedWith(changes)} · finished ${changes.scan.finishedAt?.toISOString() ?? 'not yet'}`, { isSubtle: true })),
    richLine(run(`source ${teamsText(changes.scan.source, TEXT_LIMITS.source)}${changes.scan.narrowed ? ' (narrowed)' : ''}`, { isSubtle: true })),
  ];
  for (const group of CHANGE_GROUPS) {
    if (listed[group].length === 0) continue;
    body.push(heading(`${GROUP_TITLES[group]} (${selected[group].length})`, { separator: true, spacing: 'Medium' }));
    for (const item of listed[group]) body.push(...itemBlocks(item));
  }
  if (omitted > 0) body.push(richLine(run(`…and ${omitted} more: ${seeAllCommand(changes)}`, { isSubtle: true })));
  body.push(richLine(run(`ward notification channel ${teamsText(channel.id, 63)}`, { isSubtle: true, size: 'Small' })));
  return message(body);
}

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

export function teamsPayload(changes: ScanChanges, selected: ChannelChanges, channel: NotificationChannel): TeamsMessage {
  // each listed finding is bounded (TEXT_LIMITS), so 20 fit; list fewer should long multi-byte texts say otherwise
  for (let limit = TEAMS_MAX_ITEMS; limit > 0; limit -= 1) {
    const built = build(changes, selected, channel, limit);
    if (bytes(built) <= TEAMS_MAX_BYTES) return built;
  }
  return build(changes, selected, channel, 0);
}

export function teamsTestPayload(channel: NotificationChannel, now: Date): TeamsMessage {
  return message([heading('ward test message'), richLine(run(`channel ${teamsText(channel.id, 63)} can post here (${now.toISOString()})`))]);
}
