import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClientSecretCredential, type AccessToken, type TokenCredential } from '@azure/identity';
import { isWardError } from '../../core/errors.js';
import { loadCaptureDir } from '../../emulator/load-capture-dir.js';
import { parseEnvFile } from '../../emulator/env-file.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/start-emulator.js';
import { createTrustedAgent } from './trusted-agent.js';
import type { Capture, CapturedBody } from '../../core/inventory/capture.js';
import { collectCapture, type CollectOptions } from './collect-capture.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const id = (n: number): string => `${String(n).padStart(8, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;

const contact2023 = (sub: string, emails?: string | null): object => ({
  id: `/subscriptions/${sub}/providers/Microsoft.Security/securityContact/default`,
  name: 'default',
  type: 'Microsoft.Security/securityContact',
  properties: {
    ...(emails === undefined ? {} : { emails }),
    isEnabled: true,
    notificationsByRole: { state: 'On', roles: ['Owner'] },
    notificationsSources: [{ sourceType: 'Alert', minimalSeverity: 'High' }],
  },
});
const contact2017 = (sub: string, name: string, email: string): object => ({
  id: `/subscriptions/${sub}/providers/Microsoft.Security/securityContacts/${name}`,
  name,
  type: 'Microsoft.Security/securityContacts',
  properties: { email, alertNotifications: 'On', alertsToAdmins: 'On' },
});

/** One subscription per body shape the collector must keep exactly. */
const BODIES: ReadonlyArray<readonly [string, unknown]> = [
  [id(1), { value: [contact2023(id(1), 'a@contoso.com;b@contoso.com')] }],
  [id(2), [{ ...(contact2023(id(2), 'x@contoso.com, y@contoso.com') as object) }]],
  [id(3), { value: [contact2017(id(3), 'default1', 'sec@contoso.com')] }],
  [id(4), { value: [contact2023(id(4), '')] }],
  [id(5), { value: [contact2023(id(5), null)] }],
  [id(6), { value: [contact2023(id(6))] }],
  [id(7), { value: [] }],
  [id(8), []],
  [id(9), { value: [contact2017(id(9), 'default1', ''), contact2017(id(9), 'default2', 'soc@contoso.com')] }],
  [id(10), { error: { code: 'AuthorizationFailed', message: `The client 'reader' does not have authorization over scope '/subscriptions/${id(10)}'.` } }],
  [id(11), { error: { code: 'NotFound', message: 'no security contacts' } }],
];
const INACTIVE: ReadonlyArray<readonly [string, string]> = [
  [id(20), 'Disabled'],
  [id(21), 'Deleted'],
];

function testCapture(): Capture {
  const subscriptions = [
    ...BODIES.map(([sub], index) => ({
      id: `/subscriptions/${sub}`,
      subscriptionId: sub,
      tenantId: 'tenant-under-test',
      displayName: `sub-${index + 1}`,
      state: index === 2 ? 'Warned' : 'Enabled',
      tags: { environment: index % 2 === 0 ? 'prod' : 'dev' },
    })),
    ...INACTIVE.map(([sub, state]) => ({ id: `/subscriptions/${sub}`, subscriptionId: sub, tenantId: 'tenant-under-test', displayName: state, state, tags: {} })),
  ];
  return {
    subscriptions: { body: { value: subscriptions }, source: 'test' },
    securityContacts: new Map<string, CapturedBody>(BODIES.map(([sub, body]) => [sub, { body, source: 'test' }])),
  };
}

/** A ClientSecretCredential against the emulator that remembers every token it handed out. */
function recordingCredential(emulator: RunningEmulator): { credential: TokenCredential; tokens: string[] } {
  const { tenantId, clientId, clientSecret } = emulator.credentials;
  const inner = new ClientSecretCredential(tenantId, clientId, clientSecret, {
    authorityHost: emulator.url,
    disableInstanceDiscovery: true,
    agent: createTrustedAgent(emulator.caPem),
  });
  const tokens: string[] = [];
  return {
    tokens,
    credential: {
      async getToken(scopes, options): Promise<AccessToken | null> {
        const token = await inner.getToken(scopes, options);
        if (token) tokens.push(token.token);
        return token;
      },
    },
  };
}

const envOf = (emulator: RunningEmulator): Record<string, string> =>
  parseEnvFile(emulator.envFileLines.join('\n'));

async function withEmulator<T>(options: EmulatorOptions, run: (emulator: RunningEmulator) => Promise<T>): Promise<T> {
  // these tests read bodies exactly as captured (a bare array at 2023-12-01-preview): the emulator replays them
  const emulator = await startEmulator({ replayCapturedBodies: true, ...options });
  try {
    return await run(emulator);
  } finally {
    await emulator.close();
  }
}

const fast = (emulator: RunningEmulator, more: Partial<CollectOptions> = {}): CollectOptions => ({
  env: envOf(emulator),
  ca: emulator.caPem,
  retryDelayMs: 5,
  maxRetryDelayMs: 20,
  ...more,
});

const errorCode = (capture: Capture, sub: string): string | undefined => (capture.securityContacts.get(sub)?.body as any)?.error?.code;

test('every body shape is recorded exactly as ARM answered, across subscription pages; 404 is no contact; 403 is kept; inactive subscriptions are not read', async () => {
  await withEmulator({ capture: testCapture(), pageSize: 3 }, async (emulator) => {
    const capture = await collectCapture(fast(emulator));
    const listed = (capture.subscriptions.body as { value: { subscriptionId: string }[] }).value.map((s) => s.subscriptionId);
    assert.deepEqual(listed.sort(), [...BODIES.map(([sub]) => sub), ...INACTIVE.map(([sub]) => sub)].sort());
    assert.equal(emulator.state.stats.byRoute.get('GET subscriptions'), 5, 'five pages of three');
    for (const [sub, body] of BODIES) {
      if (sub === id(11)) continue;
      assert.deepEqual(capture.securityContacts.get(sub)?.body, body, sub);
    }
    assert.deepEqual(capture.securityContacts.get(id(11))?.body, { value: [] });
    assert.equal(errorCode(capture, id(10)), 'AuthorizationFailed');
    for (const [sub] of INACTIVE) assert.ok(!capture.securityContacts.has(sub), `${sub} is not read`);
    assert.equal(emulator.state.stats.byRoute.get('GET list-contacts'), BODIES.length);
  });
});

test('explicit subscriptions and management-group scope; an unknown subscription is recorded as an error', async () => {
  await withEmulator({ capture: testCapture(), pageSize: 4 }, async (emulator) => {
    const unknown = id(99);
    const explicit = await collectCapture(fast(emulator, { subscriptionIds: [id(1), id(3), unknown] }));
    assert.deepEqual([...explicit.securityContacts.keys()].sort(), [id(1), id(3), unknown].sort());
    assert.equal(errorCode(explicit, unknown), 'SubscriptionNotFound');
    assert.equal((explicit.subscriptions.body as { value: unknown[] }).value.length, 3);

    const prod = await collectCapture(fast(emulator, { managementGroupId: 'ward-prod' }));
    const prodIds = (prod.subscriptions.body as { value: { subscriptionId: string }[] }).value.map((s) => s.subscriptionId);
    assert.deepEqual(prodIds.sort(), BODIES.filter((_, index) => index % 2 === 0).map(([sub]) => sub).sort());

    const root = await collectCapture(fast(emulator, { managementGroupId: emulator.credentials.tenantId }));
    assert.equal((root.subscriptions.body as { value: unknown[] }).value.length, BODIES.length + INACTIVE.length);

    await assert.rejects(collectCapture(fast(emulator, { managementGroupId: 'no-such-group' })), (error) => isWardError(error) && error.code === 'AZURE_ERROR');
  });
});

test('429 is retried after the Retry-After ARM asks for', async () => {
  const throttled = `/subscriptions/${id(1)}/providers`;
  await withEmulator({ capture: testCapture(), scriptedFaults: [{ pathIncludes: throttled, kind: 'throttle', times: 1 }] }, async (emulator) => {
    const capture = await collectCapture(fast(emulator, { subscriptionIds: [id(1)] }));
    assert.deepEqual(capture.securityContacts.get(id(1))?.body, BODIES[0]![1]);
    const arrivals = emulator.state.stats.arrivals.get(`/subscriptions/${id(1)}/providers/Microsoft.Security/securityContacts`) ?? [];
    assert.equal(arrivals.length, 2);
    assert.ok(arrivals[1]! - arrivals[0]! >= 950, `waited ${arrivals[1]! - arrivals[0]!} ms for Retry-After: 1`);
  });
});

test('5xx, resets, slow answers and truncated bodies are retried, then recorded as errors; the other subscriptions go on', async () => {
  const path = (n: number): string => `/subscriptions/${id(n)}/providers/Microsoft.Security/securityContacts`;
  const scriptedFaults = [
    { pathIncludes: path(1), kind: 'server-error', times: 2 },
    { pathIncludes: path(2), kind: 'truncated', times: 1 },
    { pathIncludes: path(3), kind: 'slow', times: 1 },
    { pathIncludes: path(4), kind: 'reset', times: 1 },
    { pathIncludes: path(5), kind: 'truncated', times: 10 },
    { pathIncludes: path(6), kind: 'server-error', times: 10 },
    { pathIncludes: path(7), kind: 'reset', times: 10 },
  ] as const;
  await withEmulator({ capture: testCapture(), scriptedFaults, slowMs: 6000 }, async (emulator) => {
    // the timeout sits far above a healthy answer on a loaded machine and far below a slow one
    const capture = await collectCapture(fast(emulator, { maxRetries: 2, timeoutMs: 2000 }));
    for (const n of [1, 2, 3, 4]) assert.deepEqual(capture.securityContacts.get(id(n))?.body, BODIES[n - 1]![1], `subscription ${n} recovered`);
    assert.equal(errorCode(capture, id(5)), 'InvalidResponseBody');
    assert.equal(errorCode(capture, id(6)), 'ServiceUnavailable');
    assert.ok(errorCode(capture, id(7)), 'a connection reset is recorded as an error');
    for (const n of [5, 6, 7]) assert.equal(emulator.state.stats.arrivals.get(path(n))?.length, 3, `subscription ${n}: 1 attempt + 2 retries`);
    for (const n of [8, 9]) assert.deepEqual(capture.securityContacts.get(id(n))?.body, BODIES[n - 1]![1]);
  });
});

test('random faults never crash a collection: every active subscription ends with a body or an error', async () => {
  await withEmulator({ synthetic: 40, seed: 5, faultRate: 0.3, slowMs: 400 }, async (emulator) => {
    const capture = await collectCapture(fast(emulator, { maxRetries: 6, timeoutMs: 250 })).catch((error) => {
      // the subscription list itself may exhaust its retries; that is the one fatal case and must be a WardError
      assert.ok(isWardError(error), String(error));
      return undefined;
    });
    if (!capture) return;
    const subs = (capture.subscriptions.body as { value: { subscriptionId: string; state: string }[] }).value;
    for (const sub of subs.filter((s) => s.state !== 'Disabled' && s.state !== 'Deleted')) {
      const body = capture.securityContacts.get(sub.subscriptionId)?.body;
      assert.ok(Array.isArray(body) || (typeof body === 'object' && body !== null && ('value' in body || 'error' in body)), sub.subscriptionId);
    }
  });
});

test('the concurrency bound is respected', async () => {
  await withEmulator({ synthetic: 30, seed: 2, latencyMs: 25 }, async (emulator) => {
    await collectCapture(fast(emulator, { concurrency: 4 }));
    assert.equal(emulator.state.stats.maxContactsInFlight, 4);
  });
});

test('secrets and tokens never reach the capture or an error message', async () => {
  await withEmulator({ capture: testCapture(), scriptedFaults: [{ pathIncludes: id(6), kind: 'server-error', times: 10 }] }, async (emulator) => {
    const { credential, tokens } = recordingCredential(emulator);
    const capture = await collectCapture({ ...fast(emulator, { maxRetries: 1 }), credential });
    assert.ok(tokens.length > 0);
    const text = JSON.stringify({ subscriptions: capture.subscriptions, contacts: [...capture.securityContacts] });
    assert.ok(!text.includes(emulator.credentials.clientSecret));
    for (const token of tokens) assert.ok(!text.includes(token));

    const badEnv = { ...envOf(emulator), AZURE_CLIENT_SECRET: `${emulator.credentials.clientSecret}-wrong` };
    await assert.rejects(collectCapture({ env: badEnv, ca: emulator.caPem, retryDelayMs: 5 }), (error: Error) => {
      assert.ok(isWardError(error), String(error));
      assert.ok(!error.message.includes(badEnv.AZURE_CLIENT_SECRET) && !String(error.hint).includes(badEnv.AZURE_CLIENT_SECRET));
      return true;
    });
  });
});

test('`ward collect` in a process given only the env file scans the emulator and writes the capture', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ward-collect-'));
  try {
    await withEmulator({ capture: testCapture(), caFile: path.join(dir, 'ca.pem') }, async (emulator) => {
      const out = path.join(dir, 'capture');
      const env = { ...process.env, ...envOf(emulator), NO_COLOR: '1' };
      const script = `import { main } from './src/cli/main.ts'; process.exitCode = await main(process.argv.slice(1));`;
      const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', script, 'collect', '--out', out, '--concurrency', '3'],
          { cwd: REPO, env },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /13 subscription\(s\), contacts read for 10, 1 read error\(s\), 2 not read/);
      assert.match(result.stderr, /security contacts: 11\/13 subscriptions/);
      for (const text of [result.stdout, result.stderr]) assert.ok(!text.includes(emulator.credentials.clientSecret));
      const written = await loadCaptureDir(out);
      assert.deepEqual(written.securityContacts.get(id(2))?.body, BODIES[1]![1]);
      assert.equal(written.securityContacts.size, BODIES.length);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
