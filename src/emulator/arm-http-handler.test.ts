import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from './start-emulator.js';
import { emulatorToken, httpsRequest } from './test-support/https-request.js';

async function withEmulator(run: (emulator: RunningEmulator, token: string, logs: string[]) => Promise<void>): Promise<void> {
  const logs: string[] = [];
  const emulator = await startEmulator({ synthetic: 2, log: (line) => logs.push(line) });
  try {
    await run(emulator, await emulatorToken(emulator), logs);
  } finally {
    await emulator.close();
  }
}

const contactUrl = (emulator: RunningEmulator, version = '2023-12-01-preview'): string =>
  `${emulator.url}/subscriptions/${String(emulator.state.subscriptions[0]?.subscriptionId)}/providers/Microsoft.Security/securityContacts/default?api-version=${version}`;

const contactBody = JSON.stringify({ properties: { emails: 'soc@contoso.com', isEnabled: true, notificationsByRole: { state: 'On', roles: ['Owner'] }, notificationsSources: [] } });

test('GET /metadata/endpoints is served without a token, as ARM serves it (az cloud register reads it)', async () => {
  await withEmulator(async (emulator) => {
    const answer = await httpsRequest(`${emulator.url}/metadata/endpoints?api-version=2015-01-01`, emulator.caPem);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json.authentication.audiences, [`${emulator.url}/`]);
    assert.match(answer.json.authentication.loginEndpoint, /\/adfs\/$/);
    assert.equal(typeof answer.json.graphEndpoint, 'string');
    const clouds = await httpsRequest(`${emulator.url}/metadata/endpoints?api-version=2022-09-01`, emulator.caPem);
    assert.equal(clouds.json[0].resourceManager, `${emulator.url}/`);
    assert.equal((await httpsRequest(`${emulator.url}/metadata/endpoints?api-version=1999-01-01`, emulator.caPem)).status, 400);
    // nothing else is open without a token
    assert.equal((await httpsRequest(`${emulator.url}/tenants?api-version=2022-12-01`, emulator.caPem)).status, 401);
  });
});

test('a PUT labelled anything but JSON is a 415 in ARM words; JSON (with a charset) is accepted', async () => {
  await withEmulator(async (emulator, token) => {
    const put = (contentType: string | undefined) =>
      httpsRequest(contactUrl(emulator), emulator.caPem, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, ...(contentType === undefined ? {} : { 'content-type': contentType }) },
        body: contactBody,
      });
    const plain = await put('text/plain');
    assert.equal(plain.status, 415);
    assert.equal(plain.json.error.code, 'UnsupportedMediaType');
    assert.match(plain.json.error.message, /'text\/plain' is not supported/);
    assert.equal((await put(undefined)).status, 415, 'an unlabelled body is not JSON to ARM either');
    assert.ok([200, 201].includes((await put('application/json; charset=utf-8')).status));
  });
});

test('a body over the limit gets an HTTP 413 with an ARM error body after authentication, never a reset', async () => {
  await withEmulator(async (emulator, token) => {
    const big = Buffer.alloc(5 * 1024 * 1024, 0x20);
    const tooLarge = await httpsRequest(contactUrl(emulator), emulator.caPem, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: big,
    });
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.json.error.code, 'RequestEntityTooLarge');
    const unauthenticated = await httpsRequest(contactUrl(emulator), emulator.caPem, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: big });
    assert.equal(unauthenticated.status, 401, 'authentication comes first: the size of a stranger\'s body is not looked at');
    assert.equal(unauthenticated.json.error.code, 'AuthenticationFailed');
    // the emulator still answers afterwards
    assert.equal((await httpsRequest(`${emulator.url}/subscriptions?api-version=2022-12-01`, emulator.caPem, { headers: { authorization: `Bearer ${token}` } })).status, 200);
  });
});

test('a token sent as ?access_token= (or any credential in the query) never reaches the request log', async () => {
  await withEmulator(async (emulator, token, logs) => {
    await httpsRequest(`${emulator.url}/subscriptions?api-version=2022-12-01&access_token=${token}`, emulator.caPem);
    await httpsRequest(`${emulator.url}/subscriptions?api-version=2022-12-01&sig=${encodeURIComponent('c2lnbmF0dXJl')}&access%5Ftoken=${token}`, emulator.caPem, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = logs.join('\n');
    assert.ok(!text.includes(token), 'the token is not in the log');
    assert.ok(text.includes('access_token=[redacted]'));
    assert.ok(text.includes('access%5Ftoken=[redacted]'));
    assert.ok(text.includes('sig=[redacted]'));
    assert.ok(text.includes('api-version=2022-12-01'));
  });
});
