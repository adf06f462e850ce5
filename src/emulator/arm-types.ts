/**
 * The request and answer types every ARM route family shares. A leaf module: it imports nothing, so the route
 * modules (arm-routes, contact-routes, policy-routes…) depend on it and never on each other in a cycle.
 */
export interface ArmRequest {
  readonly method: string;
  /** Path without query, e.g. `/subscriptions/<id>`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The raw request body text ('' when none). */
  readonly bodyText: string;
  /** Base URL for nextLink (`https://127.0.0.1:port`). */
  readonly baseUrl: string;
  readonly pageSize: number;
}

export interface ArmResponse {
  readonly status: number;
  /** JSON body; undefined for an empty body (204). */
  readonly body?: unknown;
  /** Route name, for counters: `list-contacts`, `subscriptions`… */
  readonly route: string;
  /** The subscription the request is about, for per-subscription throttling. */
  readonly subscriptionId?: string;
}
