/**
 * The compliance part of the API: controls as their pages show them, the current findings (context.findings(),
 * the composition `ward findings` uses), scans, drift (scan-diff.ts, as `ward diff`), exceptions and their audit
 * log, remediation runs and the server's scan jobs. Read-only: changes are in mutations-api.ts.
 */
import { assetPatternMatches, exceptionIsActive } from '../../core/engine/apply-exceptions.js';
import { splitFailureReason } from '../../core/engine/failure-reason.js';
import type { Check, Control, ExceptionRecord, Finding } from '../../core/model.js';
import { countChanges, listRuns, type RemediationRun } from '../../remediation/remediation-repository.js';
import { listExceptionEvents, listExceptions, type ExceptionEvent } from '../../store/exception-repository.js';
import { getScan, listScans, type ScanRow } from '../../store/scan-repository.js';
import { assetIdsWithTag, controlIdsInFrameworks } from '../finding-filters.js';
import type { ApiContext, ApiResolvers } from './api-context.js';
import { connectionOf, windowOf } from './inventory-api.js';

export const COMPLIANCE_SDL = `
enum FindingStatus { pass fail error excepted skipped }
enum Severity { informational low medium high critical }
enum ExceptionState { active expired }

type Reference { title: String! url: String! }
type RemediationText { console: [String!]! cli: String! }
type RemediationPaths { serviceWide: String! assetLevel: String! preventive: String! references: [Reference!]! }
type RolloutStep { title: String! steps: [String!]! }
type FrameworkMapping { framework: String! version: String! requirement: String! level: String }
"A declared parameter and the value in force (its default, or an override from ward.yaml)."
type ControlParameter { name: String! type: String! default: JSON! allowed: [JSON!] description: String! value: JSON! }
type CheckVariable { name: String! type: String! }
type CheckReason { match: String! reason: String! }
type ControlCheck {
  id: String!
  name: String!
  "The stored GraphQL query, verbatim."
  query: String!
  "The expected result as control.yaml writes it (eq [])."
  expect: String!
  rootField: String!
  assetType: String!
  variables: [CheckVariable!]!
  reasons: [CheckReason!]!
  "The values in force of the parameters this check reads, by variable name."
  parameters: JSON!
}
type Control {
  id: String!
  title: String!
  provider: String!
  service: String!
  severity: Severity!
  assetTypes: [String!]!
  overview: String!
  rationale: String!
  defaultValue: String!
  references: [Reference!]!
  remediation: RemediationText!
  additionalInformation: String!
  remediationPaths: RemediationPaths!
  rollout: [RolloutStep!]!
  frameworks: [FrameworkMapping!]!
  checks: [ControlCheck!]!
  parameters: [ControlParameter!]!
}

type FindingException { id: String! owner: String! reason: String! expires: String! }
type FindingHistory { firstSeen: String! lastSeen: String! lastChanged: String! changes: Int! }
type Finding {
  controlId: String!
  checkId: String!
  assetId: String!
  assetName: String
  status: FindingStatus!
  severity: Severity!
  "The whole reason as stored (text and matched filters)."
  reason: String!
  "The reason for people: without the matched filters."
  reasonText: String!
  "The filters of the check the asset matched (a failure's cause, for machines)."
  matched: [String!]!
  originalStatus: FindingStatus
  originalReason: String
  exception: FindingException
  expiredException: FindingException
  history: FindingHistory
}
"Every given part must hold; a list matches any of its values."
input FindingFilter {
  status: [FindingStatus!]
  controlId: [String!]
  "An asset id (case-insensitive), or a prefix ending in *."
  assetId: String
  severity: [Severity!]
  "A framework name of the control (CIS, NIST…), case-insensitive."
  framework: [String!]
  "A subscription tag: key=value, or key alone for any value."
  tag: String
}
type FindingEdge { cursor: String! node: Finding! }
type FindingsConnection { totalCount: Int! edges: [FindingEdge!]! pageInfo: PageInfo! scan: Scan! }

type ScanSummary { total: Int! controls: Int! assets: Int! pass: Int! fail: Int! error: Int! excepted: Int! skipped: Int! }
type Scan {
  id: Int!
  startedAt: String!
  finishedAt: String
  status: String!
  source: String!
  error: String
  summary: ScanSummary
  scope: [String!]
  controls: [String!]
  narrowed: Boolean!
  "When ward prune removed the scan's findings (its summary stays); null while it has them."
  prunedAt: String
  "Why and by whom the scan is kept (ward pin); null when it is not pinned."
  pin: ScanPin
}
type ScanPin { reason: String! pinnedBy: String! pinnedAt: String! }
type DriftEntry {
  controlId: String!
  checkId: String!
  assetId: String!
  assetName: String
  status: FindingStatus!
  severity: Severity!
  reason: String!
  before: FindingStatus
  after: FindingStatus
}
type ScanDiff { from: Scan! to: Scan! new: [DriftEntry!]! resolved: [DriftEntry!]! changed: [DriftEntry!]! unchanged: Int! outOfScope: Int! }

type Exception {
  id: String!
  controlId: String!
  "An ARM id, or a prefix ending in *."
  assetId: String!
  owner: String!
  reason: String!
  "Valid through this day (UTC)."
  expires: String!
  createdAt: String!
  createdBy: String!
  state: ExceptionState!
}
type ExceptionEvent { id: Int! at: String! actor: String! action: String! exceptionId: String! source: String exception: Exception! }

type RemediationChangeCount { status: String! count: Int! }
type RemediationRun {
  id: Int!
  controlId: String!
  startedAt: String!
  finishedAt: String
  status: String!
  armEndpoint: String!
  addresses: [String!]!
  message: String
  changes: [RemediationChangeCount!]!
}

type ScanJob {
  id: String!
  state: String!
  phase: String!
  source: String!
  startedBy: String!
  startedAt: String!
  finishedAt: String
  scanId: Int
  subscriptions: Int
  error: String
}
`;

export const COMPLIANCE_QUERY_FIELDS = `
  controls: [Control!]!
  control(id: String!): Control
  "The current state (ward findings): the latest complete scan, or scanId, with exceptions applied as of now."
  findings(where: FindingFilter, first: Int, after: String, scanId: Int): FindingsConnection!
  scans: [Scan!]!
  scan(id: Int!): Scan
  "Drift between two complete scans (ward diff): default the latest against the one before it."
  diff(from: Int, to: Int): ScanDiff!
  exceptions: [Exception!]!
  "The exceptions audit log, oldest first; one exception's lines with exceptionId."
  exceptionEvents(exceptionId: String): [ExceptionEvent!]!
  remediationRuns: [RemediationRun!]!
  scanJobs: [ScanJob!]!
  scanJob(id: String!): ScanJob
`;

const iso = (time: Date | null): string | null => (time === null ? null : time.toISOString());

function checkJson(control: Control, check: Check) {
  const parameters: Record<string, unknown> = {};
  for (const variable of check.variables) parameters[variable.name] = control.parameterValues[variable.name] ?? null;
  return { ...check, expect: check.expect.source, reasons: check.reasons ?? [], parameters };
}

/** The control as its page shows it; its folder on the server's disk is left out. */
export function controlJson(control: Control) {
  const { directory: _directory, ...rest } = control;
  return {
    ...rest,
    checks: control.checks.map((check) => checkJson(control, check)),
    parameters: control.parameters.map((parameter) => ({ ...parameter, value: control.parameterValues[parameter.name] ?? parameter.default })),
  };
}

export function findingJson(finding: Finding) {
  const { text, matched } = splitFailureReason(finding.reason);
  return { ...finding, reasonText: text, matched };
}

export function scanJson(scan: ScanRow) {
  return {
    ...scan,
    startedAt: scan.startedAt.toISOString(),
    finishedAt: iso(scan.finishedAt),
    prunedAt: iso(scan.prunedAt),
    pin: scan.pin === null ? null : { ...scan.pin, pinnedAt: scan.pin.pinnedAt.toISOString() },
    summary: scan.summary ? { total: scan.summary.total, controls: scan.summary.controls, assets: scan.summary.assets, ...scan.summary.byStatus } : null,
  };
}

export function exceptionJson(exception: ExceptionRecord, now: Date) {
  return { ...exception, state: exceptionIsActive(exception, now) ? 'active' : 'expired' };
}


function runJson(run: RemediationRun, counts: Partial<Record<string, number>> | undefined) {
  return {
    ...run,
    startedAt: run.startedAt.toISOString(),
    finishedAt: iso(run.finishedAt),
    changes: Object.entries(counts ?? {}).map(([status, count]) => ({ status, count })),
  };
}

function eventJson(event: ExceptionEvent, now: Date) {
  return { ...event, exception: exceptionJson(event.exception, now) };
}

interface FindingFilter {
  readonly status?: readonly string[] | null;
  readonly controlId?: readonly string[] | null;
  readonly assetId?: string | null;
  readonly severity?: readonly string[] | null;
  readonly framework?: readonly string[] | null;
  readonly tag?: string | null;
}

const listed = (values: readonly string[] | null | undefined): values is readonly string[] => Array.isArray(values) && values.length > 0;

async function findingMatcher(filter: FindingFilter, context: ApiContext): Promise<(finding: Finding) => boolean> {
  const tests: ((finding: Finding) => boolean)[] = [];
  if (listed(filter.status)) tests.push((f) => filter.status!.includes(f.status));
  if (listed(filter.controlId)) tests.push((f) => filter.controlId!.includes(f.controlId));
  if (listed(filter.severity)) tests.push((f) => filter.severity!.includes(f.severity));
  if (typeof filter.assetId === 'string' && filter.assetId !== '') {
    const pattern = filter.assetId;
    tests.push((f) => assetPatternMatches(pattern, f.assetId));
  }
  if (listed(filter.framework)) {
    const controls = controlIdsInFrameworks(context.server.controls, filter.framework);
    tests.push((f) => controls.has(f.controlId));
  }
  if (typeof filter.tag === 'string' && filter.tag !== '') {
    const tagged = await assetIdsWithTag(context.server.store, filter.tag);
    tests.push((f) => tagged.has(f.assetId.toLowerCase()));
  }
  return (finding) => tests.every((test) => test(finding));
}

export function complianceResolvers(): ApiResolvers {
  return {
    Query: {
      controls: (_s, _a, context: ApiContext) => context.server.controls.map(controlJson),
      control: (_s, args: { id: string }, context: ApiContext) => {
        const control = context.server.controls.find((c) => c.id === args.id);
        return control ? controlJson(control) : null;
      },
      findings: async (_s, args: Record<string, unknown>, context: ApiContext) => {
        const { start, first } = windowOf(args);
        const scanId = typeof args.scanId === 'number' ? args.scanId : undefined;
        const current = await context.server.findings(scanId === undefined ? {} : { scanId });
        const matches = await findingMatcher((args.where ?? {}) as FindingFilter, context);
        const all = current.findings.filter(matches);
        const items = all.slice(start, first === undefined ? undefined : start + first).map(findingJson);
        return { ...connectionOf(async () => ({ start, items, hasNextPage: start + items.length < all.length }), async () => all.length), scan: scanJson(current.scan) };
      },
      scans: async (_s, _a, context: ApiContext) => (await listScans(context.server.store)).map(scanJson),
      scan: async (_s, args: { id: number }, context: ApiContext) => {
        const scan = await getScan(context.server.store, args.id);
        return scan ? scanJson(scan) : null;
      },
      diff: async (_s, args: { from?: number | null; to?: number | null }, context: ApiContext) => {
        const { from, to, diff } = await context.server.drift(args.from ?? undefined, args.to ?? undefined);
        return { ...diff, from: scanJson(from), to: scanJson(to) };
      },
      exceptions: async (_s, _a, context: ApiContext) => {
        const now = context.server.now();
        return (await listExceptions(context.server.store)).map((exception) => exceptionJson(exception, now));
      },
      exceptionEvents: async (_s, args: { exceptionId?: string | null }, context: ApiContext) => {
        const now = context.server.now();
        return (await listExceptionEvents(context.server.store, args.exceptionId ?? undefined)).map((event) => eventJson(event, now));
      },
      remediationRuns: async (_s, _a, context: ApiContext) => {
        const counts = await countChanges(context.server.store);
        return (await listRuns(context.server.store)).map((run) => runJson(run, counts.get(run.id)));
      },
      scanJobs: (_s, _a, context: ApiContext) => context.server.scans.list(),
      scanJob: (_s, args: { id: string }, context: ApiContext) => context.server.scans.get(args.id) ?? null,
    },
  };
}
