import type { Control, Finding, FindingStatus, Inventory } from '../core/model.js';
import { worseStatus } from '../core/engine/evaluate-check.js';
import { splitFailureReason } from '../core/engine/failure-reason.js';
import { evaluateInventory } from '../scan/evaluate-inventory.js';
import { fieldsOfApiVersion, type IacContactResource } from './contact-resource.js';
import { hides, readsOfControl, type ControlReads } from './control-reads.js';
import { describeReadProperties, describeUnresolved } from './describe-read-properties.js';
import type { IacFinding, IacInputError, IacStatus } from './iac-finding.js';
import { iacInventory } from './iac-inventory.js';
import type { SourcePosition } from './source-position.js';

/** The production engine's signature: every control's stored checks on an inventory, one finding per (control, asset). */
export type InventoryEvaluator = (controls: readonly Control[], inventory: Inventory) => Promise<Finding[]>;

export interface IacJudgement {
  readonly findings: readonly IacFinding[];
  /** Bodies normalisation rejects, and checks that could not run (a tool error: the run exits 2). */
  readonly errors: readonly IacInputError[];
}

export interface JudgeOptions {
  /** The engine; the production one (compiled SQL in an in-memory PGlite) unless a test passes another. */
  readonly evaluate?: InventoryEvaluator;
  /** How a control's check file is shown in an error. */
  readonly displayPath?: (file: string) => string;
}

/**
 * Judges every resource against every control with the same engine as `ward scan`, in one run for all of
 * them: the resources become an inventory of one subscription each, and the engine's findings come back as
 * one IacFinding per (resource, control) at the line of the property the control reads.
 */
export async function judgeIacResources(resources: readonly IacContactResource[], controls: readonly Control[], options: JudgeOptions = {}): Promise<IacJudgement> {
  const built = iacInventory(resources);
  if (built.inventory.connectors.length === 0 || controls.length === 0) return { findings: [], errors: built.errors };
  const verdicts = await (options.evaluate ?? evaluateInventory)(controls, built.inventory);
  const judged = iacFindingsFromVerdicts(resources, controls, built.resourceOf, verdicts, options.displayPath ?? ((file) => file));
  return { findings: judged.findings, errors: [...built.errors, ...judged.errors] };
}

/** Pure: the engine's verdicts on the synthetic inventory, mapped back to the resources and their lines. */
export function iacFindingsFromVerdicts(
  resources: readonly IacContactResource[],
  controls: readonly Control[],
  resourceOf: ReadonlyMap<string, readonly number[]>,
  verdicts: readonly Finding[],
  displayPath: (file: string) => string = (file) => file,
): IacJudgement {
  const verdictOf = new Map<string, Finding>();
  for (const verdict of verdicts) {
    for (const index of resourceOf.get(verdict.assetId) ?? []) {
      const key = `${verdict.controlId}\u0000${index}`;
      const previous = verdictOf.get(key);
      if (!previous || worseStatus(previous.status, verdict.status) !== previous.status) verdictOf.set(key, verdict);
    }
  }
  const judged = [...new Set([...resourceOf.values()].flat())].sort((a, b) => a - b);
  const findings: IacFinding[] = [];
  const errors: IacInputError[] = [];
  for (const control of controls) {
    const reads = readsOfControl(control);
    for (const index of judged) {
      const resource = resources[index];
      if (!resource) continue;
      const verdict = verdictOf.get(`${control.id}\u0000${index}`);
      findings.push(iacFinding(resource, control, reads, verdict));
      if (verdict?.status === 'error' && !errors.some((error) => error.message.startsWith(`control ${control.id}:`))) {
        const check = control.checks.find((candidate) => candidate.id === verdict.checkId) ?? control.checks[0];
        errors.push({ file: check ? displayPath(check.file) : control.id, message: `control ${control.id}: ${splitFailureReason(verdict.reason).text}` });
      }
    }
  }
  return { findings, errors };
}

function iacFinding(resource: IacContactResource, control: Control, reads: ControlReads, verdict: Finding | undefined): IacFinding {
  const finding = (status: IacStatus, at: SourcePosition, message: string): IacFinding => ({
    file: resource.file,
    line: at.line,
    column: at.column,
    resource: resource.resource,
    resourceLine: resource.line,
    controlId: control.id,
    status,
    message,
    severity: control.severity,
    notes: resource.notes,
    format: resource.format,
  });
  const here = { line: resource.line, column: resource.column };
  if (reads.wholeInventory !== undefined) {
    return finding('unknown', here, `the control judges the whole inventory at once (\`${reads.wholeInventory}\`), not one resource: it is not evaluated on code`);
  }
  if (reads.subscriptionFields.length > 0) {
    const fields = reads.subscriptionFields.map((field) => `\`${field}\``).join(', ');
    return finding('unknown', here, `the control reads the subscription's ${fields}, which code declaring a security contact does not give`);
  }
  const hidden = resource.unresolved.find((entry) => reads.paths.some((path) => hides(entry.path, path)));
  if (hidden) return finding('unknown', positionOf(resource, hidden.path), describeUnresolved(resource, hidden));
  if (!verdict) return finding('unknown', here, 'the engine gave no verdict on this resource');
  const status = iacStatusOf(verdict.status);
  if (status === 'unknown') return finding('unknown', here, `not judged: ${splitFailureReason(verdict.reason).text}`);
  return finding(status, verdictPosition(resource, reads) ?? here, `${describeReadProperties(resource, reads, status)} (check: ${splitFailureReason(verdict.reason).text})`);
}

/**
 * Where a verdict points: the most telling property the control reads that the resource's api-version has
 * (`notificationsByRole` before the `isEnabled` switch), when it is written; otherwise the resource, where it
 * would be added.
 */
function verdictPosition(resource: IacContactResource, reads: ControlReads): SourcePosition | undefined {
  const shape = fieldsOfApiVersion(resource.apiVersion);
  // an api-version ward does not know: any property may be the one read
  if (!shape) return reads.paths.map((path) => resource.positions.get(path)).find((position) => position !== undefined);
  const first = reads.paths.find((path) => !path.startsWith('properties.') || shape.includes(path.slice('properties.'.length)));
  return first === undefined ? undefined : resource.positions.get(first);
}

function iacStatusOf(status: FindingStatus): IacStatus {
  if (status === 'pass') return 'pass';
  if (status === 'fail') return 'fail';
  // error (the check could not run) and skipped are not verdicts on the code
  return 'unknown';
}

/** The position of `path`, or of the nearest enclosing property written in the code, or of the resource. */
function positionOf(resource: IacContactResource, path: string): SourcePosition {
  for (let at = path; at !== ''; at = at.replace(/(?:\.[^.[]*|\[\d+\])$/, '')) {
    const position = resource.positions.get(at);
    if (position) return position;
    if (!/[.[]/.test(at)) break;
  }
  return { line: resource.line, column: resource.column };
}
