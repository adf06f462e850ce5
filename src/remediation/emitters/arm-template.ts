/**
 * A subscription-scope ARM template (deploymentTemplate schema for subscription deployments) that sets the
 * `default` security contact in 2023-12-01-preview. Preventive material: put it in the landing zone's
 * subscription vending. The addresses are a parameter; the deployment command for each flagged subscription passes
 * that subscription's merged list, so that no existing address is lost (a PUT replaces the contact).
 */
import { CURRENT_CONTACT_API_VERSION, DEFAULT_CONTACT_NAME } from '../../core/remediation/contact-body.js';
import type { Emitter, EmitInput } from './emit-input.js';
import { baselineBody, plannedEmails, shellQuote } from './emit-input.js';

export const SUBSCRIPTION_DEPLOYMENT_SCHEMA = 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#';

export function deploymentCommands(input: EmitInput, templateFile: string): string[] {
  return plannedEmails(input.plan)
    .filter((entry) => entry.emails !== undefined)
    .map(
      (entry) =>
        `az deployment sub create --subscription ${shellQuote(entry.subscriptionId)} --location westeurope --name ward-security-contact ` +
        `--template-file ${templateFile} --parameters emails=${shellQuote(entry.emails!)}`,
    );
}

/** The template as an object (the emitter prints it as JSON). */
export function armTemplate(input: EmitInput): Record<string, unknown> {
  const { properties } = baselineBody(input.addresses);
  return {
    $schema: SUBSCRIPTION_DEPLOYMENT_SCHEMA,
    contentVersion: '1.0.0.0',
    metadata: {
      generator: 'ward remediate --emit arm',
      description:
        'Sets the Defender for Cloud security contact (name default, api-version 2023-12-01-preview) of the target subscription. ' +
        'A deployment replaces the contact as a whole: pass every address to keep in the emails parameter, as the commands below do ' +
        'for the subscriptions ward found failing. Deploying needs the Security Admin role on the subscription.',
      deployCommands: deploymentCommands(input, 'security-contact.json'),
    },
    parameters: {
      emails: {
        type: 'string',
        defaultValue: properties.emails,
        metadata: { description: 'Security contact addresses, separated by semicolons.' },
      },
    },
    resources: [
      {
        type: 'Microsoft.Security/securityContacts',
        apiVersion: CURRENT_CONTACT_API_VERSION,
        name: DEFAULT_CONTACT_NAME,
        properties: { ...properties, emails: "[parameters('emails')]" },
      },
    ],
  };
}

export const emitArmTemplate: Emitter = (input) => `${JSON.stringify(armTemplate(input), null, 2)}\n`;
