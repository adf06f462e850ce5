import { exceptionCovers, withoutException } from '../engine/apply-exceptions.js';
import type { ExceptionRecord, Finding } from '../model.js';

/**
 * What an exception would accept in the current findings, when that is not a failure (pure): an exception on a
 * passing subscription accepts nothing yet, and one on an `error` never applies (what could not be read is never
 * accepted). Such exceptions stay allowed (a fix may be under way, the access may come back); this says so at once.
 * `findings`: the judged state the exception is checked against (every subscription's last verdict); `scan`: its number.
 * Undefined when the exception covers a failure and no error, or covers no finding at all (see the unseen-asset warning).
 */
export function coverageWarning(exception: Pick<ExceptionRecord, 'controlId' | 'assetId'>, findings: readonly Finding[], scan: number): string | undefined {
  const covered = findings.filter((f) => exceptionCovers(exception, f)).map(withoutException);
  if (covered.length === 0) return undefined;
  const count = (status: Finding['status']) => covered.filter((f) => f.status === status).length;
  const [failing, errors] = [count('fail'), count('error')];
  const what = `${exception.controlId} on ${exception.assetId}`;
  const errorNote = 'an exception never covers an error (ward could not read the data): fix the read access instead';
  if (!exception.assetId.endsWith('*')) {
    const status = covered[0]!.status;
    if (status === 'fail') return undefined;
    if (status === 'error') return `${what} is an error in scan #${scan}; ${errorNote}`;
    return `${what} is ${status === 'pass' ? 'passing' : status} in scan #${scan}: the exception accepts nothing unless it fails`;
  }
  if (errors > 0) {
    return `${errors} of the ${covered.length} findings of ${what} are errors in scan #${scan}; ${errorNote}` + (failing === 0 ? ', and none fails' : '');
  }
  if (failing === 0) return `none of the ${covered.length} findings of ${what} fails in scan #${scan}: the exception accepts nothing unless one fails`;
  return undefined;
}
