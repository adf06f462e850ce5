/**
 * Recording and delivering notifications on a real store (PGlite and PostgreSQL) to a receiver on 127.0.0.1:
 * signatures, retries, failures that are final at once, timeouts, redaction, idempotence, filters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/sql-client.js';
import { getDelivery, insertChannel, listDeliveries, type NotificationChannel } from '../store/notification-repository.js';
import { beginScan } from '../store/scan-repository.js';
import { TEST_STORE_KINDS } from '../store/test-support/test-store.js';
import { runScan } from '../scan/run-scan.js';
import { seedControls, subscription, tinyTenant } from '../scan/test-support/tiny-tenant.js';
import { deliverNotification, sendTestNotification } from './deliver-notification.js';
import { recordScanNotifications } from './record-scan-notifications.js';
import { startLocalReceiver, type LocalReceiver } from './test-support/local-receiver.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
const TOKEN = 'XyZsecretTOKEN0123456789';
const SECRET = 'whsec-test-1234567890';
const env = { WARD_HOOK_SECRET: SECRET };
const now = new Date('2026-03-02T08:00:00Z');

async function scanOnce(store: Store, verdicts: Parameters<typeof tinyTenant>[0], at: string): Promise<number> {
  return (await runScan({ store, controls: seedControls(), inventory: tinyTenant(verdicts), source: 'test', now: () => new Date(at) })).scanId;
}

function channel(receiver: LocalReceiver, fields: Partial<NotificationChannel> = {}): NotificationChannel {
  return {
    id: 'hook',
    kind: 'webhook',
    url: `${receiver.origin}/hooks/T000/B000/${TOKEN}?sig=${TOKEN}`,
    events: ['new-failures'],
    connectors: null,
    minSeverity: null,
    secretEnv: 'WARD_HOOK_SECRET',
    createdAt: '2026-03-01T00:00:00.000Z',
    createdBy: 'alice',
    ...fields,
  };
}

/** What a receiver does (docs/notifications.md): HMAC of "<timestamp>.<raw body>", constant-time compare, fresh timestamp. */
function verify(secret: string, headers: Record<string, string | string[] | undefined>, body: string, nowSeconds: number): boolean {
  const timestamp = String(headers['x-ward-timestamp']);
  const signature = String(headers['x-ward-signature']);
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function withSetup(kind: (typeof TEST_STORE_KINDS)[number], work: (store: Store, receiver: LocalReceiver) => Promise<void>): Promise<void> {
  const store = (await kind.open())!;
  const receiver = await startLocalReceiver();
  try {
    await work(store, receiver);
  } finally {
    await receiver.close();
    await store.close();
  }
}

const assertNoToken = (text: string | null | undefined): void => {
  assert.ok(!(text ?? '').includes(TOKEN), `no URL token in ${JSON.stringify(text)}`);
  assert.ok(!(text ?? '').includes(SECRET), 'no secret');
};

for (const kind of TEST_STORE_KINDS) {
  test(`the first scan: every failure is new; the webhook is signed and verifies; recording is idempotent (${kind.name})`, { skip: kind.skip }, async () => {
    await withSetup(kind, async (store, receiver) => {
      await insertChannel(store, channel(receiver));
      const scanId = await scanOnce(store, { [A]: 'pass', [B]: 'fail', [C]: 'fail' }, '2026-03-01T06:00:00Z');
      const pending = await recordScanNotifications(store, scanId, now);
      assert.equal(pending.length, 1);
      assert.deepEqual(await recordScanNotifications(store, scanId, now), pending, 'a second call adds nothing');
      assert.equal((await listDeliveries(store)).length, 1);

      assert.equal(await deliverNotification(store, pending[0]!, { env, now, final: false }), 'delivered');
      const [request] = receiver.requests;
      assert.equal(request!.method, 'POST');
      assert.equal(request!.headers['x-ward-event'], 'scan.changes');
      assert.equal(request!.headers['x-ward-delivery'], String(pending[0]));
      assert.equal(request!.headers['x-ward-timestamp'], String(now.getTime() / 1000));
      assert.ok(verify(SECRET, request!.headers, request!.body, now.getTime() / 1000), 'the signature verifies with the secret');
      assert.ok(!verify('another secret', request!.headers, request!.body, now.getTime() / 1000));
      assert.ok(!verify(SECRET, request!.headers, `${request!.body} `, now.getTime() / 1000), 'a changed body does not verify');
      assert.ok(!verify(SECRET, request!.headers, request!.body, now.getTime() / 1000 + 301), 'an old timestamp is refused');
      const body = JSON.parse(request!.body);
      assert.equal(body.scan.previousScanId, null);
      assert.deepEqual(body.changes.newFailures.map((f: { assetId: string }) => f.assetId), [subscription(B), subscription(C)]);

      const stored = await getDelivery(store, pending[0]!);
      assert.equal(stored!.status, 'delivered');
      assert.equal(stored!.attempts, 1);
      assert.equal(stored!.lastStatus, 200);
      assert.equal(JSON.stringify(stored!.payload), request!.body, 'the stored payload is the body sent');
      assert.deepEqual(await recordScanNotifications(store, scanId, now), []);
      assert.equal(await deliverNotification(store, pending[0]!, { env, now, final: false }), 'delivered', 'not sent twice');
      assert.equal(receiver.requests.length, 1);
    });
  });

  test(`the next scan is compared with the one before; nothing to tell is skipped; an incomplete scan records nothing (${kind.name})`, { skip: kind.skip }, async () => {
    await withSetup(kind, async (store, receiver) => {
      await insertChannel(store, channel(receiver, { id: 'both', events: ['new-failures', 'resolved'] }));
      await insertChannel(store, channel(receiver, { id: 'errors', events: ['errors'] }));
      const first = await scanOnce(store, { [A]: 'pass', [B]: 'fail', [C]: 'error' }, '2026-03-01T06:00:00Z');
      assert.equal((await recordScanNotifications(store, first, now)).length, 2);
      const second = await scanOnce(store, { [A]: 'fail', [B]: 'pass', [C]: 'error' }, '2026-03-02T06:00:00Z');
      const pending = await recordScanNotifications(store, second, now);
      const deliveries = await listDeliveries(store);
      const both = deliveries.find((d) => d.scanId === second && d.channelId === 'both')!;
      const payload = both.payload as { changes: Record<string, { assetId: string; before: string | null }[]>; scan: { previousScanId: number } };
      assert.equal(payload.scan.previousScanId, first);
      assert.deepEqual(payload.changes.newFailures!.map((f) => f.assetId), [subscription(A)]);
      assert.deepEqual(payload.changes.resolved!.map((f) => f.assetId), [subscription(B)]);
      const errors = deliveries.find((d) => d.scanId === second && d.channelId === 'errors')!;
      assert.deepEqual((errors.payload as typeof payload).changes.errors!.map((f) => [f.assetId, f.before]), [[subscription(C), 'error']], 'a standing error is told again');
      assert.equal(pending.length, 2);

      const third = await scanOnce(store, { [A]: 'fail', [B]: 'pass', [C]: 'error' }, '2026-03-03T06:00:00Z');
      await recordScanNotifications(store, third, now);
      const skipped = (await listDeliveries(store)).find((d) => d.scanId === third && d.channelId === 'both')!;
      assert.equal(skipped.status, 'skipped');
      assert.match((skipped.payload as { skipped: string }).skipped, /^nothing to tell/);

      const running = await beginScan(store, 'test', now);
      assert.deepEqual(await recordScanNotifications(store, running, now), []);
    });
  });

  test(`a --connector filter reads each finding's connector; --min-severity drops what is below (${kind.name})`, { skip: kind.skip }, async () => {
    await withSetup(kind, async (store, receiver) => {
      await insertChannel(store, channel(receiver, { id: 'contoso', connectors: ['contoso'] }));
      await insertChannel(store, channel(receiver, { id: 'critical', minSeverity: 'critical' }));
      const scanId = await scanOnce(store, { [A]: 'fail', [B]: 'fail' }, '2026-03-01T06:00:00Z');
      await store.query("UPDATE finding_states SET connector_name = 'contoso' WHERE asset_id = $1", [subscription(A)]);
      await recordScanNotifications(store, scanId, now);
      const deliveries = await listDeliveries(store);
      const contoso = deliveries.find((d) => d.channelId === 'contoso')!.payload as { changes: { newFailures: { assetId: string; connector: string }[] } };
      assert.deepEqual(contoso.changes.newFailures.map((f) => [f.assetId, f.connector]), [[subscription(A), 'contoso']]);
      assert.equal(deliveries.find((d) => d.channelId === 'critical')!.status, 'skipped', 'the seed control is not critical');
    });
  });

  test(`a 503 is retried and then delivered; a 400 fails at once; the final attempt fails; errors never show the token (${kind.name})`, { skip: kind.skip }, async () => {
    await withSetup(kind, async (store, receiver) => {
      await insertChannel(store, channel(receiver, { id: 'a' }));
      await insertChannel(store, channel(receiver, { id: 'b' }));
      await insertChannel(store, channel(receiver, { id: 'c' }));
      const scanId = await scanOnce(store, { [A]: 'fail' }, '2026-03-01T06:00:00Z');
      const [a, b, c] = await recordScanNotifications(store, scanId, now);

      receiver.answer({ status: 503, body: `busy ${TOKEN}` }, { status: 200 });
      assert.equal(await deliverNotification(store, a!, { env, now, final: false }), 'retry');
      let row = (await getDelivery(store, a!))!;
      assert.deepEqual([row.status, row.attempts, row.lastStatus], ['pending', 1, 503]);
      assert.match(row.lastError!, /^HTTP 503: busy …$/);
      assertNoToken(row.lastError);
      assert.equal(await deliverNotification(store, a!, { env, now, final: false }), 'delivered');
      row = (await getDelivery(store, a!))!;
      assert.deepEqual([row.status, row.attempts, row.lastStatus, row.lastError], ['delivered', 2, 200, null]);

      receiver.answer({ status: 400, body: 'invalid_payload' });
      assert.equal(await deliverNotification(store, b!, { env, now, final: false }), 'failed', 'a 400 is not worth a retry');
      row = (await getDelivery(store, b!))!;
      assert.deepEqual([row.status, row.attempts, row.lastStatus, row.lastError], ['failed', 1, 400, 'HTTP 400: invalid_payload']);
      assert.equal(await deliverNotification(store, b!, { env, now, final: false }), 'failed', 'a failed delivery is not sent again');

      receiver.answer({ status: 429, headers: { 'retry-after': '30' } }, { status: 500 });
      assert.equal(await deliverNotification(store, c!, { env, now, final: false }), 'retry');
      assert.equal((await getDelivery(store, c!))!.lastError, 'HTTP 429 (retry after 30)');
      assert.equal(await deliverNotification(store, c!, { env, now, final: true }), 'failed');
      row = (await getDelivery(store, c!))!;
      assert.deepEqual([row.status, row.attempts, row.lastStatus], ['failed', 2, 500]);
      assert.equal(receiver.requests.length, 5, 'a failed delivery is not sent again');
    });
  });

  test(`a timeout, a refused connection and a redirect are recorded without the URL; a missing secret fails before any request (${kind.name})`, { skip: kind.skip }, async () => {
    await withSetup(kind, async (store, receiver) => {
      const closed = await startLocalReceiver();
      await closed.close();
      await insertChannel(store, channel(receiver, { id: 'slow' }));
      await insertChannel(store, channel(closed, { id: 'gone' }));
      await insertChannel(store, channel(receiver, { id: 'moved' }));
      await insertChannel(store, channel(receiver, { id: 'nosecret', secretEnv: 'UNSET_SECRET_VARIABLE' }));
      const scanId = await scanOnce(store, { [A]: 'fail' }, '2026-03-01T06:00:00Z');
      await recordScanNotifications(store, scanId, now);
      const idOf = new Map((await listDeliveries(store)).map((d) => [d.channelId, d.id]));
      const [slow, gone, moved, nosecret] = ['slow', 'gone', 'moved', 'nosecret'].map((id) => idOf.get(id));

      receiver.answer('hang');
      const started = Date.now();
      assert.equal(await deliverNotification(store, slow!, { env, now, final: false, timeoutMs: 200 }), 'retry');
      assert.ok(Date.now() - started < 5000);
      assert.equal((await getDelivery(store, slow!))!.lastError, 'no answer within 0.2 s');

      assert.equal(await deliverNotification(store, gone!, { env, now, final: false }), 'retry');
      const refused = (await getDelivery(store, gone!))!;
      assert.match(refused.lastError!, /^could not connect: ECONNREFUSED/);
      assertNoToken(refused.lastError);

      receiver.answer({ status: 302, headers: { location: `https://elsewhere.example/${TOKEN}` } });
      assert.equal(await deliverNotification(store, moved!, { env, now, final: false }), 'failed');
      const redirected = (await getDelivery(store, moved!))!;
      assert.match(redirected.lastError!, /^HTTP 302: the receiver redirects/);
      assertNoToken(redirected.lastError);

      const before = receiver.requests.length;
      assert.equal(await deliverNotification(store, nosecret!, { env, now, final: false }), 'failed');
      const missing = (await getDelivery(store, nosecret!))!;
      assert.match(missing.lastError!, /UNSET_SECRET_VARIABLE \(--secret-env of channel nosecret\) is not set/);
      assert.equal(receiver.requests.length, before, 'nothing was sent unsigned');
    });
  });
}

test('a test message: signed with X-Ward-Event test, and its failure is redacted', async () => {
  const receiver = await startLocalReceiver();
  try {
    const hook = channel(receiver);
    const ok = await sendTestNotification(hook, { env, now });
    assert.deepEqual(ok, { ok: true, status: 200 });
    assert.equal(receiver.requests[0]!.headers['x-ward-event'], 'test');
    assert.ok(verify(SECRET, receiver.requests[0]!.headers, receiver.requests[0]!.body, now.getTime() / 1000));
    receiver.answer({ status: 404, body: `no hook ${TOKEN} / T000/B000/${TOKEN}` });
    const failed = await sendTestNotification({ ...hook, kind: 'slack', secretEnv: null }, { env: {}, now });
    assert.equal(failed.ok, false);
    assert.ok(!failed.ok && !failed.error.includes(TOKEN), !failed.ok ? failed.error : '');
    assert.equal(receiver.requests[1]!.headers['x-ward-signature'], undefined, 'only webhooks are signed');
  } finally {
    await receiver.close();
  }
});
