/**
 * Drift between two complete scans, as `ward diff` and the server's `diff(from, to)` show it: the same scan
 * picking (default: the latest complete scan against the one before it) and the same composition, so the two
 * doors can never disagree about what changed.
 */
import { coverageTest, diffFindings, type FindingsDiff } from '../core/engine/diff-findings.js';
import { WardError } from '../core/errors.js';
import { coverageBetween, getScan, listCompleteScans, type ScanRow } from '../store/scan-repository.js';
import { countOtherJudgedKeys, judgedFindingsAt, keptStateSize, keysChangedBetween, otherJudgedKeys } from '../store/finding-state-repository.js';
import type { SqlClient } from '../store/sql-client.js';

export interface ScanDiff {
  readonly from: ScanRow;
  readonly to: ScanRow;
  readonly diff: FindingsDiff;
}

async function completeScan(client: SqlClient, id: number): Promise<ScanRow> {
  const scan = await getScan(client, id);
  if (!scan) throw new WardError('NOT_FOUND', `no scan ${id}`, { hint: 'ward scans lists them' });
  if (scan.status !== 'complete') throw new WardError('USAGE', `scan ${scan.id} is ${scan.status}: only complete scans can be compared`, { hint: 'ward scans lists them' });
  return scan;
}

/** The two scans a diff compares: `to` (default the latest complete) and `from` (default the complete scan before it). */
export async function pickDiffScans(client: SqlClient, fromId: number | undefined, toId: number | undefined): Promise<[ScanRow, ScanRow]> {
  const complete = await listCompleteScans(client);
  const to = toId === undefined ? complete.at(-1) : await completeScan(client, toId);
  const from = fromId === undefined ? complete.filter((s) => to !== undefined && s.id < to.id).at(-1) : await completeScan(client, fromId);
  if (!to || !from) {
    throw new WardError('NOT_FOUND', `a diff needs two complete scans; the store has ${complete.length}${toId === undefined ? '' : ` before scan ${toId}`}`, {
      hint: 'run ward scan again after a change, or name them with --from and --to',
    });
  }
  return [from, to];
}

/**
 * The drift between two picked scans: each subscription as the last scan that judged it, and only what the scans in
 * between looked at. Only the findings that changed in between are read; the others are counted (as unchanged, or
 * out of scope when no scan in between covered them).
 */
export async function diffBetween(client: SqlClient, from: ScanRow, to: ScanRow): Promise<ScanDiff> {
  const [early, late] = from.id <= to.id ? [from, to] : [to, from];
  const keys = await keysChangedBetween(client, early.id, late.id);
  const lookedAt = await coverageBetween(client, from.id, to.id);
  const atTo = await judgedFindingsAt(client, to.id, { keys });
  const changed = diffFindings(await judgedFindingsAt(client, from.id, { keys }), atTo, lookedAt);
  // a finding that did not change in between is judged the same at both scans: it is unchanged, or out of scope
  let unchanged: number;
  let outOfScope = 0;
  if (lookedAt === null) {
    // the state at `to` holds the keys read above (one finding per key judged then) and the others
    const size = await keptStateSize(client, to.id);
    unchanged = size === null ? await countOtherJudgedKeys(client, to.id, keys) : size - atTo.length;
  } else {
    const covered = coverageTest(lookedAt);
    const others = await otherJudgedKeys(client, to.id, keys);
    outOfScope = others.filter((k) => !covered(k)).length;
    unchanged = others.length - outOfScope;
  }
  return { from, to, diff: { ...changed, unchanged: changed.unchanged + unchanged, outOfScope: changed.outOfScope + outOfScope } };
}

/** The drift `ward diff` shows: pickDiffScans, then diffBetween. */
export async function scanDiff(client: SqlClient, fromId?: number, toId?: number): Promise<ScanDiff> {
  const [from, to] = await pickDiffScans(client, fromId, toId);
  return diffBetween(client, from, to);
}
