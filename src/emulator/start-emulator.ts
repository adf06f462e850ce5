/**
 * The local ARM emulator: an HTTPS server answering as Azure Resource Manager and as the Microsoft identity
 * platform's token endpoint do, so that the real collector (@azure/identity + @azure/core-rest-pipeline) runs
 * against it unchanged. Used by `ward emulator`, the demo, the tests and the benchmarks.
 *
 * Secrets: the client secret and the access tokens it issues are never logged, never put in an error body.
 */
import { formatEnvFileLine, replaceFile } from './env-file.js';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WardError } from '../core/errors.js';
import type { Capture } from '../core/inventory/capture.js';
import { armError } from './arm-error.js';
import { handleArmRequest, type ArmResponse } from './arm-routes.js';
import { createEmulatorState, type EmulatorState, type ManagementGroup } from './emulator-state.js';
import { createFaultInjector, type FaultKind, type ScriptedFault } from './fault-injector.js';
import { loadCaptureDir } from './load-capture-dir.js';
import { syntheticTenant } from './synthetic-tenant.js';
import { generateTlsCertificate } from './tls-certificate.js';
import { createTokenBuckets, type TokenBuckets } from './token-bucket.js';

export interface EmulatorOptions {
  /** What to serve: a capture in memory, a capture directory, or a synthetic tenant of N subscriptions. */
  readonly capture?: Capture;
  readonly captureDir?: string;
  readonly synthetic?: number;
  /** Seed of the synthetic tenant and of the fault injector (default 1). */
  readonly seed?: number;
  readonly managementGroups?: readonly ManagementGroup[];
  /** Default 127.0.0.1 and a free port. */
  readonly host?: string;
  readonly port?: number;
  /** Items per page of subscriptions and descendants (default 100). */
  readonly pageSize?: number;
  /** Added to every ARM answer. */
  readonly latencyMs?: number;
  /** Per-subscription token buckets, ARM style (429 with Retry-After). `true`: 20 requests burst, 10/s. */
  readonly throttle?: boolean | { readonly capacity: number; readonly refillPerSecond: number };
  /** Probability of a fault on an ARM request: 5xx, connection reset, slow answer or truncated body. */
  readonly faultRate?: number;
  readonly faultKinds?: readonly FaultKind[];
  /** Deterministic faults for tests: the first N requests whose path contains a text fail this way. */
  readonly scriptedFaults?: readonly ScriptedFault[];
  /** How long a `slow` fault delays its answer (default 5000 ms). */
  readonly slowMs?: number;
  /** Service principal the token endpoint accepts (defaults: a random client id and secret). */
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** A secret the application once had that has expired: the token endpoint refuses it with AADSTS7000222. */
  readonly expiredClientSecret?: string;
  readonly tenantId?: string;
  readonly tokenLifetimeSeconds?: number;
  /**
   * Written once listening: NAME=value lines for `set -a; . FILE; set +a`. Mode 0600 (it holds the secret), written
   * beside the path and renamed over it: an existing file is replaced, a symlink there is never followed.
   */
  readonly envFile?: string;
  /** Where the CA certificate PEM is written (default: a temporary directory removed on close). */
  readonly caFile?: string;
  /** One line per request (method, path, status, time). Never receives a token or a secret. */
  readonly log?: (line: string) => void;
}

export interface RunningEmulator {
  /** `https://127.0.0.1:<port>`: the ARM endpoint and the authority host. */
  readonly url: string;
  /** The certificate clients must trust (pass as `ca`, or point NODE_EXTRA_CA_CERTS at caFile). */
  readonly caPem: string;
  readonly caFile: string;
  readonly credentials: { readonly tenantId: string; readonly clientId: string; readonly clientSecret: string };
  /** AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST, NODE_EXTRA_CA_CERTS, WARD_ARM_ENDPOINT. */
  readonly envFileLines: readonly string[];
  /** The same variables as an object, to merge into a client's environment in-process. */
  readonly environment: Readonly<Record<string, string>>;
  readonly state: EmulatorState;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

async function resolveCapture(options: EmulatorOptions): Promise<Capture> {
  const sources = [options.capture, options.captureDir, options.synthetic].filter((source) => source !== undefined);
  if (sources.length !== 1) {
    throw new WardError('USAGE', 'the emulator serves exactly one of: a capture directory or a synthetic tenant', {
      hint: 'pass --capture DIR or --synthetic N',
    });
  }
  if (options.capture) return options.capture;
  if (options.captureDir !== undefined) return loadCaptureDir(options.captureDir);
  const count = options.synthetic ?? 0;
  if (!Number.isInteger(count) || count < 0) throw new WardError('USAGE', `--synthetic must be a whole number, got ${count}`);
  return syntheticTenant({ subscriptions: count, seed: options.seed ?? 1 }).capture;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Compares secrets in constant time (as hashes, so that the lengths do not show either). */
function sameSecret(given: string | null, expected: string | undefined): boolean {
  if (given === null || expected === undefined) return false;
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** What the request log shows of a query string: never a credential someone put in the URL. */
function redactQuery(search: string): string {
  return search.replace(/([?&](?:client_secret|client_assertion|access_token|refresh_token|code|assertion)=)[^&]*/gi, '$1[redacted]');
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'content-length': Buffer.byteLength(text),
    'x-ms-request-id': randomUUID(),
    'cache-control': 'no-cache',
    ...headers,
  });
  response.end(text);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const capture = await resolveCapture(options);
  const state = createEmulatorState(capture, {
    ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
    ...(options.managementGroups === undefined ? {} : { managementGroups: options.managementGroups }),
  });
  const credentials = {
    tenantId: state.tenantId,
    clientId: options.clientId ?? randomUUID(),
    clientSecret: options.clientSecret ?? randomBytes(24).toString('base64url'),
  };
  const certificate = await generateTlsCertificate();
  const tokens = new Map<string, number>();
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  const pageSize = options.pageSize ?? 100;
  const log = options.log ?? (() => undefined);
  const faults = createFaultInjector({
    rate: options.faultRate ?? 0,
    seed: options.seed ?? 1,
    ...(options.faultKinds === undefined ? {} : { kinds: options.faultKinds }),
    ...(options.scriptedFaults === undefined ? {} : { scripted: options.scriptedFaults }),
  });
  const throttle: TokenBuckets | null = options.throttle
    ? createTokenBuckets(options.throttle === true ? { capacity: 20, refillPerSecond: 10 } : options.throttle)
    : null;
  const started = Date.now();
  let baseUrl = '';

  const openIdConfiguration = (tenant: string): unknown => ({
    token_endpoint: `${baseUrl}/${tenant}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${baseUrl}/${tenant}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${baseUrl}/${tenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${baseUrl}/oidc/userinfo`,
    authorization_endpoint: `${baseUrl}/${tenant}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${baseUrl}/${tenant}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${baseUrl}/${tenant}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
    kerberos_endpoint: `${baseUrl}/${tenant}/kerberos`,
    tenant_region_scope: null,
    cloud_instance_name: 'ward-emulator',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: baseUrl,
  });

  /** Microsoft Entra's error answer: the OAuth error, AADSTS code and description, trace and correlation ids. */
  const identityError = (response: ServerResponse, status: number, code: string, aadsts: number, description: string): void =>
    sendJson(response, status, {
      error: code,
      error_description: `AADSTS${aadsts}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
      error_codes: [aadsts],
      timestamp: new Date().toISOString(),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
      error_uri: `${baseUrl}/error?code=${aadsts}`,
    });

  /** The emulator's own tenant, and the multi-tenant aliases; any other tenant is unknown, as in Entra. */
  const knownTenant = (tenant: string): boolean => ['common', 'organizations', state.tenantId.toLowerCase()].includes(tenant.toLowerCase());

  /** AADSTS90002 (a well-formed tenant that does not exist here) or AADSTS900023 (not a tenant id or domain). */
  const unknownTenant = (response: ServerResponse, tenant: string): void => {
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenant) || /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(tenant)) {
      identityError(
        response,
        400,
        'invalid_tenant',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    } else {
      identityError(response, 400, 'invalid_tenant', 900023, `Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`);
    }
  };

  async function handleIdentity(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    const parts = url.pathname.split('/').filter(Boolean);
    const tenant = parts[0] ?? '';
    const rest = parts.slice(1).join('/');
    if (request.method === 'GET' && (rest === 'v2.0/.well-known/openid-configuration' || rest === '.well-known/openid-configuration')) {
      if (knownTenant(tenant)) sendJson(response, 200, openIdConfiguration(tenant));
      else unknownTenant(response, tenant);
      return true;
    }
    if (request.method === 'GET' && tenant === 'common' && rest === 'discovery/instance') {
      const host = new URL(baseUrl).host;
      sendJson(response, 200, {
        tenant_discovery_endpoint: `${baseUrl}/${tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      });
      return true;
    }
    if (request.method === 'GET' && rest === 'discovery/v2.0/keys') {
      sendJson(response, 200, { keys: [] });
      return true;
    }
    if (request.method === 'POST' && (rest === 'oauth2/v2.0/token' || rest === 'oauth2/token')) {
      const form = new URLSearchParams(await readBody(request));
      let clientId = form.get('client_id');
      let clientSecret = form.get('client_secret');
      const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '');
      if (basic?.[1]) {
        const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
        clientId = decodeURIComponent(id ?? '');
        clientSecret = decodeURIComponent(secret ?? '');
      }
      // the order Entra checks in: tenant, grant, application, then its secret (a wrong one is a 401 invalid_client)
      if (!knownTenant(tenant)) {
        unknownTenant(response, tenant);
      } else if (form.get('grant_type') !== 'client_credentials') {
        identityError(response, 400, 'unsupported_grant_type', 70003, 'The emulator supports only the client_credentials grant.');
      } else if (clientId !== credentials.clientId) {
        identityError(
          response,
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${clientId ?? ''}' was not found in the directory '${state.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        );
      } else if (sameSecret(clientSecret, options.expiredClientSecret)) {
        identityError(
          response,
          401,
          'invalid_client',
          7000222,
          `The provided client secret keys for app '${credentials.clientId}' are expired. Visit the Azure portal to create new keys for your app.`,
        );
      } else if (!sameSecret(clientSecret, credentials.clientSecret)) {
        identityError(
          response,
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${credentials.clientId}'.`,
        );
      } else if (!form.get('scope')) {
        identityError(response, 400, 'invalid_request', 90014, "The request body must contain the parameter: 'scope'.");
      } else {
        const token = randomBytes(32).toString('base64url');
        tokens.set(token, Date.now() + lifetime * 1000);
        state.stats.tokensIssued += 1;
        sendJson(response, 200, { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token });
      }
      return true;
    }
    return false;
  }

  function authenticate(request: IncomingMessage): ArmResponse | null {
    const header = request.headers.authorization;
    if (!header) {
      return { status: 401, route: 'auth', body: armError('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.") };
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const expires = match?.[1] === undefined ? undefined : tokens.get(match[1]);
    if (expires === undefined) {
      return { status: 401, route: 'auth', body: armError('InvalidAuthenticationToken', 'The access token is invalid.') };
    }
    if (expires < Date.now()) {
      return { status: 401, route: 'auth', body: armError('ExpiredAuthenticationToken', 'The access token expiry UTC time is earlier than current UTC time.') };
    }
    return null;
  }

  async function handleArm(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
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
    arrivals.push(Date.now() - started);
    stats.arrivals.set(url.pathname, arrivals);
    try {
      const bodyText = await readBody(request);
      const unauthenticated = authenticate(request);
      if (unauthenticated) {
        response.setHeader('www-authenticate', `Bearer authorization_uri="${baseUrl}/${state.tenantId}", error="invalid_token"`);
        sendJson(response, unauthenticated.status, unauthenticated.body);
        return;
      }
      if (options.latencyMs) await sleep(options.latencyMs);
      const fault = faults.next(url.pathname);
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
      if (fault === 'slow') await sleep(options.slowMs ?? 5000);
      const answer = handleArmRequest(state, {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        bodyText,
        baseUrl,
        pageSize,
      });
      stats.byRoute.set(`${request.method} ${answer.route}`, (stats.byRoute.get(`${request.method} ${answer.route}`) ?? 0) + 1);
      if (throttle) {
        const taken = throttle.take(answer.subscriptionId ?? `tenant:${state.tenantId}`);
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
  }

  const server: Server = createServer({ cert: certificate.certPem, key: certificate.keyPem }, (request, response) => {
    const began = Date.now();
    const url = new URL(request.url ?? '/', baseUrl);
    response.on('finish', () => log(`${request.method} ${url.pathname}${redactQuery(url.search)} ${response.statusCode} ${Date.now() - began}ms`));
    void (async () => {
      try {
        if (await handleIdentity(request, response, url)) return;
        await handleArm(request, response, url);
      } catch (error) {
        if (!response.headersSent) sendJson(response, 500, armError('InternalServerError', `The emulator failed: ${(error as Error).message}`));
        else response.destroy();
      }
    })();
  });
  const sockets = new Set<Socket>();
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new WardError('EMULATOR_ERROR', `cannot listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 0}: ${error.message}`, { cause: error })),
    );
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `https://${host}:${address.port}`;

  let tempDir: string | undefined;
  let caFile = options.caFile;
  const close = async (): Promise<void> => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
  };
  /** A file the emulator hands out could not be written: stop listening, say which and why. */
  const writeOrStop = async (file: string, what: string, text: string, mode: number): Promise<void> => {
    try {
      await replaceFile(file, text, mode);
    } catch (error) {
      await close();
      throw new WardError('EMULATOR_ERROR', `cannot write ${what} ${file}: ${(error as Error).message}`, {
        hint: 'choose a path in a directory you can write to',
        cause: error,
      });
    }
  };
  if (caFile === undefined) {
    tempDir = await mkdtemp(path.join(tmpdir(), 'ward-emulator-'));
    caFile = path.join(tempDir, 'ca.pem');
  }
  await writeOrStop(caFile, 'the CA certificate', certificate.certPem, 0o644);
  const env: ReadonlyArray<readonly [string, string]> = [
    ['AZURE_TENANT_ID', credentials.tenantId],
    ['AZURE_CLIENT_ID', credentials.clientId],
    ['AZURE_CLIENT_SECRET', credentials.clientSecret],
    ['AZURE_AUTHORITY_HOST', baseUrl],
    ['NODE_EXTRA_CA_CERTS', path.resolve(caFile)],
    ['WARD_ARM_ENDPOINT', baseUrl],
  ];
  const envFileLines = env.map(([name, value]) => formatEnvFileLine(name, value));
  // it holds the client secret: owner-only, even where a file (or a symlink) was there before
  if (options.envFile !== undefined) await writeOrStop(options.envFile, 'the environment file', `${envFileLines.join('\n')}\n`, 0o600);

  return {
    url: baseUrl,
    caPem: certificate.certPem,
    caFile: path.resolve(caFile),
    credentials,
    envFileLines,
    environment: Object.fromEntries(env),
    state,
    close,
  };
}
