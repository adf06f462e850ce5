/**
 * GET requests to Azure Resource Manager through @azure/core-rest-pipeline: bearer token policy, a timeout per
 * attempt, retries with exponential backoff and jitter on 5xx, 408, connection resets, timeouts and bodies that
 * are not JSON (truncated), 429 honoured through Retry-After, keep-alive connections, and optional extra trusted
 * CAs for in-process clients of the emulator (NODE_EXTRA_CA_CERTS is read only at process start).
 */
import type { TokenCredential } from '@azure/identity';
import {
  RestError,
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  decompressResponsePolicy,
  proxyPolicy,
  agentPolicy,
  retryPolicy,
  setClientRequestIdPolicy,
  userAgentPolicy,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
  type RetryStrategy,
} from '@azure/core-rest-pipeline';
import { STATUS_CODES } from 'node:http';
import type { Agent } from 'node:https';
import { createTrustedAgent } from './trusted-agent.js';

export interface ArmClientOptions {
  readonly credential: TokenCredential;
  /** `https://management.azure.com` or the emulator's URL. */
  readonly armEndpoint: string;
  readonly scope: string;
  /** Extra trusted CA certificates (PEM), added to Node's built-in roots. */
  readonly ca?: string | readonly string[];
  /** Per attempt, headers and body (default 30 s). */
  readonly timeoutMs?: number;
  /** Retries after the first attempt (default 4). */
  readonly maxRetries?: number;
  /** First backoff delay (default 800 ms), doubled per retry with ±20 % jitter, capped at maxRetryDelayMs (default 30 s). */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /** Longest Retry-After honoured (default 120 s). */
  readonly maxRetryAfterMs?: number;
}

export interface ArmGetResult {
  readonly url: string;
  readonly status: number;
  /**
   * The parsed body; undefined when there was none or it was not JSON (then `parseError` says why). A failed answer
   * (not 2xx) always has an ARM error body: when ARM's was empty or cut short, one is made from what arrived (the
   * code ARM sent, if the cut left it, else the status name) so that the code still explains the failure.
   */
  readonly body: unknown;
  readonly parseError?: string;
  /** Attempts made (1 + retries). */
  readonly attempts: number;
}

export interface ArmClient {
  readonly armEndpoint: string;
  /** The agent trusting the extra CAs, if any (share it with the credential). */
  readonly agent: Agent | undefined;
  /** GET a path (`/subscriptions?api-version=…`) or an absolute URL on the ARM endpoint (a nextLink). */
  get(pathOrUrl: string, signal?: AbortSignal): Promise<ArmGetResult>;
  /** Any method, with the same retries, timeouts and token handling (PUT and DELETE are idempotent in ARM). */
  send(method: 'GET' | 'PUT' | 'PATCH' | 'DELETE', pathOrUrl: string, options?: { readonly body?: unknown; readonly signal?: AbortSignal }): Promise<ArmGetResult>;
}

function parseRetryAfterMs(response: PipelineResponse | undefined): number | undefined {
  if (!response) return undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(response.headers.get(name));
    if (response.headers.has(name) && Number.isFinite(value) && value >= 0) return value;
  }
  const header = response.headers.get('retry-after');
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

type ParsedBody = { readonly body: unknown } | { readonly parseError: string };

/** Each 2xx body is parsed once: by the retry strategy (is it whole JSON?), and the result reused by `send`. */
const parsedBodies = new WeakMap<PipelineResponse, ParsedBody>();

function parseBody(response: PipelineResponse): ParsedBody {
  let parsed = parsedBodies.get(response);
  if (parsed === undefined) {
    const text = response.bodyAsText ?? '';
    try {
      parsed = { body: text === '' ? undefined : (JSON.parse(text) as unknown) };
    } catch (error) {
      parsed = { parseError: (error as Error).message };
    }
    parsedBodies.set(response, parsed);
  }
  return parsed;
}

/**
 * The ARM error body of a failed answer whose own body is empty or not JSON (cut short, an HTML page from a
 * proxy): the code and message ARM began to send when they survived the cut, else the status name.
 */
export function errorBodyOfUnreadableAnswer(status: number, text: string, parseError: string | undefined): { error: { code: string; message: string } } {
  const start = /^\s*\{\s*"error"\s*:\s*\{\s*"code"\s*:\s*"([A-Za-z][A-Za-z0-9._-]{0,99})"(?:\s*,\s*"message"\s*:\s*"((?:[^"\\]|\\.){0,2000}))?/.exec(text);
  const reason = (STATUS_CODES[status] ?? '').replace(/[^A-Za-z0-9]/g, '');
  const code = start?.[1] ?? (reason || `HttpStatus${status}`);
  let partial = start?.[2] ?? '';
  try {
    partial = JSON.parse(`"${partial.replace(/\\(u[0-9a-fA-F]{0,3})?$/, '')}"`) as string;
  } catch {
    // keep the raw characters
  }
  const whole = start !== null && text[start.index + start[0].length] === '"';
  const what = text === '' ? 'an empty body' : `a body that is not JSON (cut short?${parseError ? `: ${parseError}` : ''})`;
  return { error: { code, message: `${partial ? `${partial}${whole ? '' : '…'} ` : ''}[ARM answered HTTP ${status} with ${what}]` } };
}

function isJson(response: PipelineResponse): boolean {
  return !('parseError' in parseBody(response));
}

/** 429 (and 503) with Retry-After: wait what ARM asks, never longer than the cap. */
function retryAfterStrategy(maxRetryAfterMs: number): RetryStrategy {
  return {
    name: 'wardRetryAfter',
    retry({ response }) {
      if (!response || (response.status !== 429 && response.status !== 503)) return { skipStrategy: true };
      const wait = parseRetryAfterMs(response);
      if (wait === undefined) return { skipStrategy: true };
      return { retryAfterInMs: Math.min(wait, maxRetryAfterMs) };
    },
  };
}

/** Transport errors, timeouts, 408/429/5xx without Retry-After, and 2xx bodies that are not JSON. */
function transientStrategy(baseMs: number, maxMs: number): RetryStrategy {
  return {
    name: 'wardTransient',
    retry({ retryCount, response, responseError }) {
      const transient =
        (responseError !== undefined && response === undefined) ||
        (response !== undefined &&
          (response.status === 408 ||
            response.status === 429 ||
            (response.status >= 500 && response.status !== 501 && response.status !== 505) ||
            (response.status >= 200 && response.status < 300 && !isJson(response))));
      if (!transient) return { skipStrategy: true };
      const exponential = Math.min(maxMs, baseMs * 2 ** retryCount);
      return { retryAfterInMs: Math.round(exponential * (0.8 + Math.random() * 0.4)) };
    },
  };
}

/** Aborts an attempt that has not completed (headers and body) in time; the error is retryable (ETIMEDOUT). */
function attemptTimeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: 'wardAttemptTimeout',
    async sendRequest(request, next) {
      const outer = request.abortSignal;
      const controller = new AbortController();
      const forward = (): void => controller.abort();
      outer?.addEventListener('abort', forward);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      request.abortSignal = controller.signal;
      try {
        return await next(request);
      } catch (error) {
        if (timedOut) throw new RestError(`no complete answer within ${timeoutMs} ms`, { code: 'ETIMEDOUT' });
        throw error;
      } finally {
        clearTimeout(timer);
        outer?.removeEventListener('abort', forward);
        request.abortSignal = outer;
      }
    },
  };
}

export function createArmClient(options: ArmClientOptions): ArmClient {
  const armEndpoint = options.armEndpoint.replace(/\/+$/, '');
  const origin = new URL(armEndpoint).origin;
  const maxRetries = options.maxRetries ?? 4;
  const agent = options.ca === undefined ? undefined : createTrustedAgent(options.ca);
  const pipeline = createEmptyPipeline();
  if (agent) pipeline.addPolicy(agentPolicy(agent));
  pipeline.addPolicy(proxyPolicy());
  pipeline.addPolicy(decompressResponsePolicy());
  pipeline.addPolicy(userAgentPolicy({ userAgentPrefix: 'ward/0.1.0' }));
  pipeline.addPolicy(setClientRequestIdPolicy());
  pipeline.addPolicy(
    retryPolicy(
      [
        retryAfterStrategy(options.maxRetryAfterMs ?? 120_000),
        transientStrategy(options.retryDelayMs ?? 800, options.maxRetryDelayMs ?? 30_000),
      ],
      { maxRetries },
    ),
    { phase: 'Retry' },
  );
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: options.credential, scopes: options.scope }), { phase: 'Sign' });
  pipeline.addPolicy(attemptTimeoutPolicy(options.timeoutMs ?? 30_000), { afterPhase: 'Sign' });
  const attemptsByRequest = new WeakMap<PipelineRequest, number>();
  pipeline.addPolicy(
    {
      name: 'wardCountAttempts',
      sendRequest: (request, next) => {
        attemptsByRequest.set(request, (attemptsByRequest.get(request) ?? 0) + 1);
        return next(request);
      },
    },
    { afterPhase: 'Retry' },
  );
  const httpClient = createDefaultHttpClient();

  const send: ArmClient['send'] = async (method, pathOrUrl, sendOptions = {}) => {
    const url = /^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : `${armEndpoint}${pathOrUrl}`;
    if (new URL(url).origin !== origin) {
      // a nextLink elsewhere would receive our bearer token: refuse it
      throw new RestError(`refusing to follow a link off the ARM endpoint (${new URL(url).origin})`, { code: 'UnexpectedNextLink' });
    }
    const hasBody = sendOptions.body !== undefined;
    const request = createPipelineRequest({
      url,
      method,
      headers: createHttpHeaders({ accept: 'application/json', ...(hasBody ? { 'content-type': 'application/json' } : {}) }),
      ...(hasBody ? { body: JSON.stringify(sendOptions.body) } : {}),
      ...(sendOptions.signal === undefined ? {} : { abortSignal: sendOptions.signal }),
    });
    let response: PipelineResponse;
    try {
      response = await pipeline.sendRequest(httpClient, request);
    } catch (error) {
      if (error instanceof RestError) (error as RestError & { attempts?: number }).attempts = attemptsByRequest.get(request) ?? 0;
      throw error;
    }
    const attempts = attemptsByRequest.get(request) ?? 1;
    const parsed = parseBody(response);
    const failed = response.status < 200 || response.status >= 300;
    if ('parseError' in parsed) {
      const body = failed ? errorBodyOfUnreadableAnswer(response.status, response.bodyAsText ?? '', parsed.parseError) : undefined;
      return { url, status: response.status, body, parseError: parsed.parseError, attempts };
    }
    if (failed && parsed.body === undefined) return { url, status: response.status, body: errorBodyOfUnreadableAnswer(response.status, '', undefined), attempts };
    return { url, status: response.status, body: parsed.body, attempts };
  };

  return {
    armEndpoint,
    agent,
    send,
    get: (pathOrUrl, signal) => send('GET', pathOrUrl, signal === undefined ? {} : { signal }),
  };
}
