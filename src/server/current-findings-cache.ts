/**
 * `ServerContext.findings`: readCurrentFindings (the same composition as `ward findings`), read again only when
 * what it depends on changes: a newer complete scan, an exception change (the audit log's last event), or a new
 * UTC day (exceptions are valid through their expiry day). A page or an API call then costs one small query
 * instead of re-reading every finding and its history.
 */
import { readCurrentFindings, type CurrentFindings } from '../scan/current-findings.js';
import type { SqlClient } from '../store/sql-client.js';

interface Entry {
  readonly key: string;
  readonly value: Promise<CurrentFindings>;
}

export function currentFindingsCache(client: SqlClient, now: () => Date, actor = 'ward serve'): (options?: { readonly scanId?: number }) => Promise<CurrentFindings> {
  const entries = new Map<string, Entry>();
  return async (options = {}) => {
    const { rows } = await client.query<{ scan: number | null; event: number | null }>(
      "SELECT (SELECT max(id) FROM scans WHERE status = 'complete') AS scan, (SELECT max(id) FROM exception_events) AS event",
    );
    const time = now();
    const key = `${rows[0]?.scan ?? ''}|${rows[0]?.event ?? ''}|${time.toISOString().slice(0, 10)}`;
    const slot = String(options.scanId ?? 'latest');
    const cached = entries.get(slot);
    if (cached?.key === key) return cached.value;
    const value = readCurrentFindings(client, { ...(options.scanId === undefined ? {} : { scanId: options.scanId }), now: time, actor, source: 'serve' });
    // a failed read is not kept: the next request tries again
    value.catch(() => entries.delete(slot));
    if (entries.size > 16) entries.clear();
    entries.set(slot, { key, value });
    return value;
  };
}
