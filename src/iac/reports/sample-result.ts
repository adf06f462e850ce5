import type { IacScanResult } from '../iac-finding.js';

/** Test support: a scan result with one of everything the reports render. */
export const SAMPLE_RESULT: IacScanResult = {
  findings: [
    { file: 'infra/main.tf', line: 4, column: 3, resource: 'azurerm_security_center_contact.good', controlId: 'azure-defender-security-contact-email', status: 'pass', message: '`email` names 1 valid address: a@contoso.com', notes: ['api note'] },
    { file: 'infra/main.tf', line: 12, column: 3, resource: 'azurerm_security_center_contact.empty', controlId: 'azure-defender-security-contact-email', status: 'fail', message: '`email` is empty & <bad>' },
    { file: 'arm/t.json', line: 9, resource: "Microsoft.Security/securityContacts 'default'", controlId: 'azure-defender-security-contact-email', status: 'unknown', message: '`properties.emails` cannot be resolved statically: x' },
  ],
  warnings: [{ file: 'lz/main.tf', line: 1, column: 1, resource: 'azurerm_subscription.w', kind: 'landing-zone-without-contact', message: 'will start non-compliant' }],
  errors: [{ file: 'broken/x.tf', line: 3, column: 10, message: 'Terraform syntax error: Invalid expression' }],
  filesScanned: 4,
};
