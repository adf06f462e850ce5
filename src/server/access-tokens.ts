/**
 * Who may use `ward serve`. Always a token, as Jupyter does: the server makes one when it starts (printed with the
 * URL, or written to --url-file), and `--tokens-file` adds named tokens with a role. A tokens file holds only
 * SHA-256 digests, never a token, so reading it gives nobody access:
 *
 *   tokens:
 *     - name: alice            # recorded as the actor of every change made with this token
 *       role: admin            # admin: may change exceptions and start scans; viewer: reads only
 *       sha256: 5e884898da28…  # printf %s "$TOKEN" | sha256sum
 *
 * Tokens are compared by their digests in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse } from 'yaml';
import { WardError } from '../core/errors.js';
import { isObject } from '../core/is-object.js';
import type { Principal, Role } from './server-context.js';

export const ROLES: readonly Role[] = ['viewer', 'admin'];

/** A tokens file is a short list; a larger one is a mistake (or an attack on the parser). */
export const TOKENS_FILE_LIMITS = { bytes: 256 * 1024, tokens: 1000, nameLength: 64 } as const;

interface StoredToken {
  readonly principal: Principal;
  readonly digest: Buffer;
}

export interface AccessTokens {
  /** The principal a presented token belongs to, or undefined. */
  verify(token: string): Principal | undefined;
  /** How many tokens are accepted (the generated one included). */
  readonly count: number;
}

export const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** A new random token: 32 bytes, base64url (43 characters, safe in a URL). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The accepted tokens: the generated one (a principal of its own) and those of a tokens file. */
export function accessTokens(generated: { readonly token: string; readonly principal: Principal }, named: readonly StoredToken[] = []): AccessTokens {
  const tokens: StoredToken[] = [{ principal: generated.principal, digest: sha256(generated.token) }, ...named];
  return {
    count: tokens.length,
    verify(token) {
      if (token.length === 0 || token.length > 512) return undefined;
      const digest = sha256(token);
      let found: Principal | undefined;
      // every digest is compared, so the time taken does not say which one matched
      for (const stored of tokens) if (timingSafeEqual(stored.digest, digest) && !found) found = stored.principal;
      return found;
    },
  };
}

/** Parses a tokens file (YAML or JSON); a CONFIG_INVALID WardError naming the entry and field otherwise. */
export function parseTokensFile(text: string, file: string): StoredToken[] {
  const fail = (message: string, field?: string): WardError =>
    new WardError('CONFIG_INVALID', message, {
      location: { file, ...(field ? { field } : {}) },
      hint: 'tokens: [{ name: alice, role: admin|viewer, sha256: <hex digest of the token> }]; printf %s "$TOKEN" | sha256sum gives the digest',
    });
  if (Buffer.byteLength(text) > TOKENS_FILE_LIMITS.bytes) throw fail(`the tokens file is larger than ${TOKENS_FILE_LIMITS.bytes / 1024} KiB`);
  let document: unknown;
  try {
    document = parse(text, { maxAliasCount: 0 });
  } catch (error) {
    throw fail(`the tokens file is not YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  const list = isObject(document) ? document.tokens : undefined;
  if (!Array.isArray(list) || list.length === 0) throw fail('the tokens file has no tokens list', 'tokens');
  if (list.length > TOKENS_FILE_LIMITS.tokens) throw fail(`the tokens file lists ${list.length} tokens (limit ${TOKENS_FILE_LIMITS.tokens})`, 'tokens');
  const names = new Set<string>();
  const digests = new Set<string>();
  return list.map((entry: unknown, index) => {
    const at = (field: string) => `tokens[${index}].${field}`;
    if (!isObject(entry)) throw fail('each token is a mapping with name, role and sha256', `tokens[${index}]`);
    const { name, role, sha256: digest } = entry;
    if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._@-]*$/.test(name) || name.length > TOKENS_FILE_LIMITS.nameLength) {
      throw fail(`a token's name is letters, digits and . _ @ - (at most ${TOKENS_FILE_LIMITS.nameLength}), got ${JSON.stringify(name)}`, at('name'));
    }
    if (names.has(name)) throw fail(`the name ${name} is used twice`, at('name'));
    names.add(name);
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw fail(`role is viewer or admin, got ${JSON.stringify(role)}`, at('role'));
    if (typeof digest !== 'string' || !/^[0-9a-fA-F]{64}$/.test(digest)) {
      throw fail('sha256 is the 64 hex digits of the token\'s SHA-256 digest (the token itself is never stored)', at('sha256'));
    }
    const lower = digest.toLowerCase();
    if (digests.has(lower)) throw fail('two entries have the same token', at('sha256'));
    digests.add(lower);
    return { principal: { name, role: role as Role }, digest: Buffer.from(lower, 'hex') };
  });
}
