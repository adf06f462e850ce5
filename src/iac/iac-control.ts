/**
 * The rules `ward iac` adds to the controls it judges (whose metadata comes from their control.yaml): the
 * landing-zone warning and the current-API advice. Reports show them beside the controls' own rules.
 */
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
