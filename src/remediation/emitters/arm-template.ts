/**
 * A subscription-scope ARM template (deploymentTemplate schema for subscription deployments) that sets the
 * `default` security contact in 2023-12-01-preview. Its parameters default to the preventive baseline (the
 * requested addresses, the Owner role notified, alerts and attack paths mailed from the thresholds the controls
 * require): put it in the landing zone's subscription vending. A deployment replaces the contact as a whole, so the
 * command printed for each flagged subscription passes that subscription's merged fix (every existing address and
 * setting kept), and the `az rest` requests its legacy contacts need.
 */
import { CURRENT_CONTACT_API_VERSION, DEFAULT_CONTACT_NAME, type ContactProperties2023 } from '../../core/remediation/contact-body.js';
import type { Emitter, EmitInput } from './emit-input.js';
import { isMainAction, mainProperties, shellQuote } from './emit-input.js';

export const SUBSCRIPTION_DEPLOYMENT_SCHEMA = 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#';

/** The template's parameters, in order, with the property each one sets. */
export const TEMPLATE_PARAMETERS = ['emails', 'phone', 'notificationsByRole', 'notificationsSources'] as const;
export type TemplateParameter = (typeof TEMPLATE_PARAMETERS)[number];

/** The parameter values that make a deployment write exactly these properties (no phone: an empty one). */
export function templateParameterValues(properties: ContactProperties2023): Record<TemplateParameter, unknown> {
  return {
    emails: properties.emails,
    phone: properties.phone ?? '',
    notificationsByRole: properties.notificationsByRole,
    notificationsSources: properties.notificationsSources,
  };
}

/** Per flagged subscription: the deployment with its merged fix, then the requests its legacy contacts need. */
export function deploymentCommands(input: EmitInput, templateFile: string): string[] {
  return input.plan.subscriptions.flatMap((subscription) => {
    const properties = mainProperties(subscription);
    const values = properties ? templateParameterValues(properties) : undefined;
    const deployment = values
      ? [
          `az deployment sub create --subscription ${shellQuote(subscription.subscriptionId)} --location westeurope --name ward-security-contact ` +
            `--template-file ${templateFile} --parameters ` +
            TEMPLATE_PARAMETERS.map((name) => shellQuote(`${name}=${typeof values[name] === 'string' ? values[name] : JSON.stringify(values[name])}`)).join(' '),
        ]
      : [];
    const legacy = subscription.actions
      .filter((action) => !isMainAction(action))
      .map((action) =>
        action.method === 'DELETE'
          ? `az rest --method delete --url ${shellQuote(action.url)}`
          : `az rest --method put --url ${shellQuote(action.url)} --headers 'Content-Type=application/json' --body ${shellQuote(JSON.stringify(action.body))}`,
      );
    return [...deployment, ...legacy];
  });
}

export const PARAMETER_DESCRIPTIONS: Record<TemplateParameter, string> = {
  emails: 'Security contact addresses, separated by semicolons. A deployment replaces the list: give every address to keep.',
  phone: 'Phone number of the security contact; empty for none.',
  notificationsByRole: 'Roles mailed about alerts: {state: On|Off, roles: [Owner, Contributor, ServiceAdmin, AccountAdmin]}.',
  notificationsSources: 'What is mailed: [{sourceType: Alert, minimalSeverity: Low|Medium|High}, {sourceType: AttackPath, minimalRiskLevel: Low|Medium|High|Critical}].',
};

export const PARAMETER_TYPES: Record<TemplateParameter, string> = { emails: 'string', phone: 'string', notificationsByRole: 'object', notificationsSources: 'array' };

/** The template as an object (the emitter prints it as JSON). */
export function armTemplate(input: EmitInput): Record<string, unknown> {
  const defaults = templateParameterValues(input.baseline.properties);
  return {
    $schema: SUBSCRIPTION_DEPLOYMENT_SCHEMA,
    contentVersion: '1.0.0.0',
    metadata: {
      generator: 'ward remediate --emit arm',
      description:
        'Sets the Defender for Cloud security contact (name default, api-version 2023-12-01-preview) of the target subscription. ' +
        'The defaults satisfy every security-contact control at the thresholds in force. A deployment replaces the contact as a whole: ' +
        'the commands below pass, for each subscription ward found failing, its existing addresses and settings with the fix merged in. ' +
        'Deploying needs the Security Admin role on the subscription.',
      deployCommands: deploymentCommands(input, 'security-contact.json'),
    },
    parameters: Object.fromEntries(
      TEMPLATE_PARAMETERS.map((name) => [name, { type: PARAMETER_TYPES[name], defaultValue: defaults[name], metadata: { description: PARAMETER_DESCRIPTIONS[name] } }]),
    ),
    resources: [
      {
        type: 'Microsoft.Security/securityContacts',
        apiVersion: CURRENT_CONTACT_API_VERSION,
        name: DEFAULT_CONTACT_NAME,
        properties: {
          emails: "[parameters('emails')]",
          phone: "[parameters('phone')]",
          isEnabled: true,
          notificationsByRole: "[parameters('notificationsByRole')]",
          notificationsSources: "[parameters('notificationsSources')]",
        },
      },
    ],
  };
}

export const emitArmTemplate: Emitter = (input) => `${JSON.stringify(armTemplate(input), null, 2)}\n`;
