/** Advice attached to findings; it never changes a verdict. */
export const CURRENT_CONTACT_API_VERSION = '2023-12-01-preview';
export const OBSOLETE_CONTACT_API_VERSION = '2017-08-01-preview';

export function obsoleteApiVersionNote(apiVersion: string): string {
  return (
    `api-version ${apiVersion} is obsolete (one \`email\`, names such as \`default1\`); use ${CURRENT_CONTACT_API_VERSION}: ` +
    'name `default`, `properties.emails` with several addresses joined by `;`'
  );
}

export function legacyContactNameNote(name: string, why = ''): string {
  return `the contact is named \`${name}\`${why}; ${CURRENT_CONTACT_API_VERSION} accepts only the name \`default\``;
}

export const TERRAFORM_CONTACT_API_NOTE =
  `azurerm_security_center_contact writes the ${OBSOLETE_CONTACT_API_VERSION} shape (one \`email\`, name \`default1\` by default); ` +
  `the current api-version is ${CURRENT_CONTACT_API_VERSION}: name \`default\`, \`emails\` joined by \`;\` ` +
  '(for example azapi_resource with type "Microsoft.Security/securityContacts@2023-12-01-preview")';

export function landingZoneMessage(what: string): string {
  return (
    `${what} creates a subscription but this configuration deploys no security contact: the new subscription ` +
    'will start non-compliant (Defender for Cloud alerts reach only its owners). Deploy a ' +
    `Microsoft.Security/securityContacts \`default\` (api-version ${CURRENT_CONTACT_API_VERSION}) with the subscription.`
  );
}
