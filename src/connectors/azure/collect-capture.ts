/**
 * The live Azure collector: lists the subscriptions in scope and reads each one's security contacts, producing
 * the same Capture the offline reader produces. One subscription's failure never stops the others: it is
 * recorded as an ARM error body for that subscription, so the scan reports `error` for it, never `pass`.
 */
import { AggregateAuthenticationError, AuthenticationError, CredentialUnavailableError, type TokenCredential } from '@azure/identity';
import { isRestError } from '@azure/core-rest-pipeline';
import { WardError, isWardError } from '../../core/errors.js';
import type { ArmClient, ArmGetResult } from './arm-client.js';
import type { AzureCloudName } from './azure-clouds.js';
import { connectArm } from './connect-arm.js';
import { API_VERSIONS, type Capture, type CapturedBody } from '../../core/inventory/capture.js';
import { createWorkPool, mapWithConcurrency } from '../../core/work-pool.js';
import { isObject } from '../../core/is-object.js';
import type { OnScanPhase } from '../../core/scan-phases.js';

export interface CollectProgress {
  readonly phase: 'subscriptions' | 'contacts';
  readonly done: number;
  readonly total: number;
  /** For `contacts`: the subscription just read and how it went. */
  readonly subscriptionId?: string;
  readonly outcome?: 'ok' | 'error' | 'skipped';
}

export interface CollectOptions {
  /** Default: a service principal from `env`, else DefaultAzureCredential. */
  readonly credential?: TokenCredential;
  /** The environment (the CLI passes its io.env): WARD_ARM_ENDPOINT, AZURE_AUTHORITY_HOST, AZURE_TENANT_ID… */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly tenantId?: string;
  readonly cloud?: AzureCloudName;
  /** Overrides the cloud's ARM endpoint and WARD_ARM_ENDPOINT. */
  readonly armEndpoint?: string;
  /** Extra trusted CA certificates (PEM) for ARM and token requests, e.g. the in-process emulator's. */
  readonly ca?: string | readonly string[];
  /** Explicit subscription ids; or a management group whose descendant subscriptions are in scope. Default: all readable. */
  readonly subscriptionIds?: readonly string[];
  readonly managementGroupId?: string;
  /** Subscriptions left out of any scope: neither read nor in the capture (a configured connector's --exclude-subscription). */
  readonly excludeSubscriptionIds?: readonly string[];
  /** Contacts requests in flight at once (default 16). */
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  readonly maxRetryAfterMs?: number;
  readonly onProgress?: (progress: CollectProgress) => void;
  /** Told when the first ARM request is sent, when the scope is listed and when the last answer arrived (`--timings`). */
  readonly onPhase?: OnScanPhase;
  readonly signal?: AbortSignal;
}

const INACTIVE_STATES = new Set(['disabled', 'deleted']);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type JsonObject = Record<string, unknown>;


/** Removes anything that could be a credential from text bound for a capture or a message. */
export function redactSecrets(text: string): string {
  return text
    .replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]')
    .replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted-token]')
    .replace(/(client_secret|access_token|code|assertion)=[^&\s]+/gi, '$1=[redacted]');
}

function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message: redactSecrets(message) } };
}

/** The ARM error of a non-2xx answer, kept as Azure gave it (code and message), or one made from the status. */
function errorFromResponse(result: ArmGetResult, what: string): { error: { code: string; message: string } } {
  const error = isObject(result.body) && isObject(result.body.error) ? result.body.error : undefined;
  if (error && typeof error.code === 'string') {
    return errorBody(error.code, typeof error.message === 'string' ? error.message : `${what}: HTTP ${result.status}`);
  }
  return errorBody(`HttpStatus${result.status}`, `${what}: ARM answered HTTP ${result.status}${result.attempts > 1 ? ` after ${result.attempts} attempts` : ''}`);
}

function errorFromThrown(error: unknown, what: string): { error: { code: string; message: string } } {
  if (error instanceof AuthenticationError || error instanceof CredentialUnavailableError || error instanceof AggregateAuthenticationError) {
    return errorBody('AuthenticationFailed', `${what}: could not get an access token: ${error.message}`);
  }
  if (isRestError(error)) {
    const attempts = (error as { attempts?: number }).attempts;
    return errorBody(error.code ?? 'RequestFailed', `${what}: ${error.message}${attempts && attempts > 1 ? ` (after ${attempts} attempts)` : ''}`);
  }
  if ((error as Error)?.name === 'AbortError') return errorBody('Aborted', `${what}: the collection was cancelled`);
  return errorBody('RequestFailed', `${what}: ${(error as Error)?.message ?? String(error)}`);
}

/** Fatal: the scope itself cannot be listed, so no complete scan is possible. */
function scopeError(error: { error: { code: string; message: string } }, url: string, status?: number): WardError {
  const auth = /^(AuthenticationFailed|InvalidAuthenticationToken|ExpiredAuthenticationToken|AuthorizationFailed)$/.test(error.error.code);
  return new WardError('AZURE_ERROR', `${error.error.code}: ${error.error.message}`, {
    location: { file: url.replace(/\?.*$/, '') },
    hint: auth
      ? 'sign in (az login), or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal with Reader or Security Reader'
      : status === 403 || status === 404
        ? 'ARM answered, but not for this scope: check the id (for --management-group the group\'s id, not its display name) and that the signed-in identity may read it (Reader on the scope)'
        : 'check the network and the ARM endpoint (WARD_ARM_ENDPOINT, --cloud), then retry',
  });
}

/**
 * GETs every page of a `{value, nextLink}` collection, handing each page to `onPage` as it arrives (so work on
 * the first items overlaps the wait for the next page). Throws a WardError if any page fails.
 */
export async function listAll(client: ArmClient, path: string, what: string, signal?: AbortSignal, onPage?: (items: readonly unknown[]) => void): Promise<unknown[]> {
  const items: unknown[] = [];
  let next: string | undefined = path;
  const seen = new Set<string>();
  while (next !== undefined) {
    if (seen.has(next)) throw scopeError(errorBody('NextLinkLoop', `${what}: ARM returned the same nextLink twice`), next);
    seen.add(next);
    let result: ArmGetResult;
    try {
      result = await client.get(next, signal);
    } catch (error) {
      if (isWardError(error)) throw error; // a failed sign-in, already explained (create-azure-credential.ts)
      throw scopeError(errorFromThrown(error, what), next);
    }
    if (result.status < 200 || result.status >= 300) throw scopeError(errorFromResponse(result, what), next, result.status);
    if (result.parseError !== undefined || !isObject(result.body) || !Array.isArray(result.body.value)) {
      throw scopeError(errorBody('InvalidResponseBody', `${what}: the answer is not a {"value": [...]} collection`), next);
    }
    for (const item of result.body.value) items.push(item);
    onPage?.(result.body.value);
    next = typeof result.body.nextLink === 'string' && result.body.nextLink !== '' ? result.body.nextLink : undefined;
  }
  return items;
}

export async function readSubscription(client: ArmClient, id: string, signal?: AbortSignal): Promise<{ item: JsonObject; error?: CapturedBody }> {
  const url = `/subscriptions/${encodeURIComponent(id)}?api-version=${API_VERSIONS.subscriptions}`;
  const stub = { id: `/subscriptions/${id}`, subscriptionId: id };
  try {
    const result = await client.get(url, signal);
    if (result.status >= 200 && result.status < 300 && isObject(result.body) && typeof result.body.subscriptionId === 'string') {
      return { item: result.body };
    }
    const error = result.status >= 200 && result.status < 300 ? errorBody('InvalidResponseBody', `subscription ${id}: unexpected answer`) : errorFromResponse(result, `subscription ${id}`);
    return { item: stub, error: { body: error, source: result.url } };
  } catch (error) {
    if (isWardError(error)) throw error; // a failed sign-in fails every subscription alike: stop, say why once
    return { item: stub, error: { body: errorFromThrown(error, `subscription ${id}`), source: `${client.armEndpoint}${url}` } };
  }
}

/** One subscription's security contacts, as Azure returned them, or the error that prevented reading them. */
export async function readContacts(client: ArmClient, subscriptionId: string, signal?: AbortSignal): Promise<CapturedBody> {
  const first = `/subscriptions/${subscriptionId}/providers/Microsoft.Security/securityContacts?api-version=${API_VERSIONS.securityContacts}`;
  const source = `${client.armEndpoint}${first}`;
  const what = `security contacts of subscription ${subscriptionId}`;
  const pages: unknown[] = [];
  let next: string | undefined = first;
  let pageCount = 0;
  try {
    while (next !== undefined) {
      pageCount += 1;
      if (pageCount > 1000) return { body: errorBody('NextLinkLoop', `${what}: more than 1000 pages`), source };
      const result: ArmGetResult = await client.get(next, signal);
      if (result.status === 404) {
        const code = isObject(result.body) && isObject(result.body.error) ? result.body.error.code : undefined;
        // a 404 for the contacts collection means none configured; a missing subscription is an error
        if (code === 'SubscriptionNotFound') return { body: errorFromResponse(result, what), source };
        return { body: pageCount === 1 ? { value: [] } : errorFromResponse(result, what), source };
      }
      if (result.status < 200 || result.status >= 300) return { body: errorFromResponse(result, what), source };
      if (result.parseError !== undefined) {
        return {
          body: errorBody('InvalidResponseBody', `${what}: the answer is not valid JSON (truncated?) after ${result.attempts} attempts: ${result.parseError}`),
          source,
        };
      }
      const body = result.body;
      if (Array.isArray(body)) {
        if (pageCount === 1) return { body, source };
        for (const item of body) pages.push(item);
        break;
      }
      if (!isObject(body) || !Array.isArray(body.value)) {
        return { body: errorBody('UnexpectedResponseShape', `${what}: expected {"value": [...]} or a JSON array`), source };
      }
      const nextLink = typeof body.nextLink === 'string' && body.nextLink !== '' ? body.nextLink : undefined;
      if (pageCount === 1 && nextLink === undefined) return { body, source };
      for (const item of body.value) pages.push(item);
      next = nextLink;
    }
    return { body: { value: pages }, source };
  } catch (error) {
    return { body: errorFromThrown(error, what), source };
  }
}

export function subscriptionIdOf(item: unknown): string | undefined {
  return isObject(item) && typeof item.subscriptionId === 'string' ? item.subscriptionId : undefined;
}

export async function collectCapture(options: CollectOptions = {}): Promise<Capture> {
  if (options.subscriptionIds?.length && options.managementGroupId !== undefined) {
    throw new WardError('USAGE', '--subscription and --management-group cannot be combined', { hint: 'choose one scope' });
  }
  for (const id of options.subscriptionIds ?? []) {
    if (!GUID.test(id)) throw new WardError('USAGE', `not a subscription id: ${JSON.stringify(id)}`, { hint: 'subscription ids are GUIDs' });
  }
  for (const id of options.excludeSubscriptionIds ?? []) {
    if (!GUID.test(id)) throw new WardError('USAGE', `not a subscription id to exclude: ${JSON.stringify(id)}`, { hint: 'subscription ids are GUIDs' });
  }
  const excluded = new Set((options.excludeSubscriptionIds ?? []).map((id) => id.toLowerCase()));
  const inScope = (item: unknown): boolean => !excluded.has(subscriptionIdOf(item)?.toLowerCase() ?? '');
  const concurrency = options.concurrency ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new WardError('USAGE', `--concurrency must be a whole number of at least 1, got ${concurrency}`);
  }
  const { concurrency: _c, subscriptionIds: _s, managementGroupId: _m, excludeSubscriptionIds: _x, onProgress: _p, onPhase: _h, signal: _g, ...connection } = options; // the rest is how to connect
  const onPhase = options.onPhase ?? (() => undefined);
  const connected = connectArm(connection);
  const { endpoints } = connected;
  const client: ArmClient = {
    ...connected.client,
    get: (pathOrUrl, getSignal) => {
      onPhase('first-request');
      return connected.client.get(pathOrUrl, getSignal);
    },
  };
  const signal = options.signal;
  const progress = options.onProgress ?? (() => undefined);
  const securityContacts = new Map<string, CapturedBody>();
  const listPath = `/subscriptions?api-version=${API_VERSIONS.subscriptions}`;
  let subscriptions: unknown[];
  let subscriptionsSource = `${endpoints.armEndpoint}${listPath}`;

  // Contacts are read as soon as a subscription is known to be in scope: while the subscription list is still
  // being paged (ARM pages it 100 or so at a time, one page after the other), not after its last page.
  let listed = 0; // subscriptions in scope known so far: the progress total until the listing is complete
  let settled = 0; // in scope and done: read, failed, or not to be read (inactive)
  const contacts = createWorkPool<string>(concurrency, async (id) => {
    const captured = await readContacts(client, id, signal);
    securityContacts.set(id, captured);
    settled += 1;
    const failed = isObject(captured.body) && 'error' in captured.body;
    progress({ phase: 'contacts', done: settled, total: listed, subscriptionId: id, outcome: failed ? 'error' : 'ok' });
  });
  const queued = new Set<string>();
  const enqueue = (items: readonly unknown[]): void => {
    for (const item of items) {
      if (!inScope(item)) continue;
      listed += 1;
      const id = subscriptionIdOf(item);
      const state = isObject(item) && typeof item.state === 'string' ? item.state.toLowerCase() : '';
      if (id === undefined || !GUID.test(id) || securityContacts.has(id) || queued.has(id) || INACTIVE_STATES.has(state)) {
        settled += 1;
        continue;
      }
      queued.add(id);
      contacts.push(id);
    }
  };

  try {
    if (options.subscriptionIds?.length) {
      const ids = [...new Set(options.subscriptionIds.map((id) => id.toLowerCase()))].filter((id) => !excluded.has(id));
      const read = await mapWithConcurrency(ids, concurrency, (id) => readSubscription(client, id, signal));
      subscriptions = read.map((entry) => entry.item);
      read.forEach((entry, index) => {
        if (entry.error) securityContacts.set(ids[index] ?? '', entry.error);
      });
      subscriptionsSource = `${endpoints.armEndpoint}/subscriptions/{${ids.join(',')}}`;
      enqueue(subscriptions);
    } else if (options.managementGroupId !== undefined) {
      progress({ phase: 'subscriptions', done: 0, total: 1 });
      const all = await listAll(client, listPath, 'listing subscriptions', signal);
      const group = options.managementGroupId;
      const descendantsPath = `/providers/Microsoft.Management/managementGroups/${encodeURIComponent(group)}/descendants?api-version=${API_VERSIONS.managementGroupDescendants}`;
      const descendants = await listAll(client, descendantsPath, `descendants of management group ${group}`, signal);
      const inGroup = new Set(
        descendants
          .filter((item) => isObject(item) && String(item.type).toLowerCase() === 'microsoft.management/managementgroups/subscriptions')
          .map((item) => String((item as JsonObject).name).toLowerCase()),
      );
      for (const id of excluded) inGroup.delete(id);
      subscriptions = all.filter((item) => inGroup.has(subscriptionIdOf(item)?.toLowerCase() ?? ''));
      const listedInGroup = new Set(subscriptions.map((item) => subscriptionIdOf(item)?.toLowerCase()));
      const missing = [...inGroup].filter((id) => !listedInGroup.has(id));
      const read = await mapWithConcurrency(missing, concurrency, (id) => readSubscription(client, id, signal));
      for (const entry of read) subscriptions.push(entry.item);
      read.forEach((entry, index) => {
        if (entry.error) securityContacts.set(missing[index] ?? '', entry.error);
      });
      subscriptionsSource = `${endpoints.armEndpoint}${descendantsPath}`;
      progress({ phase: 'subscriptions', done: 1, total: 1 });
      enqueue(subscriptions);
    } else {
      progress({ phase: 'subscriptions', done: 0, total: 1 });
      subscriptions = (await listAll(client, listPath, 'listing subscriptions', signal, enqueue)).filter(inScope);
      progress({ phase: 'subscriptions', done: 1, total: 1 });
    }
  } catch (error) {
    // the scope could not be listed: no scan is possible; let the reads already started settle, then fail
    await contacts.cancel();
    throw error;
  }
  onPhase('listed');
  progress({ phase: 'contacts', done: settled, total: listed });
  await contacts.drain();
  onPhase('collected');
  if (signal?.aborted) throw new WardError('AZURE_ERROR', 'the collection was cancelled');
  return { subscriptions: { body: { value: subscriptions }, source: subscriptionsSource }, securityContacts };
}
