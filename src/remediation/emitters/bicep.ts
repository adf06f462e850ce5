/**
 * The same template in Bicep (targetScope = 'subscription'); `az deployment sub create --template-file x.bicep`
 * compiles it. Parameters, defaults and deployment commands are the ARM template's, parameter for parameter.
 */
import { CURRENT_CONTACT_API_VERSION, DEFAULT_CONTACT_NAME } from '../../core/remediation/contact-body.js';
import { deploymentCommands, PARAMETER_DESCRIPTIONS, PARAMETER_TYPES, TEMPLATE_PARAMETERS, templateParameterValues, type TemplateParameter } from './arm-template.js';
import type { Emitter } from './emit-input.js';
import { header } from './emit-input.js';

/** A Bicep string literal: backslash, quote and `${` escaped. */
export function bicepString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('${', '\\${').replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t')}'`;
}

/** A symbol reference (a parameter) inside a body. */
export interface BicepReference {
  readonly bicepReference: string;
}

function bicepValue(value: unknown, indent: string): string {
  if (typeof value === 'object' && value !== null && 'bicepReference' in value) return (value as BicepReference).bicepReference;
  if (typeof value === 'string') return bicepString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${inner}${bicepValue(item, inner)}`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const key = (name: string): string => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : bicepString(name));
  return `{\n${entries.map(([name, item]) => `${inner}${key(name)}: ${bicepValue(item, inner)}`).join('\n')}\n${indent}}`;
}

export const emitBicep: Emitter = (input) => {
  const defaults = templateParameterValues(input.baseline.properties);
  const reference = (name: TemplateParameter): BicepReference => ({ bicepReference: name });
  const body = {
    name: DEFAULT_CONTACT_NAME,
    properties: {
      emails: reference('emails'),
      phone: reference('phone'),
      isEnabled: true,
      notificationsByRole: reference('notificationsByRole'),
      notificationsSources: reference('notificationsSources'),
    },
  };
  const commands = deploymentCommands(input, 'security-contact.bicep');
  return [
    header('//', [
      'ward remediate --emit bicep: the Defender for Cloud security contact of a subscription (2023-12-01-preview).',
      'The defaults satisfy every security-contact control at the thresholds in force. A deployment replaces the',
      'contact as a whole: the commands below pass each failing subscription its own addresses and settings, fix merged.',
      'Deploying needs the Security Admin role on the subscription.',
      ...(commands.length > 0 ? ['', 'For the subscriptions ward found failing:', ...commands] : []),
    ]),
    "targetScope = 'subscription'",
    '',
    ...TEMPLATE_PARAMETERS.flatMap((name) => [`@description(${bicepString(PARAMETER_DESCRIPTIONS[name])})`, `param ${name} ${PARAMETER_TYPES[name]} = ${bicepValue(defaults[name], '')}`, '']),
    `resource securityContact 'Microsoft.Security/securityContacts@${CURRENT_CONTACT_API_VERSION}' = ${bicepValue(body, '')}`,
    '',
  ].join('\n');
};
