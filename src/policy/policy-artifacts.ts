/**
 * The service-wide fix as data: what an Azure admin needs to contain the security-contact controls with Azure
 * Policy. Pure.
 *
 * 1. The built-in audit 4f4f78b8-e367-4b10-a341-d9a4ad5cf1c7 ("Subscriptions should have a contact email address
 *    for security issues"), for visibility in the compliance dashboard. It cannot fix anything (AuditIfNotExists)
 *    and reads the obsolete singular alias `Microsoft.Security/securityContacts/email`: subscriptions configured
 *    through the 2020/2023 API (`emails`) have been reported non-compliant by it.
 * 2. A custom DeployIfNotExists definition on Microsoft.Resources/subscriptions that deploys the `default` contact
 *    (2023-12-01-preview) at subscription scope, satisfying all four controls of the family: the given addresses,
 *    the Owner role notified (state On), an Alert source at the alert-severity control's minimalSeverity, an
 *    AttackPath source at the attack-path control's minimalRiskLevel, isEnabled true. Its existence condition checks
 *    all of it, accepting a lower threshold (which mails more) as the controls do, so a subscription configured at
 *    least as strictly is left alone.
 * 3. Its assignment with a system-assigned managed identity, the Security Admin role for that identity (the
 *    deployment writes security contacts), and a remediation task for the subscriptions that already exist.
 *
 * A deployment replaces the contact as a whole: on a subscription whose contact names addresses but misses a
 * notification setting, the policy writes the given addresses in place of those. `ward remediate --all-controls`
 * merges instead; run it first for the subscriptions that exist (the notes say so).
 */
import { createHash } from 'node:crypto';
import { WardError } from '../core/errors.js';
import { ALERT_SEVERITIES, ATTACK_PATH_RISK_LEVELS } from '../core/inventory/normalise-capture.js';
import { CURRENT_CONTACT_API_VERSION, DEFAULT_CONTACT_NAME, baselineContactBody, type NotificationLevels } from '../core/remediation/contact-body.js';
import { DEFAULT_NOTIFICATION_LEVELS } from '../core/remediation/notification-levels.js';

export const BUILTIN_AUDIT_DEFINITION_ID = '/providers/Microsoft.Authorization/policyDefinitions/4f4f78b8-e367-4b10-a341-d9a4ad5cf1c7';
export const SECURITY_ADMIN_ROLE_ID = 'fb1c8493-542b-48eb-b624-b4c8fea62acd';
export const POLICY_API_VERSION = '2023-04-01';
export const ROLE_ASSIGNMENT_API_VERSION = '2022-04-01';
export const REMEDIATION_API_VERSION = '2021-10-01';
export const DEFINITION_NAME = 'ward-deploy-security-contact';
export const AUDIT_ASSIGNMENT_NAME = 'ward-contact-audit';
export const DEPLOY_ASSIGNMENT_NAME = 'ward-contact-deploy';
export const REMEDIATION_NAME = 'ward-security-contact';
export const DEFINITION_DISPLAY_NAME = 'Deploy a Defender for Cloud security contact that notifies the security team and the owners (ward)';
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
  /** The thresholds the controls require (notificationLevelsInForce); default High and High. */
  readonly levels?: NotificationLevels;
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

const CONTACT = 'Microsoft.Security/securityContacts';
const alias = (path: string): string => `${CONTACT}/${path}`;

/**
 * `field` holds a level at or below the level the parameter names (lower thresholds mail more, so they satisfy):
 * one branch per level L, "field is L and the parameter is L or above".
 */
export function levelAtOrBelowParameter(field: string, parameter: string, levels: readonly string[]): Record<string, unknown> {
  return {
    anyOf: levels.map((level, index) => ({ allOf: [{ field, equals: level }, { value: `[parameters('${parameter}')]`, in: levels.slice(index) }] })),
  };
}

/** A notification source of this type whose threshold (`field`, named like its policy parameter) is at or below the parameter. */
function sourceAtOrBelow(sourceType: 'Alert' | 'AttackPath', field: 'minimalSeverity' | 'minimalRiskLevel', levels: readonly string[]): Record<string, unknown> {
  return {
    count: {
      field: alias('notificationsSources[*]'),
      where: {
        allOf: [
          { field: alias('notificationsSources[*].sourceType'), equals: sourceType },
          levelAtOrBelowParameter(alias(`notificationsSources[*].${sourceType}.${field}`), field, levels),
        ],
      },
    },
    greater: 0,
  };
}

/** The existence condition: the `default` contact satisfies every control of the family. */
export function contactExistenceCondition(): Record<string, unknown> {
  return {
    allOf: [
      { field: alias('emails'), exists: 'true' },
      { field: alias('emails'), notEquals: '' },
      { field: alias('isEnabled'), equals: 'true' },
      { field: alias('notificationsByRole.state'), equals: 'On' },
      {
        count: { field: alias('notificationsByRole.roles[*]'), where: { field: alias('notificationsByRole.roles[*]'), equals: 'Owner' } },
        greater: 0,
      },
      sourceAtOrBelow('Alert', 'minimalSeverity', ALERT_SEVERITIES),
      sourceAtOrBelow('AttackPath', 'minimalRiskLevel', ATTACK_PATH_RISK_LEVELS),
    ],
  };
}

/** The contact the deployment writes, with the policy parameters in place of the values. */
export function deployedContactProperties(): Record<string, unknown> {
  const { properties } = baselineContactBody([], { minimalSeverity: "[parameters('minimalSeverity')]", minimalRiskLevel: "[parameters('minimalRiskLevel')]" });
  return { ...properties, emails: "[parameters('emails')]" };
}

export function deployIfNotExistsDefinition(location: string, levels: NotificationLevels = DEFAULT_NOTIFICATION_LEVELS): Record<string, unknown> {
  return {
    properties: {
      policyType: 'Custom',
      mode: 'All',
      displayName: DEFINITION_DISPLAY_NAME,
      description:
        'Deploys the default security contact (Microsoft.Security/securityContacts, 2023-12-01-preview) on subscriptions whose contact does not ' +
        'email the security team, the subscription owners, alerts from the minimal severity and attack paths from the minimal risk level, or is ' +
        'disabled. Subscriptions configured at least as strictly are left as they are. A deployment replaces the contact with the given addresses.',
      metadata: { category: 'Security Center', version: '2.0.0', source: 'ward' },
      parameters: {
        emails: {
          type: 'String',
          metadata: { displayName: 'Security contact addresses', description: 'One or more addresses separated by semicolons.' },
        },
        minimalSeverity: {
          type: 'String',
          defaultValue: levels.minimalSeverity,
          allowedValues: ['High', 'Medium', 'Low'],
          metadata: { displayName: 'Lowest alert severity mailed', description: 'A contact mailing from this severity or a lower one complies.' },
        },
        minimalRiskLevel: {
          type: 'String',
          defaultValue: levels.minimalRiskLevel,
          allowedValues: ['Critical', 'High', 'Medium', 'Low'],
          metadata: { displayName: 'Lowest attack-path risk level mailed', description: 'A contact mailing from this risk level or a lower one complies.' },
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
            type: CONTACT,
            name: DEFAULT_CONTACT_NAME,
            existenceScope: 'subscription',
            deploymentScope: 'subscription',
            roleDefinitionIds: [`/providers/Microsoft.Authorization/roleDefinitions/${SECURITY_ADMIN_ROLE_ID}`],
            existenceCondition: contactExistenceCondition(),
            deployment: {
              location,
              properties: {
                mode: 'incremental',
                parameters: {
                  emails: { value: "[parameters('emails')]" },
                  minimalSeverity: { value: "[parameters('minimalSeverity')]" },
                  minimalRiskLevel: { value: "[parameters('minimalRiskLevel')]" },
                },
                template: {
                  $schema: SUBSCRIPTION_TEMPLATE_SCHEMA,
                  contentVersion: '1.0.0.0',
                  parameters: { emails: { type: 'string' }, minimalSeverity: { type: 'string' }, minimalRiskLevel: { type: 'string' } },
                  resources: [{ type: CONTACT, apiVersion: CURRENT_CONTACT_API_VERSION, name: DEFAULT_CONTACT_NAME, properties: deployedContactProperties() }],
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
  const levels = options.levels ?? DEFAULT_NOTIFICATION_LEVELS;
  const emails = addresses.join(';');
  const definitionId = `${scope.id}/providers/Microsoft.Authorization/policyDefinitions/${DEFINITION_NAME}`;
  const auditAssignmentId = `${scope.id}/providers/Microsoft.Authorization/policyAssignments/${AUDIT_ASSIGNMENT_NAME}`;
  const deployAssignmentId = `${scope.id}/providers/Microsoft.Authorization/policyAssignments/${DEPLOY_ASSIGNMENT_NAME}`;
  const roleName = roleAssignmentName(scope.id, deployAssignmentId);
  const parameters = { emails: { value: emails }, minimalSeverity: { value: levels.minimalSeverity }, minimalRiskLevel: { value: levels.minimalRiskLevel } };
  const discovery = scope.kind === 'subscription' ? 'ReEvaluateCompliance' : 'ExistingNonCompliant';

  const requests = {
    definition: { name: 'custom DeployIfNotExists definition', method: 'PUT' as const, path: `${definitionId}?api-version=${POLICY_API_VERSION}`, body: deployIfNotExistsDefinition(location, levels) },
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
          displayName: DEFINITION_DISPLAY_NAME,
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
    '# 0. Check that the aliases the definition reads exist in your cloud (emails, isEnabled, notificationsByRole.*, notificationsSources[*].*):',
    `az provider show --namespace Microsoft.Security --expand "resourceTypes/aliases" --query "resourceTypes[?resourceType=='securityContacts'].aliases[].name" -o tsv`,
    '# 1. Audit with the built-in (visibility only: AuditIfNotExists, obsolete `email` alias):',
    `az policy assignment create --name ${AUDIT_ASSIGNMENT_NAME} --scope ${q(scope.id)} --policy 4f4f78b8-e367-4b10-a341-d9a4ad5cf1c7`,
    '# 2. The custom DeployIfNotExists definition (policy-rules.json and policy-parameters.json are in the -o DIR):',
    `az policy definition create --name ${DEFINITION_NAME} ${scopeFlag} --mode All --display-name ${q(DEFINITION_DISPLAY_NAME)} --rules policy-rules.json --params policy-parameters.json`,
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
    `The custom definition deploys the \`default\` contact where it does not satisfy every security-contact control: no address, Owner not notified, no Alert source at ${levels.minimalSeverity} or lower, no AttackPath source at ${levels.minimalRiskLevel} or lower, or disabled. A contact configured at least as strictly is left alone.`,
    'A deployment REPLACES the contact: where a contact names addresses but misses a notification setting, the given addresses take their place. Run `ward remediate --all-controls --apply` first for the subscriptions that exist (it merges the fix into what each has), then let the policy keep new subscriptions in line.',
    'Assigning needs Resource Policy Contributor (or Owner) on the scope; granting the identity Security Admin needs User Access Administrator (or Owner).',
    scope.kind === 'managementGroup'
      ? 'At management-group scope a remediation task only sees resources already evaluated non-compliant: run it after the first compliance evaluation (up to about 30 minutes after assigning; `az policy state trigger-scan` per subscription speeds it up).'
      : 'The remediation task re-evaluates compliance first (ReEvaluateCompliance).',
    'Afterwards: `ward scan` to confirm, then `ward remediate --all-controls` for what policy does not cover (legacy contacts without an address, subscriptions excluded from the assignment).',
  ];
  return { scope, definitionId, auditAssignmentId, deployAssignmentId, requests, commands, notes };
}

/** The files `ward policy plan -o DIR` writes: name → content. */
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
    'NOTES.md': `# Azure Policy for the security-contact controls (${plan.scope.id})\n\n${plan.notes.map((note) => `- ${note}`).join('\n')}\n`,
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
