/** `ward notify add|list|remove|log|test|send` through the CLI, in process, against a receiver on 127.0.0.1. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seedControls, tinyTenant } from '../../scan/test-support/tiny-tenant.js';
import { startLocalReceiver } from '../../notify/test-support/local-receiver.js';
import { freshStoreDir, runWard, scanInto } from './test-support/fake-cli-io.js';

const TOKEN = 'QQsecretTOKENinTHEpath42';
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

async function setup() {
  const db = await freshStoreDir();
  const receiver = await startLocalReceiver();
  const ward = (argv: string[], env: Record<string, string | undefined> = {}) =>
    runWard([...argv, '--db', db], { cwd: db, now: () => new Date('2026-03-02T08:00:00Z'), env: { USER: 'alice', WARD_HOOK_SECRET: 'sekrit-value-1', ...env } });
  return { db, receiver, ward, url: `${receiver.origin}/services/T000/B000/${TOKEN}` };
}

const noToken = (run: { stdout: string; stderr: string }): void => {
  assert.ok(!run.stdout.includes(TOKEN) && !run.stderr.includes(TOKEN), `no token in: ${run.stdout}${run.stderr}`);
  assert.ok(!run.stdout.includes('sekrit-value-1') && !run.stderr.includes('sekrit-value-1'));
};

test('notify add refuses what it cannot use, in one line with a hint, and stores nothing refused', async () => {
  const { ward, receiver, url } = await setup();
  try {
    const refusals: [string[], RegExp][] = [
      [['notify', 'add', 'slack', '--url', `http://hooks.example.com/${TOKEN}`], /^ward: --url http:\/\/hooks\.example\.com\/… is plain http: a notification URL must be https\n  hint: /],
      [['notify', 'add', 'slack', '--url', 'not a url'], /^ward: --url is not an absolute URL\n/],
      [['notify', 'add', 'slack', '--url', `ftp://files.example.com/${TOKEN}`], /^ward: --url ftp:\/\/files\.example\.com\/… is not an https URL\n/],
      [['notify', 'add', 'webhook', '--url', url], /^ward: a webhook channel needs --secret-env NAME\n/],
      [['notify', 'add', 'slack', '--url', url, '--secret-env', 'X'], /^ward: --secret-env is for webhook channels, not slack\n/],
      [['notify', 'add', 'teams', '--url', `https://contoso.webhook.office.com/webhookb2/${TOKEN}`], /Office 365 connector webhook: Microsoft has retired those connectors\n  hint: create a Workflows webhook/],
      [['notify', 'add', 'slack', '--url', url, '--on', 'everything'], /^ward: unknown --on "everything"\n  hint: choose from: new-failures, resolved, errors, drift/],
      [['notify', 'add', 'slack', '--url', url, '--name', 'Bad Name'], /^ward: --name "Bad Name" is not a valid channel id\n/],
      [['notify', 'add', 'slack', '--url', `https://user:pass@hooks.example.com/${TOKEN}`], /carries a user name or password/],
      [['notify', 'add', 'pager', '--url', url], /pager/],
    ];
    for (const [argv, expected] of refusals) {
      const run = await ward(argv);
      assert.equal(run.code, 2, `${argv.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, expected);
      noToken(run);
    }
    const list = await ward(['notify', 'list', '--format', 'json']);
    assert.deepEqual(JSON.parse(list.stdout), []);
  } finally {
    await receiver.close();
  }
});

test('notify add prints the id; list, log and errors show a URL only as scheme and host; remove keeps the log', async () => {
  const { ward, receiver, url, db } = await setup();
  try {
    const slack = await ward(['notify', 'add', 'slack', '--url', url, '--on', 'new-failures', '--on', 'resolved', '--min-severity', 'high']);
    assert.equal(slack.code, 0, slack.stderr);
    assert.equal(slack.stdout, 'slack-1\n');
    assert.equal(slack.stderr, `ward: added slack-1 (slack, ${receiver.origin}/…) on new-failures, resolved\n`);
    const hook = await ward(['notify', 'add', 'webhook', '--url', url, '--secret-env', 'WARD_HOOK_SECRET', '--name', 'soc-hook', '--on', 'drift', '--connector', 'contoso']);
    assert.equal(hook.stdout, 'soc-hook\n');
    const unset = await ward(['notify', 'add', 'webhook', '--url', url, '--secret-env', 'NOT_SET_HERE']);
    assert.match(unset.stderr, /^ward: warning: NOT_SET_HERE is not set here; deliveries to webhook-1 fail until it is set where ward delivers\n/);
    const duplicate = await ward(['notify', 'add', 'teams', '--url', url, '--name', 'soc-hook']);
    assert.equal(duplicate.code, 2);
    assert.match(duplicate.stderr, /^ward: a notification channel soc-hook exists already\n/);

    const json = await ward(['notify', 'list', '--format', 'json']);
    noToken(json);
    const channels = JSON.parse(json.stdout) as { id: string; url: string; events: string[]; connectors: string[] | null; minSeverity: string | null; secretEnv: string | null }[];
    assert.deepEqual(channels.map((c) => [c.id, c.url, c.events, c.connectors, c.minSeverity, c.secretEnv]), [
      ['slack-1', `${receiver.origin}/…`, ['new-failures', 'resolved'], null, 'high', null],
      ['soc-hook', `${receiver.origin}/…`, ['drift'], ['contoso'], null, 'WARD_HOOK_SECRET'],
      ['webhook-1', `${receiver.origin}/…`, ['new-failures'], null, null, 'NOT_SET_HERE'],
    ]);
    const table = await ward(['notify', 'list']);
    assert.match(table.stdout, /^ID\s+KIND\s+URL\s+ON/);
    noToken(table);

    await ward(['notify', 'add', 'slack', '--url', url, '--name', 'ops']);
    await ward(['notify', 'add', 'webhook', '--url', url, '--secret-env', 'WARD_HOOK_SECRET', '--name', 'zz-hook']);
    await scanInto(db, [{ inventory: tinyTenant({ [A]: 'fail', [B]: 'pass' }), at: '2026-03-01T06:00:00Z' }], seedControls());
    receiver.answer({ status: 200 }, { status: 500, body: `oops ${TOKEN}` });
    const send = await ward(['notify', 'send']);
    assert.equal(send.code, 0, send.stderr);
    noToken(send);
    assert.match(send.stdout, /^delivery \d+ of scan 1: delivered\n/);
    assert.match(send.stdout, /not delivered, still pending/);
    assert.match(send.stdout, /delivery \d+ of scan 1: failed/, 'the webhook without its secret fails');

    const log = await ward(['notify', 'log', '--format', 'json']);
    noToken(log);
    const deliveries = JSON.parse(log.stdout) as { channel: string; scanId: number; status: string; attempts: number; lastStatus: number | null; lastError: string | null }[];
    const byChannel = deliveries.map((d) => [d.channel, d.scanId, d.status, d.attempts, d.lastStatus]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    assert.deepEqual(byChannel, [
      ['ops', 1, 'delivered', 1, 200],
      ['slack-1', 1, 'skipped', 0, null],
      ['soc-hook', 1, 'skipped', 0, null],
      ['webhook-1', 1, 'failed', 1, null],
      ['zz-hook', 1, 'pending', 1, 500],
    ]);
    assert.equal(receiver.requests.length, 2);
    assert.ok(JSON.parse(receiver.requests[0]!.body).blocks, 'ops: a Slack message');
    assert.equal(receiver.requests[1]!.headers['x-ward-event'], 'scan.changes');
    const limited = JSON.parse((await ward(['notify', 'log', '--format', 'json', '--channel', 'soc-hook', '--limit', '1'])).stdout) as { channel: string }[];
    assert.deepEqual(limited.map((d) => d.channel), ['soc-hook']);
    const tableLog = await ward(['notify', 'log']);
    assert.match(tableLog.stdout, /^DELIVERY\s+SCAN\s+CHANNEL\s+STATUS\s+ATTEMPTS\s+HTTP\s+WHEN\s+DETAIL/);
    assert.match(tableLog.stdout, /skipped .*nothing to tell/);
    assert.match(tableLog.stdout, /NOT_SET_HERE \(--secret-env of channel webhook-1\) is not set/);
    assert.equal((await ward(['notify', 'log', '--limit', 'all'])).code, 2);

    const removed = await ward(['notify', 'remove', 'slack-1']);
    assert.equal(removed.stdout, 'removed slack-1 (its deliveries stay in ward notify log)\n');
    const again = await ward(['notify', 'remove', 'slack-1']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /^ward: no notification channel "slack-1"\n  hint: ward notify list shows them/);
    assert.equal(JSON.parse((await ward(['notify', 'log', '--format', 'json'])).stdout).length, 5);
  } finally {
    await receiver.close();
  }
});

test('notify test sends a message now; a refusal exits 2 with the reason and never the URL', async () => {
  const { ward, receiver, url } = await setup();
  try {
    await ward(['notify', 'add', 'teams', '--url', url]);
    const ok = await ward(['notify', 'test', 'teams-1']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, `delivered a test message to teams-1 (teams, ${receiver.origin}/…) (HTTP 200)\n`);
    assert.equal(JSON.parse(receiver.requests[0]!.body).attachments[0].contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(receiver.requests[0]!.path, `/services/T000/B000/${TOKEN}`);

    receiver.answer({ status: 403, body: `forbidden for ${url}` });
    const refused = await ward(['notify', 'test', 'teams-1']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^ward: the test message to teams-1 \(teams, http:\/\/127\.0\.0\.1:\d+\/…\) was not delivered: HTTP 403: forbidden for http:\/\/127\.0\.0\.1:\d+\/…\n/);
    noToken(refused);
    const missing = await ward(['notify', 'test', 'nope']);
    assert.equal(missing.code, 2);
  } finally {
    await receiver.close();
  }
});
