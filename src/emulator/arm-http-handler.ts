/**
 * The HTTPS side of the emulator's ARM endpoint, around the pure routes of arm-routes.ts: request counters, the
 * token-free metadata endpoint, bearer authentication, the body-size limit (413) and the JSON-only writes (415),
 * latency, faults and ARM-style throttling. Authentication comes first, as on ARM: an unauthenticated client
 * learns nothing about the request, and a body past the limit is read off and dropped, then answered with an
 * HTTP error instead of a reset connection.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { armError } from './arm-error.js';
import { handleArmRequest } from './arm-routes.js';
import type { ArmResponse } from './arm-types.js';
import type { EmulatorState } from './emulator-state.js';
import type { FaultInjector } from './fault-injector.js';
import type { IssuedTokens } from './issued-tokens.js';
import { METADATA_PATH, metadataEndpoints } from './metadata-endpoints.js';
import { declaredTooLarge, readRequestBody } from './read-request-body.js';
import { sendJson } from './send-json.js';
import type { TokenBuckets } from './token-bucket.js';

/** ARM refuses request bodies over 4 MiB. */
export const ARM_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export interface ArmHttpContext {
  readonly state: EmulatorState;
  readonly tokens: IssuedTokens;
  readonly faults: FaultInjector;
  readonly throttle: TokenBuckets | null;
  readonly baseUrl: () => string;
  readonly pageSize: number;
  readonly latencyMs?: number;
  readonly slowMs?: number;
  readonly bodyLimitBytes?: number;
  /** Milliseconds since the emulator started, for the arrival times tests read. */
  readonly elapsedMs: () => number;
}

export type ArmHttpHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function authenticate(tokens: IssuedTokens, request: IncomingMessage): ArmResponse | null {
  const header = request.headers.authorization;
  if (!header) {
    return { status: 401, route: 'auth', body: armError('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.") };
  }
  const check = tokens.check(/^Bearer\s+(\S+)$/i.exec(header)?.[1]);
  if (check === 'unknown') return { status: 401, route: 'auth', body: armError('InvalidAuthenticationToken', 'The access token is invalid.') };
  if (check === 'expired') {
    return { status: 401, route: 'auth', body: armError('ExpiredAuthenticationToken', 'The access token expiry UTC time is earlier than current UTC time.') };
  }
  return null;
}

/** ARM takes JSON only: a write whose body is labelled anything else (or not labelled) is a 415. */
function unsupportedMediaType(request: IncomingMessage, bodyText: string): ArmResponse | null {
  if (!['PUT', 'PATCH', 'POST'].includes(request.method ?? '')) return null;
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (contentType === '' && bodyText === '') return null;
  if (contentType === 'application/json' || /^application\/[a-z0-9.+-]*\+json$/.test(contentType)) return null;
  return {
    status: 415,
    route: 'media-type',
    body: armError(
      'UnsupportedMediaType',
      `The content media type '${contentType === '' ? '(none)' : contentType}' is not supported. Only 'application/json' is supported.`,
    ),
  };
}

export function createArmHttpHandler(context: ArmHttpContext): ArmHttpHandler {
  const { state } = context;
  const limit = context.bodyLimitBytes ?? ARM_BODY_LIMIT_BYTES;

  return async function handleArm(request, response, url) {
    if (request.method === 'GET' && METADATA_PATH.test(url.pathname)) {
      const answer = metadataEndpoints(context.baseUrl(), url.searchParams);
      sendJson(response, answer.status, answer.body);
      return;
    }
    const stats = state.stats;
    const isContacts = /\/providers\/microsoft\.security\/securitycontacts/i.test(url.pathname);
    stats.requests += 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    if (isContacts) {
      stats.contactsInFlight += 1;
      stats.maxContactsInFlight = Math.max(stats.maxContactsInFlight, stats.contactsInFlight);
    }
    const arrivals = stats.arrivals.get(url.pathname) ?? [];
    arrivals.push(context.elapsedMs());
    stats.arrivals.set(url.pathname, arrivals);
    try {
      const unauthenticated = authenticate(context.tokens, request);
      if (unauthenticated) {
        // answered before the body is read; the connection closes so that an unread body cannot desync it
        if (declaredTooLarge(request, limit) || request.headers['transfer-encoding'] !== undefined) response.setHeader('connection', 'close');
        response.setHeader('www-authenticate', `Bearer authorization_uri="${context.baseUrl()}/${state.tenantId}", error="invalid_token"`);
        sendJson(response, unauthenticated.status, unauthenticated.body);
        request.resume();
        return;
      }
      const body = await readRequestBody(request, limit);
      if (body.tooLarge) {
        sendJson(
          response,
          413,
          armError('RequestEntityTooLarge', `The request content is ${body.bytes} bytes; ARM accepts at most ${limit} bytes.`),
          { connection: 'close' },
        );
        return;
      }
      const badMediaType = unsupportedMediaType(request, body.text);
      if (badMediaType) {
        sendJson(response, badMediaType.status, badMediaType.body);
        return;
      }
      if (context.latencyMs) await sleep(context.latencyMs);
      const fault = context.faults.next(url.pathname);
      if (fault === 'reset') {
        request.socket.destroy();
        return;
      }
      if (fault === 'server-error') {
        sendJson(response, 503, armError('ServiceUnavailable', 'The service is temporarily unavailable (emulated fault).'));
        return;
      }
      if (fault === 'throttle') {
        sendJson(response, 429, armError('TooManyRequests', 'The request was throttled (emulated fault).'), { 'retry-after': '1' });
        return;
      }
      if (fault === 'slow') await sleep(context.slowMs ?? 5000);
      const answer = handleArmRequest(state, {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        bodyText: body.text,
        baseUrl: context.baseUrl(),
        pageSize: context.pageSize,
      });
      stats.byRoute.set(`${request.method} ${answer.route}`, (stats.byRoute.get(`${request.method} ${answer.route}`) ?? 0) + 1);
      if (context.throttle) {
        const taken = context.throttle.take(answer.subscriptionId ?? `tenant:${state.tenantId}`);
        if (!taken.ok) {
          sendJson(
            response,
            429,
            armError('TooManyRequests', `Number of read requests for subscription exceeded the limit. Please try again after ${taken.retryAfterSeconds} seconds.`),
            { 'retry-after': String(taken.retryAfterSeconds) },
          );
          return;
        }
        response.setHeader('x-ms-ratelimit-remaining-subscription-reads', String(taken.remaining));
      }
      if (fault === 'truncated' && answer.body !== undefined) {
        const text = JSON.stringify(answer.body);
        response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
        response.end(text.slice(0, Math.floor(text.length / 2)));
        return;
      }
      sendJson(response, answer.status, answer.body);
    } finally {
      stats.inFlight -= 1;
      if (isContacts) stats.contactsInFlight -= 1;
    }
  };
}
