import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestError } from '@azure/core-rest-pipeline';
import { AggregateAuthenticationError, AuthenticationError, AuthenticationRequiredError, CredentialUnavailableError } from '@azure/identity';
import { isWardError, type WardError } from '../../core/errors.js';
import { explainArmRequestFailure, explainSignInFailure, needsAuthorityProbe, scrubMessage, type SignInContext } from './explain-azure-failure.js';

const SECRET = 'Qx8~wrongSecretValue.123';
const CONTEXT: SignInContext = {
  authorityHost: 'https://login.microsoftonline.com',
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: '11111111-2222-3333-4444-555555555555',
  credential: 'client-secret',
  secrets: [SECRET],
};

/** What @azure/identity throws for an Entra error answer (MSAL's ServerError message, wrapped). */
function entraError(code: number, description: string, oauthError = 'invalid_client'): Error {
  return new AuthenticationRequiredError({
    scopes: ['https://management.azure.com/.default'],
    message:
      `${oauthError}: Error(s): ${code} - Timestamp: 2026-11-24 12:00:00Z - Description: AADSTS${code}: ${description} ` +
      'Trace ID: 0d1e2f30-0000-0000-0000-000000000000 Correlation ID: 0d1e2f30-1111-0000-0000-000000000000 Timestamp: 2026-11-24 12:00:00Z - Correlation ID: x - Trace ID: y',
  });
}

function assertOneLine(error: WardError): void {
  assert.ok(isWardError(error));
  assert.equal(error.code, 'AZURE_ERROR');
  assert.doesNotMatch(error.message, /\n/);
  assert.doesNotMatch(error.hint ?? '', /\n/);
  for (const text of [error.message, error.hint ?? '']) {
    assert.ok(!text.includes(SECRET), 'never the secret');
    assert.doesNotMatch(text, /Trace ID|Correlation ID|endpoints_resolution_error/);
  }
}

test('a wrong client secret (AADSTS7000215) says so, and the hint is about AZURE_CLIENT_SECRET, not the network', () => {
  const error = explainSignInFailure(
    entraError(7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${CONTEXT.clientId}'.`),
    CONTEXT,
  );
  assertOneLine(error);
  assert.match(error.message, /refused the client secret of application 11111111-2222-3333-4444-555555555555 \(AADSTS7000215: invalid client secret\)/);
  assert.match(error.hint ?? '', /AZURE_CLIENT_SECRET is wrong or has expired/);
  assert.match(error.hint ?? '', /az ad app credential reset --id 11111111-2222-3333-4444-555555555555 --append/);
  assert.doesNotMatch(error.hint ?? '', /network|ARM endpoint/);
});

test('the other common AADSTS codes: unknown application, unknown tenant, expired secret, and any other code', () => {
  const unknownApp = explainSignInFailure(
    entraError(700016, `Application with identifier '${CONTEXT.clientId}' was not found in the directory 'contoso'.`, 'unauthorized_client'),
    CONTEXT,
  );
  assertOneLine(unknownApp);
  assert.match(unknownApp.message, /application 11111111-\S+ was not found in tenant 72f988bf-\S+ \(AADSTS700016: unknown application\)/);
  assert.match(unknownApp.hint ?? '', /AZURE_CLIENT_ID .*AZURE_TENANT_ID or --tenant/);

  const unknownTenant = explainSignInFailure(entraError(90002, "Tenant '72f988bf' not found.", 'invalid_tenant'), CONTEXT);
  assertOneLine(unknownTenant);
  assert.match(unknownTenant.message, /tenant 72f988bf-\S+ was not found at https:\/\/login\.microsoftonline\.com \(AADSTS90002: unknown tenant\)/);
  assert.match(unknownTenant.hint ?? '', /AZURE_TENANT_ID or --tenant/);
  assert.match(unknownTenant.hint ?? '', /--cloud or AZURE_AUTHORITY_HOST/);

  const expired = explainSignInFailure(entraError(7000222, `The provided client secret keys for app '${CONTEXT.clientId}' are expired.`), CONTEXT);
  assertOneLine(expired);
  assert.match(expired.message, /the client secret of application 11111111-\S+ has expired \(AADSTS7000222\)/);
  assert.match(expired.hint ?? '', /create a new client secret .* AZURE_CLIENT_SECRET/);

  const other = explainSignInFailure(entraError(50011, 'The redirect URI specified in the request does not match.'), CONTEXT);
  assertOneLine(other);
  assert.match(other.message, /refused the sign-in of application 11111111-\S+ \(AADSTS50011: the redirect URI specified in the request does not match\.\)/);
  assert.match(other.hint ?? '', /https:\/\/login\.microsoftonline\.com\/error\?code=50011/);
});

test('MSAL hides why the authority failed: the probe tells refused, DNS and untrusted certificates apart, naming the host', () => {
  const hidden = new CredentialUnavailableError('endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details');
  assert.equal(needsAuthorityProbe(hidden), true);
  assert.equal(needsAuthorityProbe(entraError(7000215, 'Invalid client secret provided.')), false);
  const context = { ...CONTEXT, authorityHost: 'https://login.example.test' };

  const refused = explainSignInFailure(hidden, context, { kind: 'failed', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:443' });
  assertOneLine(refused);
  assert.equal(refused.message, 'cannot reach the Microsoft Entra sign-in endpoint https://login.example.test: connection refused (ECONNREFUSED)');
  assert.match(refused.hint ?? '', /network .*proxy \(HTTPS_PROXY, NO_PROXY\).*AZURE_AUTHORITY_HOST \(now https:\/\/login\.example\.test/);

  const dns = explainSignInFailure(hidden, context, { kind: 'failed', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND login.example.test' });
  assertOneLine(dns);
  assert.match(dns.message, /cannot reach the Microsoft Entra sign-in endpoint https:\/\/login\.example\.test: the host name does not resolve \(DNS\) \(ENOTFOUND\)/);

  const selfSigned = explainSignInFailure(hidden, context, { kind: 'failed', code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' });
  assertOneLine(selfSigned);
  assert.match(selfSigned.message, /cannot trust the Microsoft Entra sign-in endpoint https:\/\/login\.example\.test: .*self-signed CA that is not trusted/);
  assert.match(selfSigned.hint ?? '', /NODE_EXTRA_CA_CERTS/);
  assert.match(selfSigned.hint ?? '', /AZURE_AUTHORITY_HOST/);

  // an unknown tenant: Entra answers the metadata request 400 with AADSTS90002, MSAL only says endpoints_resolution_error
  const tenant = explainSignInFailure(hidden, context, {
    kind: 'answered',
    status: 400,
    body: { error: 'invalid_tenant', error_description: "AADSTS90002: Tenant 'x' not found. Trace ID: 1", error_codes: [90002] },
  });
  assertOneLine(tenant);
  assert.match(tenant.message, /AADSTS90002: unknown tenant/);
});

test('DefaultAzureCredential with nothing to sign in with: one line that says so, hint az login or a service principal', () => {
  const error = explainSignInFailure(
    new CredentialUnavailableError('EnvironmentCredential is unavailable.\nManagedIdentityCredential: no response.\nAzureCliCredential: Please run az login.'),
    { authorityHost: 'https://login.microsoftonline.com', credential: 'default' },
  );
  assertOneLine(error);
  assert.match(error.message, /^no Azure credential is available/);
  assert.match(error.hint ?? '', /az login.*AZURE_CLIENT_SECRET/);

  // the chain's managed identity finds no endpoint (network_error): that is no reason to probe the authority
  const chain = new AggregateAuthenticationError(
    [new CredentialUnavailableError('EnvironmentCredential is unavailable.'), new CredentialUnavailableError('ManagedIdentityCredential: Network unreachable. Message: network_error: See https://aka.ms/msal.js.errors#network_error')],
    'ChainedTokenCredential authentication failed.',
  );
  assert.equal(needsAuthorityProbe(chain, 'default'), false);
  assert.match(explainSignInFailure(chain, { authorityHost: 'https://login.microsoftonline.com', credential: 'default' }).message, /^no Azure credential is available/);
  // one credential of the chain was there and failed: that failure is the message, not "no credential"
  const cliFailed = new AggregateAuthenticationError(
    [new CredentialUnavailableError('EnvironmentCredential is unavailable.'), new AuthenticationError(400, { error: 'cli_error', error_description: 'ERROR: The command failed with an unexpected error.' })],
    'ChainedTokenCredential authentication failed.',
  );
  const failed = explainSignInFailure(cliFailed, { authorityHost: 'https://login.microsoftonline.com', credential: 'default' });
  assertOneLine(failed);
  assert.match(failed.message, /^could not get an access token from https:\/\/login\.microsoftonline\.com: .*The command failed with an unexpected error/);
});

test('an ARM request with no answer names the endpoint and the problem; anything else is not claimed', () => {
  const refused = explainArmRequestFailure(Object.assign(new RestError('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }), { attempts: 5 }), {
    armEndpoint: 'https://management.azure.com',
    what: 'remediation task',
  });
  assert.ok(refused);
  assert.equal(refused.message, 'remediation task: cannot reach Azure Resource Manager at https://management.azure.com: connection refused (ECONNREFUSED) (after 5 attempts)');
  assert.match(refused.hint ?? '', /WARD_ARM_ENDPOINT/);
  const untrusted = explainArmRequestFailure(new RestError('unable to verify the first certificate', { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), {
    armEndpoint: 'https://arm.example.test',
    what: 'x',
  });
  assert.match(untrusted?.hint ?? '', /NODE_EXTRA_CA_CERTS/);
  assert.equal(explainArmRequestFailure(new TypeError('a bug'), { armEndpoint: 'https://a', what: 'x' }), undefined);
});

test('scrubMessage keeps secrets, bearer tokens and JWTs out, on one line', () => {
  const text = scrubMessage(`failed\nclient_secret=${SECRET}&x=1 Authorization: Bearer abc.def ${SECRET} eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig`, [SECRET]);
  assert.ok(!text.includes(SECRET));
  assert.doesNotMatch(text, /\n|abc\.def|eyJhbGci/);
});
