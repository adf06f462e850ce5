import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { syntheticTenant, writeSyntheticTenant } from './synthetic-tenant.js';
import { loadCaptureDir } from './load-capture-dir.js';

test('the synthetic tenant is deterministic for a seed and differs across seeds', () => {
  const a = syntheticTenant({ subscriptions: 30, seed: 7 });
  const b = syntheticTenant({ subscriptions: 30, seed: 7 });
  const c = syntheticTenant({ subscriptions: 30, seed: 8 });
  assert.deepEqual(a.capture.subscriptions.body, b.capture.subscriptions.body);
  assert.deepEqual([...a.capture.securityContacts], [...b.capture.securityContacts]);
  assert.notDeepEqual(a.capture.subscriptions.body, c.capture.subscriptions.body);
});

test('a realistic mix: all three shapes, empty and missing addresses, 403s, inactive subscriptions, tags', () => {
  const tenant = syntheticTenant({ subscriptions: 200, seed: 1 });
  const subscriptions = (tenant.capture.subscriptions.body as { value: any[] }).value;
  assert.equal(subscriptions.length, 200);
  const states = new Set(subscriptions.map((s) => s.state));
  for (const state of ['Enabled', 'Disabled', 'Deleted']) assert.ok(states.has(state), state);
  assert.ok(subscriptions.some((s) => s.tags.environment === 'prod'));
  for (const s of subscriptions.filter((s) => s.state === 'Disabled' || s.state === 'Deleted')) {
    assert.ok(!tenant.capture.securityContacts.has(s.subscriptionId), 'inactive subscriptions are not read');
  }
  const kinds = new Set(tenant.kinds.values());
  for (const kind of ['2023-emails', '2023-emails-comma', '2023-emails-empty', '2023-emails-null', '2023-emails-missing', '2020-bare-array', '2017-default1', 'several-one-empty', 'no-contacts', 'authorization-failed']) {
    assert.ok(kinds.has(kind as never), kind);
  }
  const bodies = [...tenant.capture.securityContacts.values()].map((c) => c.body);
  assert.ok(bodies.some((b) => Array.isArray(b)), 'bare arrays');
  assert.ok(bodies.some((b: any) => b?.error?.code === 'AuthorizationFailed'));
  assert.ok(bodies.some((b: any) => b?.value?.[0]?.properties && !('emails' in b.value[0].properties) && !('email' in b.value[0].properties)));
  // one or two unreadable subscriptions per 50, not more
  const denied = bodies.filter((b: any) => b?.error).length;
  assert.ok(denied >= 4 && denied <= 8, `${denied} denied`);
});

test('writeSyntheticTenant writes a capture directory that reads back identically', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ward-synthetic-'));
  try {
    const out = path.join(dir, 'capture');
    const tenant = await writeSyntheticTenant(out, { subscriptions: 12, seed: 3 });
    const read = await loadCaptureDir(out);
    assert.deepEqual(read.subscriptions.body, tenant.capture.subscriptions.body);
    assert.deepEqual(
      [...read.securityContacts].map(([id, c]) => [id, c.body]),
      [...tenant.capture.securityContacts].map(([id, c]) => [id, c.body]).sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
