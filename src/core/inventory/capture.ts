/**
 * A capture: ARM response bodies exactly as Azure returned them. It is what the live collector produces,
 * what `ward collect --out DIR` writes, what `scan --offline DIR` reads and what the emulator serves.
 * Everything after collection (normalisation, inventory, checks) is the same for live and offline scans.
 *
 * On disk:
 *   subscriptions.json                                    body of GET /subscriptions (pages merged into one {"value": [...]})
 *   subscriptions/<subscriptionId>/securityContacts.json  body of GET .../providers/Microsoft.Security/securityContacts
 */
import type { ReadError } from '../model.js';

export interface CapturedBody {
  /** The body as Azure returned it: `{"value": [...]}`, a bare array, or an ARM error `{"error": {...}}`. */
  readonly body: unknown;
  /** Where it came from, for messages: a file path or a URL. */
  readonly source: string;
  /** Set when the body could not be taken in at all (past an input limit): the subscription is an `error`. */
  readonly readError?: ReadError;
}

export interface Capture {
  readonly subscriptions: CapturedBody;
  /** Keyed by subscription id (the GUID). A subscription without an entry was not collected. */
  readonly securityContacts: ReadonlyMap<string, CapturedBody>;
}

export const SUBSCRIPTIONS_FILE = 'subscriptions.json';
export const SUBSCRIPTIONS_DIR = 'subscriptions';
export const SECURITY_CONTACTS_FILE = 'securityContacts.json';

/** The api-versions ward reads and writes. Every security-contacts version is a preview; none is stable. */
export const API_VERSIONS = {
  subscriptions: '2022-12-01',
  managementGroupDescendants: '2023-04-01',
  securityContacts: '2023-12-01-preview',
} as const;

export const SECURITY_CONTACT_API_VERSIONS = ['2017-08-01-preview', '2020-01-01-preview', '2023-12-01-preview'] as const;
export type SecurityContactApiVersion = (typeof SECURITY_CONTACT_API_VERSIONS)[number];
