import { isEmailAddress, splitEmailAddresses } from '../core/email-addresses.js';
import type { IacStatus } from './iac-finding.js';
import type { ResolvedValue } from './resolved-value.js';

export interface ContactAddressMessage {
  /** What the message describes; used only to check it agrees with the engine's verdict, never as the verdict. */
  readonly status: IacStatus;
  readonly message: string;
}

/**
 * Says, in terms of the code, what a security contact's address field holds: missing, null, not a string,
 * empty or blank, malformed addresses, or the valid ones. `value` is undefined when the field is absent.
 * The verdict is the engine's (the control's checks); this only writes the sentence.
 */
export function contactAddressMessage(field: string, value: ResolvedValue | undefined): ContactAddressMessage {
  if (value === undefined) return { status: 'fail', message: `\`${field}\` is missing: no security contact address is set` };
  if (!value.known) return { status: 'unknown', message: `\`${field}\` cannot be resolved statically: ${value.reason}` };
  const from = value.source === undefined ? '' : ` (from ${value.source})`;
  const raw = value.value;
  if (raw === null || raw === undefined) return { status: 'fail', message: `\`${field}\` is null${from}: no security contact address is set` };
  if (typeof raw !== 'string') {
    return { status: 'fail', message: `\`${field}\` must be a string of addresses, got ${describeType(raw)}${from}` };
  }
  const addresses = splitEmailAddresses(raw);
  if (addresses.length === 0) {
    const what = raw.length === 0 ? 'empty' : 'blank (only whitespace or separators)';
    return { status: 'fail', message: `\`${field}\` is ${what}${from}: no security contact address is set` };
  }
  const invalid = addresses.filter((address) => !isEmailAddress(address));
  if (invalid.length > 0) {
    const list = invalid.map((address) => JSON.stringify(address)).join(', ');
    return { status: 'fail', message: `\`${field}\` holds ${invalid.length === 1 ? 'an invalid address' : 'invalid addresses'}: ${list}${from}` };
  }
  const noun = addresses.length === 1 ? 'address' : 'addresses';
  return { status: 'pass', message: `\`${field}\` names ${addresses.length} valid ${noun}: ${addresses.join(', ')}${from}` };
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
