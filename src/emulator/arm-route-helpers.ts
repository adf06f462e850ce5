/** What every ARM route family needs: ARM's error answer, the api-version check and nextLink paging. */
import { armError } from './arm-error.js';
import type { ArmRequest, ArmResponse } from './arm-types.js';

export function armFailure(status: number, code: string, message: string, route: string, subscriptionId?: string): ArmResponse {
  return { status, body: armError(code, message), route, ...(subscriptionId === undefined ? {} : { subscriptionId }) };
}

export function methodNotAllowed(request: ArmRequest, route: string, subscriptionId?: string): ArmResponse {
  return armFailure(405, 'MethodNotAllowed', `The HTTP method '${request.method}' is not supported for this resource.`, route, subscriptionId);
}

/**
 * The api-version of a request when the API publishes it, else ARM's refusal: InvalidApiVersionParameter for the
 * Microsoft.Resources APIs (subscriptions, tenants, locations), NoRegisteredProviderFound for resource providers.
 */
export function checkApiVersion(
  request: ArmRequest,
  supported: readonly string[],
  route: string,
  resourceType: string,
  style: 'resources' | 'provider' = 'provider',
): ArmResponse | string {
  const version = request.query.get('api-version');
  if (version === null || version === '') {
    return armFailure(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.', route);
  }
  if (supported.includes(version)) return version;
  return style === 'resources'
    ? armFailure(400, 'InvalidApiVersionParameter', `The api-version '${version}' is invalid. The supported versions are '${supported.join(',')}'.`, route)
    : armFailure(
        400,
        'NoRegisteredProviderFound',
        `No registered resource provider found for location 'global' and API version '${version}' for type '${resourceType}'. ` +
          `The supported api-versions are '${supported.join(', ')}'.`,
        route,
      );
}

/** Pages `items` with a `$skiptoken` offset, ARM style: nextLink is an absolute URL, absent on the last page. */
export function page(request: ArmRequest, items: readonly unknown[]): { value: unknown[]; nextLink?: string } {
  const offset = Math.max(0, Number.parseInt(request.query.get('$skiptoken') ?? '0', 10) || 0);
  const size = Math.max(1, request.pageSize);
  const value = items.slice(offset, offset + size);
  if (offset + size >= items.length) return { value };
  const next = new URL(request.path, request.baseUrl);
  for (const [key, val] of request.query) if (key !== '$skiptoken') next.searchParams.set(key, val);
  next.searchParams.set('$skiptoken', String(offset + size));
  return { value, nextLink: next.toString() };
}
