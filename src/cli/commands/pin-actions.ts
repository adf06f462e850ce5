/** What `ward pin` and `ward unpin` do; pin.ts and unpin.ts register them and load this module when they run. */
import { pinScan, unpinScan } from '../../store/scan-pin-repository.js';
import { latestCompleteScan } from '../../store/scan-repository.js';
import type { Store } from '../../store/sql-client.js';
import { usageError, type CliContext } from '../cli-context.js';
import { defaultFormatFor, emit, parseScanId, withStore } from '../command-options.js';
import { actorOf } from './actor-of.js';
import { formatBytes } from './prune-actions.js';

/** The options of `ward pin` (see pin.ts). */
export interface PinFlags {
  readonly reason: string;
  readonly actor?: string | undefined;
  readonly db?: string | undefined;
  readonly format?: 'table' | 'json' | undefined;
  readonly output?: string | undefined;
}

/** The options of `ward unpin` (see unpin.ts). */
export type UnpinFlags = Omit<PinFlags, 'reason' | 'actor'>;

export const PIN_REASON_MAX = 500;
const ACTOR_MAX = 200;

/** A value printed in tables: 1 to `max` characters once trimmed, on one line, no control characters. */
function oneLine(text: string, flag: string, max: number, example: string): string {
  const value = text.trim();
  if (value.length === 0) throw usageError(`${flag} is empty`, `e.g. ${flag} ${example}`);
  if (value.length > max) throw usageError(`${flag} is ${value.length} characters; the most is ${max}`);
  if (/\p{Cc}/u.test(value)) throw usageError(`${flag} holds a control character (a newline, tab or escape): write it on one line`);
  return value;
}

/** A pin's reason: 1 to 500 characters once trimmed, on one line, no control characters. */
export const parsePinReason = (text: string): string => oneLine(text, '--reason', PIN_REASON_MAX, '"SOC 2 audit, FY2026"');

/** `<scan>` of ward pin: a scan number, or `latest` for the latest complete scan. */
async function resolveScan(store: Store, text: string): Promise<number> {
  if (text !== 'latest') return parseScanId(text, '<scan>');
  const latest = await latestCompleteScan(store);
  if (!latest) throw usageError('no complete scan to pin yet', 'run ward scan first');
  return latest.id;
}

const kept = (r: { connectors: number; securityContacts: number; bytes: number }): string =>
  `${r.connectors} subscription${r.connectors === 1 ? '' : 's'} and ${r.securityContacts} security contact${r.securityContacts === 1 ? '' : 's'} (${formatBytes(r.bytes)})`;

/** `ward pin`: pins a scan (or says it already was) and what its copy of the inventory holds. */
async function runPin(context: CliContext, scanText: string, options: PinFlags): Promise<void> {
  const reason = parsePinReason(options.reason);
  const format = options.format ?? defaultFormatFor(context, options.output);
  const result = await withStore(context, options.db, async (store) =>
    pinScan(store, { scanId: await resolveScan(store, scanText), reason, actor: oneLine(actorOf(context, options.actor), '--actor', ACTOR_MAX, 'alice@contoso.com'), now: context.io.now() }),
  );
  const { pin } = result;
  const body = {
    scan: pin.scanId,
    created: result.created,
    reason: pin.reason,
    pinnedBy: pin.pinnedBy,
    pinnedAt: pin.pinnedAt.toISOString(),
    connectors: result.connectors,
    securityContacts: result.securityContacts,
    bytes: result.bytes,
  };
  const text = result.created
    ? `ward pin: scan #${pin.scanId} is pinned (${pin.reason}); it keeps ${kept(result)} and its findings through ward prune\n`
    : `ward pin: scan #${pin.scanId} was already pinned, on ${pin.pinnedAt.toISOString()} by ${pin.pinnedBy} (${pin.reason}); it keeps ${kept(result)}; nothing changed\n`;
  emit(context, format === 'json' ? `${JSON.stringify(body, null, 2)}\n` : text, options.output);
}

/** `ward unpin`: removes a pin and its copy of the inventory; a scan that was not pinned is a usage error. */
async function runUnpin(context: CliContext, scanText: string, options: UnpinFlags): Promise<void> {
  const scanId = parseScanId(scanText, '<scan>');
  const format = options.format ?? defaultFormatFor(context, options.output);
  const removed = await withStore(context, options.db, (store) => unpinScan(store, scanId));
  if (!removed) throw usageError(`scan ${scanId} is not pinned`, 'ward scans marks the pinned scans');
  const body = { scan: scanId, removed: true, connectors: removed.connectors, securityContacts: removed.securityContacts, bytes: removed.bytes };
  const text = `ward unpin: scan #${scanId} is no longer pinned; its copy of ${kept(removed)} was removed, and ward prune may now remove its findings\n`;
  emit(context, format === 'json' ? `${JSON.stringify(body, null, 2)}\n` : text, options.output);
}

export const pinActions = { pin: runPin, unpin: runUnpin } as const;
