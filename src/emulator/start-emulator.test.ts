import { test } from 'node:test';
import { parseEnvFile } from './env-file.js';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { chmod, lstat, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
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

function post(url: string, ca: string, form: Record<string, string>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const text = new URLSearchParams(form).toString();
    const req = request(url, { method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(text);
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
      'CURL_CA_BUNDLE',
      'NODE_EXTRA_CA_CERTS',
      'REQUESTS_CA_BUNDLE',
      'SSL_CERT_FILE',
      'WARD_ARM_ENDPOINT',
    ]);
    assert.equal(env.WARD_ARM_ENDPOINT, emulator.url);
    assert.equal(env.AZURE_AUTHORITY_HOST, emulator.url);
    assert.equal(env.AZURE_CLIENT_SECRET, emulator.credentials.clientSecret);
    assert.equal(await readFile(env.NODE_EXTRA_CA_CERTS!, 'utf8'), emulator.caPem);
    // every TLS stack's CA variable names the emulator's own CA only, never a system bundle
    for (const name of ['CURL_CA_BUNDLE', 'REQUESTS_CA_BUNDLE', 'SSL_CERT_FILE']) assert.equal(env[name], env.NODE_EXTRA_CA_CERTS, name);
    assert.equal((await stat(envFile)).mode & 0o077, 0);
    assert.deepEqual(text.trim().split('\n'), emulator.envFileLines);
  } finally {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('the token endpoint refuses as Microsoft Entra does: wrong or expired secret 401 invalid_client, unknown app, unknown tenant', async () => {
  const logs: string[] = [];
  const emulator = await startEmulator({ synthetic: 1, expiredClientSecret: 'expired-secret-value', log: (line) => logs.push(line) });
  try {
    const { tenantId, clientId, clientSecret } = emulator.credentials;
    const scope = `${emulator.url}/.default`;
    const token = (tenant: string, form: Record<string, string>): Promise<{ status: number; body: any }> =>
      post(`${emulator.url}/${tenant}/oauth2/v2.0/token`, emulator.caPem, { grant_type: 'client_credentials', scope, ...form });
    const refusal = (answer: { status: number; body: any }): [number, string, number] => [answer.status, answer.body.error, answer.body.error_codes[0]];

    assert.equal((await token(tenantId, { client_id: clientId, client_secret: clientSecret })).status, 200);
    const wrong = await token(tenantId, { client_id: clientId, client_secret: 'not-the-secret' });
    assert.deepEqual(refusal(wrong), [401, 'invalid_client', 7000215]);
    assert.match(wrong.body.error_description, /^AADSTS7000215: Invalid client secret provided\. .* Trace ID: /);
    assert.ok(!JSON.stringify(wrong.body).includes(clientSecret) && !JSON.stringify(wrong.body).includes('not-the-secret'));
    assert.deepEqual(refusal(await token(tenantId, { client_id: clientId, client_secret: 'expired-secret-value' })), [401, 'invalid_client', 7000222]);
    assert.deepEqual(refusal(await token(tenantId, { client_id: 'another-app', client_secret: clientSecret })), [400, 'unauthorized_client', 700016]);
    const otherTenant = '0f0e0d0c-0b0a-4909-8807-060504030201';
    assert.deepEqual(refusal(await token(otherTenant, { client_id: clientId, client_secret: clientSecret })), [400, 'invalid_tenant', 90002]);
    assert.deepEqual(refusal(await token('not_a_tenant', { client_id: clientId, client_secret: clientSecret })), [400, 'invalid_tenant', 900023]);

    // the metadata MSAL reads first: the emulator's tenant (any case) and the multi-tenant aliases, nothing else
    const metadata = (tenant: string): Promise<{ status: number; body: string }> => get(`${emulator.url}/${tenant}/v2.0/.well-known/openid-configuration`, emulator.caPem);
    assert.equal((await metadata(tenantId.toUpperCase())).status, 200);
    assert.equal((await metadata('organizations')).status, 200);
    const unknown = await metadata(otherTenant);
    assert.equal(unknown.status, 400);
    assert.deepEqual(JSON.parse(unknown.body).error_codes, [90002]);

    // a credential someone put in a URL never reaches the request log
    await get(`${emulator.url}/${tenantId}/oauth2/v2.0/token?client_secret=${clientSecret}&x=1`, emulator.caPem);
    assert.ok(logs.some((line) => line.includes('client_secret=[redacted]&x=1')));
    assert.ok(!logs.join('\n').includes(clientSecret));
  } finally {
    await emulator.close();
  }
});

test('the env file is written 0600 even over an existing file, and a symlink at its path is replaced, never followed', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ward-emulator-env-'));
  try {
    const existing = path.join(dir, 'existing.env');
    await writeFile(existing, 'OLD=1\n');
    await chmod(existing, 0o644);
    const first = await startEmulator({ synthetic: 1, envFile: existing, caFile: path.join(dir, 'first-ca.pem') });
    await first.close();
    assert.equal((await stat(existing)).mode & 0o777, 0o600, 'the existing file does not keep its old mode');
    assert.equal(parseEnvFile(await readFile(existing, 'utf8')).AZURE_CLIENT_SECRET, first.credentials.clientSecret);

    const victim = path.join(dir, 'victim.txt');
    await writeFile(victim, 'not yours\n');
    const linked = path.join(dir, 'linked.env');
    await symlink(victim, linked);
    const second = await startEmulator({ synthetic: 1, envFile: linked, caFile: path.join(dir, 'second-ca.pem') });
    await second.close();
    assert.equal(await readFile(victim, 'utf8'), 'not yours\n', 'the symlink target is untouched');
    const written = await lstat(linked);
    assert.ok(written.isFile() && !written.isSymbolicLink());
    assert.equal(written.mode & 0o777, 0o600);
    assert.equal(parseEnvFile(await readFile(linked, 'utf8')).AZURE_CLIENT_SECRET, second.credentials.clientSecret);

    await assert.rejects(startEmulator({ synthetic: 1, envFile: path.join(dir, 'no-such-dir', 'x.env'), caFile: path.join(dir, 'third-ca.pem') }), (error: Error) => {
      assert.match(error.message, /^cannot write the environment file .*no-such-dir.*ENOENT/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
