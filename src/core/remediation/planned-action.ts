/**
 * One ARM request of a remediation plan: a leaf type module, so that what reads plans (the simulation, the
 * batcher, the renderers) depends on the request shape and not on the planner.
 */
export type HttpMethod = 'PUT' | 'DELETE';

/** One ARM request of a plan. `before` is the contact as the inventory holds it, or "absent". */
export interface PlannedAction {
  /** The subscription (`/subscriptions/<guid>`): the asset the controls judge. */
  readonly assetId: string;
  readonly subscriptionId: string;
  readonly contactName: string;
  readonly method: HttpMethod;
  /** Absolute URL with api-version. */
  readonly url: string;
  /** The same without the ARM endpoint: what the transport sends. */
  readonly path: string;
  readonly apiVersion: string;
  /** Request body; null for DELETE. */
  readonly body: unknown;
  readonly before: unknown;
  readonly reason: string;
}
