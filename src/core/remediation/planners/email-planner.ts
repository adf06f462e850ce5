/**
 * azure-defender-security-contact-email: a contact names a usable address, and no contact holds an empty or
 * malformed one. The `default` contact gets the requested addresses beside every existing valid one (malformed
 * entries are dropped: the control fails on them); each legacy contact without an address is given the first
 * requested address in its own 2017 api-version, or deleted with --delete-legacy.
 */
import { dedupeEmailAddresses, isEmailAddress, splitEmailAddresses } from '../../email-addresses.js';
import { legacyContactBody, legacyContactsWithoutAddress } from '../contact-body.js';
import type { ControlPlanner, PlannerInput } from './control-planner.js';

export const EMAIL_CONTROL_ID = 'azure-defender-security-contact-email';

function missingInput({ contacts, addresses, deleteLegacy }: PlannerInput): string | undefined {
  if (addresses.length > 0) return undefined;
  const valid = contacts.flatMap((contact) => splitEmailAddresses(contact.email)).filter(isEmailAddress);
  if (valid.length === 0) return 'no contact holds a valid address to keep';
  const legacy = legacyContactsWithoutAddress(contacts);
  if (legacy.length > 0 && !deleteLegacy) return `legacy contact(s) ${legacy.map((contact) => contact.name).join(', ')} need an address (or --delete-legacy)`;
  return undefined;
}

export const emailPlanner: ControlPlanner = {
  missingInput,
  fixDefaultContact: (properties, { addresses }) => {
    const entries = splitEmailAddresses(properties.emails);
    const invalid = entries.filter((entry) => !isEmailAddress(entry));
    const kept = entries.filter(isEmailAddress);
    const emails = dedupeEmailAddresses([...kept, ...addresses]);
    const known = new Set(kept.map((address) => address.toLowerCase()));
    const added = addresses.filter((address) => !known.has(address.toLowerCase()));
    const changes = [
      ...(added.length > 0 ? [`adds ${added.join(', ')}`] : []),
      ...(invalid.length > 0 ? [`drops ${invalid.map((entry) => JSON.stringify(entry)).join(', ')}`] : []),
    ];
    const notes = invalid.length > 0 ? [`existing entries that are not valid addresses are dropped (the control fails on them): ${invalid.join(', ')}`] : [];
    return { properties: { ...properties, emails: emails.join(';') }, changes, notes };
  },
  fixOtherContacts: ({ contacts, addresses, deleteLegacy }) =>
    legacyContactsWithoutAddress(contacts).map((contact) =>
      deleteLegacy
        ? { contact, method: 'DELETE', body: null, reason: `delete legacy contact ${contact.name}: it holds no address and the check flags it (--delete-legacy)` }
        : {
            contact,
            method: 'PUT',
            body: legacyContactBody(contact, addresses[0]!),
            reason: `give legacy contact ${contact.name} an address: it holds none and the check flags it (2017 contacts take one address; --delete-legacy removes it instead)`,
          },
    ),
};
