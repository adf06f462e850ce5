import { BUILTIN_CONTROLS_DIR } from '../../../core/package-paths.js';
import { loadControls } from '../../../scan/load-controls.js';
import type { IacScanResult } from '../../iac-finding.js';

const EMAIL = 'azure-defender-security-contact-email';
const OWNERS = 'azure-defender-security-contact-notify-owners';

/** Test support: a scan result with one of everything the reports render, judged against two shipped controls. */
export const SAMPLE_RESULT: IacScanResult = {
  findings: [
    { file: 'infra/main.tf', line: 4, column: 3, resource: 'azurerm_security_center_contact.good', resourceLine: 2, controlId: EMAIL, status: 'pass', message: '`email` names 1 valid address: a@contoso.com', severity: 'low', notes: ['api note'] },
    { file: 'infra/main.tf', line: 6, column: 3, resource: 'azurerm_security_center_contact.good', resourceLine: 2, controlId: OWNERS, status: 'fail', message: '`alerts_to_admins` is "Off"', severity: 'medium', notes: ['api note'] },
    { file: 'infra/main.tf', line: 12, column: 3, resource: 'azurerm_security_center_contact.empty', resourceLine: 11, controlId: EMAIL, status: 'fail', message: '`email` is empty & <bad>', severity: 'low' },
    { file: 'arm/t.json', line: 9, resource: "Microsoft.Security/securityContacts 'default'", resourceLine: 5, controlId: EMAIL, status: 'unknown', message: '`properties.emails` cannot be resolved statically: x', severity: 'low' },
  ],
  warnings: [{ file: 'lz/main.tf', line: 1, column: 1, resource: 'azurerm_subscription.w', kind: 'landing-zone-without-contact', message: 'will start non-compliant' }],
  errors: [{ file: 'broken/x.tf', line: 3, column: 10, message: 'Terraform syntax error: Invalid expression' }],
  filesScanned: 4,
  controls: loadControls(BUILTIN_CONTROLS_DIR).filter((control) => control.id === EMAIL || control.id === OWNERS),
};
