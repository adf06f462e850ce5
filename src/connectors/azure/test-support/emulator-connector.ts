/** Test support: a configured connector that reads the ARM emulator (its tenant, its endpoints), env:CONTOSO by default. */
import type { ConnectorConfig } from '../../../core/team/connector-config.js';
import type { RunningEmulator } from '../../../emulator/start-emulator.js';

export function emulatorConnector(emulator: Pick<RunningEmulator, 'url' | 'credentials'>, extra: Partial<ConnectorConfig> = {}): ConnectorConfig {
  return {
    name: 'contoso',
    provider: 'azure',
    tenantId: emulator.credentials.tenantId,
    credential: 'env:CONTOSO',
    cloud: 'AzureCloud',
    armEndpoint: emulator.url,
    authorityHost: emulator.url,
    managementGroup: null,
    subscriptions: null,
    excludeSubscriptions: [],
    maxConcurrency: 4,
    createdAt: '2026-12-01T10:00:00.000Z',
    createdBy: 'alice',
    ...extra,
  };
}
