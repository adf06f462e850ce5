/**
 * What the findings page and the API's `findings(where:)` filter by beyond a finding's own fields, in one place so
 * that the two doors select the same findings for the same words: a subscription tag, and a framework.
 */
import type { Control } from '../core/model.js';
import type { SqlClient } from '../store/sql-client.js';

/** The ids (lower case) of the subscriptions carrying a tag (`key`, any case, or `key=value`, the value exactly): one query. */
export async function assetIdsWithTag(client: SqlClient, tag: string): Promise<Set<string>> {
  const at = tag.indexOf('=');
  const key = (at < 0 ? tag : tag.slice(0, at)).trim();
  const value = at < 0 ? null : tag.slice(at + 1).trim();
  const { rows } = await client.query<{ id: string }>(
    'SELECT id FROM connectors WHERE EXISTS (SELECT 1 FROM jsonb_each_text(tags) AS t WHERE lower(t.key) = lower($1) AND ($2::text IS NULL OR t.value = $2))',
    [key, value],
  );
  return new Set(rows.map((row) => row.id.toLowerCase()));
}

/** The ids of the controls mapped to any of the frameworks named (`CIS Microsoft Azure Foundations`, or with its version), any case. */
export function controlIdsInFrameworks(controls: readonly Control[], names: readonly string[]): Set<string> {
  const wanted = new Set(names.map((name) => name.trim().toLowerCase()));
  const mapped = (c: Control) => c.frameworks.some((f) => wanted.has(f.framework.toLowerCase()) || wanted.has(`${f.framework} ${f.version}`.toLowerCase()));
  return new Set(controls.filter(mapped).map((c) => c.id));
}
