import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from './start-emulator.js';
import { httpsRequest } from './test-support/https-request.js';

test('the token endpoint refuses an unknown tenant and an invalid scope with Entra\'s AADSTS errors, and grants ARM audiences', async () => {
  const emulator = await startEmulator({ synthetic: 1 });
  try {
    const { tenantId, clientId, clientSecret } = emulator.credentials;
    const token = (tenant: string, form: Record<string, string>, path = 'oauth2/v2.0/token') =>
      httpsRequest(`${emulator.url}/${tenant}/${path}`, emulator.caPem, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, ...form }).toString(),
      });
    const refusal = (answer: { status: number; json: any }): [number, string, number] => [answer.status, answer.json.error, answer.json.error_codes[0]];

    assert.deepEqual(refusal(await token('0f0e0d0c-0b0a-4909-8807-060504030201', { scope: `${emulator.url}/.default` })), [400, 'invalid_tenant', 90002]);
    assert.deepEqual(refusal(await token('contoso.example', { scope: `${emulator.url}/.default` })), [400, 'invalid_tenant', 90002]);

    const notDefault = await token(tenantId, { scope: `${emulator.url}/user_impersonation` });
    assert.deepEqual(refusal(notDefault), [400, 'invalid_scope', 1002012]);
    assert.match(notDefault.json.error_description, /^AADSTS1002012: /);
    assert.deepEqual(refusal(await token(tenantId, { scope: 'https://graph.example/.default' })), [400, 'invalid_resource', 500011]);
    assert.deepEqual(refusal(await token(tenantId, { scope: `${emulator.url}/.default https://management.azure.com/.default` })), [400, 'invalid_scope', 70011]);
    assert.deepEqual(refusal(await token(tenantId, {})), [400, 'invalid_request', 90014]);
    for (const answer of [notDefault]) assert.ok(!answer.text.includes(clientSecret));

    // what real clients ask for: the emulator's endpoint (with or without the slash az keeps), ARM's public audiences,
    // the OpenID scopes MSAL adds, the v1 endpoint's `resource`, and the /adfs authority the Azure CLI uses
    for (const scope of [`${emulator.url}/.default`, `${emulator.url}//.default`, 'https://management.azure.com/.default', 'https://management.core.windows.net//.default', `${emulator.url}/.default offline_access openid profile`]) {
      const granted = await token(tenantId, { scope });
      assert.equal(granted.status, 200, scope);
      assert.equal(granted.json.token_type, 'Bearer');
    }
    assert.equal((await token(tenantId, { resource: `${emulator.url}/` }, 'oauth2/token')).status, 200);
    assert.equal((await token('adfs', { scope: `${emulator.url}//.default` })).status, 200);
    const adfs = await httpsRequest(`${emulator.url}/adfs/.well-known/openid-configuration`, emulator.caPem);
    assert.equal(adfs.status, 200);
    assert.equal(adfs.json.token_endpoint, `${emulator.url}/adfs/oauth2/v2.0/token`);
  } finally {
    await emulator.close();
  }
});
