/** The pure parts of notifications: which changes a channel is told, and the webhook, Slack and Teams bodies. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FindingStatus, Severity } from '../core/model.js';
import type { NotificationChannel, NotificationEvent } from '../store/notification-repository.js';
import type { ScanRow } from '../store/scan-repository.js';
import { PAYLOAD_BUILDERS } from './notification-payloads.js';
import type { ChangeItem, ScanChanges } from './scan-changes.js';
import { countOf, selectChanges } from './select-changes.js';
import { slackEscape, SLACK_MAX_BLOCKS, SLACK_MAX_SECTION_TEXT, SLACK_MAX_TEXT } from './slack-payload.js';
import { TEAMS_MAX_BYTES } from './teams-payload.js';
import { webhookSignature } from './sign-webhook.js';
import { createHmac } from 'node:crypto';

const scan = (id: number): ScanRow => ({
  id,
  startedAt: new Date('2026-03-01T06:00:00Z'),
  finishedAt: new Date('2026-03-01T06:05:00Z'),
  status: 'complete',
  source: 'azure',
  error: null,
  summary: null,
  scope: null,
  controls: null,
  connectors: null,
  narrowed: false,
  prunedAt: null,
  pin: null,
});

const item = (n: number, before: FindingStatus | null, after: FindingStatus | null, severity: Severity = 'high', connector: string | null = 'contoso', extra: Partial<ChangeItem> = {}): ChangeItem => ({
  controlId: 'azure-defender-security-contact-email',
  checkId: 'azure-defender-security-contact-email/additional-email',
  assetId: `/subscriptions/00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  assetName: `sub ${n}`,
  status: after ?? before ?? 'pass',
  severity,
  reason: 'no additional email address is configured',
  before,
  after,
  connector,
  ...extra,
});

const changesOf = (parts: Partial<Pick<ScanChanges, 'new' | 'resolved' | 'changed' | 'errors'>>): ScanChanges => ({
  scan: scan(12),
  previous: scan(11),
  new: [],
  resolved: [],
  changed: [],
  errors: [],
  ...parts,
});

const channel = (kind: NotificationChannel['kind'], events: NotificationEvent[] = ['new-failures'], more: Partial<NotificationChannel> = {}): NotificationChannel => ({
  id: `${kind}-1`,
  kind,
  url: 'https://example.invalid/hook/SECRET-TOKEN-123',
  events,
  connectors: null,
  minSeverity: null,
  secretEnv: kind === 'webhook' ? 'WARD_SECRET' : null,
  createdAt: '2026-03-01T00:00:00.000Z',
  createdBy: 'alice',
  ...more,
});

test('events pick the groups: new-failures, resolved, errors (all of the scan), drift (every change)', () => {
  const changes = changesOf({
    new: [item(1, null, 'fail'), item(2, 'pass', 'error'), item(3, null, 'excepted')],
    changed: [item(4, 'excepted', 'fail'), item(5, 'fail', 'error')],
    resolved: [item(6, 'fail', 'pass')],
    errors: [item(2, 'pass', 'error'), item(5, 'fail', 'error'), item(7, 'error', 'error')],
  });
  const ids = (events: NotificationEvent[]) => {
    const s = selectChanges(changes, { events, connectors: null, minSeverity: null });
    return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, (v as ChangeItem[]).map((e) => Number(e.assetId.slice(-2)))]));
  };
  assert.deepEqual(ids(['new-failures']), { newFailures: [1, 4], errors: [], resolved: [], otherChanges: [] });
  assert.deepEqual(ids(['resolved']), { newFailures: [], errors: [], resolved: [6], otherChanges: [] });
  assert.deepEqual(ids(['errors']), { newFailures: [], errors: [2, 5, 7], resolved: [], otherChanges: [] });
  assert.deepEqual(ids(['drift']), { newFailures: [1, 4], errors: [2, 5], resolved: [6], otherChanges: [3] });
  assert.deepEqual(ids(['drift', 'errors']), { newFailures: [1, 4], errors: [2, 5, 7], resolved: [6], otherChanges: [3] });
});

test('filters: only the channel connectors (a local finding has none) and the minimum severity; most severe first', () => {
  const changes = changesOf({
    new: [item(1, null, 'fail', 'low'), item(2, null, 'fail', 'critical', 'fabrikam'), item(3, null, 'fail', 'medium', null), item(4, null, 'fail', 'high'), item(5, null, 'fail', 'informational')],
  });
  const pick = (connectors: string[] | null, minSeverity: Severity | null) =>
    selectChanges(changes, { events: ['new-failures'], connectors, minSeverity }).newFailures.map((e) => Number(e.assetId.slice(-1)));
  assert.deepEqual(pick(null, null), [2, 4, 3, 1, 5]);
  assert.deepEqual(pick(['contoso'], null), [4, 1, 5]);
  assert.deepEqual(pick(['contoso', 'fabrikam'], 'high'), [2, 4]);
  assert.deepEqual(pick(null, 'medium'), [2, 4, 3]);
  assert.equal(countOf(selectChanges(changes, { events: ['resolved'], connectors: null, minSeverity: null })), 0, 'nothing to tell');
});

test('the webhook body: scan, channel filters, counts and the findings as data; the signature is HMAC-SHA256 of "<timestamp>.<body>"', () => {
  const changes = changesOf({ new: [item(1, null, 'fail')], resolved: [item(2, 'fail', null)] });
  const ch = channel('webhook', ['new-failures', 'resolved']);
  const body = PAYLOAD_BUILDERS.webhook.changes(changes, selectChanges(changes, ch), ch) as Record<string, any>;
  assert.equal(body.type, 'scan.changes');
  assert.deepEqual(body.scan, { id: 12, source: 'azure', startedAt: '2026-03-01T06:00:00.000Z', finishedAt: '2026-03-01T06:05:00.000Z', narrowed: false, previousScanId: 11 });
  assert.deepEqual(body.counts, { newFailures: 1, errors: 0, resolved: 1, otherChanges: 0 });
  assert.equal(body.changes.newFailures[0].assetId, item(1, null, 'fail').assetId);
  assert.equal(body.changes.resolved[0].after, null);
  assert.equal(body.omitted, 0);
  assert.ok(!JSON.stringify(body).includes('SECRET-TOKEN'), 'the URL is not part of the body');
  const raw = JSON.stringify(body);
  assert.equal(webhookSignature('s3cret', 1772345100, raw), `sha256=${createHmac('sha256', 's3cret').update(`1772345100.${raw}`).digest('hex')}`);
});

test('the webhook lists at most 1,000 findings and counts the rest', () => {
  const changes = changesOf({ new: Array.from({ length: 1005 }, (_, n) => item(n, null, 'fail')) });
  const ch = channel('webhook');
  const body = PAYLOAD_BUILDERS.webhook.changes(changes, selectChanges(changes, ch), ch) as Record<string, any>;
  assert.equal(body.changes.newFailures.length, 1000);
  assert.equal(body.counts.newFailures, 1005);
  assert.equal(body.omitted, 5);
});

test('Slack: Block Kit blocks and a text fallback, at most 20 findings and "and N more", under every limit', () => {
  const changes = changesOf({ new: Array.from({ length: 45 }, (_, n) => item(n, null, 'fail')), resolved: [item(99, 'fail', 'pass')] });
  const ch = channel('slack', ['drift']);
  const body = PAYLOAD_BUILDERS.slack.changes(changes, selectChanges(changes, ch), ch) as { text: string; blocks: any[] };
  assert.equal(body.text, 'ward scan 12 (compared with scan 11): 45 new failures, 1 resolved');
  assert.equal(body.blocks[0].type, 'header');
  assert.equal(body.blocks[0].text.type, 'plain_text');
  const sections = body.blocks.filter((b) => b.type === 'section');
  assert.ok(sections.every((b) => b.text.type === 'mrkdwn' && b.text.verbatim === true && b.text.text.length <= SLACK_MAX_SECTION_TEXT));
  const listed = sections.filter((b) => b.text.text.includes('/subscriptions/'));
  assert.equal(listed.length, 20);
  assert.ok(body.blocks.length <= SLACK_MAX_BLOCKS);
  assert.match(JSON.stringify(body.blocks), /…and 26 more: `ward diff --from 11 --to 12`/);
  assert.ok(body.text.length <= SLACK_MAX_TEXT && JSON.stringify(body).length < 40_000);
});

test('Teams: a message with one Adaptive Card (1.4) attachment; findings only in TextRuns; under 28 KB', () => {
  const changes = changesOf({ new: Array.from({ length: 30 }, (_, n) => item(n, null, 'fail', 'high', 'contoso', { reason: 'ü'.repeat(2000), assetName: '名'.repeat(500) })) });
  const ch = channel('teams');
  const body = PAYLOAD_BUILDERS.teams.changes(changes, selectChanges(changes, ch), ch) as any;
  assert.equal(body.type, 'message');
  assert.equal(body.attachments.length, 1);
  assert.equal(body.attachments[0].contentType, 'application/vnd.microsoft.card.adaptive');
  const card = body.attachments[0].content;
  assert.equal(card.type, 'AdaptiveCard');
  assert.equal(card.version, '1.4');
  assert.ok(Buffer.byteLength(JSON.stringify(body)) <= TEAMS_MAX_BYTES);
  const textBlocks = card.body.filter((b: any) => b.type === 'TextBlock').map((b: any) => b.text);
  assert.ok(textBlocks.every((t: string) => !t.includes('/subscriptions/') && !t.includes('名')), 'no value from elsewhere in a Markdown TextBlock');
  const runs = card.body.filter((b: any) => b.type === 'RichTextBlock').flatMap((b: any) => b.inlines);
  assert.ok(runs.every((r: any) => r.type === 'TextRun'));
  assert.ok(runs.some((r: any) => r.text.startsWith('…and ') && r.text.includes('more')));
});

const HOSTILE = {
  controlId: 'ctl*bold*<!channel>',
  assetName: '<!channel> *bold* _it_ ~s~ `code` <https://evil.example|click> & [x](https://evil.example) {{DATE(2017-02-14T06:00:00Z, SHORT)}} "quoted"\nforged line\u202eesrever' + 'x'.repeat(5000),
  reason: '<@U123> @here ' + 'y'.repeat(5000),
};

test('Slack: hostile control ids, asset names and reasons cannot mention, link or format, and are cut', () => {
  const changes = changesOf({ new: [item(1, null, 'fail', 'high', 'contoso', HOSTILE)] });
  const ch = channel('slack');
  const body = PAYLOAD_BUILDERS.slack.changes(changes, selectChanges(changes, ch), ch) as { text: string; blocks: any[] };
  const text = body.blocks.map((b) => (b.text?.text ?? '') + (b.elements ?? []).map((e: any) => e.text).join('')).join('\n');
  for (const forbidden of ['<!channel>', '<@U123>', '<https://', '*bold*', '_it_', '~s~', '`code`', '\u202e', 'forged line\n']) assert.ok(!text.includes(forbidden), forbidden);
  assert.match(text, /&lt;!channel&gt; ∗bold∗ ＿it＿ ∼s∼ ˋcodeˋ &lt;https:\/\/evil\.example\|click&gt; &amp;/);
  assert.ok(body.blocks.every((b) => (b.text?.text ?? '').length <= SLACK_MAX_SECTION_TEXT));
  assert.ok(!text.includes('x'.repeat(200)), 'a very long name is cut');
  assert.equal(slackEscape('&&&&&&&&&&', 12), '&amp;&amp;…', 'escaping never passes the limit nor cuts an entity');
});

test('Teams: hostile values are plain TextRuns (no Markdown), with no template, control character or override left', () => {
  const changes = changesOf({ new: [item(1, null, 'fail', 'high', 'contoso', HOSTILE)] });
  const ch = channel('teams');
  const card = (PAYLOAD_BUILDERS.teams.changes(changes, selectChanges(changes, ch), ch) as any).attachments[0].content;
  const all = JSON.stringify(card);
  const textBlocks = card.body.filter((b: any) => b.type === 'TextBlock').map((b: any) => b.text).join('\n');
  assert.ok(!textBlocks.includes('bold') && !textBlocks.includes('channel'), 'nothing hostile in Markdown text');
  assert.ok(!all.includes('{{DATE'), 'no template');
  assert.ok(!all.includes('\\u202e') && !all.includes('\u202e') && !all.includes('forged line\\n'));
  assert.ok(!all.includes('x'.repeat(200)) && !all.includes('y'.repeat(400)), 'long texts are cut');
});

test('test messages: one per kind, no scan', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  assert.equal((PAYLOAD_BUILDERS.webhook.test(channel('webhook'), now) as any).type, 'test');
  assert.match((PAYLOAD_BUILDERS.slack.test(channel('slack'), now) as any).text, /^ward test message: channel slack-1/);
  assert.equal((PAYLOAD_BUILDERS.teams.test(channel('teams'), now) as any).attachments[0].content.type, 'AdaptiveCard');
});
