/**
 * `ward policy apply`: makes the policy plan's requests through ARM, in order — definition, audit assignment,
 * DeployIfNotExists assignment (its identity's principal id comes back in the answer), the Security Admin role
 * for that identity, then the remediation task. PUTs are idempotent: running it again updates in place.
 */
import { WardError } from '../core/errors.js';
import type { ArmTransport } from '../remediation/arm-transport.js';
import { armErrorText } from '../remediation/write-errors.js';
import { PRINCIPAL_PLACEHOLDER, type PolicyPlan, type PolicyRequest } from './policy-artifacts.js';

export interface PolicyApplyResult {
  readonly principalId: string;
  readonly steps: readonly { readonly name: string; readonly path: string; readonly status: number }[];
  readonly remediation: unknown;
}

const ROLE_FOR: Readonly<Record<string, string>> = {
  'custom DeployIfNotExists definition': 'Resource Policy Contributor (or Owner)',
  'built-in audit assignment': 'Resource Policy Contributor (or Owner)',
  'DeployIfNotExists assignment with a system-assigned identity': 'Resource Policy Contributor (or Owner)',
  'Security Admin for the assignment identity': 'User Access Administrator (or Owner)',
  'remediation task': 'Resource Policy Contributor (or Owner)',
};

export async function applyPolicy(plan: PolicyPlan, transport: ArmTransport, log: (line: string) => void = () => undefined): Promise<PolicyApplyResult> {
  const steps: { name: string; path: string; status: number }[] = [];
  const send = async (request: PolicyRequest): Promise<unknown> => {
    const answer = await transport.request('PUT', request.path, request.body);
    if (answer.status < 200 || answer.status >= 300) {
      const denied = answer.status === 403;
      throw new WardError('AZURE_ERROR', `${request.name}: ${armErrorText(answer)}${denied ? `; this step needs ${ROLE_FOR[request.name]} on ${plan.scope.id}` : ''}`, {
        location: { file: request.path.replace(/\?.*$/, '') },
        hint: `${steps.length} earlier step(s) succeeded; run \`ward policy apply\` again once fixed (every step is an idempotent PUT)`,
      });
    }
    steps.push({ name: request.name, path: request.path, status: answer.status });
    log(`PUT ${request.path} → ${answer.status}`);
    return answer.body;
  };
  await send(plan.requests.definition);
  await send(plan.requests.auditAssignment);
  const assignment = (await send(plan.requests.deployAssignment)) as { identity?: { principalId?: unknown } } | undefined;
  const principalId = assignment?.identity?.principalId;
  if (typeof principalId !== 'string' || principalId === '') {
    throw new WardError('AZURE_ERROR', 'the DeployIfNotExists assignment came back without a managed identity (identity.principalId)', {
      hint: 'check that the assignment request carried identity {type: SystemAssigned} and a location',
    });
  }
  const role = plan.requests.roleAssignment;
  const properties = { ...(role.body.properties as Record<string, unknown>), principalId };
  if (JSON.stringify(properties).includes(PRINCIPAL_PLACEHOLDER)) throw new Error('principal placeholder left in the role assignment');
  await send({ ...role, body: { properties } });
  const remediation = await send(plan.requests.remediation);
  return { principalId, steps, remediation };
}
