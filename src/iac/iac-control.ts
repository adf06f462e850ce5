import type { IacSeverity } from './iac-finding.js';

/**
 * The control `ward iac` evaluates, with the texts reports show for it. Its id, title, severity and framework
 * mapping must match controls/…/azure-defender-security-contact-email/control.yaml: iac-control.test.ts checks.
 */
export const IAC_CONTROL = {
  id: 'azure-defender-security-contact-email',
  title: 'Defender for Cloud security contact has an additional email address',
  severity: 'low' as IacSeverity,
  summary:
    'Every subscription should name a security contact address in Microsoft Defender for Cloud so that ' +
    'high-severity alerts reach the security team, not only the subscription owners.',
  remediation:
    'Set a valid address on the security contact: `emails` (2020-01-01-preview and 2023-12-01-preview, several ' +
    'addresses joined by `;`) or `email` (2017-08-01-preview, azurerm_security_center_contact). Prefer the current ' +
    'api-version 2023-12-01-preview with the contact named `default`.',
  helpUri: 'https://learn.microsoft.com/azure/defender-for-cloud/configure-email-notifications',
  frameworks: [
    'CIS Microsoft Azure Foundations 2.0.0 2.1.19',
    'CIS Microsoft Azure Foundations 2.1.0 2.1.18',
    'CIS Microsoft Azure Foundations 3.0.0 3.1.13',
    'CIS Microsoft Azure Foundations 4.0.0 9.1.13',
    'CIS Microsoft Azure Foundations 5.0.0 8.1.13',
    'Microsoft cloud security benchmark v3 IR-2',
  ],
} as const;

export const LANDING_ZONE_RULE = {
  id: 'ward-iac-landing-zone-contact',
  title: 'A configuration that creates subscriptions also deploys their security contact',
  summary:
    'A subscription created by code without a security contact in the same configuration starts ' +
    'non-compliant: Defender for Cloud alerts reach only its owners until someone adds a contact.',
} as const;

export const OBSOLETE_API_NOTE_RULE = {
  id: 'ward-iac-security-contact-current-api',
  title: 'Security contacts use the current api-version and the name `default`',
  summary:
    '2017-08-01-preview (one `email`, names such as `default1`) is obsolete; 2023-12-01-preview accepts only ' +
    'the name `default` and reads `emails`, several addresses joined by `;`.',
} as const;
