import { isEmailAddress } from '../email-addresses.js';

/** An exception as someone declares it (flags or one entry of an exceptions file), before it is stored. */
export interface DeclaredException {
  readonly controlId: string | undefined;
  readonly assetId: string | undefined;
  readonly owner: string | undefined;
  readonly expires: string | undefined;
  readonly reason: string | undefined;
}

export interface ExceptionRules {
  readonly now: Date;
  /** The longest an exception may run, in days from today (UTC). */
  readonly maxDays: number;
  readonly knownControls: readonly string[];
}

/** What is wrong with a declared exception: the field (as named in an exceptions file) and one line saying why. */
export interface ExceptionProblem {
  readonly field: 'control' | 'asset' | 'owner' | 'expires' | 'reason';
  readonly message: string;
  readonly hint?: string;
}

export const DEFAULT_EXCEPTION_MAX_DAYS = 365;
export const MIN_REASON_LENGTH = 10;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DD` of a time, in UTC. */
export function utcDate(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** True for a `YYYY-MM-DD` string that names a day on the calendar (no 2026-02-30). */
export function isRealDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The first rule a declared exception breaks, or undefined when it may be stored (pure). The rules: a known control;
 * an asset id starting with `/`, where `*` may only end it; an owner with an email address; a reason of at least
 * ten characters; an expiry that is a real date, after today (UTC) and at most `maxDays` days away.
 */
export function exceptionProblem(input: DeclaredException, rules: ExceptionRules): ExceptionProblem | undefined {
  const controlId = input.controlId?.trim();
  if (!controlId) return { field: 'control', message: 'an exception needs the control it accepts (--control ID)' };
  if (!rules.knownControls.includes(controlId)) {
    return { field: 'control', message: `no control ${controlId}`, hint: `known controls: ${rules.knownControls.join(', ')} (ward controls list)` };
  }
  const assetId = input.assetId?.trim();
  if (!assetId) return { field: 'asset', message: 'an exception needs the asset it covers (--asset ARM_ID, or a prefix ending in *)' };
  if (!assetId.startsWith('/')) {
    return { field: 'asset', message: `asset ${JSON.stringify(assetId)} is not an ARM id`, hint: 'use /subscriptions/<id>, or a prefix ending in * such as /subscriptions/*' };
  }
  if (assetId.slice(0, -1).includes('*')) {
    return { field: 'asset', message: `asset ${JSON.stringify(assetId)} has a * before its end`, hint: 'a * may only end the id: /subscriptions/0000* covers every id starting with /subscriptions/0000' };
  }
  const owner = input.owner?.trim();
  if (!owner) return { field: 'owner', message: 'an exception needs an owner (--owner EMAIL)' };
  if (!isEmailAddress(owner)) return { field: 'owner', message: `owner must be an email address, got ${JSON.stringify(owner)}`, hint: 'name the person or team mailbox accountable for the risk, e.g. secops@contoso.com' };
  const reason = input.reason?.trim() ?? '';
  if (reason.length < MIN_REASON_LENGTH) {
    return { field: 'reason', message: `reason must be at least ${MIN_REASON_LENGTH} characters, got ${reason.length}`, hint: 'say why the risk is accepted and what will end it' };
  }
  const expires = input.expires?.trim();
  if (!expires) return { field: 'expires', message: 'an exception needs an expiry date (--expires YYYY-MM-DD)', hint: 'exceptions are temporary by design' };
  if (!isRealDate(expires)) return { field: 'expires', message: `expiry ${JSON.stringify(expires)} is not a real date`, hint: 'write it as YYYY-MM-DD, e.g. 2026-03-31' };
  const today = utcDate(rules.now);
  if (expires <= today) return { field: 'expires', message: `expiry ${expires} is not in the future (today is ${today}, UTC)` };
  const days = Math.round((Date.parse(`${expires}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS);
  if (days > rules.maxDays) {
    return {
      field: 'expires',
      message: `expiry ${expires} is ${days} days away; the most allowed is ${rules.maxDays}`,
      hint: 'choose an earlier date, or raise the limit with --max-days or WARD_EXCEPTION_MAX_DAYS',
    };
  }
  return undefined;
}

/** `--max-days` or WARD_EXCEPTION_MAX_DAYS: a whole number of days, at least 1. Undefined when the text is not one. */
export function parseMaxDays(text: string | undefined): number | undefined {
  if (text === undefined) return DEFAULT_EXCEPTION_MAX_DAYS;
  if (!/^\d+$/.test(text.trim())) return undefined;
  const days = Number(text.trim());
  return days >= 1 ? days : undefined;
}
