import { test } from 'node:test';
import { parseEnvFile } from './env-file.js';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { createTrustedAgent } from '../connectors/azure/trusted-agent.js';
import { startEmulator } from './start-emulator.js';

function get(url: string, ca: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('HTTPS with a fresh certificate; ARM routes refuse requests without a valid bearer token', async () => {
  const emulator = await startEmulator({ synthetic: 3 });
  try {
    assert.match(emulator.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const missing = await get(`${emulator.url}/subscriptions?api-version=2022-12-01`, emulator.caPem);
    assert.equal(missing.status, 401);
    assert.equal(JSON.parse(missing.body).error.code, 'AuthenticationFailed');
    const forged = await get(`${emulator.url}/subscriptions?api-version=2022-12-01`, emulator.caPem, { authorization: 'Bearer forged' });
    assert.equal(forged.status, 401);
    assert.equal(JSON.parse(forged.body).error.code, 'InvalidAuthenticationToken');
  } finally {
    await emulator.close();
  }
});

test('ClientSecretCredential gets a token from the emulator and the token opens the ARM routes', async () => {
  const logs: string[] = [];
  const emulator = await startEmulator({ synthetic: 3, log: (line) => logs.push(line) });
  try {
    const { tenantId, clientId, clientSecret } = emulator.credentials;
    const credential = new ClientSecretCredential(tenantId, clientId, clientSecret, {
      authorityHost: emulator.url,
      disableInstanceDiscovery: true,
      agent: createTrustedAgent(emulator.caPem),
    });
    const token = await credential.getToken(`${emulator.url}/.default`);
    assert.ok(token.token.length >= 32);
    const answer = await get(`${emulator.url}/subscriptions?api-version=2022-12-01`, emulator.caPem, { authorization: `Bearer ${token.token}` });
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.body).value.length, 3);
    assert.equal(emulator.state.stats.tokensIssued, 1);

    const wrong = new ClientSecretCredential(tenantId, clientId, 'not-the-secret', {
      authorityHost: emulator.url,
      disableInstanceDiscovery: true,
      agent: createTrustedAgent(emulator.caPem),
    });
    await assert.rejects(wrong.getToken(`${emulator.url}/.default`), (error: Error) => {
      assert.match(error.message, /invalid_client|AADSTS7000215/);
      assert.ok(!error.message.includes(clientSecret));
      return true;
    });
    const logText = logs.join('\n');
    assert.ok(logText.includes('/oauth2/v2.0/token'));
    assert.ok(!logText.includes(clientSecret) && !logText.includes(token.token), 'the log never holds a secret or a token');
  } finally {
    await emulator.close();
  }
});

test('the env file holds everything `ward scan` needs, readable by its owner only', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ward-emulator-env-'));
  const envFile = path.join(dir, 'emulator.env');
  const emulator = await startEmulator({ synthetic: 1, envFile, caFile: path.join(dir, 'ca.pem') });
  try {
    const text = await readFile(envFile, 'utf8');
    const env = parseEnvFile(text);
    assert.deepEqual(Object.keys(env).sort(), [
      'AZURE_AUTHORITY_HOST',
      'AZURE_CLIENT_ID',
      'AZURE_CLIENT_SECRET',
      'AZURE_TENANT_ID',
      'NODE_EXTRA_CA_CERTS',
      'WARD_ARM_ENDPOINT',
    ]);
    assert.equal(env.WARD_ARM_ENDPOINT, emulator.url);
    assert.equal(env.AZURE_AUTHORITY_HOST, emulator.url);
    assert.equal(env.AZURE_CLIENT_SECRET, emulator.credentials.clientSecret);
    assert.equal(await readFile(env.NODE_EXTRA_CA_CERTS!, 'utf8'), emulator.caPem);
    assert.equal((await stat(envFile)).mode & 0o077, 0);
    assert.deepEqual(text.trim().split('\n'), emulator.envFileLines);
  } finally {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
});
