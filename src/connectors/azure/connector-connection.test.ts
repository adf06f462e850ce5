/**
 * A configured connector's connection against the ARM emulator: the credential its --credential names, made from
 * the worker's environment (env:PREFIX, default), its own endpoints whatever the worker's WARD_ARM_ENDPOINT says,
 * its scope with the excluded subscriptions neither read nor reported, and CREDENTIAL_MISSING (never a secret)
 * when the worker lacks what the credential needs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isWardError, type WardError } from '../../core/errors.js';
import { startEmulator, type RunningEmulator } from '../../emulator/start-emulator.js';
import { collectCapture } from './collect-capture.js';
import { connectArm } from './connect-arm.js';
import { connectorConnection } from './connector-connection.js';
import { closedPort } from './test-support/closed-port.js';
import { emulatorConnector } from './test-support/emulator-connector.js';

const SAMPLE = fileURLToPath(new URL('../../../samples/contoso-tenant', import.meta.url));
const sub = (n: number): string => `0a1b2c3d-1111-4a5b-8c9d-${String(n).padStart(12, '0')}`;
const WRONG_SECRET = 'wr0ng~Secret.Value_for-the-connector';


/** The worker's environment: the connector's service principal under CONTOSO_*, and a WARD_ARM_ENDPOINT that goes nowhere. */
async function workerEnv(emulator: RunningEmulator, extra: Record<string, string | undefined> = {}): Promise<Record<string, string | undefined>> {
  return {
    CONTOSO_CLIENT_ID: emulator.credentials.clientId,
    CONTOSO_CLIENT_SECRET: emulator.credentials.clientSecret,
    WARD_ARM_ENDPOINT: `https://127.0.0.1:${await closedPort()}`,
    AZURE_AUTHORITY_HOST: `https://127.0.0.1:${await closedPort()}`,
    ...extra,
  };
}

const idsOf = (capture: Awaited<ReturnType<typeof collectCapture>>): string[] =>
  (capture.subscriptions.body as { value: { subscriptionId: string }[] }).value.map((s) => s.subscriptionId).sort();

function assertNoSecret(error: WardError, secrets: readonly string[]): void {
  for (const text of [error.message, error.hint ?? '']) for (const secret of secrets) assert.ok(!text.includes(secret), `no secret in ${text}`);
  assert.doesNotMatch(error.message, /\n/);
}

test('env:PREFIX signs in with PREFIX_CLIENT_ID and PREFIX_CLIENT_SECRET; the connector\'s endpoints, not the worker\'s; exclusions in every scope', async () => {
  const emulator = await startEmulator({ captureDir: SAMPLE });
  try {
    const env = await workerEnv(emulator);
    const ca = emulator.caPem;
    const all = await collectCapture({ ...connectorConnection(emulatorConnector(emulator, { excludeSubscriptions: [sub(2), sub(11)] }), env, { ca }), concurrency: 4 });
    const everyId = Array.from({ length: 12 }, (_, i) => sub(i + 1));
    assert.deepEqual(idsOf(all), everyId.filter((id) => id !== sub(2) && id !== sub(11)));
    assert.deepEqual([...all.securityContacts.keys()].sort(), everyId.filter((id) => ![sub(2), sub(11), sub(12)].includes(id)), 'the excluded and the disabled are not read');

    const explicit = connectorConnection(emulatorConnector(emulator, { subscriptions: [sub(1), sub(3)], excludeSubscriptions: [sub(3)] }), env, { ca });
    assert.deepEqual(explicit.subscriptionIds, [sub(1), sub(3)]);
    const listed = await collectCapture(explicit);
    assert.deepEqual(idsOf(listed), [sub(1)]);
    assert.deepEqual([...listed.securityContacts.keys()], [sub(1)]);

    const group = await collectCapture(connectorConnection(emulatorConnector(emulator, { managementGroup: 'contoso-prod', excludeSubscriptions: [sub(10)] }), env, { ca }));
    assert.deepEqual(idsOf(group), [1, 2, 3, 4, 5, 11].map(sub));
    assert.ok(!group.securityContacts.has(sub(10)));

    const { endpoints } = connectArm(explicit);
    assert.equal(endpoints.armEndpoint, emulator.url);
    assert.equal(endpoints.authorityHost, emulator.url);
  } finally {
    await emulator.close();
  }
});

test('default: the service principal of the worker\'s AZURE_* variables, signed in to the connector\'s tenant', async () => {
  const emulator = await startEmulator({ synthetic: 3 });
  try {
    const env = { ...emulator.environment, WARD_ARM_ENDPOINT: `https://127.0.0.1:${await closedPort()}` };
    const capture = await collectCapture(connectorConnection(emulatorConnector(emulator, { credential: 'default' }), env, { ca: emulator.caPem }));
    assert.equal(idsOf(capture).length, 3);
  } finally {
    await emulator.close();
  }
});

test('a wrong PREFIX_CLIENT_SECRET: the connector named, the hint names CONTOSO_CLIENT_SECRET, never the secret', async () => {
  const emulator = await startEmulator({ synthetic: 1 });
  try {
    const env = await workerEnv(emulator, { CONTOSO_CLIENT_SECRET: WRONG_SECRET });
    await assert.rejects(collectCapture({ ...connectorConnection(emulatorConnector(emulator), env, { ca: emulator.caPem }), maxRetries: 0 }), (error: unknown) => {
      assert.ok(isWardError(error), String(error));
      assert.equal(error.code, 'AZURE_ERROR');
      assert.match(error.message, new RegExp(`^connector contoso: Microsoft Entra ID refused the client secret of application ${emulator.credentials.clientId} \\(AADSTS7000215`));
      assert.match(error.hint ?? '', /^CONTOSO_CLIENT_SECRET is wrong or has expired/);
      assert.doesNotMatch(error.hint ?? '', /AZURE_CLIENT_SECRET/);
      assertNoSecret(error, [WRONG_SECRET, emulator.credentials.clientSecret]);
      return true;
    });
  } finally {
    await emulator.close();
  }
});

test('a credential the worker lacks: CREDENTIAL_MISSING naming the variable and the connector, before any request', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-connector-'));
  try {
    const config = emulatorConnector({ url: 'https://127.0.0.1:1', credentials: { tenantId: 't', clientId: 'c', clientSecret: 's' } });
    const missing = (env: Record<string, string>, credential: string, message: RegExp, hint: RegExp): void => {
      assert.throws(
        () => connectorConnection({ ...config, credential }, env),
        (error: unknown) => {
          assert.ok(isWardError(error));
          assert.equal(error.code, 'CREDENTIAL_MISSING');
          assert.match(error.message, /^connector contoso: /);
          assert.match(error.message, message);
          assert.match(error.hint ?? '', hint);
          assertNoSecret(error, ['top-secret-value']);
          return true;
        },
      );
    };
    missing({ CONTOSO_CLIENT_SECRET: 'top-secret-value' }, 'env:CONTOSO', /CONTOSO_CLIENT_ID is not set in this worker's environment \(credential env:CONTOSO\)/, /set CONTOSO_CLIENT_ID/);
    missing({ CONTOSO_CLIENT_ID: 'app', CONTOSO_CLIENT_SECRET: '  ' }, 'env:CONTOSO', /neither CONTOSO_CLIENT_SECRET nor CONTOSO_CLIENT_CERTIFICATE_PATH is set/, /PEM file/);
    missing({ CONTOSO_CLIENT_ID: 'app', CONTOSO_CLIENT_CERTIFICATE_PATH: join(dir, 'nope.pem') }, 'env:CONTOSO', /CONTOSO_CLIENT_CERTIFICATE_PATH names a file that does not exist/, /PEM file/);
    missing({ AZURE_CLIENT_ID: 'app' }, 'workload-identity', /workload identity needs AZURE_FEDERATED_TOKEN_FILE, not set/, /AKS/);
    missing({}, 'workload-identity', /needs AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE/, /another --credential/);

    // present: a certificate file, a federated token file, a managed identity: made without a request
    const pem = join(dir, 'sp.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
    const token = join(dir, 'token');
    writeFileSync(token, 'eyJ...');
    for (const [credential, env] of [
      ['env:CONTOSO', { CONTOSO_CLIENT_ID: 'app', CONTOSO_CLIENT_CERTIFICATE_PATH: pem }],
      ['workload-identity', { AZURE_CLIENT_ID: 'app', AZURE_FEDERATED_TOKEN_FILE: token }],
      ['managed-identity', {}],
      ['managed-identity:00000000-0000-4000-8000-0000000000aa', {}],
    ] as const) {
      const connection = connectorConnection({ ...config, credential }, env);
      assert.equal(typeof connection.credential?.getToken, 'function', credential);
      assert.equal(connection.tenantId, 't');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
