/**
 * `ward policy apply`: makes the policy plan's requests through ARM, in order — definition, audit assignment,
 * DeployIfNotExists assignment (its identity's principal id comes back in the answer), the Security Admin role
 * for that identity, then the remediation task. PUTs are idempotent: running it again updates in place.
 *
 * Every failure is a WardError (one line, exit 2): an ARM error answer, a failed sign-in (already explained by the
 * credential) and a request that got no answer (refused, DNS, TLS, timeout), each saying which step it stopped at.
 */
import { WardError, isWardError } from '../core/errors.js';
import { explainArmRequestFailure } from '../connectors/azure/explain-azure-failure.js';
import type { ArmAnswer, ArmTransport } from '../remediation/arm-transport.js';
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
    const again = `${steps.length} earlier step(s) succeeded; run \`ward policy apply\` again once fixed (every step is an idempotent PUT)`;
    let answer: ArmAnswer;
    try {
      answer = await transport.request('PUT', request.path, request.body);
    } catch (error) {
      if (isWardError(error)) {
        throw new WardError(error.code, `${request.name}: ${error.message}`, {
          ...(error.location === undefined ? {} : { location: error.location }),
          hint: steps.length === 0 ? (error.hint ?? again) : `${error.hint === undefined ? '' : `${error.hint}; `}${again}`,
          cause: error,
        });
      }
      const unanswered = explainArmRequestFailure(error, { armEndpoint: transport.armEndpoint, what: request.name });
      if (unanswered === undefined) throw error; // not a failure of the request: a bug, which keeps its stack
      throw new WardError(unanswered.code, unanswered.message, {
        location: { file: request.path.replace(/\?.*$/, '') },
        hint: `${unanswered.hint}; ${again}`,
        cause: error,
      });
    }
    if (answer.status < 200 || answer.status >= 300) {
      const denied = answer.status === 403;
      throw new WardError('AZURE_ERROR', `${request.name}: ${armErrorText(answer)}${denied ? `; this step needs ${ROLE_FOR[request.name]} on ${plan.scope.id}` : ''}`, {
        location: { file: request.path.replace(/\?.*$/, '') },
        hint: again,
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
