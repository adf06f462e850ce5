/**
 * The local ARM emulator: an HTTPS server answering as Azure Resource Manager and as the Microsoft identity
 * platform's token endpoint do, so that real clients (ward's collector, the Azure CLI, the Python SDK, curl) run
 * against it unchanged. Used by `ward emulator`, the demo, the tests and the benchmarks.
 *
 * This module wires the parts together: the identity endpoints (identity-handler.ts), the ARM endpoint's HTTPS
 * layer (arm-http-handler.ts) over the pure route families (arm-routes.ts), the TLS certificate and the env file.
 *
 * Secrets: the client secret and the access tokens it issues are never logged, never put in an error body.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WardError } from '../core/errors.js';
import type { Capture } from '../core/inventory/capture.js';
import { armError } from './arm-error.js';
import { createArmHttpHandler } from './arm-http-handler.js';
import { createEmulatorState, type EmulatorState, type ManagementGroup } from './emulator-state.js';
import { replaceFile } from '../io/replace-file.js';
import { formatEnvFileLine } from './env-file.js';
import { createFaultInjector, type FaultKind, type ScriptedFault } from './fault-injector.js';
import { createIdentityHandler } from './identity-handler.js';
import { createIssuedTokens } from './issued-tokens.js';
import { listenHttps } from './listen-https.js';
import { loadCaptureDir } from './load-capture-dir.js';
import { loadManagementGroups } from './load-management-groups.js';
import { redactQuery } from './redact-query.js';
import { requestUrl } from './request-url.js';
import { sendJson } from './send-json.js';
import { syntheticTenant } from './synthetic-tenant.js';
import { generateTlsCertificate } from './tls-certificate.js';
import { createTokenBuckets } from './token-bucket.js';

export interface EmulatorOptions {
  /** What to serve: a capture in memory, a capture directory, or a synthetic tenant of N subscriptions. */
  readonly capture?: Capture;
  readonly captureDir?: string;
  readonly synthetic?: number;
  /** Seed of the synthetic tenant and of the fault injector (default 1). */
  readonly seed?: number;
  /** The management-group tree (default: `managementGroups.json` of the capture directory, else a tree of its own). */
  readonly managementGroups?: readonly ManagementGroup[];
  /**
   * Replay each captured security-contacts list body exactly as captured, whatever api-version is asked for (a
   * bare array at 2023, 2017 fields at 2020…). Off by default: ARM answers in the shape of the version asked for.
   * For tests of how a client copes with bodies the live service has been seen to send.
   */
  readonly replayCapturedBodies?: boolean;
  /** Default 127.0.0.1 and a free port. */
  readonly host?: string;
  readonly port?: number;
  /** Items per page of subscriptions and descendants (default 100). */
  readonly pageSize?: number;
  /** Added to every ARM answer. */
  readonly latencyMs?: number;
  /** Per-subscription token buckets, ARM style (429 with Retry-After). `true`: 20 requests burst, 10/s. */
  readonly throttle?: boolean | { readonly capacity: number; readonly refillPerSecond: number };
  /** ARM's request-body limit (default 4 MiB): a larger body is answered 413 after authentication. */
  readonly bodyLimitBytes?: number;
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
  /**
   * AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST, WARD_ARM_ENDPOINT, and the CA
   * bundle variables NODE_EXTRA_CA_CERTS (Node), CURL_CA_BUNDLE (curl), REQUESTS_CA_BUNDLE (az, Python) and
   * SSL_CERT_FILE (OpenSSL-based tools), all four naming the emulator's own CA certificate only.
   */
  readonly envFileLines: readonly string[];
  /** The same variables as an object, to merge into a client's environment in-process. */
  readonly environment: Readonly<Record<string, string>>;
  readonly state: EmulatorState;
  close(): Promise<void>;
}

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

/** The variables a client needs: credentials, endpoints, and the emulator's CA for every TLS stack. */
function environmentOf(credentials: RunningEmulator['credentials'], baseUrl: string, caFile: string): ReadonlyArray<readonly [string, string]> {
  const ca = path.resolve(caFile);
  return [
    ['AZURE_TENANT_ID', credentials.tenantId],
    ['AZURE_CLIENT_ID', credentials.clientId],
    ['AZURE_CLIENT_SECRET', credentials.clientSecret],
    ['AZURE_AUTHORITY_HOST', baseUrl],
    ['NODE_EXTRA_CA_CERTS', ca],
    ['CURL_CA_BUNDLE', ca],
    ['REQUESTS_CA_BUNDLE', ca],
    ['SSL_CERT_FILE', ca],
    ['WARD_ARM_ENDPOINT', baseUrl],
  ];
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const capture = await resolveCapture(options);
  const managementGroups = options.managementGroups ?? (options.captureDir === undefined ? undefined : await loadManagementGroups(options.captureDir));
  const state = createEmulatorState(capture, {
    ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
    ...(managementGroups === undefined ? {} : { managementGroups }),
    ...(options.replayCapturedBodies === undefined ? {} : { replayCapturedBodies: options.replayCapturedBodies }),
  });
  const credentials = {
    tenantId: state.tenantId,
    clientId: options.clientId ?? randomUUID(),
    clientSecret: options.clientSecret ?? randomBytes(24).toString('base64url'),
  };
  const certificate = await generateTlsCertificate();
  const tokens = createIssuedTokens(options.tokenLifetimeSeconds ?? 3600);
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  let baseUrl = '';
  const currentBaseUrl = (): string => baseUrl;

  const handleIdentity = createIdentityHandler({
    tenantId: state.tenantId,
    credentials,
    ...(options.expiredClientSecret === undefined ? {} : { expiredClientSecret: options.expiredClientSecret }),
    tokens,
    baseUrl: currentBaseUrl,
    onTokenIssued: () => {
      state.stats.tokensIssued += 1;
    },
  });
  const handleArm = createArmHttpHandler({
    state,
    tokens,
    faults: createFaultInjector({
      rate: options.faultRate ?? 0,
      seed: options.seed ?? 1,
      ...(options.faultKinds === undefined ? {} : { kinds: options.faultKinds }),
      ...(options.scriptedFaults === undefined ? {} : { scripted: options.scriptedFaults }),
    }),
    throttle: options.throttle
      ? createTokenBuckets(options.throttle === true ? { capacity: 20, refillPerSecond: 10 } : options.throttle)
      : null,
    baseUrl: currentBaseUrl,
    pageSize: options.pageSize ?? 100,
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
    ...(options.slowMs === undefined ? {} : { slowMs: options.slowMs }),
    ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
    elapsedMs: () => Date.now() - started,
  });

  const listener = await listenHttps({
    certPem: certificate.certPem,
    keyPem: certificate.keyPem,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    handle: (request, response) => {
      const began = Date.now();
      const url = requestUrl(request.url, baseUrl);
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
    },
  });
  baseUrl = listener.url;

  let tempDir: string | undefined;
  let caFile = options.caFile;
  const close = async (): Promise<void> => {
    await listener.close();
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
  const env = environmentOf(credentials, baseUrl, caFile);
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
