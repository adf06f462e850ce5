import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWardError } from '../errors.js';
import { formatConnectorCredential, parseConnectorCredential, validateConnectorConfig, type ConnectorConfigInput } from './validate-connector-config.js';

const CLOUDS = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'];
const RULES = { clouds: CLOUDS, now: new Date('2026-12-01T10:00:00Z'), actor: 'alice' };
const TENANT = '72F988BF-86F1-41AF-91AB-2D7CD011DB47';
const SUB_A = '00000000-0000-4000-8000-00000000000a';
const SUB_B = '00000000-0000-4000-8000-00000000000b';

/** The USAGE error `input` is refused with: its message must match `message` and its hint `hint`. */
function refused(input: ConnectorConfigInput, message: RegExp, hint: RegExp): void {
  assert.throws(
    () => validateConnectorConfig(input, RULES),
    (error: unknown) => {
      assert.ok(isWardError(error));
      assert.equal(error.code, 'USAGE');
      assert.match(error.message, message);
      assert.match(error.hint ?? '', hint);
      return true;
    },
  );
}

test('the defaults: the default credential, AzureCloud, every readable subscription, 8 batches at once; ids normalised', () => {
  assert.deepEqual(validateConnectorConfig({ name: 'contoso-prod', tenant: TENANT }, RULES), {
    name: 'contoso-prod',
    provider: 'azure',
    tenantId: TENANT.toLowerCase(),
    credential: 'default',
    cloud: 'AzureCloud',
    armEndpoint: null,
    authorityHost: null,
    managementGroup: null,
    subscriptions: null,
    excludeSubscriptions: [],
    maxConcurrency: 8,
    createdAt: '2026-12-01T10:00:00.000Z',
    createdBy: 'alice',
  });
});

test('every flag: endpoints lose their trailing slash, subscriptions are lower-cased and deduplicated, comma lists accepted', () => {
  const config = validateConnectorConfig(
    {
      name: 'gov1',
      tenant: 'Contoso.OnMicrosoft.com',
      credential: 'env:CONTOSO_GOV',
      cloud: 'AzureUSGovernment',
      armEndpoint: 'https://127.0.0.1:8443/',
      authorityHost: 'https://login.example.test/',
      subscriptions: [SUB_A.toUpperCase(), `${SUB_B},${SUB_A}`],
      excludeSubscriptions: [SUB_B],
      maxConcurrency: '256',
    },
    RULES,
  );
  assert.equal(config.tenantId, 'contoso.onmicrosoft.com');
  assert.equal(config.credential, 'env:CONTOSO_GOV');
  assert.equal(config.armEndpoint, 'https://127.0.0.1:8443');
  assert.equal(config.authorityHost, 'https://login.example.test');
  assert.deepEqual(config.subscriptions, [SUB_A, SUB_B]);
  assert.deepEqual(config.excludeSubscriptions, [SUB_B]);
  assert.equal(config.maxConcurrency, 256);
  assert.equal(validateConnectorConfig({ name: 'mg', tenant: TENANT, managementGroup: 'contoso-root' }, RULES).managementGroup, 'contoso-root');
});

test('credential specs parse and print back', () => {
  assert.deepEqual(parseConnectorCredential('default'), { kind: 'default' });
  assert.deepEqual(parseConnectorCredential('env:WARD_SP1'), { kind: 'env', prefix: 'WARD_SP1' });
  assert.deepEqual(parseConnectorCredential('managed-identity'), { kind: 'managed-identity' });
  assert.deepEqual(parseConnectorCredential(`managed-identity:${SUB_A.toUpperCase()}`), { kind: 'managed-identity', clientId: SUB_A });
  assert.deepEqual(parseConnectorCredential('workload-identity'), { kind: 'workload-identity' });
  for (const spec of ['default', 'env:X', 'managed-identity', `managed-identity:${SUB_A}`, 'workload-identity']) {
    assert.equal(formatConnectorCredential(parseConnectorCredential(spec)), spec);
  }
});

test('bad names, tenants and credentials: USAGE, the hint says what is expected', () => {
  refused({ tenant: TENANT }, /^--name is required$/, /lower-case letters, digits and dashes/);
  for (const name of ['Contoso', '-x', 'a_b', 'x'.repeat(64), 'a b']) refused({ name, tenant: TENANT }, /--name .* is not a connector name/, /1 to 63/);
  refused({ name: 'a' }, /^--tenant is required$/, /tenant\) id/);
  refused({ name: 'a', tenant: 'organizations' }, /multi-tenant alias organizations/, /az account show/);
  refused({ name: 'a', tenant: 'not a tenant' }, /neither a tenant id \(GUID\) nor a domain name/, /contoso\.onmicrosoft\.com/);
  refused({ name: 'a', tenant: TENANT, credential: 'env:lower' }, /prefix must be upper-case/, /CONTOSO_CLIENT_ID/);
  refused({ name: 'a', tenant: TENANT, credential: 'env:1X' }, /prefix must be upper-case/, /CONTOSO_CLIENT_SECRET/);
  refused({ name: 'a', tenant: TENANT, credential: 'managed-identity:abc' }, /is a GUID/, /az identity show/);
  refused({ name: 'a', tenant: TENANT, credential: 's3cr3t-value' }, /not a credential ward knows/, /env:PREFIX.*never given here/);
});

test('bad clouds, endpoints, scopes and concurrency: USAGE naming the flag', () => {
  const base = { name: 'a', tenant: TENANT };
  refused({ ...base, cloud: 'AzureGermanCloud' }, /--cloud "AzureGermanCloud"/, /AzureCloud, AzureUSGovernment, AzureChinaCloud/);
  refused({ ...base, armEndpoint: 'http://127.0.0.1:8080' }, /--arm-endpoint must use https/, /https:\/\/host/);
  refused({ ...base, authorityHost: 'http://login.example' }, /--authority-host must use https/, /https/);
  refused({ ...base, armEndpoint: 'not a url' }, /--arm-endpoint is not a URL/, /https/);
  refused({ ...base, armEndpoint: 'https://user:pw@arm.example' }, /must not carry a user name or password/, /no secret/);
  refused({ ...base, armEndpoint: 'https://arm.example/?x=1' }, /must not have a query/, /--arm-endpoint/);
  refused({ ...base, managementGroup: 'root', subscriptions: [SUB_A] }, /cannot be combined/, /choose one scope/);
  refused({ ...base, managementGroup: 'Contoso Root' }, /not a management group id/, /not its display name/);
  refused({ ...base, subscriptions: ['abc'] }, /--subscription "abc" is not a subscription id/, /GUIDs/);
  refused({ ...base, excludeSubscriptions: ['abc'] }, /--exclude-subscription "abc"/, /GUIDs/);
  refused({ ...base, subscriptions: [SUB_A, SUB_B], excludeSubscriptions: ['00000000-0000-4000-8000-0000000000cc'] }, /not one of the --subscription ids/, /leave a subscription out/);
  refused({ ...base, subscriptions: [SUB_A], excludeSubscriptions: [SUB_A] }, /excludes every --subscription/, /at least one/);
  for (const n of ['0', '257', '1.5', 'eight', '-1']) refused({ ...base, maxConcurrency: n }, /--max-concurrency must be a whole number from 1 to 256/, /per principal and tenant/);
});
