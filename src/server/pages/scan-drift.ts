/**
 * The Drift page's pick of two scans from its query string, over src/scan/scan-diff.ts (the composition `ward diff`
 * and the API use): a bad or missing scan is a sentence on the page, not an error page, with the complete scans
 * listed so that the person can pick others.
 */
import { WardError } from '../../core/errors.js';
import type { ScanDiff } from '../../scan/scan-diff.js';
import { listCompleteScans, type ScanRow } from '../../store/scan-repository.js';
import type { ServerContext } from '../server-context.js';

export type DriftPick =
  | { readonly kind: 'drift'; readonly drift: ScanDiff; readonly complete: readonly ScanRow[] }
  /** Why there is no drift to show: fewer than two complete scans, or a scan named that is not a complete one. */
  | { readonly kind: 'none'; readonly why: string; readonly complete: readonly ScanRow[] };

/** `to` defaults to the latest complete scan and `from` to the complete scan before `to`. */
export async function pickDrift(context: ServerContext, fromText?: string, toText?: string): Promise<DriftPick> {
  const complete = await listCompleteScans(context.store);
  const bad = [fromText, toText].find((text) => text !== undefined && !/^\d+$/.test(text));
  if (bad !== undefined) return { kind: 'none', why: `"${bad}" is not a scan number`, complete };
  try {
    const drift = await context.drift(fromText === undefined ? undefined : Number(fromText), toText === undefined ? undefined : Number(toText));
    return { kind: 'drift', drift, complete };
  } catch (error) {
    if (error instanceof WardError && (error.code === 'NOT_FOUND' || error.code === 'USAGE')) return { kind: 'none', why: error.message, complete };
    throw error;
  }
}
