/**
 * Sign-in failures against the ARM emulator's token endpoint (which answers as Microsoft Entra does) and against
 * authorities that cannot be reached or trusted: one WardError that says why, a hint that names what to change,
 * and never the secret. Through the credential, through the ARM client, and through `ward collect`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWardError, type WardError } from '../../core/errors.js';
import { runWard } from '../../cli/commands/test-support/fake-cli-io.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/start-emulator.js';
import { resolveAzureEndpoints } from './azure-clouds.js';
import { connectArm } from './connect-arm.js';
import { createAzureCredential } from './create-azure-credential.js';
import { createTrustedAgent } from './trusted-agent.js';
import { closedPort } from './test-support/closed-port.js';

const WRONG_SECRET = 'wr0ng~Secret.Value_for-the-test';
const OTHER_GUID = '0f0e0d0c-0b0a-4909-8807-060504030201';

async function withEmulator(options: EmulatorOptions, run: (emulator: RunningEmulator) => Promise<void>): Promise<void> {
  const emulator = await startEmulator({ synthetic: 2, ...options });
  try {
    await run(emulator);
  } finally {
    await emulator.close();
  }
}

/** The WardError a getToken with this environment fails with (trusting the emulator's CA unless `trust` is false). */
async function signInError(emulator: RunningEmulator, env: Record<string, string>, trust = true): Promise<WardError> {
  const credential = createAzureCredential({
    endpoints: resolveAzureEndpoints({ env }),
    env,
    ...(trust ? { agent: createTrustedAgent(emulator.caPem) } : {}),
  });
  try {
    await credential.getToken(`${emulator.url}/.default`);
  } catch (error) {
    assert.ok(isWardError(error), `a WardError, got ${String((error as Error)?.stack ?? error)}`);
    assert.doesNotMatch(error.message, /\n/, 'one line');
    for (const text of [error.message, error.hint ?? '']) {
      assert.ok(!text.includes(emulator.credentials.clientSecret) && !text.includes(WRONG_SECRET), 'never a secret');
      assert.doesNotMatch(text, /endpoints_resolution_error|Trace ID/);
    }
    return error;
  }
  assert.fail('the sign-in succeeded');
}

test('a wrong client secret: Entra AADSTS7000215 in words, the hint names AZURE_CLIENT_SECRET; the same through the ARM client', async () => {
  await withEmulator({}, async (emulator) => {
    const env = { ...emulator.environment, AZURE_CLIENT_SECRET: WRONG_SECRET };
    const error = await signInError(emulator, env);
    assert.match(error.message, new RegExp(`refused the client secret of application ${emulator.credentials.clientId} \\(AADSTS7000215: invalid client secret\\)`));
    assert.match(error.hint ?? '', /AZURE_CLIENT_SECRET is wrong or has expired/);
    assert.doesNotMatch(error.hint ?? '', /network|ARM endpoint/);

    const { client } = connectArm({ env, ca: emulator.caPem, maxRetries: 2, retryDelayMs: 5 });
    await assert.rejects(client.get('/subscriptions?api-version=2022-12-01'), (thrown: Error) => {
      assert.ok(isWardError(thrown));
      assert.match(thrown.message, /AADSTS7000215/);
      return true;
    });
  });
});

test('an unknown application (AADSTS700016), an unknown tenant (AADSTS90002) and an expired secret (AADSTS7000222)', async () => {
  const expired = 'the-secret-that-expired-last-year';
  await withEmulator({ expiredClientSecret: expired }, async (emulator) => {
    const unknownApp = await signInError(emulator, { ...emulator.environment, AZURE_CLIENT_ID: OTHER_GUID });
    assert.match(unknownApp.message, new RegExp(`application ${OTHER_GUID} was not found in tenant ${emulator.credentials.tenantId} \\(AADSTS700016`));
    assert.match(unknownApp.hint ?? '', /AZURE_CLIENT_ID/);

    // MSAL reads the tenant's metadata first and reports only endpoints_resolution_error; the probe finds AADSTS90002
    const unknownTenant = await signInError(emulator, { ...emulator.environment, AZURE_TENANT_ID: OTHER_GUID });
    assert.match(unknownTenant.message, new RegExp(`tenant ${OTHER_GUID} was not found at ${emulator.url} \\(AADSTS90002: unknown tenant\\)`));
    assert.match(unknownTenant.hint ?? '', /AZURE_TENANT_ID or --tenant/);

    const expiredSecret = await signInError(emulator, { ...emulator.environment, AZURE_CLIENT_SECRET: expired });
    assert.match(expiredSecret.message, /has expired \(AADSTS7000222\)/);
    assert.ok(!expiredSecret.message.includes(expired));
  });
});

test('an authority that refuses connections, does not resolve, or is not trusted: named, with what to check', async () => {
  await withEmulator({}, async (emulator) => {
    const port = await closedPort();
    const refused = await signInError(emulator, { ...emulator.environment, AZURE_AUTHORITY_HOST: `https://127.0.0.1:${port}` });
    assert.equal(refused.message, `cannot reach the Microsoft Entra sign-in endpoint https://127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
    assert.match(refused.hint ?? '', /network and the proxy \(HTTPS_PROXY, NO_PROXY\), and AZURE_AUTHORITY_HOST/);

    const dns = await signInError(emulator, { ...emulator.environment, AZURE_AUTHORITY_HOST: 'https://ward-no-such-host.invalid' });
    assert.match(dns.message, /^cannot reach the Microsoft Entra sign-in endpoint https:\/\/ward-no-such-host\.invalid: .*(DNS|name resolution)/);
    assert.match(dns.hint ?? '', /AZURE_AUTHORITY_HOST/);

    const untrusted = await signInError(emulator, { ...emulator.environment }, false);
    assert.match(untrusted.message, new RegExp(`^cannot trust the Microsoft Entra sign-in endpoint ${emulator.url}: its TLS certificate is self-signed`));
    assert.match(untrusted.hint ?? '', /NODE_EXTRA_CA_CERTS/);
  });
});

test('`ward collect` with a wrong secret: one line and its hint on stderr, exit 2, no stack, and no secret anywhere', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'ward-sign-in-'));
  try {
    await withEmulator({}, async (emulator) => {
      const env = { ...emulator.environment, AZURE_CLIENT_SECRET: WRONG_SECRET };
      const run = await runWard(['collect', '--out', join(cwd, 'capture')], { cwd, env, now: () => new Date('2026-11-24T12:00:00Z') });
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, '');
      const lines = run.stderr.trimEnd().split('\n').filter((line) => line !== 'listing subscriptions…');
      assert.equal(lines.length, 2, run.stderr);
      assert.match(lines[0] ?? '', /^ward: Microsoft Entra ID refused the client secret of application \S+ \(AADSTS7000215: invalid client secret\)$/);
      assert.match(lines[1] ?? '', /^ {2}hint: AZURE_CLIENT_SECRET is wrong or has expired/);
      assert.doesNotMatch(run.stderr, /check the network|\n\s+at /);
      for (const secret of [WRONG_SECRET, emulator.credentials.clientSecret]) assert.ok(!run.stderr.includes(secret) && !run.stdout.includes(secret));
    });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
