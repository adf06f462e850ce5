import type { Finding } from '../model.js';
import { worseStatus } from './evaluate-check.js';

/**
 * One finding per (control, asset), however many checks the control has: the worst status wins (error over
 * fail over pass), its check is the one named, and a failure lists the reason of every check that failed.
 * Order: the order assets first appear in.
 */
export function combineCheckFindings(findings: readonly Finding[]): Finding[] {
  const combined = new Map<string, Finding>();
  for (const finding of findings) {
    const key = `${finding.controlId}\u0000${finding.assetId}`;
    const previous = combined.get(key);
    if (!previous) {
      combined.set(key, finding);
      continue;
    }
    const worst = worseStatus(previous.status, finding.status) === previous.status ? previous : finding;
    const reason =
      previous.status === 'fail' && finding.status === 'fail' ? `${previous.reason}; ${finding.reason}` : worst.reason;
    combined.set(key, { ...worst, reason });
  }
  return [...combined.values()];
}
