/**
 * The test oracle of finding history: what ward derived, before migration 11, from every verdict of every complete
 * scan. Given the scans and all their verdicts, it computes each finding's timeline and the judged state as of a
 * scan the slow, obvious way; finding-state-repository.test.ts checks the stored states against it.
 */
import type { Finding, FindingStatus } from '../../core/model.js';

/** `absent`: a scan that covered the asset did not find it (deleted, moved out of the tenant or the management group). */
export type TimelineStatus = FindingStatus | 'absent';

export interface StatusChange {
  readonly scanId: number;
  readonly at: string;
  readonly from: TimelineStatus;
  readonly to: TimelineStatus;
}

export interface FindingTimeline {
  readonly controlId: string;
  readonly checkId: string;
  readonly assetId: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** When the current status began (the first sighting when it never changed). */
  readonly lastChanged: string;
  readonly status: TimelineStatus;
  readonly changes: readonly StatusChange[];
  /** When it stopped being a problem (fail, error, excepted → pass, skipped or absent); null while it still is one or never was. */
  readonly resolvedAt: string | null;
}

export interface ScanPoint {
  readonly id: number;
  readonly finishedAt: string;
  /** The asset ids a narrowed scan covered; null or absent: every asset. */
  readonly scope?: readonly string[] | null;
  /** The controls a scan narrowed with --control evaluated; null or absent: every control. */
  readonly controls?: readonly string[] | null;
}

export interface VerdictRow {
  readonly scanId: number;
  readonly controlId: string;
  readonly checkId: string;
  readonly assetId: string;
  readonly status: FindingStatus;
}

export const PROBLEM_STATUSES: ReadonlySet<TimelineStatus> = new Set(['fail', 'error', 'excepted']);

/** A finding's identity across scans: one per (control, asset), whichever of the control's checks decided it. */
export const findingKey = (f: { controlId: string; assetId: string }): string => `${f.controlId}\u0000${f.assetId}`;

/**
 * Builds every timeline from scans (oldest first) and their verdicts (pure). A narrowed scan that did not cover a
 * finding's asset or control says nothing about it: it keeps its status, first sighting and last change (it is not
 * `absent`).
 */
export function buildFindingTimelines(scans: readonly ScanPoint[], verdicts: readonly VerdictRow[]): Map<string, FindingTimeline> {
  const scanIndex = new Map(scans.map((scan, index) => [scan.id, index]));
  const setOf = (ids: readonly string[] | null | undefined) => (ids === null || ids === undefined ? undefined : new Set(ids));
  const scopes = scans.map((scan) => setOf(scan.scope));
  const controls = scans.map((scan) => setOf(scan.controls));
  const byKey = new Map<string, { head: VerdictRow; statuses: (TimelineStatus | undefined)[] }>();
  for (const verdict of verdicts) {
    const index = scanIndex.get(verdict.scanId);
    if (index === undefined) continue;
    const key = findingKey(verdict);
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = { head: verdict, statuses: new Array(scans.length).fill(undefined) }));
    entry.statuses[index] = verdict.status;
  }
  const timelines = new Map<string, FindingTimeline>();
  for (const [key, { head, statuses }] of byKey) {
    const first = statuses.findIndex((s) => s !== undefined);
    let last = first;
    let current: TimelineStatus = statuses[first]!;
    let changedAt = scans[first]!.finishedAt;
    let resolvedAt: string | null = null;
    const changes: StatusChange[] = [];
    for (let i = first + 1; i < scans.length; i += 1) {
      if ((scopes[i] !== undefined && !scopes[i]!.has(head.assetId)) || (controls[i] !== undefined && !controls[i]!.has(head.controlId))) continue;
      const next: TimelineStatus = statuses[i] ?? 'absent';
      if (statuses[i] !== undefined) last = i;
      if (next === current) continue;
      const at = scans[i]!.finishedAt;
      changes.push({ scanId: scans[i]!.id, at, from: current, to: next });
      if (PROBLEM_STATUSES.has(current) && !PROBLEM_STATUSES.has(next)) resolvedAt = at;
      if (PROBLEM_STATUSES.has(next)) resolvedAt = null;
      current = next;
      changedAt = at;
    }
    timelines.set(key, {
      controlId: head.controlId,
      checkId: head.checkId,
      assetId: head.assetId,
      firstSeen: scans[first]!.finishedAt,
      lastSeen: scans[last]!.finishedAt,
      lastChanged: changedAt,
      status: current,
      changes,
      resolvedAt,
    });
  }
  return timelines;
}

/**
 * The judged state as of scan `upTo` (an index into `scans`), the way the old query read it: for each (control,
 * asset), the verdict of the last scan up to `upTo` that covered it, unless that scan did not find it.
 */
export function judgedStateOracle(scans: readonly ScanPoint[], verdicts: ReadonlyMap<number, readonly Finding[]>, upTo: number): Finding[] {
  const state = new Map<string, Finding | null>();
  for (const scan of scans.slice(0, upTo + 1)) {
    const scope = scan.scope === null || scan.scope === undefined ? null : new Set(scan.scope);
    const controls = scan.controls === null || scan.controls === undefined ? null : new Set(scan.controls);
    for (const [key, finding] of state) {
      if (finding !== null && (scope === null || scope.has(finding.assetId)) && (controls === null || controls.has(finding.controlId))) state.set(key, null);
    }
    for (const finding of verdicts.get(scan.id) ?? []) state.set(findingKey(finding), finding);
  }
  return [...state.values()].filter((f): f is Finding => f !== null);
}
