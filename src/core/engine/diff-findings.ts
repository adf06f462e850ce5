import type { Finding, FindingStatus } from '../model.js';

/**
 * Drift between two scans, as movements of problems (fail, error, excepted), per (control, asset):
 * - new: a problem now that was not one before (the asset was absent, passing or skipped);
 * - resolved: a problem before that is not one now (passing, skipped, or the asset is gone);
 * - changed: a problem in both scans with a different status (fail → error, fail → excepted, ...);
 * - unchanged: the count of everything else (same status in both, or no problem in either);
 * - outOfScope: findings of the earlier scan whose asset the later, scoped scan did not cover (not resolved:
 *   nobody looked).
 */
export interface DriftEntry {
  readonly controlId: string;
  readonly checkId: string;
  readonly assetId: string;
  readonly assetName: string | null;
  /** The status in the later scan; for a resolved finding whose asset is gone, its last status. */
  readonly status: FindingStatus;
  readonly severity: Finding['severity'];
  readonly reason: string;
  /** Status in the earlier scan (null: not there). */
  readonly before: FindingStatus | null;
  /** Status in the later scan (null: not there any more). */
  readonly after: FindingStatus | null;
}

export interface FindingsDiff {
  readonly new: DriftEntry[];
  readonly resolved: DriftEntry[];
  readonly changed: DriftEntry[];
  readonly unchanged: number;
  readonly outOfScope: number;
}

const PROBLEMS: ReadonlySet<FindingStatus> = new Set(['fail', 'error', 'excepted']);
// a finding is one per (control, asset): which of the control's checks decided it may change between scans
const key = (f: Finding): string => `${f.controlId}\u0000${f.assetId}`;
const order = (a: DriftEntry, b: DriftEntry): number =>
  a.controlId.localeCompare(b.controlId) || a.checkId.localeCompare(b.checkId) || a.assetId.localeCompare(b.assetId);

/** `toScope`: the asset ids the later scan covered when it was scoped; null when it covered everything. */
export function diffFindings(from: readonly Finding[], to: readonly Finding[], toScope: readonly string[] | null = null): FindingsDiff {
  const covered = toScope === null ? undefined : new Set(toScope);
  const before = new Map(from.map((f) => [key(f), f]));
  const after = new Map(to.map((f) => [key(f), f]));
  const result: { -readonly [K in keyof FindingsDiff]: FindingsDiff[K] } = { new: [], resolved: [], changed: [], unchanged: 0, outOfScope: 0 };
  const entry = (now: Finding, was: Finding | undefined, is: Finding | undefined): DriftEntry => ({
    controlId: now.controlId,
    checkId: now.checkId,
    assetId: now.assetId,
    assetName: now.assetName,
    status: now.status,
    severity: now.severity,
    reason: now.reason,
    before: was?.status ?? null,
    after: is?.status ?? null,
  });
  for (const k of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(k);
    const is = after.get(k);
    if (is === undefined && was !== undefined && covered !== undefined && !covered.has(was.assetId)) {
      result.outOfScope += 1;
      continue;
    }
    const wasProblem = was !== undefined && PROBLEMS.has(was.status);
    const isProblem = is !== undefined && PROBLEMS.has(is.status);
    if (isProblem && !wasProblem) result.new.push(entry(is, was, is));
    else if (wasProblem && !isProblem) result.resolved.push(entry(is ?? was, was, is));
    else if (wasProblem && isProblem && was.status !== is.status) result.changed.push(entry(is, was, is));
    else result.unchanged += 1;
  }
  result.new.sort(order);
  result.resolved.sort(order);
  result.changed.sort(order);
  return result;
}
