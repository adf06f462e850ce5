/**
 * Text that reaches a chat message from elsewhere (control ids, asset names, reasons, the scan's source) is made
 * plain first: control characters and bidirectional overrides become spaces (no forged lines, no reversed text),
 * runs of white space one space, and it is cut to a length that keeps every message under its service's limits.
 * The Slack and Teams builders then escape what their markup would read.
 */
import { splitFailureReason } from '../core/engine/failure-reason.js';
import type { ChangeItem, ScanChanges } from './scan-changes.js';

// C0/C1 controls, line and paragraph separators, bidi embeddings, overrides and isolates, zero-width and BOM characters
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]/g;

/** One line of plain text, at most `max` characters (cut ones end in `…`). */
export function plainText(text: string, max: number): string {
  const line = text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  // never cut a surrogate pair in half
  const cut = [...line.slice(0, max)].join('');
  const whole = /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
  return `${whole.slice(0, max - 1)}…`;
}

/** The longest each part of a listed finding may be in a chat message. */
export const TEXT_LIMITS = { control: 100, assetName: 120, assetId: 200, connector: 63, reason: 300, source: 120 } as const;

export const SEVERITY_LABELS: Readonly<Record<string, string>> = { informational: 'Info', low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

/** `fail → error`, `new: fail`, `was fail`: how an item moved, in words. */
export function movement(item: ChangeItem): string {
  if (item.before === null) return `new: ${item.after ?? item.status}`;
  if (item.after === null) return `gone (was ${item.before})`;
  if (item.before === item.after) return `still ${item.after}`;
  return `${item.before} → ${item.after}`;
}

/** `scan 12 (compared with scan 11)`, `scan 1 (the first scan)`. */
export function comparedWith(changes: Pick<ScanChanges, 'scan' | 'previous'>): string {
  return changes.previous === null ? `scan ${changes.scan.id} (the first scan)` : `scan ${changes.scan.id} (compared with scan ${changes.previous.id})`;
}

/** What a person runs to see everything a capped message left out. */
export const seeAllCommand = (changes: Pick<ScanChanges, 'scan' | 'previous'>): string =>
  changes.previous === null ? `ward findings --scan ${changes.scan.id}` : `ward diff --from ${changes.previous.id} --to ${changes.scan.id}`;

/** A finding's reason for people: the plain-language text, without the filters it matched (those are for machines). */
export const reasonForPeople = (reason: string): string => splitFailureReason(reason).text;
