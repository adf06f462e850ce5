import type { Check, Control, Finding, FindingStatus, ReadError } from '../model.js';
import { meetsExpectation } from '../control/parse-expectation.js';

/** An asset of the type a check covers, with what the engine needs to judge it. */
export interface CoveredAsset {
  readonly id: string;
  readonly name: string | null;
  /** Enabled, Warned, PastDue, Disabled, Deleted (subscriptions). */
  readonly state: string | null;
  readonly readError: ReadError | null;
}

/**
 * What running a check's query produced: the ids of the assets it returned (selected by the engine itself, never
 * taken from what the check chose to select) and its result items as the check selected them, or why it could not run.
 */
export type CheckOutcome =
  | { readonly ok: true; readonly ids: readonly string[]; readonly items: readonly unknown[] }
  | { readonly ok: false; readonly message: string };

/** Whether a check is judged asset by asset (`eq []`: whatever the query returns fails) rather than as a whole set. */
export function isPerAssetCheck(check: Pick<Check, 'expect'>): boolean {
  return check.expect.kind === 'eq' && Array.isArray(check.expect.value) && check.expect.value.length === 0;
}

/** Subscriptions in these states are not evaluated: they are reported `skipped`, never pass or fail. */
export const INACTIVE_STATES: ReadonlySet<string> = new Set(['Disabled', 'Deleted']);

/**
 * Judges every covered asset for one check (pure). Order of precedence, so that nothing unreadable can pass:
 * inactive → skipped; read error → error; query failure → error; then the expectation.
 * `eq []` judges asset by asset (what the query returns fails); any other expectation judges the whole set.
 */
export function evaluateCheck(
  control: Control,
  check: Check,
  assets: readonly CoveredAsset[],
  outcome: CheckOutcome,
  explain: (assetId: string) => string | undefined = () => undefined,
): Finding[] {
  const returned = new Set<string>(outcome.ok ? outcome.ids : []);
  const perAsset = isPerAssetCheck(check);
  const setVerdict = outcome.ok && !perAsset ? meetsExpectation(check.expect, outcome.items) : undefined;

  return assets.map((asset): Finding => {
    const finding = (status: FindingStatus, reason: string): Finding => ({
      controlId: control.id,
      checkId: check.id,
      assetId: asset.id,
      assetName: asset.name,
      status,
      reason,
      severity: control.severity,
    });
    if (asset.state && INACTIVE_STATES.has(asset.state)) return finding('skipped', `subscription is ${asset.state}: not evaluated`);
    if (asset.readError) return finding('error', `could not read the data: ${asset.readError.code}: ${asset.readError.message}`);
    if (!outcome.ok) return finding('error', `the check could not run: ${outcome.message}`);
    if (perAsset) {
      if (!returned.has(asset.id)) return finding('pass', `not returned by: ${check.name}`);
      const why = explain(asset.id);
      return finding('fail', why ? `${check.name}: ${why}` : check.name);
    }
    return setVerdict
      ? finding('pass', `the check's result meets \`${check.expect.source}\``)
      : finding('fail', `the check returned ${outcome.items.length} result(s), expected \`${check.expect.source}\``);
  });
}

const STATUS_WEIGHT: Record<FindingStatus, number> = { skipped: 0, pass: 1, excepted: 2, fail: 3, error: 4 };

/** The worse of two statuses: error over fail over pass. */
export function worseStatus(a: FindingStatus, b: FindingStatus): FindingStatus {
  return STATUS_WEIGHT[a] >= STATUS_WEIGHT[b] ? a : b;
}
