/**
 * The one error type ward raises on purpose. Anything else that reaches the CLI is a bug and keeps its
 * stack; a WardError is printed as one line (`ward: <message> (<location>)`, then the hint) and exits 2.
 */
export interface ErrorLocation {
  /** A file path, a URL or another source name. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** A field path inside the source, such as `remediation.console` or `value[2].properties.emails`. */
  readonly field?: string;
}

export type WardErrorCode =
  | 'USAGE'
  | 'CAPTURE_INVALID'
  | 'CONTROL_INVALID'
  | 'QUERY_INVALID'
  | 'STORE_BUSY'
  | 'STORE_ERROR'
  | 'NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'AZURE_ERROR'
  | 'EXCEPTION_INVALID'
  | 'REMEDIATION_INVALID'
  | 'IAC_INVALID'
  | 'EMULATOR_ERROR'
  | 'SCAN_BUSY'
  | 'FORBIDDEN'
  | 'SERVER_ERROR'
  | 'CREDENTIAL_MISSING'
  | 'TEAM_NEEDS_POSTGRES';

export interface WardErrorOptions {
  readonly hint?: string;
  readonly location?: ErrorLocation;
  readonly cause?: unknown;
}

export class WardError extends Error {
  readonly code: WardErrorCode;
  readonly hint: string | undefined;
  readonly location: ErrorLocation | undefined;

  constructor(code: WardErrorCode, message: string, options: WardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WardError';
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
  }
}

export function isWardError(value: unknown): value is WardError {
  return value instanceof WardError;
}

/** `file:line:column field` — the parts that are known, in the order an editor understands. */
export function formatLocation(location: ErrorLocation | undefined): string {
  if (!location) return '';
  let where = location.file ?? '';
  if (location.file && location.line !== undefined) {
    where += `:${location.line}`;
    if (location.column !== undefined) where += `:${location.column}`;
  }
  if (location.field) where += where ? ` (${location.field})` : location.field;
  return where;
}

/** The single line the CLI prints for a known error, followed by its hint when there is one. */
export function formatWardError(error: WardError): string {
  const where = formatLocation(error.location);
  const head = where ? `${where}: ${error.message}` : error.message;
  return error.hint ? `${head}\n  hint: ${error.hint}` : head;
}
