/** Configured connectors on PGlite and on PostgreSQL: stored as given, listed by name, a taken name refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWardError } from '../core/errors.js';
import type { ConnectorConfig } from '../core/team/connector-config.js';
import { addConnectorConfig, getConnectorConfig, listConnectorConfigs, removeConnectorConfig } from './connector-config-repository.js';
import { TEST_STORE_KINDS } from './test-support/test-store.js';

const config = (name: string, extra: Partial<ConnectorConfig> = {}): ConnectorConfig => ({
  name,
  provider: 'azure',
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
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
  ...extra,
});

for (const kind of TEST_STORE_KINDS) {
  test(`connectors are added, read back exactly, listed by name and removed (${kind.name})`, { skip: kind.skip }, async () => {
    const store = (await kind.open())!;
    try {
      const full = config('fabrikam', {
        credential: 'env:FABRIKAM',
        cloud: 'AzureUSGovernment',
        armEndpoint: 'https://127.0.0.1:8443',
        authorityHost: 'https://127.0.0.1:8443',
        subscriptions: ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'],
        excludeSubscriptions: ['00000000-0000-4000-8000-00000000000b'],
        maxConcurrency: 3,
      });
      await addConnectorConfig(store, full);
      await addConnectorConfig(store, config('contoso', { managementGroup: 'contoso-root' }));
      assert.deepEqual(await getConnectorConfig(store, 'fabrikam'), full);
      assert.equal(await getConnectorConfig(store, 'nobody'), undefined);
      assert.deepEqual((await listConnectorConfigs(store)).map((c) => [c.name, c.managementGroup, c.subscriptions]), [
        ['contoso', 'contoso-root', null],
        ['fabrikam', null, full.subscriptions],
      ]);

      await assert.rejects(addConnectorConfig(store, config('contoso', { tenantId: 'other.onmicrosoft.com' })), (error: unknown) => {
        assert.ok(isWardError(error) && error.code === 'USAGE');
        assert.equal(error.message, 'a connector named contoso already exists');
        assert.match(error.hint ?? '', /ward connectors remove contoso/);
        return true;
      });
      assert.equal((await getConnectorConfig(store, 'contoso'))?.managementGroup, 'contoso-root', 'the stored one is unchanged');

      assert.equal(await removeConnectorConfig(store, 'contoso'), true);
      assert.equal(await removeConnectorConfig(store, 'contoso'), false);
      assert.deepEqual((await listConnectorConfigs(store)).map((c) => c.name), ['fabrikam']);
    } finally {
      await store.close();
    }
  });
}
