/**
 * The API's mutations: exceptions (the same validation and audit as `ward exceptions`, through exception-changes.ts,
 * the token's name as actor), starting a scan (context.scans), and a remediation plan (planning only: applying
 * changes Azure and stays a CLI action, with its confirmation). Refused for viewers, and for everyone on a
 * `--read-only` server; the schema stays the same either way, so a client learns why instead of "unknown field".
 */
import { WardError } from '../../core/errors.js';
import { exceptionProblem, type DeclaredException, type ExceptionProblem } from '../../core/exceptions/validate-exception.js';
import { parseRequestedAddresses } from '../../core/remediation/plan-remediation.js';
import { EMAIL_CONTROL_ID } from '../../core/remediation/planners/email-planner.js';
import { plannersFor } from '../../core/remediation/remediation-planners.js';
import { planToJson } from '../../core/remediation/render-plan.js';
import { planVerifiedRemediation } from '../../remediation/plan-verified-remediation.js';
import { addException, exceptionRefusal, removeExceptionById } from '../../scan/exception-changes.js';
import { listExceptions } from '../../store/exception-repository.js';
import { readInventory } from '../../store/inventory-repository.js';
import type { ApiContext, ApiResolvers } from './api-context.js';
import { exceptionJson } from './compliance-api.js';

export const MUTATION_SDL = `
input ExceptionInput {
  controlId: String!
  "An ARM id, or a prefix ending in *."
  assetId: String!
  "Who answers for the accepted risk (an email address)."
  owner: String!
  "YYYY-MM-DD, valid through that day (UTC), at most the server's maximum ahead."
  expires: String!
  reason: String!
}
type AddedException { exception: Exception! warnings: [String!]! }

"Changes; refused for viewer tokens and on a --read-only server."
type Mutation {
  "Accept a failing finding's risk until a date (ward exceptions add)."
  addException(input: ExceptionInput!): AddedException!
  removeException(id: String!): Exception!
  "Scan a capture directory on the server's machine, or (offline absent) the live tenant with the server's credentials. One at a time."
  startScan(offline: String): ScanJob!
  "The verified remediation plan for the stored inventory (ward remediate without --apply); nothing is changed."
  remediationPlan(controlIds: [String!]!, emails: [String!]): JSON!
}
`;

/** An exceptions-file field name as the name of the API's input field, for extensions.field. */
const INPUT_FIELD: Readonly<Record<ExceptionProblem['field'], string>> = {
  control: 'controlId',
  asset: 'assetId',
  owner: 'owner',
  expires: 'expires',
  reason: 'reason',
};

function mayChange(context: ApiContext): void {
  if (context.server.readOnly) {
    throw new WardError('FORBIDDEN', 'this server runs --read-only: nothing can be changed through it', { hint: 'make the change with the ward CLI, or restart ward serve without --read-only' });
  }
  if (context.principal.role !== 'admin') {
    throw new WardError('FORBIDDEN', `the token "${context.principal.name}" is a viewer: it cannot change anything`, { hint: 'use a token with the admin role (--tokens-file)' });
  }
}

const BY = (context: ApiContext) => ({ actor: context.principal.name, source: 'serve' });

export function mutationResolvers(): ApiResolvers {
  return {
    Mutation: {
      addException: async (_s, args: { input: DeclaredException }, context: ApiContext) => {
        mayChange(context);
        const now = context.server.now();
        const rules = { now, maxDays: context.server.exceptionMaxDays, knownControls: context.server.controls.map((c) => c.id) };
        // the problem is found here too, only to name its field; addException applies the same rules again
        const problem = exceptionProblem(args.input, rules);
        if (problem) throw exceptionRefusal(problem, { field: INPUT_FIELD[problem.field] });
        const added = await addException(context.server.store, args.input, rules, BY(context));
        return { exception: exceptionJson(added.saved, now), warnings: added.warnings };
      },
      removeException: async (_s, args: { id: string }, context: ApiContext) => {
        mayChange(context);
        const now = context.server.now();
        return exceptionJson(await removeExceptionById(context.server.store, args.id, now, BY(context)), now);
      },
      startScan: (_s, args: { offline?: string | null }, context: ApiContext) => {
        mayChange(context);
        return context.server.scans.start(args.offline === undefined || args.offline === null ? {} : { offline: args.offline }, context.principal.name);
      },
      remediationPlan: async (_s, args: { controlIds: readonly string[]; emails?: readonly string[] | null }, context: ApiContext) => {
        mayChange(context);
        const unknown = args.controlIds.filter((id) => !context.server.controls.some((c) => c.id === id));
        if (args.controlIds.length === 0 || unknown.length > 0) {
          throw new WardError('NOT_FOUND', args.controlIds.length === 0 ? 'name at least one control' : `no control ${unknown.join(', ')}`, { hint: 'the controls query lists them' });
        }
        const controls = plannersFor(context.server.controls.filter((c) => args.controlIds.includes(c.id))).map(({ control }) => control);
        const addresses = args.emails?.length ? parseRequestedAddresses(args.emails) : [];
        if (addresses.length > 0 && !controls.some((c) => c.id === EMAIL_CONTROL_ID)) {
          throw new WardError('USAGE', `emails add addresses for ${EMAIL_CONTROL_ID}, which is not selected`, { hint: `add ${EMAIL_CONTROL_ID} to controlIds, or drop emails` });
        }
        const store = context.server.store;
        const plan = await planVerifiedRemediation({
          controls,
          inventory: await readInventory(store),
          exceptions: await listExceptions(store),
          now: context.server.now(),
          addresses,
          // the plan prints absolute request URLs; nothing is sent anywhere
          armEndpoint: 'https://management.azure.com',
        });
        return planToJson(plan);
      },
    },
  };
}
