/** ARM's error envelope and the HTTP status ARM answers with for the codes the emulator serves. */
export interface ArmErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

export function armError(code: string, message: string): ArmErrorBody {
  return { error: { code, message } };
}

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  AuthorizationFailed: 403,
  LinkedAuthorizationFailed: 403,
  InvalidAuthenticationToken: 401,
  AuthenticationFailed: 401,
  ExpiredAuthenticationToken: 401,
  SubscriptionNotFound: 404,
  ResourceNotFound: 404,
  NotFound: 404,
  NoRegisteredProviderFound: 400,
  InvalidApiVersionParameter: 400,
  InvalidRequestContent: 400,
  BadRequest: 400,
  TooManyRequests: 429,
  ServiceUnavailable: 503,
  GatewayTimeout: 504,
};

/** The status a captured error body is served with; unknown codes are served as 500 (a server-side failure). */
export function statusForArmErrorCode(code: string): number {
  return STATUS_BY_CODE[code] ?? 500;
}

/** `{"error": {"code": string, "message": string}}`, the only shape ward records for a failed read. */
export function isArmErrorBody(body: unknown): body is ArmErrorBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}
