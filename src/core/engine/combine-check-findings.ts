import type { Finding } from '../model.js';
import { worseStatus } from './evaluate-check.js';
import { decodeExplanation, type FailureExplanation } from './explain-failure.js';
import { formatFailureReason } from './failure-reason.js';

/** The check's own part of its id: `check`, `valid-address`. */
const checkLabel = (checkId: string): string => checkId.slice(checkId.lastIndexOf('/') + 1);

/** What a per-check failure says: its explanation, or its reason (the check's name) as the one plain reason. */
function explanationOf(finding: Finding): FailureExplanation {
  const explained = decodeExplanation(finding.reason);
  if (!explained) return { reasons: [finding.reason], matched: [] };
  return { reasons: explained.reasons, matched: explained.matched.map((filter) => `${checkLabel(finding.checkId)}: ${filter}`) };
}

/**
 * One finding per (control, asset), however many checks the control has: the worst status wins (error over
 * fail over pass) and its check is the one named. A failure's reason gives the plain reason of every alternative
 * that failed in every failing check, each said once, then the filters they matched
 * (`no security contact (matched ["check: {securityContacts_SOME: null}", "valid-address: {…}"])`).
 * Order: the order assets first appear in.
 */
export function combineCheckFindings(findings: readonly Finding[]): Finding[] {
  const combined = new Map<string, { finding: Finding; failures: FailureExplanation[] }>();
  for (const finding of findings) {
    const key = `${finding.controlId}\u0000${finding.assetId}`;
    const failures = finding.status === 'fail' ? [explanationOf(finding)] : [];
    const previous = combined.get(key);
    if (!previous) {
      combined.set(key, { finding, failures });
      continue;
    }
    const worst = worseStatus(previous.finding.status, finding.status) === previous.finding.status ? previous.finding : finding;
    combined.set(key, { finding: worst, failures: [...previous.failures, ...failures] });
  }
  return [...combined.values()].map(({ finding, failures }) =>
    finding.status === 'fail'
      ? { ...finding, reason: formatFailureReason(failures.flatMap((f) => f.reasons), failures.flatMap((f) => f.matched)) }
      : finding,
  );
}
