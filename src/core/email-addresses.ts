// only the one validator ward uses: the package's index loads all of them (tens of ms of every cold process).
// A CommonJS module: its default import is module.exports, which carries the function as `default`.
import isEmailModule from 'validator/lib/isEmail.js';

const isEmail = isEmailModule.default;

/**
 * Security-contact address strings hold one or more addresses. The API documents `;` as the separator,
 * the portal tells people to use `,`, and both occur in real tenants: split on either.
 */
export function splitEmailAddresses(value: string | null | undefined): string[] {
  if (typeof value !== 'string') return [];
  return value
    .split(/[;,]/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/** A syntactically valid single mailbox (validator's isEmail, no display names). */
export function isEmailAddress(value: string): boolean {
  return isEmail(value, { allow_display_name: false, require_tld: true, allow_ip_domain: false });
}

/** Addresses deduplicated case-insensitively, first spelling kept, order kept. */
export function dedupeEmailAddresses(addresses: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const address of addresses) {
    const key = address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(address);
  }
  return result;
}
