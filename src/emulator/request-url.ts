/**
 * The request target as a URL on the emulator. Repeated slashes in the path are one, as ARM reads them: clients
 * configured with a trailing slash on the endpoint (the Azure CLI) send `//subscriptions`, which `new URL` would
 * otherwise take for a host name.
 */
export function requestUrl(target: string | undefined, baseUrl: string): URL {
  const raw = target ?? '/';
  const queryAt = raw.indexOf('?');
  const pathPart = queryAt < 0 ? raw : raw.slice(0, queryAt);
  const query = queryAt < 0 ? '' : raw.slice(queryAt);
  return new URL(`${pathPart.replace(/\/{2,}/g, '/')}${query}`, baseUrl);
}
