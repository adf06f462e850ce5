/**
 * The service-wide fix as data: what an Azure admin needs to contain the control with Azure Policy. Pure.
 *
 * 1. The built-in audit 4f4f78b8-e367-4b10-a341-d9a4ad5cf1c7 ("Subscriptions should have a contact email address
 *    for security issues"), for visibility in the compliance dashboard. It cannot fix anything (AuditIfNotExists)
 *    and reads the obsolete singular alias `Microsoft.Security/securityContacts/email`: subscriptions configured
 *    through the 2020/2023 API (`emails`) have been reported non-compliant by it.
 * 2. A custom DeployIfNotExists definition on Microsoft.Resources/subscriptions that deploys the `default` contact
 *    (2023-12-01-preview) at subscription scope when the contact has no address. Unlike the Azure landing zones'
 *    Deploy-ASC-SecurityContacts (2020 API; existence = "email contains the parameter"), the existence condition
 *    here is only "emails is set and not empty": a subscription that already names a security contact is left
 *    alone, so the policy never replaces addresses someone configured.
 * 3. Its assignment with a system-assigned managed identity, the Security Admin role for that identity (the
 *    deployment writes security contacts), and a remediation task for the subscriptions that already exist.
 */
import { createHash } from 'node:crypto';
import { WardError } from '../core/errors.js';
import { CURRENT_CONTACT_API_VERSION, DEFAULT_CONTACT_NAME } from '../core/remediation/contact-body.js';

export const BUILTIN_AUDIT_DEFINITION_ID = '/providers/Microsoft.Authorization/policyDefinitions/4f4f78b8-e367-4b10-a341-d9a4ad5cf1c7';
export const SECURITY_ADMIN_ROLE_ID = 'fb1c8493-542b-48eb-b624-b4c8fea62acd';
export const POLICY_API_VERSION = '2023-04-01';
export const ROLE_ASSIGNMENT_API_VERSION = '2022-04-01';
export const REMEDIATION_API_VERSION = '2021-10-01';
export const DEFINITION_NAME = 'ward-deploy-security-contact';
export const AUDIT_ASSIGNMENT_NAME = 'ward-contact-audit';
export const DEPLOY_ASSIGNMENT_NAME = 'ward-contact-deploy';
export const REMEDIATION_NAME = 'ward-security-contact';
export const PRINCIPAL_PLACEHOLDER = '<principalId of the ward-contact-deploy assignment identity>';
const SUBSCRIPTION_TEMPLATE_SCHEMA = 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#';

export interface PolicyScope {
  readonly kind: 'managementGroup' | 'subscription';
  /** The ARM id of the scope. */
  readonly id: string;
  /** The management group name or subscription GUID. */
  readonly name: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `--scope`: a management group id, its ARM id, or `/subscriptions/<guid>`. */
export function parsePolicyScope(value: string): PolicyScope {
  const trimmed = value.trim().replace(/\/+$/, '');
  const subscription = /^\/subscriptions\/([^/]+)$/i.exec(trimmed);
  if (subscription) {
    if (!GUID.test(subscription[1]!)) throw new WardError('USAGE', `not a subscription id: ${subscription[1]}`, { hint: '--scope /subscriptions/<guid>' });
    return { kind: 'subscription', id: `/subscriptions/${subscription[1]!.toLowerCase()}`, name: subscription[1]!.toLowerCase() };
  }
  const group = /^(?:\/providers\/Microsoft\.Management\/managementGroups\/)?([A-Za-z0-9_().-]{1,90})$/i.exec(trimmed);
  if (!group || trimmed.startsWith('/subscriptions')) {
    throw new WardError('USAGE', `--scope must be a management group id or /subscriptions/<guid>, got ${JSON.stringify(value)}`, {
      hint: 'for example --scope contoso-landing-zones or --scope /subscriptions/00000000-0000-0000-0000-000000000000',
    });
  }
  return { kind: 'managementGroup', id: `/providers/Microsoft.Management/managementGroups/${group[1]}`, name: group[1]! };
}

export interface PolicyPlanOptions {
  readonly scope: PolicyScope;
  /** Validated addresses. */
  readonly addresses: readonly string[];
  /** Where the assignment's identity and the DINE deployments live (default westeurope). */
  readonly location?: string;
  readonly minimalSeverity?: 'High' | 'Medium' | 'Low';
}

export interface PolicyRequest {
  readonly name: string;
  readonly method: 'PUT';
  /** Path with api-version (prefix the ARM endpoint). */
  readonly path: string;
  readonly body: Record<string, unknown>;
}

export interface PolicyPlan {
  readonly scope: PolicyScope;
  readonly definitionId: string;
  readonly auditAssignmentId: string;
  readonly deployAssignmentId: string;
  readonly requests: {
    readonly definition: PolicyRequest;
    readonly auditAssignment: PolicyRequest;
    readonly deployAssignment: PolicyRequest;
    readonly roleAssignment: PolicyRequest;
    readonly remediation: PolicyRequest;
  };
  readonly commands: readonly string[];
  readonly notes: readonly string[];
}

/** A stable GUID for the role assignment, so a second apply updates rather than duplicates it. */
export function roleAssignmentName(scopeId: string, assignmentId: string): string {
  const hex = createHash('sha256').update(`${scopeId.toLowerCase()}|${assignmentId.toLowerCase()}|${SECURITY_ADMIN_ROLE_ID}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function deployIfNotExistsDefinition(location: string): Record<string, unknown> {
  return {
    properties: {
      policyType: 'Custom',
      mode: 'All',
      displayName: 'Deploy a Defender for Cloud security contact where none is set (ward)',
      description:
        'Deploys the default security contact (Microsoft.Security/securityContacts, 2023-12-01-preview) on subscriptions whose contact has no ' +
        'email address, so that Defender for Cloud alerts reach the security team. Subscriptions that already name an address are left as they are.',
      metadata: { category: 'Security Center', version: '1.0.0', source: 'ward' },
      parameters: {
        emails: {
          type: 'String',
          metadata: { displayName: 'Security contact addresses', description: 'One or more addresses separated by semicolons.' },
        },
        minimalSeverity: {
          type: 'String',
          defaultValue: 'High',
          allowedValues: ['High', 'Medium', 'Low'],
          metadata: { displayName: 'Lowest alert severity mailed' },
        },
        effect: {
          type: 'String',
          defaultValue: 'DeployIfNotExists',
          allowedValues: ['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'],
          metadata: { displayName: 'Effect' },
        },
      },
      policyRule: {
        if: { field: 'type', equals: 'Microsoft.Resources/subscriptions' },
        then: {
          effect: "[parameters('effect')]",
          details: {
            type: 'Microsoft.Security/securityContacts',
            name: DEFAULT_CONTACT_NAME,
            existenceScope: 'subscription',
            deploymentScope: 'subscription',
            roleDefinitionIds: [`/providers/Microsoft.Authorization/roleDefinitions/${SECURITY_ADMIN_ROLE_ID}`],
            existenceCondition: {
              allOf: [
                { field: 'Microsoft.Security/securityContacts/emails', exists: 'true' },
                { field: 'Microsoft.Security/securityContacts/emails', notEquals: '' },
              ],
            },
            deployment: {
              location,
              properties: {
                mode: 'incremental',
                parameters: {
                  emails: { value: "[parameters('emails')]" },
                  minimalSeverity: { value: "[parameters('minimalSeverity')]" },
                },
                template: {
                  $schema: SUBSCRIPTION_TEMPLATE_SCHEMA,
                  contentVersion: '1.0.0.0',
                  parameters: { emails: { type: 'string' }, minimalSeverity: { type: 'string' } },
                  resources: [
                    {
                      type: 'Microsoft.Security/securityContacts',
                      apiVersion: CURRENT_CONTACT_API_VERSION,
                      name: DEFAULT_CONTACT_NAME,
                      properties: {
                        emails: "[parameters('emails')]",
                        isEnabled: true,
                        notificationsByRole: { state: 'On', roles: ['Owner'] },
                        notificationsSources: [{ sourceType: 'Alert', minimalSeverity: "[parameters('minimalSeverity')]" }],
                      },
                    },
                  ],
                },
              },
            },
          },
        },
      },
    },
  };
}

const q = (value: string): string => `'${value.replaceAll("'", "'\\''")}'`;

export function planPolicy(options: PolicyPlanOptions): PolicyPlan {
  const { scope, addresses } = options;
  const location = options.location ?? 'westeurope';
  const severity = options.minimalSeverity ?? 'High';
  const emails = addresses.join(';');
  const definitionId = `${scope.id}/providers/Microsoft.Authorization/policyDefinitions/${DEFINITION_NAME}`;
  const auditAssignmentId = `${scope.id}/providers/Microsoft.Authorization/policyAssignments/${AUDIT_ASSIGNMENT_NAME}`;
  const deployAssignmentId = `${scope.id}/providers/Microsoft.Authorization/policyAssignments/${DEPLOY_ASSIGNMENT_NAME}`;
  const roleName = roleAssignmentName(scope.id, deployAssignmentId);
  const parameters = { emails: { value: emails }, minimalSeverity: { value: severity } };
  const discovery = scope.kind === 'subscription' ? 'ReEvaluateCompliance' : 'ExistingNonCompliant';

  const requests = {
    definition: { name: 'custom DeployIfNotExists definition', method: 'PUT' as const, path: `${definitionId}?api-version=${POLICY_API_VERSION}`, body: deployIfNotExistsDefinition(location) },
    auditAssignment: {
      name: 'built-in audit assignment',
      method: 'PUT' as const,
      path: `${auditAssignmentId}?api-version=${POLICY_API_VERSION}`,
      body: {
        properties: {
          displayName: 'Subscriptions should have a contact email address for security issues (audit)',
          description: 'Visibility only: this built-in audits and cannot remediate; it reads the obsolete `email` alias.',
          policyDefinitionId: BUILTIN_AUDIT_DEFINITION_ID,
          enforcementMode: 'Default',
        },
      },
    },
    deployAssignment: {
      name: 'DeployIfNotExists assignment with a system-assigned identity',
      method: 'PUT' as const,
      path: `${deployAssignmentId}?api-version=${POLICY_API_VERSION}`,
      body: {
        location,
        identity: { type: 'SystemAssigned' },
        properties: {
          displayName: 'Deploy a Defender for Cloud security contact where none is set (ward)',
          policyDefinitionId: definitionId,
          parameters,
          enforcementMode: 'Default',
        },
      },
    },
    roleAssignment: {
      name: 'Security Admin for the assignment identity',
      method: 'PUT' as const,
      path: `${scope.id}/providers/Microsoft.Authorization/roleAssignments/${roleName}?api-version=${ROLE_ASSIGNMENT_API_VERSION}`,
      body: {
        properties: {
          roleDefinitionId: `${scope.id}/providers/Microsoft.Authorization/roleDefinitions/${SECURITY_ADMIN_ROLE_ID}`,
          principalId: PRINCIPAL_PLACEHOLDER,
          principalType: 'ServicePrincipal',
          description: 'ward: lets the security-contact DeployIfNotExists assignment write Microsoft.Security/securityContacts',
        },
      },
    },
    remediation: {
      name: 'remediation task',
      method: 'PUT' as const,
      path: `${scope.id}/providers/Microsoft.PolicyInsights/remediations/${REMEDIATION_NAME}?api-version=${REMEDIATION_API_VERSION}`,
      body: { properties: { policyAssignmentId: deployAssignmentId, resourceDiscoveryMode: discovery } },
    },
  };

  const scopeFlag = scope.kind === 'managementGroup' ? `--management-group ${q(scope.name)}` : `--subscription ${q(scope.name)}`;
  const commands = [
    '# 0. Check that the alias the definition reads exists in your cloud (it should list Microsoft.Security/securityContacts/emails):',
    `az provider show --namespace Microsoft.Security --expand "resourceTypes/aliases" --query "resourceTypes[?resourceType=='securityContacts'].aliases[].name" -o tsv`,
    '# 1. Audit with the built-in (visibility only: AuditIfNotExists, obsolete `email` alias):',
    `az policy assignment create --name ${AUDIT_ASSIGNMENT_NAME} --scope ${q(scope.id)} --policy 4f4f78b8-e367-4b10-a341-d9a4ad5cf1c7`,
    '# 2. The custom DeployIfNotExists definition (policy-rules.json and policy-parameters.json are in --out DIR):',
    `az policy definition create --name ${DEFINITION_NAME} ${scopeFlag} --mode All --display-name ${q('Deploy a Defender for Cloud security contact where none is set (ward)')} --rules policy-rules.json --params policy-parameters.json`,
    '# 3. Its assignment, with a system-assigned identity holding Security Admin on the scope:',
    `az policy assignment create --name ${DEPLOY_ASSIGNMENT_NAME} --scope ${q(scope.id)} --policy ${q(definitionId)} --params ${q(JSON.stringify(parameters))} --mi-system-assigned --location ${q(location)} --role ${SECURITY_ADMIN_ROLE_ID} --identity-scope ${q(scope.id)}`,
    '#    (if your CLI does not grant the role itself:)',
    `#    az role assignment create --assignee-object-id "$(az policy assignment show --name ${DEPLOY_ASSIGNMENT_NAME} --scope ${q(scope.id)} --query identity.principalId -o tsv)" --assignee-principal-type ServicePrincipal --role ${SECURITY_ADMIN_ROLE_ID} --scope ${q(scope.id)}`,
    '# 4. A remediation task for the subscriptions that exist today:',
    `az policy remediation create --name ${REMEDIATION_NAME} --policy-assignment ${q(deployAssignmentId)}${scope.kind === 'managementGroup' ? ` --management-group ${q(scope.name)}` : ` --resource-discovery-mode ReEvaluateCompliance`}`,
  ];
  const notes = [
    'The built-in 4f4f78b8-e367-4b10-a341-d9a4ad5cf1c7 is AuditIfNotExists: it reports, it cannot remediate.',
    'It also reads the obsolete singular alias Microsoft.Security/securityContacts/email; subscriptions configured through the 2020/2023 API (emails) have been reported non-compliant by it. Trust `ward scan` for the verdict.',
    'The custom definition deploys the `default` contact only where `emails` is missing or empty: existing addresses are never replaced.',
    'Assigning needs Resource Policy Contributor (or Owner) on the scope; granting the identity Security Admin needs User Access Administrator (or Owner).',
    scope.kind === 'managementGroup'
      ? 'At management-group scope a remediation task only sees resources already evaluated non-compliant: run it after the first compliance evaluation (up to about 30 minutes after assigning; `az policy state trigger-scan` per subscription speeds it up).'
      : 'The remediation task re-evaluates compliance first (ReEvaluateCompliance).',
    'Afterwards: `ward scan` to confirm, then `ward remediate` for what policy does not cover (legacy contacts without an address, subscriptions excluded from the assignment).',
  ];
  return { scope, definitionId, auditAssignmentId, deployAssignmentId, requests, commands, notes };
}

/** The files `ward policy plan --out DIR` writes: name → content. */
export function policyFiles(plan: PolicyPlan): Record<string, string> {
  const definition = plan.requests.definition.body.properties as { policyRule: unknown; parameters: unknown };
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  return {
    'policy-definition.json': json(plan.requests.definition.body),
    'policy-rules.json': json(definition.policyRule),
    'policy-parameters.json': json(definition.parameters),
    'assignment-audit.json': json(plan.requests.auditAssignment.body),
    'assignment-deploy.json': json(plan.requests.deployAssignment.body),
    'role-assignment.json': json(plan.requests.roleAssignment.body),
    'remediation.json': json(plan.requests.remediation.body),
    'commands.sh': `#!/usr/bin/env bash\n# ward policy plan for ${plan.scope.id}\nset -euo pipefail\n\n${plan.commands.join('\n')}\n`,
    'NOTES.md': `# Azure Policy for the security-contact control (${plan.scope.id})\n\n${plan.notes.map((note) => `- ${note}`).join('\n')}\n`,
  };
}

export function renderPolicyPlanText(plan: PolicyPlan): string {
  return [
    `Azure Policy for ${plan.scope.id}`,
    '',
    'Read first:',
    ...plan.notes.map((note) => `  - ${note}`),
    '',
    'Requests (`ward policy apply` makes them; the commands below do the same with the Azure CLI):',
    ...Object.values(plan.requests).map((request) => `  ${request.method} ${request.path}   (${request.name})`),
    '',
    ...plan.commands,
    '',
  ].join('\n');
}
