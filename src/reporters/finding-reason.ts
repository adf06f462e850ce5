import { splitFailureReason } from '../core/engine/explain-failure.js';
import type { Finding } from '../core/model.js';

/** A filter of a check that a failing asset matched: `{securityContacts_SOME: null}` in `<control>/check`. */
export interface MatchedFilter {
  readonly checkId: string;
  readonly filter: string;
}

/**
 * What a report for people says about a finding: the plain-language reason, without the matched filters (an
 * excepted finding: the check's own reason, the exception being shown on its own).
 */
export function findingReason(finding: Finding, { original = false } = {}): string {
  return splitFailureReason(original ? (finding.originalReason ?? finding.reason) : finding.reason).text;
}

/** The filters the failure matched, for machines (JSON, SARIF properties): empty for other findings. */
export function matchedFilters(finding: Finding): MatchedFilter[] {
  return splitFailureReason(finding.originalReason ?? finding.reason).matched.map((entry) => {
    const at = entry.indexOf(': ');
    return at < 0 ? { checkId: finding.checkId, filter: entry } : { checkId: `${finding.controlId}/${entry.slice(0, at)}`, filter: entry.slice(at + 2) };
  });
}
