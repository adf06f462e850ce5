import type { Finding, FindingStatus } from '../model.js';

/**
 * Drift between two scans, as movements of problems (fail, error, excepted), per (control, asset):
 * - new: a problem now that was not one before (the asset was absent, passing or skipped);
 * - resolved: a problem before that is not one now (passing, skipped, or the asset is gone);
 * - changed: a problem in both scans with a different status (fail → error, fail → excepted, ...);
 * - unchanged: the count of everything else (same status in both, or no problem in either);
 * - outOfScope: findings whose asset no scan between the two looked at (narrowed scans that did not cover it):
 *   neither resolved nor unchanged, as nobody looked.
 *
 * Compare judged states, not the rows of two scans: after a narrowed scan, a subscription outside its scope is
 * still judged by the last scan that covered it (`judgedFindingsAt` in the store), so its drift is computed
 * against that verdict and never against its absence from the narrowed scan.
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

/** What one narrowed scan looked at: its subscriptions (null: all) and its controls (null: all). */
export interface ScanCoverage {
  readonly assets: readonly string[] | null;
  readonly controls: readonly string[] | null;
}

/** A test of whether a finding's (control, asset) is inside one of the coverages (sets built once). */
export function coverageTest(coverage: readonly ScanCoverage[]): (finding: Pick<Finding, 'controlId' | 'assetId'>) => boolean {
  const sets = coverage.map((c) => ({ assets: c.assets === null ? null : new Set(c.assets), controls: c.controls === null ? null : new Set(c.controls) }));
  return (finding) => sets.some((c) => (c.assets === null || c.assets.has(finding.assetId)) && (c.controls === null || c.controls.has(finding.controlId)));
}

/**
 * `lookedAt`: what the scans after `from` up to `to` covered when all of them were narrowed (their coverages, or
 * just the asset ids), null when one of them covered everything (a full scan). A finding nobody looked at counts as
 * out of scope.
 */
export function diffFindings(from: readonly Finding[], to: readonly Finding[], lookedAt: readonly string[] | readonly ScanCoverage[] | null = null): FindingsDiff {
  const items = (lookedAt ?? []) as readonly (string | ScanCoverage)[];
  const assetIds = items.filter((c): c is string => typeof c === 'string');
  const coverages = items.filter((c): c is ScanCoverage => typeof c !== 'string');
  const covered = lookedAt === null ? undefined : coverageTest([...coverages, ...(assetIds.length > 0 ? [{ assets: assetIds, controls: null }] : [])]);
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
    if (covered !== undefined && !covered((is ?? was)!)) {
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
