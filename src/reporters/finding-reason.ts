import { splitFailureReason } from '../core/engine/failure-reason.js';
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
  return filtersOf(finding, splitFailureReason(finding.originalReason ?? finding.reason).matched);
}

/** findingReason and matchedFilters at once, reading the reason once when no exception changed it (reports of every finding). */
export function reasonAndFilters(finding: Finding): { readonly reason: string; readonly matched: MatchedFilter[] } {
  const own = splitFailureReason(finding.reason);
  const original = finding.originalReason === undefined ? own : splitFailureReason(finding.originalReason);
  return { reason: own.text, matched: original.matched.length === 0 ? [] : filtersOf(finding, original.matched) };
}

/**
 * reasonAndFilters for the findings of one report: a reason read before for the same control and check gives the
 * same answer, so it is not split again (a large tenant's failures share a few thousand reasons, each a JSON list
 * to parse). The answers are shared between findings: callers must not change them.
 */
export function reasonsAndFiltersOfReport(): (finding: Finding) => ReturnType<typeof reasonAndFilters> {
  const seen = new Map<string, { readonly controlId: string; readonly checkId: string; readonly answer: ReturnType<typeof reasonAndFilters> }>();
  return (finding) => {
    if (finding.originalReason !== undefined) return reasonAndFilters(finding);
    const hit = seen.get(finding.reason);
    if (hit !== undefined && hit.controlId === finding.controlId && hit.checkId === finding.checkId) return hit.answer;
    const answer = reasonAndFilters(finding);
    if (hit === undefined) seen.set(finding.reason, { controlId: finding.controlId, checkId: finding.checkId, answer });
    return answer;
  };
}

function filtersOf(finding: Finding, matched: readonly string[]): MatchedFilter[] {
  return matched.map((entry) => {
    const at = entry.indexOf(': ');
    return at < 0 ? { checkId: finding.checkId, filter: entry } : { checkId: `${finding.controlId}/${entry.slice(0, at)}`, filter: entry.slice(at + 2) };
  });
}
