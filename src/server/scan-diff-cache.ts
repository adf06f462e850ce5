/**
 * `ServerContext.drift`: scanDiff (the composition `ward diff` uses), kept per pair of scans. Complete scans never
 * change, so neither does the drift between two of them: only the pick of the default pair (the latest two) is
 * read again on every call, which is one small query.
 */
import { diffBetween, pickDiffScans, type ScanDiff } from '../scan/scan-diff.js';
import type { SqlClient } from '../store/sql-client.js';

/** Pairs kept: the drift pages people look at are few (the latest, and a handful picked by hand). */
const KEPT_PAIRS = 8;

export function scanDiffCache(client: SqlClient): (fromId?: number, toId?: number) => Promise<ScanDiff> {
  const pairs = new Map<string, Promise<ScanDiff>>();
  return async (fromId, toId) => {
    const [from, to] = await pickDiffScans(client, fromId, toId);
    const key = `${from.id}:${to.id}`;
    let value = pairs.get(key);
    if (!value) {
      value = diffBetween(client, from, to);
      // a failed read is not kept: the next request tries again
      value.catch(() => pairs.delete(key));
      if (pairs.size >= KEPT_PAIRS) pairs.delete(pairs.keys().next().value!);
      pairs.set(key, value);
    }
    return value;
  };
}
