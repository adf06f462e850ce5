/**
 * The text of a finding's reason: its plain words, then the filters the failure matched, in one string that every
 * store and report keeps, e.g. `no security contact (matched ["check: {securityContacts_SOME: null}"])`.
 * explain-failure.ts works out what goes in it. This module needs no GraphQL, so a command that only reads findings
 * (`ward findings`, `ward diff`, the reporters) does not load the graphql package (about 0.15-0.2 s of a start).
 */
const MATCHED = ' (matched [';

/** `reason one; reason two (matched ["check: {…}", "valid-address: {…}"])`: repeated reasons said once. */
export function formatFailureReason(reasons: readonly string[], matched: readonly string[]): string {
  const text = [...new Set(reasons)].join('; ');
  return matched.length === 0 ? text : `${text}${MATCHED.slice(0, -1)}${JSON.stringify(matched)})`;
}

/**
 * A reason's plain text and the filters it matched (`check: {securityContacts_SOME: null}`), wherever in the text
 * the matched list sits (an exception's note may follow it). A reason without one is all plain text.
 */
export function splitFailureReason(reason: string): { readonly text: string; readonly matched: readonly string[] } {
  const start = reason.indexOf(MATCHED);
  if (start < 0) return { text: reason, matched: [] };
  for (let end = reason.indexOf('])', start); end >= 0; end = reason.indexOf('])', end + 1)) {
    try {
      const list: unknown = JSON.parse(reason.slice(start + MATCHED.length - 1, end + 1));
      if (Array.isArray(list) && list.every((item) => typeof item === 'string')) {
        return { text: reason.slice(0, start) + reason.slice(end + 2), matched: list as string[] };
      }
    } catch {
      // not the end of the list yet: a filter value may hold `])`
    }
  }
  return { text: reason, matched: [] };
}
