/**
 * Terraform with the azapi provider. azurerm's `azurerm_security_center_contact` cannot carry the fix: it speaks
 * the 2017-08-01-preview shape (one address in `email`, a contact named `default1`, booleans for alerts and
 * admins) and cannot set notificationsByRole or notificationsSources (azurerm provider issues #30797 and #14565,
 * open). Worse, as an active resource it would replace the address of an existing `default1` and leave every other
 * legacy contact without an address in place.
 *
 * So every request of the plan becomes an azapi resource in the request's own api-version, with the plan's exact
 * body: the 2023 `default` contact (`type = "Microsoft.Security/securityContacts@2023-12-01-preview"`, `parent_id`
 * the subscription, `name = "default"`), each legacy contact that needs an address (2017 body, other fields kept),
 * and an `azapi_resource_action` DELETE for legacy contacts removed with --delete-legacy. A contact that exists
 * gets an `import` block (Terraform 1.5+) so that Terraform adopts it instead of failing on "already exists".
 */
import { CURRENT_CONTACT_API_VERSION } from '../../core/remediation/contact-body.js';
import type { PlannedAction } from '../../core/remediation/plan-remediation.js';
import type { Emitter } from './emit-input.js';
import { controlsOf, header, nothingFlagged } from './emit-input.js';

/** An HCL string literal: backslash, quote and template sequences escaped. */
export function hclString(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('${', '$${').replaceAll('%{', '%%{').replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t')}"`;
}

/** A JSON value as an HCL expression (azapi 2.x takes `body` as an HCL object, not a JSON string). */
export function hclValue(value: unknown, indent = ''): string {
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${inner}${hclValue(item, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const key = (name: string): string => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? name : hclString(name));
  return `{\n${entries.map(([name, item]) => `${inner}${key(name)} = ${hclValue(item, inner)}`).join('\n')}\n${indent}}`;
}

const label = (action: PlannedAction): string => `sub_${action.subscriptionId.replaceAll('-', '_')}_${action.contactName.replace(/[^A-Za-z0-9_]/g, '_')}`;
const contactId = (action: PlannedAction): string => `/subscriptions/${action.subscriptionId}/providers/Microsoft.Security/securityContacts/${action.contactName}`;

function resourceFor(action: PlannedAction): string[] {
  const type = `Microsoft.Security/securityContacts@${action.apiVersion}`;
  const name = label(action);
  if (action.method === 'DELETE') {
    return [
      `# ${action.reason}`,
      `resource "azapi_resource_action" ${hclString(`${name}_delete`)} {`,
      `  type        = ${hclString(type)}`,
      `  resource_id = ${hclString(contactId(action))}`,
      '  method      = "DELETE"',
      '}',
    ];
  }
  const properties = (action.body as { properties?: unknown }).properties ?? {};
  return [
    `# ${action.reason}`,
    ...(action.before === 'absent'
      ? []
      : ['import {', `  to = azapi_resource.${name}`, `  id = ${hclString(`${contactId(action)}?api-version=${action.apiVersion}`)}`, '}', '']),
    `resource "azapi_resource" ${hclString(name)} {`,
    `  type      = ${hclString(type)}`,
    `  name      = ${hclString(action.contactName)}`,
    `  parent_id = ${hclString(`/subscriptions/${action.subscriptionId}`)}`,
    `  body = ${hclValue({ properties }, '  ')}`,
    '}',
  ];
}

export const emitTerraform: Emitter = ({ plan }) => {
  const empty = nothingFlagged(plan, '#');
  if (empty) return empty;
  const out: string[] = [
    header('#', [
      `ward remediate --emit terraform: ${plan.subscriptions.length} subscription(s) failing ${controlsOf(plan)}.`,
      '',
      'azurerm_security_center_contact cannot express this fix: it writes the 2017-08-01-preview shape (one address,',
      'a contact named default1) and cannot set notificationsByRole or notificationsSources (azurerm provider issues',
      '#30797 and #14565). These azapi resources write each request of ward\'s plan in its own api-version: the',
      `\`default\` contact in ${CURRENT_CONTACT_API_VERSION} with every existing address and setting kept and the fix merged`,
      'in, and the legacy contacts the email check flags. Existing contacts are imported (Terraform 1.5 or later).',
      'Applying needs the Security Admin role on each subscription. `terraform destroy` would DELETE these contacts:',
      'remove them from the state (`terraform state rm`) before dropping this configuration.',
    ]),
    '',
    'terraform {',
    '  required_version = ">= 1.5.0"',
    '  required_providers {',
    '    azapi = {',
    '      source  = "Azure/azapi"',
    '      version = "~> 2.0"',
    '    }',
    '  }',
    '}',
    '',
    'provider "azapi" {}',
    '',
  ];
  for (const subscription of plan.subscriptions) {
    out.push(`# ${subscription.name ?? subscription.subscriptionId} (${subscription.assetId}): fixes ${subscription.controlIds.join(', ')}`);
    for (const action of subscription.actions) out.push(...resourceFor(action), '');
  }
  return out.join('\n');
};
