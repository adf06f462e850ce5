import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { landingZoneMessage, TERRAFORM_CONTACT_API_NOTE } from '../contact-notes.js';
import { contactResource, type IacContactResource } from '../contact-resource.js';
import type { IacExtraction, IacInputError, IacWarning } from '../iac-finding.js';
import type { IacFormat, IacSourceFile } from '../iac-format.js';
import { knownValue, unknownValue } from '../resolved-value.js';
import type { ResolvedTree, UnresolvedProperty } from '../resolve-tree.js';
import { LineIndex, type SourcePosition } from '../source-position.js';
import { azapiContactType, azurermContactProperties, AZURERM_CONTACT_TYPE, AZURERM_SUBSCRIPTION_TYPE, resolveAzapiBody } from '../terraform-contacts.js';

const AZAPI_TYPE = 'azapi_resource';
const AFTER_APPLY = 'the plan marks it after_unknown: it is known only after apply';
const NOT_PLANNED = 'it is absent from planned_values, so known only after apply';

/** `.json` files other than Terraform's own variable and configuration JSON. */
export function isJsonCandidate(file: string): boolean {
  return file.endsWith('.json') && !file.endsWith('.tfvars.json') && !file.endsWith('.tf.json');
}

/** `terraform show -json` output: a format_version and planned values or resource changes. */
export function looksLikeTerraformPlan(text: string): boolean {
  return /"format_version"/.test(text) && /"terraform_version"/.test(text) && /"(?:planned_values|resource_changes)"/.test(text);
}

export const terraformPlan: IacFormat = {
  name: 'terraformPlan',
  title: 'Terraform plan JSON (terraform show -json)',
  grouping: 'file',
  matchesPath: isJsonCandidate,
  matchesText: looksLikeTerraformPlan,
  extract: async (files) => {
    const results = await Promise.all(files.map(extractTerraformPlan));
    return {
      resources: results.flatMap((result) => result.resources),
      warnings: results.flatMap((result) => result.warnings),
      errors: results.flatMap((result) => result.errors),
      filesScanned: files.length,
    };
  },
};

/** A contact the plan will leave in place: its values node and what the plan says is unknown until apply. */
interface PlannedContact {
  readonly address: string;
  readonly node: Node;
  readonly values: Node | undefined;
  /** `after_unknown` (true, or an object of trues), or undefined. */
  readonly unknown: unknown;
  /** planned_values leaves out what is unknown: every absent attribute is unknown there. */
  readonly absentIsUnknown: boolean;
}

/** Reads every security contact a plan will leave in place: resource_changes first, then planned_values. */
export async function extractTerraformPlan(file: IacSourceFile): Promise<IacExtraction> {
  const parseErrors: ParseError[] = [];
  const root = parseTree(file.text, parseErrors, { allowTrailingComma: false, disallowComments: true });
  const lines = new LineIndex(file.text);
  if (!root || parseErrors.length > 0) {
    const first = parseErrors[0];
    const at = lines.positionAt(first?.offset ?? 0);
    const message = `JSON syntax error: ${first ? printParseErrorCode(first.error) : 'empty document'}`;
    return { resources: [], warnings: [], errors: [{ file: file.displayPath, line: at.line, column: at.column, message }], filesScanned: 1 };
  }
  const planned: PlannedContact[] = [];
  const seen = new Set<string>();
  const subscriptions: Array<{ address: string; node: Node }> = [];
  const consider = (address: string, node: Node, type: string | undefined, values: Node | undefined): boolean => {
    if (type === AZURERM_SUBSCRIPTION_TYPE || (type === AZAPI_TYPE && azapiKind(values) === 'subscription')) {
      if (!subscriptions.some((known) => known.address === address)) subscriptions.push({ address, node });
    }
    return type === AZURERM_CONTACT_TYPE || (type === AZAPI_TYPE && azapiKind(values) === 'contact');
  };

  for (const change of child(root, 'resource_changes')?.children ?? []) {
    if (stringAt(change, 'mode') === 'data') continue;
    const body = child(change, 'change');
    const actions = (getNodeValue(child(body, 'actions') ?? emptyArray()) as unknown[]) ?? [];
    if (actions.length === 1 && actions[0] === 'delete') continue;
    const address = stringAt(change, 'address') ?? '?';
    const after = child(body, 'after');
    if (!consider(address, change, stringAt(change, 'type'), after)) continue;
    seen.add(address);
    planned.push({ address, node: change, values: after, unknown: getNodeValue(child(body, 'after_unknown') ?? emptyArray()) as unknown, absentIsUnknown: false });
  }
  const walkModule = (module: Node | undefined): void => {
    for (const resource of child(module, 'resources')?.children ?? []) {
      const address = stringAt(resource, 'address') ?? '?';
      if (stringAt(resource, 'mode') === 'data' || seen.has(address)) continue;
      const values = child(resource, 'values');
      if (!consider(address, resource, stringAt(resource, 'type'), values)) continue;
      seen.add(address);
      planned.push({ address, node: resource, values, unknown: undefined, absentIsUnknown: true });
    }
    for (const nested of child(module, 'child_modules')?.children ?? []) walkModule(nested);
  };
  walkModule(child(child(root, 'planned_values'), 'root_module'));

  const resources: IacContactResource[] = [];
  const errors: IacInputError[] = [];
  for (const contact of planned) {
    const read = stringAt(contact.node, 'type') === AZURERM_CONTACT_TYPE ? azurermContact(file, lines, contact) : await azapiContact(file, lines, contact);
    if ('error' in read) errors.push(read.error);
    else resources.push(read);
  }
  const warnings: IacWarning[] = [];
  if (planned.length === 0) {
    for (const subscription of subscriptions) {
      const at = lines.positionAt((child(subscription.node, 'address') ?? subscription.node).offset);
      warnings.push({ file: file.displayPath, ...at, resource: subscription.address, kind: 'landing-zone-without-contact', message: landingZoneMessage(subscription.address) });
    }
  }
  return { resources, warnings, errors, filesScanned: 1 };
}

function azapiKind(values: Node | undefined): 'contact' | 'subscription' | 'other' {
  const type = stringAt(values, 'type');
  return type === undefined ? 'other' : azapiContactType(type, NO_SCOPE).kind;
}

const NO_SCOPE = { variable: () => unknownValue('not in a plan'), local: () => unknownValue('not in a plan') };

const AZURERM_PROPERTY_OF: Readonly<Record<string, string>> = {
  email: 'properties.email',
  phone: 'properties.phone',
  alert_notifications: 'properties.alertNotifications',
  alerts_to_admins: 'properties.alertsToAdmins',
};

function azurermContact(file: IacSourceFile, lines: LineIndex, contact: PlannedContact): IacContactResource | { error: IacInputError } {
  const values = (getNodeValue(contact.values ?? emptyObject()) as unknown) ?? {};
  const body = isRecord(values) ? values : {};
  const written = azurermContactProperties(body, (text) => knownValue(text));
  const unresolved: UnresolvedProperty[] = [...written.unresolved];
  const positions = new Map<string, SourcePosition>();
  for (const [attribute, property] of Object.entries(AZURERM_PROPERTY_OF)) {
    const entry = entryOf(contact.values, attribute);
    if (entry) positions.set(property, lines.positionAt(entry.offset));
    const reason = unknownReason(contact, attribute in body, [attribute]);
    if (reason) unresolved.push({ path: property, reason });
  }
  const properties = withoutPaths(written, unresolved);
  const name = body.name;
  const nameReason = unknownReason(contact, 'name' in body, ['name']);
  return contactResource({
    file: file.displayPath,
    at: addressPosition(lines, contact),
    resource: contact.address,
    format: 'terraformPlan',
    spelling: 'azurerm',
    apiVersion: { value: '2017-08-01-preview' },
    name: nameReason ? { unresolved: nameReason } : typeof name === 'string' ? { value: name } : { value: 'default1', why: ' (the provider default)' },
    properties: { ...properties, unresolved },
    positions,
    notesBefore: [TERRAFORM_CONTACT_API_NOTE],
  });
}

async function azapiContact(file: IacSourceFile, lines: LineIndex, contact: PlannedContact): Promise<IacContactResource | { error: IacInputError }> {
  const type = azapiContactType(stringAt(contact.values, 'type'), NO_SCOPE);
  const apiVersion = type.kind === 'contact' ? type.apiVersion : { unresolved: 'no api-version in `type`' };
  const bodyEntry = entryOf(contact.values, 'body');
  const bodyValue = bodyEntry?.children?.[1];
  // plan values are literal: a string body is JSON text (azapi 1.x), an object body is the body (azapi 2.x)
  const resolved = await resolveAzapiBody(bodyValue ? getNodeValue(bodyValue) : undefined, (text) => knownValue(text));
  const where = bodyEntry ? lines.positionAt(bodyEntry.offset) : addressPosition(lines, contact);
  if ('error' in resolved) return { error: { file: file.displayPath, line: where.line, column: where.column, message: `${contact.address}: ${resolved.error}` } };
  const unresolved: UnresolvedProperty[] = [...resolved.properties.unresolved];
  const bodyReason = unknownReason(contact, bodyEntry !== undefined, ['body']);
  if (bodyReason) unresolved.push({ path: 'properties', reason: bodyReason });
  for (const path of unknownLeaves(isRecord(contact.unknown) ? contact.unknown.body : undefined, '')) {
    if (path === 'properties' || path.startsWith('properties.') || path.startsWith('properties[')) unresolved.push({ path, reason: AFTER_APPLY });
  }
  const positions = new Map<string, SourcePosition>();
  const propertiesEntry = bodyValue?.type === 'object' ? entryOf(bodyValue, 'properties') : undefined;
  if (bodyEntry) positions.set('properties', lines.positionAt((propertiesEntry ?? bodyEntry).offset));
  const written = resolved.properties.value;
  for (const key of Object.keys(isRecord(written) ? written : {})) {
    const entry = entryOf(propertiesEntry?.children?.[1], key) ?? propertiesEntry ?? bodyEntry;
    if (entry) positions.set(`properties.${key}`, lines.positionAt(entry.offset));
  }
  const nameEntry = entryOf(contact.values, 'name');
  if (nameEntry) positions.set('name', lines.positionAt(nameEntry.offset));
  const name = stringAt(contact.values, 'name');
  const nameReason = unknownReason(contact, name !== undefined, ['name']);
  return contactResource({
    file: file.displayPath,
    at: addressPosition(lines, contact),
    resource: contact.address,
    format: 'terraformPlan',
    spelling: 'azapi',
    apiVersion,
    name: nameReason ? { unresolved: nameReason } : name !== undefined ? { value: name } : { unresolved: 'the resource has no `name`' },
    properties: { ...withoutPaths(resolved.properties, unresolved), unresolved },
    positions,
  });
}

/** Why an attribute is unknown until apply, or undefined when the plan knows it. */
function unknownReason(contact: PlannedContact, present: boolean, path: readonly string[]): string | undefined {
  if (contact.unknown === true) return AFTER_APPLY;
  let marked: unknown = contact.unknown;
  for (const key of path) marked = isRecord(marked) ? marked[key] : undefined;
  if (marked === true) return AFTER_APPLY;
  if (!present && contact.absentIsUnknown) return NOT_PLANNED;
  return undefined;
}

/** Paths (`properties.emails`) whose after_unknown value is true. */
function unknownLeaves(value: unknown, path: string): string[] {
  if (value === true) return [path === '' ? 'properties' : path];
  if (Array.isArray(value)) return value.flatMap((item, index) => unknownLeaves(item, `${path}[${index}]`));
  if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => unknownLeaves(item, path === '' ? key : `${path}.${key}`));
  return [];
}

/** The tree with the values at unresolved paths (top-level `properties.x` only) left out. */
function withoutPaths(tree: ResolvedTree, unresolved: readonly UnresolvedProperty[]): ResolvedTree {
  if (!isRecord(tree.value)) return tree;
  if (unresolved.some((entry) => entry.path === 'properties')) return { ...tree, value: {} };
  const value = { ...tree.value };
  for (const entry of unresolved) {
    const key = /^properties\.([^.[]+)$/.exec(entry.path)?.[1];
    if (key) delete value[key];
  }
  return { ...tree, value };
}

function addressPosition(lines: LineIndex, contact: PlannedContact): SourcePosition {
  return lines.positionAt((child(contact.node, 'address') ?? contact.node).offset);
}

/** The property entry (key and value) named `name` of an object node. */
function entryOf(node: Node | undefined, name: string): Node | undefined {
  if (node?.type !== 'object') return undefined;
  return node.children?.find((entry) => entry.children?.[0]?.value === name);
}

function child(node: Node | undefined, name: string): Node | undefined {
  return entryOf(node, name)?.children?.[1];
}

function stringAt(node: Node | undefined, name: string): string | undefined {
  const value = child(node, name)?.value as unknown;
  return typeof value === 'string' ? value : undefined;
}

function emptyArray(): Node {
  return { type: 'array', offset: 0, length: 0, children: [] };
}

function emptyObject(): Node {
  return { type: 'object', offset: 0, length: 0, children: [] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
