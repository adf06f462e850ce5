/**
 * Turns what @azure/identity, MSAL and the HTTP stack throw into a WardError a person can act on: one line that
 * says what went wrong where, and a hint that names the setting to fix. Sign-in failures (Microsoft Entra's
 * AADSTS codes, an authority that cannot be reached or is not trusted) and ARM transport failures (connection
 * refused, DNS, TLS) are recognised; anything else still gets a clean one-line message.
 *
 * Pure: the authority probe (one metadata request, made only when MSAL hides why the authority failed) is done by
 * the caller and passed in. Known secrets, bearer tokens and JWTs are removed from every message built here.
 */
import { WardError } from '../../core/errors.js';

/** What a sign-in was attempting, for the message and the hint. No secret is ever printed from here. */
export interface SignInContext {
  /** The authority's origin, e.g. `https://login.microsoftonline.com`. */
  readonly authorityHost: string;
  readonly tenantId?: string;
  readonly clientId?: string;
  /** `client-secret`: a service principal from AZURE_CLIENT_ID / AZURE_CLIENT_SECRET; `default`: DefaultAzureCredential. */
  readonly credential: 'client-secret' | 'default';
  /** Values that must never appear in a message (the client secret). */
  readonly secrets?: readonly string[];
}

/** What a GET of the tenant's OpenID metadata at the authority gave: an HTTP answer, or a transport failure. */
export type AuthorityProbeResult =
  | { readonly kind: 'answered'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'failed'; readonly code: string | undefined; readonly message: string };

export interface NetworkProblem {
  /** Short and lower case: `connection refused`, `its TLS certificate is self-signed`. */
  readonly description: string;
  /** A certificate problem: the fix is a trusted CA, not the network. */
  readonly tls: boolean;
}

const NETWORK_PROBLEMS: Readonly<Record<string, NetworkProblem>> = {
  ECONNREFUSED: { description: 'connection refused', tls: false },
  ENOTFOUND: { description: 'the host name does not resolve (DNS)', tls: false },
  EAI_AGAIN: { description: 'the DNS lookup failed (temporary failure in name resolution)', tls: false },
  ETIMEDOUT: { description: 'no answer in time', tls: false },
  ESOCKETTIMEDOUT: { description: 'no answer in time', tls: false },
  UND_ERR_CONNECT_TIMEOUT: { description: 'no answer in time', tls: false },
  ECONNRESET: { description: 'the connection was reset', tls: false },
  EPIPE: { description: 'the connection was closed', tls: false },
  EHOSTUNREACH: { description: 'the host is unreachable', tls: false },
  ENETUNREACH: { description: 'the network is unreachable', tls: false },
  EPROTO: { description: 'the TLS handshake failed (is it plain HTTP on that port?)', tls: false },
  ERR_SSL_WRONG_VERSION_NUMBER: { description: 'the TLS handshake failed (is it plain HTTP on that port?)', tls: false },
  DEPTH_ZERO_SELF_SIGNED_CERT: { description: 'its TLS certificate is self-signed and not trusted', tls: true },
  SELF_SIGNED_CERT_IN_CHAIN: { description: 'its TLS certificate chain ends in a self-signed CA that is not trusted', tls: true },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { description: 'its TLS certificate is signed by a CA that is not trusted', tls: true },
  UNABLE_TO_GET_ISSUER_CERT: { description: 'its TLS certificate is signed by a CA that is not trusted', tls: true },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { description: 'its TLS certificate is signed by a CA that is not trusted', tls: true },
  CERT_HAS_EXPIRED: { description: 'its TLS certificate has expired', tls: true },
  CERT_NOT_YET_VALID: { description: 'its TLS certificate is not valid yet (check the clock)', tls: true },
  ERR_TLS_CERT_ALTNAME_INVALID: { description: 'its TLS certificate does not name this host', tls: true },
};

/** The problem a Node network error code stands for, when it is one. */
export function networkProblemOf(code: string | undefined): NetworkProblem | undefined {
  return code === undefined ? undefined : NETWORK_PROBLEMS[code];
}

const CA_HINT = 'if a TLS-inspecting proxy, a private CA or `ward emulator` signs it, point NODE_EXTRA_CA_CERTS at that CA certificate (PEM) before starting ward';
const PROXY_HINT = 'check the network and the proxy (HTTPS_PROXY, NO_PROXY)';

function lowerFirst(text: string): string {
  return text.length > 1 && /^[A-Z][a-z]/.test(text) ? `${text[0]!.toLowerCase()}${text.slice(1)}` : text;
}

/** One line, at most `max` characters, without credentials. */
export function scrubMessage(text: string, secrets: readonly string[] = [], max = 300): string {
  let clean = text;
  for (const secret of secrets) if (secret.length >= 4) clean = clean.split(secret).join('[redacted]');
  clean = clean
    .replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]')
    .replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted-token]')
    .replace(/(client_secret|client_assertion|access_token|refresh_token|assertion|code)=[^&\s]+/gi, '$1=[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function messagesOf(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return [String(error)];
  const own = typeof (error as Error).message === 'string' ? [(error as Error).message] : [];
  const inner = (error as { errors?: unknown }).errors;
  return Array.isArray(inner) ? [...own, ...inner.flatMap(messagesOf)] : own;
}

/** The first AADSTS error in an error's messages (or an Entra error body): its number and description. */
function entraErrorOf(texts: readonly string[]): { readonly code: number; readonly description: string } | undefined {
  for (const text of texts) {
    const match = /AADSTS(\d{5,8}):?\s*(.*?)(?=\s+Trace ID:|\s+Correlation ID:|\s+Timestamp:|\r?\n|$)/s.exec(text);
    if (match) return { code: Number(match[1]), description: (match[2] ?? '').trim() };
  }
  return undefined;
}

function entraErrorOfBody(body: unknown): { readonly code: number; readonly description: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { error_description: description, error_codes: codes } = body as { error_description?: unknown; error_codes?: unknown };
  const fromText = typeof description === 'string' ? entraErrorOf([description]) : undefined;
  if (fromText) return fromText;
  const first = Array.isArray(codes) ? codes[0] : undefined;
  return typeof first === 'number' ? { code: first, description: '' } : undefined;
}

/**
 * Whether MSAL hid the reason the authority failed (`endpoints_resolution_error`, and for a service principal
 * `network_error`): then a probe of the authority tells a refused connection, a DNS failure, an untrusted
 * certificate and an unknown tenant apart. (In DefaultAzureCredential's chain a `network_error` is the managed
 * identity endpoint that is not there, which says nothing about the authority.)
 */
export function needsAuthorityProbe(error: unknown, credential: SignInContext['credential'] = 'client-secret'): boolean {
  const texts = messagesOf(error);
  if (entraErrorOf(texts)) return false;
  const hidden = credential === 'client-secret' ? /\b(endpoints_resolution_error|openid_config_error|network_error)\b/ : /\b(endpoints_resolution_error|openid_config_error)\b/;
  return texts.some((text) => hidden.test(text));
}

function who(context: SignInContext): string {
  return context.clientId ? `application ${context.clientId}` : 'the application';
}

function tenantOf(context: SignInContext): string {
  return context.tenantId ?? 'organizations';
}

const TENANT_HINT =
  'check AZURE_TENANT_ID or --tenant (the directory (tenant) id, or one of its verified domains), and that --cloud or AZURE_AUTHORITY_HOST is that tenant\'s cloud';

/** Microsoft Entra refused the sign-in with an AADSTS code: what it means, and what to change. */
function entraRefusal(entra: { readonly code: number; readonly description: string }, context: SignInContext, cause: unknown): WardError {
  const tag = `AADSTS${entra.code}`;
  const app = who(context);
  const id = context.clientId ?? '<application id>';
  const explained = (message: string, hint: string): WardError => new WardError('AZURE_ERROR', scrubMessage(message, context.secrets, 400), { hint, cause });
  switch (entra.code) {
    case 7000215:
      return explained(
        `Microsoft Entra ID refused the client secret of ${app} (${tag}: invalid client secret)`,
        `AZURE_CLIENT_SECRET is wrong or has expired: set it to the secret's Value (not its Secret ID) from the app registration's Certificates & secrets, or create a new one: az ad app credential reset --id ${id} --append`,
      );
    case 7000222:
      return explained(
        `the client secret of ${app} has expired (${tag})`,
        `create a new client secret (az ad app credential reset --id ${id} --append) and set AZURE_CLIENT_SECRET to its value`,
      );
    case 700016:
      return explained(
        `${app} was not found in tenant ${tenantOf(context)} (${tag}: unknown application)`,
        'check AZURE_CLIENT_ID (the application (client) id, not the object id) and AZURE_TENANT_ID or --tenant: the service principal must exist in that tenant',
      );
    case 90002:
      return explained(`tenant ${tenantOf(context)} was not found at ${context.authorityHost} (${tag}: unknown tenant)`, TENANT_HINT);
    case 900023:
      return explained(`${JSON.stringify(tenantOf(context))} is not a tenant id or domain (${tag}: invalid tenant identifier)`, TENANT_HINT);
    case 7000112:
      return explained(`${app} is disabled in tenant ${tenantOf(context)} (${tag})`, 'ask a tenant administrator to enable the application (Enterprise applications → Properties)');
    case 700024:
      return explained(
        `the workload identity token of ${app} is expired or not valid yet (${tag})`,
        'check the token in AZURE_FEDERATED_TOKEN_FILE is fresh (it is rotated by the platform) and the machine clock',
      );
    case 70021:
      return explained(
        `no federated credential of ${app} matches the workload identity token (${tag})`,
        'check the issuer, subject and audience of the app registration\'s federated credential against the token the platform issues',
      );
    case 500011:
      return explained(
        `tenant ${tenantOf(context)} does not know the resource ward asked a token for (${tag})`,
        'check WARD_ARM_ENDPOINT and --cloud: the token is requested for the ARM endpoint of that cloud',
      );
    case 53003:
      return explained(`a Conditional Access policy blocked the sign-in of ${app} (${tag})`, 'ask a tenant administrator which policy applies to the service principal (Sign-in logs)');
    default: {
      const detail = entra.description ? `: ${lowerFirst(entra.description)}` : '';
      return explained(
        `Microsoft Entra ID refused the sign-in of ${app} (${tag}${detail})`,
        `see https://login.microsoftonline.com/error?code=${entra.code}; check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET`,
      );
    }
  }
}

function unreachableAuthority(problem: NetworkProblem, code: string | undefined, context: SignInContext, cause: unknown): WardError {
  const tag = code ? ` (${code})` : '';
  const hint = problem.tls
    ? `${CA_HINT}; check AZURE_AUTHORITY_HOST (now ${context.authorityHost})`
    : `${PROXY_HINT}, and AZURE_AUTHORITY_HOST (now ${context.authorityHost}; unset it to use the authority of --cloud)`;
  const verb = problem.tls ? 'cannot trust the Microsoft Entra sign-in endpoint' : 'cannot reach the Microsoft Entra sign-in endpoint';
  return new WardError('AZURE_ERROR', `${verb} ${context.authorityHost}: ${problem.description}${tag}`, { hint, cause });
}

const SIGN_IN_HINT = 'sign in with `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal';

/**
 * The WardError for a failed sign-in. `probe` is what a GET of the tenant's metadata at the authority gave, when
 * `needsAuthorityProbe(error)` asked for one.
 */
export function explainSignInFailure(error: unknown, context: SignInContext, probe?: AuthorityProbeResult): WardError {
  const texts = messagesOf(error);
  const entra = entraErrorOf(texts) ?? (probe?.kind === 'answered' ? entraErrorOfBody(probe.body) : undefined);
  if (entra) return entraRefusal(entra, context, error);
  const failure = (message: string, hint: string): WardError => new WardError('AZURE_ERROR', message, { hint, cause: error });
  if (probe?.kind === 'failed') {
    const problem = networkProblemOf(probe.code) ?? { description: lowerFirst(scrubMessage(probe.message, context.secrets, 160)), tls: /certificate/i.test(probe.message) };
    return unreachableAuthority(problem, probe.code, context, error);
  }
  const metadata = `the sign-in metadata of tenant ${tenantOf(context)} at ${context.authorityHost}`;
  if (probe?.kind === 'answered' && (probe.status < 200 || probe.status >= 300)) {
    return failure(
      `the Microsoft Entra sign-in endpoint ${context.authorityHost} answered HTTP ${probe.status} for ${metadata.replace('the sign-in metadata', 'the metadata')}`,
      `check AZURE_AUTHORITY_HOST (now ${context.authorityHost}) and AZURE_TENANT_ID or --tenant; ${PROXY_HINT}`,
    );
  }
  if (probe?.kind === 'answered') {
    return failure(`could not read ${metadata} (it answers now): the sign-in failed on the way`, `${PROXY_HINT}, and retry; check AZURE_AUTHORITY_HOST (now ${context.authorityHost})`);
  }
  // DefaultAzureCredential: an AggregateAuthenticationError holds one error per credential of its chain
  const chain: unknown[] = Array.isArray((error as { errors?: unknown })?.errors) ? (error as { errors: unknown[] }).errors : [error];
  const tried = chain.find((inner) => (inner as Error)?.name !== 'CredentialUnavailableError');
  if (context.credential === 'default' && tried === undefined) {
    return failure(
      'no Azure credential is available: DefaultAzureCredential found no environment service principal, workload identity, managed identity or signed-in Azure CLI, PowerShell or Developer CLI',
      SIGN_IN_HINT,
    );
  }
  const detail = messagesOf(tried ?? error)[0] ?? String(error);
  return failure(
    `could not get an access token from ${context.authorityHost}: ${scrubMessage(detail, context.secrets, 240)}`,
    context.credential === 'client-secret' ? 'check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, and AZURE_AUTHORITY_HOST' : SIGN_IN_HINT,
  );
}

/**
 * The WardError for an ARM request that got no answer (a RestError without a response): names the endpoint and
 * the problem. Undefined for anything that is not such a failure (a bug keeps its stack).
 */
export function explainArmRequestFailure(error: unknown, context: { readonly armEndpoint: string; readonly what: string }): WardError | undefined {
  if (typeof error !== 'object' || error === null || (error as Error).name !== 'RestError') return undefined;
  const { code, message, attempts } = error as { code?: string; message: string; attempts?: number };
  const after = attempts !== undefined && attempts > 1 ? ` (after ${attempts} attempts)` : '';
  const problem = networkProblemOf(code);
  if (problem) {
    const verb = problem.tls ? 'cannot trust Azure Resource Manager at' : 'cannot reach Azure Resource Manager at';
    return new WardError('AZURE_ERROR', `${context.what}: ${verb} ${context.armEndpoint}: ${problem.description} (${code})${after}`, {
      hint: problem.tls ? `${CA_HINT}; check WARD_ARM_ENDPOINT and --cloud` : `${PROXY_HINT}, WARD_ARM_ENDPOINT and --cloud, then retry`,
      cause: error,
    });
  }
  return new WardError('AZURE_ERROR', `${context.what}: ${code ? `${code}: ` : ''}${scrubMessage(message)}${after}`, {
    hint: `${PROXY_HINT}, WARD_ARM_ENDPOINT and --cloud, then retry`,
    cause: error,
  });
}
