/**
 * The Microsoft.Resources subscriptions API of the emulator: GET /subscriptions (paged), one subscription, its
 * locations, and GET /tenants. Every published api-version is served, each in its own shape: `tenantId` on a
 * subscription from 2020-01-01, `tags` from 2019-11-01, `managedByTenants` from 2019-06-01; tenant details
 * from 2019-11-01. `az login` lists subscriptions at 2019-11-01 and reads /tenants; the SDK defaults to 2021-01-01.
 */
import { armFailure, checkApiVersion, methodNotAllowed, page } from './arm-route-helpers.js';
import type { ArmRequest, ArmResponse } from './arm-types.js';
import { findSubscription, type EmulatorState } from './emulator-state.js';

export const SUBSCRIPTION_API_VERSIONS = ['2016-06-01', '2018-06-01', '2019-06-01', '2019-11-01', '2020-01-01', '2021-01-01', '2022-12-01'] as const;

const SUBSCRIPTIONS_PATH = /^\/subscriptions\/?$/i;
const SUBSCRIPTION_PATH = /^\/subscriptions\/([^/]+)\/?$/i;
const LOCATIONS_PATH = /^\/subscriptions\/([^/]+)\/locations\/?$/i;
const TENANTS_PATH = /^\/tenants\/?$/i;

const LOCATIONS = [
  ['eastus', 'East US', '(US) East US', 'US'],
  ['westus2', 'West US 2', '(US) West US 2', 'US'],
  ['northeurope', 'North Europe', '(Europe) North Europe', 'Europe'],
  ['westeurope', 'West Europe', '(Europe) West Europe', 'Europe'],
] as const;

/** A subscription resource in the shape of `version` (api-versions are ISO dates, so they compare as strings). */
export function subscriptionAtVersion(subscription: Record<string, unknown>, version: string): Record<string, unknown> {
  const { tenantId, tags, managedByTenants, ...rest } = subscription;
  return {
    ...rest,
    ...(version >= '2020-01-01' && tenantId !== undefined ? { tenantId } : {}),
    ...(version >= '2019-11-01' && tags !== undefined ? { tags } : {}),
    ...(version >= '2019-06-01' && managedByTenants !== undefined ? { managedByTenants } : {}),
  };
}

function subscriptionNotFound(id: string, route: string): ArmResponse {
  return armFailure(404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`, route, id);
}

function tenantAtVersion(state: EmulatorState, version: string): Record<string, unknown> {
  const base = { id: `/tenants/${state.tenantId}`, tenantId: state.tenantId };
  if (version < '2019-11-01') return base;
  return {
    ...base,
    tenantCategory: 'Home',
    country: 'United States',
    countryCode: 'US',
    displayName: 'ward emulator tenant',
    domains: ['ward-emulator.onmicrosoft.com'],
    ...(version >= '2020-01-01' ? { defaultDomain: 'ward-emulator.onmicrosoft.com', tenantType: 'AAD' } : {}),
  };
}

function locationsOf(subscriptionId: string, version: string): unknown[] {
  return LOCATIONS.map(([name, displayName, regionalDisplayName, geographyGroup]) => ({
    id: `/subscriptions/${subscriptionId}/locations/${name}`,
    name,
    displayName,
    ...(version >= '2020-01-01'
      ? { type: 'Region', regionalDisplayName, metadata: { regionType: 'Physical', regionCategory: 'Recommended', geographyGroup } }
      : {}),
  }));
}

/** Answers a subscriptions-API request, or undefined when the path is not one (the router goes on). */
export function handleSubscriptionRequest(state: EmulatorState, request: ArmRequest): ArmResponse | undefined {
  const path = request.path;
  const route = SUBSCRIPTIONS_PATH.test(path)
    ? 'subscriptions'
    : TENANTS_PATH.test(path)
      ? 'tenants'
      : LOCATIONS_PATH.test(path)
        ? 'locations'
        : SUBSCRIPTION_PATH.test(path)
          ? 'subscription'
          : undefined;
  if (route === undefined) return undefined;
  const version = checkApiVersion(request, SUBSCRIPTION_API_VERSIONS, route, 'subscriptions', 'resources');
  if (typeof version !== 'string') return version;
  if (request.method !== 'GET') return methodNotAllowed(request, route);
  if (route === 'subscriptions') {
    const listed = page(request, state.subscriptions);
    return { status: 200, body: { ...listed, value: listed.value.map((item) => subscriptionAtVersion(item as Record<string, unknown>, version)) }, route };
  }
  if (route === 'tenants') return { status: 200, body: { value: [tenantAtVersion(state, version)] }, route };
  const id = decodeURIComponent((route === 'locations' ? LOCATIONS_PATH : SUBSCRIPTION_PATH).exec(path)?.[1] ?? '');
  const subscription = findSubscription(state, id);
  if (!subscription) return subscriptionNotFound(id, route);
  const subscriptionId = String(subscription.subscriptionId);
  if (route === 'locations') return { status: 200, body: { value: locationsOf(subscriptionId, version) }, route, subscriptionId };
  return { status: 200, body: subscriptionAtVersion(subscription, version), route, subscriptionId };
}
