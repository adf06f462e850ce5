/** Small builders of inventory records for the query tests. `undefined` fields stand for missing properties. */
import { isEmailAddress, splitEmailAddresses } from '../../email-addresses.js';
import type { ConnectorRecord, SecurityContactRecord } from '../../model.js';
import { notificationsOf } from '../../inventory/normalise-capture.js';

export function connectorId(key: string): string {
  return `/subscriptions/${key}`;
}

export function connector(key: string, fields: Partial<Omit<ConnectorRecord, 'id'>> = {}): ConnectorRecord {
  return {
    id: connectorId(key),
    name: key,
    provider: 'azure',
    subscriptionId: key,
    tenantId: null,
    state: 'Enabled',
    tags: {},
    readError: null,
    ...fields,
  };
}

export function contact(connectorKey: string, name: string, fields: Partial<Omit<SecurityContactRecord, 'id' | 'connectorId'>> = {}): SecurityContactRecord {
  const email = fields.email === undefined ? null : fields.email;
  const record = {
    id: `${connectorId(connectorKey)}/providers/Microsoft.Security/securityContacts/${name}`,
    name,
    connectorId: connectorId(connectorKey),
    email,
    emails: splitEmailAddresses(email),
    invalidEmails: splitEmailAddresses(email).filter((address) => !isEmailAddress(address)),
    phone: null,
    isEnabled: null,
    alertNotifications: null,
    alertMinimalSeverity: null,
    alertsToAdmins: null,
    notificationsByRole: null,
    notificationsSources: null,
    apiVersion: '2020-01-01-preview',
    raw: { name },
    ...fields,
  };
  // the derived fields follow the given ones unless a test sets them itself
  return { ...record, ...notificationsOf(record), ...fields };
}
