/**
 * Terraform. azurerm's `azurerm_security_center_contact` speaks the 2017-08-01-preview shape: one address in
 * `email`, `alert_notifications` and `alerts_to_admins` as booleans, a contact name (`default1`) rather than the
 * `default` contact current subscriptions use, no severity threshold and no notification sources. It makes the
 * check pass (the check reads any contact's address), but it creates a legacy contact beside the portal's one.
 * One provider alias per flagged subscription; the azapi alternative that writes the 2023 `default` contact, with
 * every merged address, is printed as a comment.
 */
import type { ContactBody2023 } from '../../core/remediation/contact-body.js';
import type { Emitter } from './emit-input.js';
import { header, isMainAction, nothingFlagged } from './emit-input.js';

/** An HCL string literal: backslash, quote and template sequences escaped. */
export function hclString(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('${', '$${').replaceAll('%{', '%%{').replaceAll('\n', '\\n')}"`;
}

const label = (subscriptionId: string): string => `sub_${subscriptionId.replaceAll('-', '_')}`;

export const emitTerraform: Emitter = ({ plan, addresses }) => {
  const empty = nothingFlagged(plan, '#');
  if (empty) return empty;
  const first = addresses[0]!;
  const out: string[] = [
    header('#', [
      `ward remediate --emit terraform: ${plan.subscriptions.length} subscription(s) failing ${plan.controlId}.`,
      '',
      'azurerm_security_center_contact speaks the 2017-08-01-preview API: ONE address in `email`, booleans for',
      'alert_notifications / alerts_to_admins, a contact named default1, no severity threshold, no notification',
      'sources. It makes the control pass, but creates a legacy contact beside the `default` contact current',
      'subscriptions use. To manage the 2023 `default` contact with every address, use the azapi resource in the',
      'comment under each subscription instead.',
    ]),
    '',
    'variable "security_contact_email" {',
    '  description = "Security team address (azurerm_security_center_contact takes one)."',
    '  type        = string',
    `  default     = ${hclString(first)}`,
    '}',
    '',
  ];
  for (const subscription of plan.subscriptions) {
    const name = label(subscription.subscriptionId);
    const main = subscription.actions.find(isMainAction);
    const properties = (main?.body as ContactBody2023 | undefined)?.properties;
    const alertsOn = properties ? properties.notificationsSources.some((source) => source.sourceType === 'Alert') : true;
    const adminsOn = properties ? properties.notificationsByRole.state === 'On' : true;
    out.push(
      `# ${subscription.name ?? subscription.subscriptionId}`,
      `provider "azurerm" {`,
      `  alias           = ${hclString(name)}`,
      `  subscription_id = ${hclString(subscription.subscriptionId)}`,
      '  features {}',
      '}',
      '',
      `resource "azurerm_security_center_contact" ${hclString(name)} {`,
      `  provider            = azurerm.${name}`,
      '  name                = "default1"',
      '  email               = var.security_contact_email',
      ...(properties?.phone ? [`  phone               = ${hclString(properties.phone)}`] : []),
      `  alert_notifications = ${alertsOn}`,
      `  alerts_to_admins    = ${adminsOn}`,
      '}',
    );
    if (properties) {
      const body = JSON.stringify({ properties }, null, 2).split('\n');
      out.push(
        '',
        '# The 2023 `default` contact with every address kept (azapi provider 2.x):',
        `# resource "azapi_resource" ${hclString(`${name}_contact`)} {`,
        '#   type      = "Microsoft.Security/securityContacts@2023-12-01-preview"',
        '#   name      = "default"',
        `#   parent_id = ${hclString(`/subscriptions/${subscription.subscriptionId}`)}`,
        `#   body      = ${body[0]}`,
        ...body.slice(1).map((line) => `#   ${line}`),
        '# }',
      );
    }
    out.push('');
  }
  return out.join('\n');
};
