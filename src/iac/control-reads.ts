import { Kind, parse, valueFromASTUntyped, type ValueNode } from 'graphql';
import { checkVariables } from '../core/control/control-parameters.js';
import { isPerAssetCheck } from '../core/engine/evaluate-check.js';
import type { Check, Control } from '../core/model.js';
import type { FilterTree } from '../core/query/filter-tree.js';
import { inventoryStorageModel, typeModel, type StorageModel } from '../core/query/inventory-schema.js';
import { parseWhere } from '../core/query/where-parser.js';

/**
 * Which parts of a security contact, in ARM terms, a control's checks read: what decides whether an
 * unresolved value in code makes that control `unknown`, and which line a finding points at. Read from the
 * checks' `where` filters, so a new control needs no code here; a filter that cannot be read counts as
 * reading everything (never a pass on an unresolved value).
 */
export interface ControlReads {
  /** ARM paths (`name`, `properties.emails`, `properties`), most telling first. */
  readonly paths: readonly string[];
  /** Subscription fields the checks filter on that code does not declare (`tags`, `tenantId`). */
  readonly subscriptionFields: readonly string[];
  /** The expectation of a check that judges the whole inventory at once (not `eq []`): not a verdict on one resource. */
  readonly wholeInventory?: string;
}

const ADDRESS = ['properties.email', 'properties.emails'];

/** The ARM properties each SecurityContact field is derived from (normalise-capture.ts). */
const CONTACT_FIELD_SOURCES: Readonly<Record<string, readonly string[]>> = {
  id: ['name'],
  name: ['name'],
  type: [],
  provider: [],
  email: ADDRESS,
  emails: ADDRESS,
  invalidEmails: ADDRESS,
  phone: ['properties.phone'],
  isEnabled: ['properties.isEnabled'],
  enabled: ['properties.isEnabled'],
  alertNotifications: ['properties.alertNotifications', 'properties.notificationsSources'],
  alertMinimalSeverity: ['properties.alertNotifications', 'properties.notificationsSources'],
  alertSeverities: ['properties.alertNotifications', 'properties.notificationsSources'],
  alertsToAdmins: ['properties.alertsToAdmins'],
  notificationsByRole: ['properties.notificationsByRole'],
  notifiedRoles: ['properties.notificationsByRole', 'properties.alertsToAdmins'],
  notificationsSources: ['properties.notificationsSources'],
  attackPathRiskLevels: ['properties.notificationsSources'],
  // the shape is decided by which properties are present
  apiVersion: ['properties'],
};

/** Connector fields whose value the synthetic subscription of a resource in code gives truthfully. */
const KNOWN_CONNECTOR_FIELDS: ReadonlySet<string> = new Set(['type', 'provider', 'state', 'readErrorCode', 'readErrorMessage']);
const CONTACT_RELATION = 'securityContacts';

/** Order in which read properties locate a finding: the fields that say what is notified before the switches. */
const LOCATION_PRIORITY = [
  'properties.email',
  'properties.emails',
  'properties.notificationsByRole',
  'properties.notificationsSources',
  'properties.alertNotifications',
  'properties.alertsToAdmins',
  'properties.phone',
  'properties.isEnabled',
  'properties',
  'name',
];

const EVERYTHING: ControlReads = { paths: ['properties', 'name'], subscriptionFields: [] };

export function readsOfControl(control: Control, model: StorageModel = inventoryStorageModel()): ControlReads {
  const paths = new Set<string>();
  const subscriptionFields = new Set<string>();
  let wholeInventory: string | undefined;
  for (const check of control.checks) {
    const perAsset = isPerAssetCheck(check);
    if (!perAsset) wholeInventory ??= check.expect.source;
    const fields = fieldsReadBy(check, checkVariables(control, check), model);
    if (fields === undefined) return { ...EVERYTHING, ...(wholeInventory === undefined ? {} : { wholeInventory }) };
    for (const { type, field } of fields) {
      if (type === 'SecurityContact') for (const path of CONTACT_FIELD_SOURCES[field] ?? EVERYTHING.paths) paths.add(path);
      else if (type === 'Connector') {
        if (field !== CONTACT_RELATION && !KNOWN_CONNECTOR_FIELDS.has(field)) subscriptionFields.add(field);
      } else for (const path of EVERYTHING.paths) paths.add(path);
    }
  }
  const rank = (path: string): number => {
    const index = LOCATION_PRIORITY.indexOf(path);
    return index < 0 ? LOCATION_PRIORITY.length : index;
  };
  return {
    paths: [...paths].sort((a, b) => rank(a) - rank(b)),
    subscriptionFields: [...subscriptionFields],
    ...(wholeInventory === undefined ? {} : { wholeInventory }),
  };
}

/** Whether an unresolved ARM path hides a value a control reads at `read` (one contains the other; `apiVersion` hides every property). */
export function hides(unresolved: string, read: string): boolean {
  if (unresolved === 'apiVersion') return read === 'properties' || read.startsWith('properties.');
  return within(unresolved, read) || within(read, unresolved);
}

function within(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
}

interface FieldRead {
  readonly type: string;
  readonly field: string;
}

/** The (type, field) pairs a check's root `where` filters on; undefined when it cannot be read. */
function fieldsReadBy(check: Check, variables: Readonly<Record<string, unknown>>, model: StorageModel): FieldRead[] | undefined {
  try {
    const where = whereOf(check);
    if (where === undefined) return [];
    const tree = parseWhere(valueFromASTUntyped(where, { ...variables }), typeModel(model, check.assetType), model);
    const reads: FieldRead[] = [];
    if (tree) collectFields(tree, check.assetType, reads);
    return reads;
  } catch {
    return undefined;
  }
}

function whereOf(check: Check): ValueNode | undefined {
  for (const definition of parse(check.query).definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const selection of definition.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD || (selection.alias?.value ?? selection.name.value) !== check.rootField) continue;
      return selection.arguments?.find((argument) => argument.name.value === 'where')?.value;
    }
  }
  return undefined;
}

function collectFields(tree: FilterTree, type: string, reads: FieldRead[]): void {
  switch (tree.kind) {
    case 'predicate':
      reads.push({ type, field: tree.field.name });
      return;
    case 'relation':
      reads.push({ type, field: tree.field.name });
      collectFields(tree.filter, tree.field.target, reads);
      return;
    case 'relationExists':
      // whether the subscription has a contact: it has exactly one, the resource
      reads.push({ type, field: tree.field.name });
      return;
    case 'and':
    case 'or':
      for (const filter of tree.filters) collectFields(filter, type, reads);
      return;
    case 'not':
      collectFields(tree.filter, type, reads);
  }
}
