import type { ExceptionRecord, Finding, FindingException } from '../model.js';

/**
 * Exceptions are risk acceptances: "this subscription fails this control, we know, <owner> owns it until
 * <expires>". They apply to `fail` findings only. An `error` finding means ward could not read the data;
 * accepting it would hide whatever the unreadable data holds, so an exception never covers an error.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** An exception is valid through the whole of its expiry day (UTC): it lapses at the next midnight UTC. */
export function exceptionLapsesAt(expires: string): Date {
  return new Date(Date.parse(`${expires}T00:00:00Z`) + DAY_MS);
}

export function exceptionIsActive(exception: Pick<FindingException, 'expires'>, now: Date): boolean {
  return now.getTime() < exceptionLapsesAt(exception.expires).getTime();
}

/** True when the asset pattern covers the asset id: equal, or a prefix when the pattern ends in `*` (case-insensitive, as ARM ids are). */
export function assetPatternMatches(pattern: string, assetId: string): boolean {
  const p = pattern.toLowerCase();
  const a = assetId.toLowerCase();
  return p.endsWith('*') ? a.startsWith(p.slice(0, -1)) : a === p;
}

export function exceptionCovers(exception: Pick<ExceptionRecord, 'controlId' | 'assetId'>, finding: Pick<Finding, 'controlId' | 'assetId'>): boolean {
  return exception.controlId === finding.controlId && assetPatternMatches(exception.assetId, finding.assetId);
}

/** The finding as its check gave it, without any exception applied earlier. */
export function withoutException(finding: Finding): Finding {
  // the common case, once per finding of every read: nothing to take back
  if (finding.originalStatus === undefined && finding.originalReason === undefined && finding.exception === undefined && finding.expiredException === undefined) return finding;
  const { originalStatus, originalReason, exception: _exception, expiredException: _expired, ...rest } = finding;
  return { ...rest, status: originalStatus ?? finding.status, reason: originalReason ?? finding.reason };
}

/** Exact ids before patterns, longer patterns before shorter, later expiry first; then the id for a stable choice. */
function moreSpecificFirst(a: ExceptionRecord, b: ExceptionRecord): number {
  const exact = Number(b.assetId.endsWith('*') === false) - Number(a.assetId.endsWith('*') === false);
  if (exact !== 0) return exact;
  if (a.assetId.length !== b.assetId.length) return b.assetId.length - a.assetId.length;
  if (a.expires !== b.expires) return a.expires < b.expires ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const carried = (e: ExceptionRecord): FindingException => ({ id: e.id, owner: e.owner, reason: e.reason, expires: e.expires });

/**
 * Applies exceptions to findings at `now` (pure). A `fail` covered by a valid exception becomes `excepted`, keeping
 * its original status and reason and carrying the exception; a `fail` covered only by expired exceptions stays a
 * failure and says which exception expired. Findings that already carry an exception are first taken back to the
 * check's verdict, so applying again with a later clock or another set of exceptions is always correct.
 */
export function applyExceptions(findings: readonly Finding[], exceptions: readonly ExceptionRecord[], now: Date): Finding[] {
  if (exceptions.length === 0) return findings.map(withoutException);
  const byControl = new Map<string, ExceptionRecord[]>();
  for (const exception of exceptions) {
    const list = byControl.get(exception.controlId) ?? [];
    list.push(exception);
    byControl.set(exception.controlId, list);
  }
  for (const list of byControl.values()) list.sort(moreSpecificFirst);

  return findings.map((input) => {
    const finding = withoutException(input);
    if (finding.status !== 'fail') return finding;
    const covering = (byControl.get(finding.controlId) ?? []).filter((e) => assetPatternMatches(e.assetId, finding.assetId));
    if (covering.length === 0) return finding;
    const active = covering.find((e) => exceptionIsActive(e, now));
    if (active) {
      return {
        ...finding,
        status: 'excepted',
        reason: `excepted until ${active.expires} (${active.id}, owner ${active.owner}): ${active.reason}. Check result: ${finding.reason}`,
        originalStatus: 'fail',
        originalReason: finding.reason,
        exception: carried(active),
      };
    }
    const expired = covering.reduce((latest, e) => (e.expires > latest.expires ? e : latest));
    return {
      ...finding,
      reason: `${finding.reason} (exception ${expired.id} expired on ${expired.expires}: counted as a failure again)`,
      originalStatus: 'fail',
      originalReason: finding.reason,
      expiredException: carried(expired),
    };
  });
}
