/**
 * Checks a would-be configured connector (`ward connectors add azure …`) and returns it normalised, or throws a
 * USAGE WardError whose hint names the flag to fix. Pure: the known cloud names, the clock and the actor are passed in.
 *
 * The tenant is a directory (tenant) id, a GUID, or one of the tenant's verified domain names
 * (contoso.onmicrosoft.com, contoso.com): Microsoft Entra accepts both in the authority URL. The multi-tenant
 * aliases `common`, `organizations` and `consumers` are refused: a connector reads one named tenant, never whichever
 * tenant an identity happens to belong to.
 *
 * Endpoints must be https URLs without credentials, query or fragment: ward's ARM client sends bearer tokens only
 * over TLS, even to a loopback address (`ward emulator` serves https with its own CA).
 */
import { WardError } from '../errors.js';
import type { ConnectorConfig } from './connector-config.js';

/** How a worker signs in, parsed from `--credential`. */
export type ConnectorCredential =
  | { readonly kind: 'default' }
  | { readonly kind: 'env'; readonly prefix: string }
  | { readonly kind: 'managed-identity'; readonly clientId?: string }
  | { readonly kind: 'workload-identity' };

/** The flags of `ward connectors add azure`, as given (strings, or absent). */
export interface ConnectorConfigInput {
  readonly name?: string | undefined;
  readonly tenant?: string | undefined;
  readonly credential?: string | undefined;
  readonly cloud?: string | undefined;
  readonly armEndpoint?: string | undefined;
  readonly authorityHost?: string | undefined;
  readonly managementGroup?: string | undefined;
  readonly subscriptions?: readonly string[] | undefined;
  readonly excludeSubscriptions?: readonly string[] | undefined;
  readonly maxConcurrency?: string | number | undefined;
}

export interface ConnectorConfigRules {
  /** The cloud names ward knows (AZURE_CLOUD_NAMES of src/connectors/azure/azure-clouds.ts); the first is the default. */
  readonly clouds: readonly string[];
  readonly now: Date;
  readonly actor: string;
}

/** The same pattern as the CHECK of table connector_configs. */
export const CONNECTOR_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const DEFAULT_CONNECTOR_CONCURRENCY = 8;
export const MAX_CONNECTOR_CONCURRENCY = 256;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ENV_PREFIX = /^[A-Z][A-Z0-9_]{0,63}$/;
/** ARM management group ids: up to 90 letters, digits, `-`, `_`, `(`, `)` and `.`, not ending in a period. */
const MANAGEMENT_GROUP = /^[A-Za-z0-9_().-]{0,89}[A-Za-z0-9_()-]$/;
const MULTI_TENANT_ALIASES = new Set(['common', 'organizations', 'consumers']);

const CREDENTIAL_FORMS = 'default, env:PREFIX, managed-identity, managed-identity:CLIENT_ID or workload-identity';

function usage(message: string, hint: string): WardError {
  return new WardError('USAGE', message, { hint });
}

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** `--credential`: where a worker finds the identity to sign in with. Never a secret itself. */
export function parseConnectorCredential(spec: string): ConnectorCredential {
  const text = spec.trim();
  if (text === 'default') return { kind: 'default' };
  if (text === 'workload-identity') return { kind: 'workload-identity' };
  if (text === 'managed-identity') return { kind: 'managed-identity' };
  if (text.startsWith('managed-identity:')) {
    const clientId = text.slice('managed-identity:'.length);
    if (!isGuid(clientId)) {
      throw usage(`--credential managed-identity:${clientId}: the client id of a user-assigned managed identity is a GUID`, 'give the identity\'s client id (az identity show --query clientId), or managed-identity alone for the system-assigned one');
    }
    return { kind: 'managed-identity', clientId: clientId.toLowerCase() };
  }
  if (text.startsWith('env:')) {
    const prefix = text.slice('env:'.length);
    if (!ENV_PREFIX.test(prefix)) {
      throw usage(
        `--credential env:${prefix}: the prefix must be upper-case letters, digits and underscores, starting with a letter`,
        'e.g. --credential env:CONTOSO reads CONTOSO_CLIENT_ID and CONTOSO_CLIENT_SECRET (or CONTOSO_CLIENT_CERTIFICATE_PATH) from the worker\'s environment',
      );
    }
    return { kind: 'env', prefix };
  }
  throw usage(`--credential ${JSON.stringify(spec)} is not a credential ward knows`, `use one of: ${CREDENTIAL_FORMS}; a secret itself is never given here`);
}

/** The stored spelling of a credential (the inverse of parseConnectorCredential). */
export function formatConnectorCredential(credential: ConnectorCredential): string {
  switch (credential.kind) {
    case 'env':
      return `env:${credential.prefix}`;
    case 'managed-identity':
      return credential.clientId === undefined ? 'managed-identity' : `managed-identity:${credential.clientId}`;
    default:
      return credential.kind;
  }
}

function tenantOf(value: string | undefined): string {
  const text = value?.trim() ?? '';
  if (text === '') throw usage('--tenant is required', 'give the directory (tenant) id, a GUID, or a verified domain such as contoso.onmicrosoft.com');
  if (isGuid(text)) return text.toLowerCase();
  const lower = text.toLowerCase();
  if (MULTI_TENANT_ALIASES.has(lower)) {
    throw usage(`--tenant ${text}: a connector reads one named tenant, not the multi-tenant alias ${lower}`, 'give the directory (tenant) id: az account show --query tenantId');
  }
  if (DOMAIN.test(lower)) return lower;
  throw usage(`--tenant ${JSON.stringify(text)} is neither a tenant id (GUID) nor a domain name`, 'give the directory (tenant) id (az account show --query tenantId) or a verified domain such as contoso.onmicrosoft.com');
}

/** An https endpoint, stored as origin plus path without a trailing slash. */
function endpointOf(value: string | undefined, flag: string): string | null {
  if (value === undefined) return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw usage(`${flag} is not a URL: ${JSON.stringify(value)}`, `give ${flag} https://host[:port]`);
  }
  if (url.username !== '' || url.password !== '') {
    throw usage(`${flag} must not carry a user name or password`, 'no secret is ever stored in a connector: give the endpoint alone');
  }
  if (url.protocol !== 'https:') {
    throw usage(`${flag} must use https (bearer tokens are never sent in clear): ${url.origin}`, `give ${flag} https://host[:port] (ward emulator serves https)`);
  }
  if (url.search !== '' || url.hash !== '') throw usage(`${flag} must not have a query or fragment: ${url.origin}${url.pathname}`, `give ${flag} https://host[:port][/path]`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function subscriptionIdsOf(values: readonly string[] | undefined, flag: string): string[] {
  const ids: string[] = [];
  for (const value of values ?? []) {
    for (const part of value.split(',')) {
      const id = part.trim();
      if (id === '') continue;
      if (!isGuid(id)) throw usage(`${flag} ${JSON.stringify(id)} is not a subscription id`, `subscription ids are GUIDs (az account list --query "[].id"); repeat ${flag} for each`);
      const lower = id.toLowerCase();
      if (!ids.includes(lower)) ids.push(lower);
    }
  }
  return ids;
}

function concurrencyOf(value: string | number | undefined): number {
  if (value === undefined) return DEFAULT_CONNECTOR_CONCURRENCY;
  const text = String(value).trim();
  const parsed = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > MAX_CONNECTOR_CONCURRENCY) {
    throw usage(
      `--max-concurrency must be a whole number from 1 to ${MAX_CONNECTOR_CONCURRENCY}, got ${JSON.stringify(String(value))}`,
      `it bounds the batches of this connector read at once across all workers (default ${DEFAULT_CONNECTOR_CONCURRENCY}); ARM throttles reads per principal and tenant`,
    );
  }
  return parsed;
}

/** A valid connector name, or a USAGE error that says what names look like. */
export function checkConnectorName(value: string | undefined, flag = '--name'): string {
  const name = value ?? '';
  if (!CONNECTOR_NAME_PATTERN.test(name)) {
    throw usage(
      name === '' ? `${flag} is required` : `${flag} ${JSON.stringify(name)} is not a connector name`,
      'a connector name is 1 to 63 lower-case letters, digits and dashes, starting with a letter or digit (e.g. contoso-prod)',
    );
  }
  return name;
}

export function validateConnectorConfig(input: ConnectorConfigInput, rules: ConnectorConfigRules): ConnectorConfig {
  const name = checkConnectorName(input.name);
  const tenantId = tenantOf(input.tenant);
  const credential = formatConnectorCredential(parseConnectorCredential(input.credential ?? 'default'));
  const cloud = input.cloud ?? rules.clouds[0] ?? 'AzureCloud';
  if (!rules.clouds.includes(cloud)) throw usage(`--cloud ${JSON.stringify(cloud)} is not an Azure cloud ward knows`, `choose one of: ${rules.clouds.join(', ')}`);
  const armEndpoint = endpointOf(input.armEndpoint, '--arm-endpoint');
  const authorityHost = endpointOf(input.authorityHost, '--authority-host');

  const managementGroup = input.managementGroup?.trim();
  const subscriptions = subscriptionIdsOf(input.subscriptions, '--subscription');
  if (managementGroup !== undefined && subscriptions.length > 0) {
    throw usage('--management-group and --subscription cannot be combined', 'choose one scope: a management group, or a list of subscriptions (or neither: every subscription the identity can read)');
  }
  if (managementGroup !== undefined && !MANAGEMENT_GROUP.test(managementGroup)) {
    throw usage(
      `--management-group ${JSON.stringify(managementGroup)} is not a management group id`,
      'give the group\'s id (up to 90 letters, digits, -, _, (, ) and .), not its display name: az account management-group list --query "[].name"',
    );
  }
  const excludeSubscriptions = subscriptionIdsOf(input.excludeSubscriptions, '--exclude-subscription');
  if (subscriptions.length > 0) {
    const stray = excludeSubscriptions.find((id) => !subscriptions.includes(id));
    if (stray !== undefined) {
      throw usage(`--exclude-subscription ${stray} is not one of the --subscription ids`, 'with an explicit list, leave a subscription out of --subscription instead of excluding it');
    }
    if (excludeSubscriptions.length === subscriptions.length) {
      throw usage('--exclude-subscription excludes every --subscription: nothing would be read', 'leave at least one subscription in scope');
    }
  }
  return {
    name,
    provider: 'azure',
    tenantId,
    credential,
    cloud,
    armEndpoint,
    authorityHost,
    managementGroup: managementGroup ?? null,
    subscriptions: subscriptions.length > 0 ? subscriptions : null,
    excludeSubscriptions,
    maxConcurrency: concurrencyOf(input.maxConcurrency),
    createdAt: rules.now.toISOString(),
    createdBy: rules.actor,
  };
}
