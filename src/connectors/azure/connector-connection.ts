/**
 * How a worker reaches the tenant of a configured connector (`ward connectors add`): the cloud's endpoints (or the
 * connector's own), the credential its `--credential` names, made from the worker's environment, and its scope.
 * The result is what connectArm and collectCapture take.
 *
 * A connector's endpoints come from its configuration alone: one worker serves many tenants, so its own
 * WARD_ARM_ENDPOINT or AZURE_AUTHORITY_HOST never redirects them. A credential whose settings the worker lacks
 * fails here, before any request, with CREDENTIAL_MISSING naming the variable; no secret is ever in a message.
 */
import { existsSync } from 'node:fs';
import { WardError } from '../../core/errors.js';
import type { ConnectorConfig } from '../../core/team/connector-config.js';
import { parseConnectorCredential, type ConnectorCredential } from '../../core/team/validate-connector-config.js';
import { isAzureCloudName, resolveAzureEndpoints } from './azure-clouds.js';
import type { ConnectArmOptions } from './connect-arm.js';
import { createAzureCredential, type AzureIdentity, type SignInNaming } from './create-azure-credential.js';
import { createTrustedAgent } from './trusted-agent.js';

/** ConnectArmOptions and the connector's scope: spread it into collectCapture's options as it is. */
export interface ConnectorConnection extends ConnectArmOptions {
  readonly subscriptionIds?: readonly string[];
  readonly managementGroupId?: string;
  /** Neither read nor reported. */
  readonly excludeSubscriptionIds: readonly string[];
}

export interface ConnectorConnectionOptions {
  /** Extra trusted CA certificates (PEM) for ARM and the sign-in, e.g. the in-process emulator's. */
  readonly ca?: string | readonly string[];
  /** How long the diagnostic GET of the authority may take after a failed sign-in. */
  readonly probeTimeoutMs?: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function missing(config: ConnectorConfig, what: string, hint: string): WardError {
  return new WardError('CREDENTIAL_MISSING', `connector ${config.name}: ${what}`, { hint });
}

const setting = (env: Env, name: string): string | undefined => {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
};

/** The identity `--credential` names, from the worker's environment, and the names a failed sign-in speaks of. */
function identityOf(config: ConnectorConfig, credential: ConnectorCredential, env: Env): { identity: AzureIdentity; settings: [string, string][] } {
  const connectorSettings: [string, string][] = [
    ['AZURE_TENANT_ID or --tenant', `the connector's --tenant (${config.tenantId})`],
    ['AZURE_TENANT_ID', `the connector's --tenant (${config.tenantId})`],
    ['AZURE_AUTHORITY_HOST', "the connector's --authority-host"],
    ['WARD_ARM_ENDPOINT', "the connector's --arm-endpoint"],
  ];
  switch (credential.kind) {
    case 'env': {
      const p = credential.prefix;
      const clientId = setting(env, `${p}_CLIENT_ID`);
      const clientSecret = setting(env, `${p}_CLIENT_SECRET`);
      const certificatePath = setting(env, `${p}_CLIENT_CERTIFICATE_PATH`);
      const renames: [string, string][] = [
        ['AZURE_CLIENT_ID', `${p}_CLIENT_ID`],
        ['AZURE_CLIENT_SECRET', clientSecret === undefined ? `${p}_CLIENT_CERTIFICATE_PATH` : `${p}_CLIENT_SECRET`],
        ...connectorSettings,
      ];
      if (clientId === undefined) {
        throw missing(config, `${p}_CLIENT_ID is not set in this worker's environment (credential env:${p})`, `set ${p}_CLIENT_ID to the application (client) id and ${p}_CLIENT_SECRET (or ${p}_CLIENT_CERTIFICATE_PATH) where ward worker runs`);
      }
      if (clientSecret !== undefined) return { identity: { kind: 'client-secret', clientId, clientSecret }, settings: renames };
      if (certificatePath === undefined) {
        throw missing(config, `neither ${p}_CLIENT_SECRET nor ${p}_CLIENT_CERTIFICATE_PATH is set in this worker's environment (credential env:${p})`, `set ${p}_CLIENT_SECRET to the client secret's value, or ${p}_CLIENT_CERTIFICATE_PATH to a PEM file holding the certificate and its private key`);
      }
      if (!existsSync(certificatePath)) {
        throw missing(config, `${p}_CLIENT_CERTIFICATE_PATH names a file that does not exist on this worker: ${certificatePath}`, 'point it at a PEM file holding the certificate and its private key, readable by the worker');
      }
      return { identity: { kind: 'client-certificate', clientId, certificatePath }, settings: renames };
    }
    case 'workload-identity': {
      const clientId = setting(env, 'AZURE_CLIENT_ID');
      const tokenFilePath = setting(env, 'AZURE_FEDERATED_TOKEN_FILE');
      if (clientId === undefined || tokenFilePath === undefined) {
        const unset = [clientId === undefined ? 'AZURE_CLIENT_ID' : undefined, tokenFilePath === undefined ? 'AZURE_FEDERATED_TOKEN_FILE' : undefined].filter(Boolean).join(' and ');
        throw missing(config, `workload identity needs ${unset}, not set in this worker's environment`, 'run the worker where workload identity is set up (AKS with azure.workload.identity/use: "true" sets both), or choose another --credential');
      }
      return { identity: { kind: 'workload-identity', clientId, tokenFilePath }, settings: connectorSettings };
    }
    case 'managed-identity':
      return { identity: { kind: 'managed-identity', ...(credential.clientId === undefined ? {} : { clientId: credential.clientId }) }, settings: connectorSettings };
    default:
      return { identity: { kind: 'default' }, settings: connectorSettings };
  }
}

export function connectorConnection(config: ConnectorConfig, env: Env, options: ConnectorConnectionOptions = {}): ConnectorConnection {
  if (!isAzureCloudName(config.cloud)) {
    throw new WardError('CONFIG_INVALID', `connector ${config.name}: unknown cloud ${JSON.stringify(config.cloud)}`, { hint: `remove it and add it again with a known --cloud (ward connectors remove ${config.name})` });
  }
  const cloud = config.cloud;
  const endpoints = resolveAzureEndpoints({
    cloud,
    ...(config.armEndpoint === null ? {} : { armEndpoint: config.armEndpoint }),
    env: config.authorityHost === null ? {} : { AZURE_AUTHORITY_HOST: config.authorityHost },
  });
  const credential = parseConnectorCredential(config.credential);
  const { identity, settings } = identityOf(config, credential, env);
  const naming: SignInNaming = { subject: `connector ${config.name}`, settings };
  const agent = options.ca === undefined ? undefined : createTrustedAgent(options.ca);
  const tokenCredential = createAzureCredential({
    endpoints,
    // `default` may use a service principal from AZURE_* of the worker's environment, as DefaultAzureCredential would
    env: identity.kind === 'default' ? env : {},
    tenantId: config.tenantId,
    ...(identity.kind === 'default' ? {} : { identity }),
    naming,
    ...(agent === undefined ? {} : { agent }),
    ...(options.probeTimeoutMs === undefined ? {} : { probeTimeoutMs: options.probeTimeoutMs }),
  });
  return {
    // only what the endpoints were resolved from: connectArm resolves the same ones again
    env: config.authorityHost === null ? {} : { AZURE_AUTHORITY_HOST: config.authorityHost },
    credential: tokenCredential,
    tenantId: config.tenantId,
    cloud,
    armEndpoint: endpoints.armEndpoint,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(config.subscriptions === null ? {} : { subscriptionIds: config.subscriptions }),
    ...(config.managementGroup === null ? {} : { managementGroupId: config.managementGroup }),
    excludeSubscriptionIds: config.excludeSubscriptions,
  };
}
