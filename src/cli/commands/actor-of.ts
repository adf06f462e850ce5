import { userInfo } from 'node:os';
import type { CliContext } from '../cli-context.js';

/** The OS account running ward, or undefined where the system cannot say (no passwd entry for the uid). */
function osUser(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Who is recorded in the exceptions audit trail: `--actor NAME`, else $USER ($USERNAME on Windows), else the OS
 * account (cron jobs and containers often run without $USER), and `unknown` only when none of them says.
 */
export function actorOf(context: CliContext, flag: string | undefined): string {
  return flag?.trim() || context.io.env.USER?.trim() || context.io.env.USERNAME?.trim() || osUser() || 'unknown';
}
