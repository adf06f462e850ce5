import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWardError } from '../../core/errors.js';
import { resolveAzureEndpoints } from './azure-clouds.js';

test('sovereign clouds set the ARM endpoint, the authority host and the scope', () => {
  assert.deepEqual(resolveAzureEndpoints({}), {
    armEndpoint: 'https://management.azure.com',
    authorityHost: 'https://login.microsoftonline.com',
    scope: 'https://management.azure.com/.default',
    disableInstanceDiscovery: false,
  });
  const gov = resolveAzureEndpoints({ cloud: 'AzureUSGovernment' });
  assert.equal(gov.armEndpoint, 'https://management.usgovcloudapi.net');
  assert.equal(gov.authorityHost, 'https://login.microsoftonline.us');
  assert.equal(resolveAzureEndpoints({ cloud: 'AzureChinaCloud' }).scope, 'https://management.chinacloudapi.cn/.default');
});

test('WARD_ARM_ENDPOINT and a non-Microsoft AZURE_AUTHORITY_HOST point ward at an emulator', () => {
  const endpoints = resolveAzureEndpoints({ env: { WARD_ARM_ENDPOINT: 'https://127.0.0.1:8443/', AZURE_AUTHORITY_HOST: 'https://127.0.0.1:8443' } });
  assert.equal(endpoints.armEndpoint, 'https://127.0.0.1:8443');
  assert.equal(endpoints.scope, 'https://127.0.0.1:8443/.default');
  assert.equal(endpoints.disableInstanceDiscovery, true);
});

test('an ARM endpoint without https is refused (bearer tokens are never sent in clear)', () => {
  assert.throws(() => resolveAzureEndpoints({ env: { WARD_ARM_ENDPOINT: 'http://127.0.0.1:8080' } }), (error) => isWardError(error) && error.code === 'CONFIG_INVALID');
  assert.throws(() => resolveAzureEndpoints({ env: { WARD_ARM_ENDPOINT: 'not a url' } }), (error) => isWardError(error));
});
