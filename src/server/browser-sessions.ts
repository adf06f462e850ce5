/**
 * Browser sessions: the first visit with `?token=` exchanges the token for a random session id in an HttpOnly,
 * SameSite=Strict cookie (the token leaves the address bar at once), and each session has its own CSRF token that
 * every form carries. Sessions live in the server's memory: a restart signs everybody out, which is the point.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from './server-context.js';

export const SESSION_COOKIE = 'ward_session';

export interface BrowserSession {
  readonly id: string;
  readonly principal: Principal;
  readonly csrfToken: string;
  expiresAt: number;
}

export interface BrowserSessions {
  create(principal: Principal): BrowserSession;
  /** The live session of a cookie value (its idle expiry pushed back), or undefined. */
  get(id: string | undefined): BrowserSession | undefined;
  delete(id: string): void;
}

export interface SessionOptions {
  /** Idle time after which a session ends (default 12 hours). */
  readonly idleMs?: number;
  /** At most this many sessions; the oldest go first (default 10,000). */
  readonly max?: number;
  readonly clock?: () => number;
}

export function browserSessions(options: SessionOptions = {}): BrowserSessions {
  const idleMs = options.idleMs ?? 12 * 60 * 60 * 1000;
  const max = options.max ?? 10_000;
  const clock = options.clock ?? Date.now;
  const sessions = new Map<string, BrowserSession>();
  return {
    create(principal) {
      while (sessions.size >= max) sessions.delete(sessions.keys().next().value!);
      const session: BrowserSession = { id: randomBytes(32).toString('base64url'), principal, csrfToken: randomBytes(32).toString('base64url'), expiresAt: clock() + idleMs };
      sessions.set(session.id, session);
      return session;
    },
    get(id) {
      if (id === undefined || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
      const session = sessions.get(id);
      if (!session) return undefined;
      if (session.expiresAt <= clock()) {
        sessions.delete(id);
        return undefined;
      }
      session.expiresAt = clock() + idleMs;
      return session;
    },
    delete: (id) => void sessions.delete(id),
  };
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfMatches(session: BrowserSession, presented: string | null | undefined): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
