/** The access tokens one emulator has issued and until when each is valid. Random, opaque, kept in memory only. */
import { randomBytes } from 'node:crypto';

export type TokenCheck = 'valid' | 'unknown' | 'expired';

export interface IssuedTokens {
  issue(): { readonly token: string; readonly lifetimeSeconds: number };
  check(token: string | undefined): TokenCheck;
}

export function createIssuedTokens(lifetimeSeconds: number, now: () => number = Date.now): IssuedTokens {
  const expiries = new Map<string, number>();
  return {
    issue() {
      const token = randomBytes(32).toString('base64url');
      expiries.set(token, now() + lifetimeSeconds * 1000);
      return { token, lifetimeSeconds };
    },
    check(token) {
      const expires = token === undefined ? undefined : expiries.get(token);
      if (expires === undefined) return 'unknown';
      return expires < now() ? 'expired' : 'valid';
    },
  };
}
