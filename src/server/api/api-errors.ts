/**
 * What an API error may say. ward's own errors of user-facing codes keep their message, with the code, hint and
 * field in `extensions`; a STORE_ERROR (its message embeds the database's, which may quote SQL) and anything
 * unexpected become a generic line: no SQL, no stack, no path of the server's disk reaches a client.
 */
import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { isWardError } from '../../core/errors.js';

/** Codes whose message and hint are written for the person asking (and never hold secrets or SQL). */
export const PUBLIC_ERROR_CODES: ReadonlySet<string> = new Set([
  'QUERY_INVALID',
  'EXCEPTION_INVALID',
  'NOT_FOUND',
  'USAGE',
  'SCAN_BUSY',
  'FORBIDDEN',
  'REMEDIATION_INVALID',
]);

export const STORE_ERROR_MESSAGE = 'the store could not answer this request; the server keeps running, try again or check the store';

export function maskApiError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (isWardError(original)) {
    const where = error instanceof GraphQLError ? { nodes: error.nodes ?? null, path: error.path ?? null } : {};
    if (PUBLIC_ERROR_CODES.has(original.code)) {
      const field = original.location?.field;
      return new GraphQLError(original.message, {
        ...where,
        extensions: { code: original.code, ...(original.hint ? { hint: original.hint } : {}), ...(field ? { field } : {}) },
      });
    }
    if (original.code === 'STORE_ERROR') return new GraphQLError(STORE_ERROR_MESSAGE, { ...where, extensions: { code: 'STORE_ERROR' } });
  }
  // graphql-yoga's own masking: GraphQL's errors (syntax, validation, limits) as they are, the rest a generic line
  return yogaMaskError(error, message, false);
}
