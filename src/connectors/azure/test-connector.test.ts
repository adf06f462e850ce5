/** `testConnector` against the emulator serving the sample tenant: what it could read, counted; a sign-in failure thrown. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { isWardError } from '../../core/errors.js';
import { startEmulator } from '../../emulator/start-emulator.js';
import { emulatorConnector } from './test-support/emulator-connector.js';
import { testConnector } from './test-connector.js';

const SAMPLE = fileURLToPath(new URL('../../../samples/contoso-tenant', import.meta.url));
const sub = (n: number): string => `0a1b2c3d-1111-4a5b-8c9d-${String(n).padStart(12, '0')}`;


test('the sample tenant: 12 subscriptions, 10 readable, 1 disabled, 1 AuthorizationFailed; the exclusions are not counted', async () => {
  const emulator = await startEmulator({ captureDir: SAMPLE });
  try {
    const env = { CONTOSO_CLIENT_ID: emulator.credentials.clientId, CONTOSO_CLIENT_SECRET: emulator.credentials.clientSecret };
    let now = 1000;
    const clock = (): number => (now += 250);
    const result = await testConnector(emulatorConnector(emulator), env, { ca: emulator.caPem, clock });
    assert.deepEqual(result, { connector: 'contoso', subscriptions: 12, readable: 10, inactive: 1, readErrors: { AuthorizationFailed: 1 }, durationMs: 250 });

    const narrowed = await testConnector(emulatorConnector(emulator, { excludeSubscriptions: [sub(11), sub(1)] }), env, { ca: emulator.caPem });
    assert.deepEqual({ ...narrowed, durationMs: 0 }, { connector: 'contoso', subscriptions: 10, readable: 9, inactive: 1, readErrors: {}, durationMs: 0 });
    assert.ok(narrowed.durationMs > 0);

    const missing = await testConnector(emulatorConnector(emulator, { subscriptions: [sub(3), '0a1b2c3d-1111-4a5b-8c9d-000000000099'] }), env, { ca: emulator.caPem });
    assert.deepEqual(missing.readErrors, { SubscriptionNotFound: 1 });
    assert.equal(missing.readable, 1);

    await assert.rejects(
      testConnector(emulatorConnector(emulator), { ...env, CONTOSO_CLIENT_SECRET: 'not-the-secret' }, { ca: emulator.caPem, maxRetries: 0 }),
      (error: unknown) => isWardError(error) && error.code === 'AZURE_ERROR' && /^connector contoso: .*AADSTS7000215/.test(error.message),
    );
  } finally {
    await emulator.close();
  }
});
