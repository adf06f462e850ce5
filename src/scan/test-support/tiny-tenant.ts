/** Test support: small inventories where each subscription's verdict on the seed control is chosen by the test. */
import { BUILTIN_CONTROLS_DIR } from '../../core/package-paths.js';
import type { Control, Inventory } from '../../core/model.js';
import { connector, contact } from '../../core/query/test-support/inventory-builders.js';
import { loadControls } from '../load-controls.js';

export const SEED_CONTROL_ID = 'azure-defender-security-contact-email';

let cached: Control[] | undefined;
/** The seed control alone (the tiny tenants are built for its verdicts). */
export function seedControls(): Control[] {
  cached ??= loadControls(BUILTIN_CONTROLS_DIR, BUILTIN_CONTROLS_DIR).filter((control) => control.id === SEED_CONTROL_ID);
  return cached;
}

export const subscription = (key: string): string => `/subscriptions/${key}`;

/** `pass`: a contact with an address; `fail`: no contact; `error`: a read error; `skipped`: a disabled subscription. */
export function tinyTenant(verdicts: Readonly<Record<string, 'pass' | 'fail' | 'error' | 'skipped'>>): Inventory {
  const connectors = Object.entries(verdicts).map(([key, verdict]) =>
    connector(key, {
      name: `sub ${key}`,
      state: verdict === 'skipped' ? 'Disabled' : 'Enabled',
      readError: verdict === 'error' ? { code: 'AuthorizationFailed', message: 'no read access to securityContacts' } : null,
    }),
  );
  const securityContacts = Object.entries(verdicts)
    .filter(([, verdict]) => verdict === 'pass')
    .map(([key]) => contact(key, 'default', { email: 'soc@contoso.com' }));
  return { connectors, securityContacts };
}
