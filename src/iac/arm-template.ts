import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { landingZoneMessage } from './contact-notes.js';
import { contactResource, type IacContactResource } from './contact-resource.js';
import type { IacExtraction, IacFormatName, IacInputError, IacWarning } from './iac-finding.js';
import { knownValue, unknownValue, withSource, type ResolvedValue } from './resolved-value.js';
import { resolveTree } from './resolve-tree.js';
import { LineIndex, type SourcePosition } from './source-position.js';

/**
 * Reads an ARM template (JSON with comments) for security contacts, pure over its text. Handles every
 * api-version shape, nested deployments with inline templates (outer and inner expression scope),
 * `[parameters('x')]` from parameter files or defaultValue, and `[variables('x')]`.
 */
export const CONTACT_TYPE = 'Microsoft.Security/securityContacts';
const ALIAS_TYPE = 'Microsoft.Subscription/aliases';
const DEPLOYMENT_TYPE = 'Microsoft.Resources/deployments';

/** A value given for a template parameter outside the template (a parameters file). */
export type ArmParameterValue = { readonly value: unknown; readonly source: string } | { readonly reference: true; readonly source: string };

/** Where a resource sits in the template's structure; lets Bicep map it back to its source. */
export interface ArmSite {
  readonly kind: 'contact' | 'alias';
  /** Names of the enclosing nested deployments, outermost first. */
  readonly deployments: readonly string[];
  /** 0-based order among resources of the same kind in the same (nested) template. */
  readonly ordinal: number;
  /** A property of the resource's `properties` (`emails`), when the position asked for is that property's. */
  readonly field?: string;
}

export interface ArmTemplateInput {
  readonly file: string;
  readonly text: string;
  readonly parameterValues?: ReadonlyMap<string, ArmParameterValue>;
  readonly format?: IacFormatName;
  /** Overrides positions (Bicep): return undefined to keep the template's own. */
  readonly locate?: (site: ArmSite, position: SourcePosition) => SourcePosition | undefined;
}

export type ArmTemplateResult = IacExtraction & { readonly isTemplate: boolean };

export function extractArmTemplate(input: ArmTemplateInput): ArmTemplateResult {
  const parseErrors: ParseError[] = [];
  const root = parseTree(input.text, parseErrors, { allowTrailingComma: true, disallowComments: false });
  const lines = new LineIndex(input.text);
  if (parseErrors.length > 0 || !root) {
    const first = parseErrors[0];
    const at = lines.positionAt(first?.offset ?? 0);
    const error: IacInputError = {
      file: input.file,
      line: at.line,
      column: at.column,
      message: `JSON syntax error: ${first ? describeParseError(printParseErrorCode(first.error)) : 'empty document'}`,
    };
    return { resources: [], warnings: [], errors: [error], filesScanned: 1, isTemplate: true };
  }
  if (!isArmTemplate(root)) return { resources: [], warnings: [], errors: [], filesScanned: 0, isTemplate: false };
  const walker = new TemplateWalker(input, lines);
  walker.walkTemplate(root, scopeOf(root, input.parameterValues ?? new Map(), undefined), []);
  const warnings: IacWarning[] = [];
  if (walker.contactCount === 0) {
    for (const alias of walker.aliases) {
      warnings.push({ file: input.file, ...alias.at, resource: alias.resource, kind: 'landing-zone-without-contact', message: landingZoneMessage(alias.resource) });
    }
  }
  return { resources: walker.resources, warnings, errors: walker.errors, filesScanned: 1, isTemplate: true };
}

/** `$schema` naming a deployment template, or a `resources` array/map of typed, versioned resources. */
export function isArmTemplate(root: Node): boolean {
  if (root.type !== 'object') return false;
  const schema = property(root, '$schema');
  if (schema?.type === 'string' && typeof schema.value === 'string') {
    if (/deploymentTemplate/i.test(schema.value)) return true;
    if (/deploymentParameters/i.test(schema.value)) return false;
  }
  const resources = property(root, 'resources');
  const declared = resources?.type === 'array' ? resources.children ?? [] : resources?.type === 'object' ? (resources.children ?? []).map((child) => child.children?.[1]) : [];
  return declared.some((resource) => resource?.type === 'object' && property(resource, 'type') !== undefined && property(resource, 'apiVersion') !== undefined);
}

/** What `[parameters()]` and `[variables()]` see in one template. */
interface ExpressionScope {
  readonly parameters: Map<string, Node | undefined>;
  readonly values: ReadonlyMap<string, ArmParameterValue>;
  readonly variables: Map<string, Node>;
}

function scopeOf(template: Node, values: ReadonlyMap<string, ArmParameterValue>, _parent: ExpressionScope | undefined): ExpressionScope {
  const parameters = new Map<string, Node | undefined>();
  for (const [name, declaration] of objectEntries(property(template, 'parameters'))) parameters.set(name, property(declaration, 'defaultValue'));
  const variables = new Map<string, Node>();
  for (const [name, value] of objectEntries(property(template, 'variables'))) variables.set(name, value);
  return { parameters, values, variables };
}

class TemplateWalker {
  readonly resources: IacContactResource[] = [];
  readonly errors: IacInputError[] = [];
  readonly aliases: Array<{ resource: string; at: SourcePosition }> = [];
  contactCount = 0;

  constructor(
    private readonly input: ArmTemplateInput,
    private readonly lines: LineIndex,
  ) {}

  walkTemplate(template: Node, scope: ExpressionScope, deployments: readonly string[]): void {
    const resources = property(template, 'resources');
    const declared = resources?.type === 'array' ? resources.children ?? [] : (resources?.children ?? []).flatMap((child) => child.children?.[1] ?? []);
    const ordinals = { contact: 0, alias: 0 };
    for (const resource of declared) this.walkResource(resource, undefined, scope, deployments, ordinals);
  }

  private walkResource(resource: Node, parentType: string | undefined, scope: ExpressionScope, deployments: readonly string[], ordinals: { contact: number; alias: number }): void {
    if (resource.type !== 'object') return;
    const typeNode = property(resource, 'type');
    const rawType = typeof typeNode?.value === 'string' ? typeNode.value : '';
    const type = parentType && !rawType.includes('/') ? `${parentType}/${rawType}` : rawType;
    const name = resolveNode(property(resource, 'name'), scope);
    const displayName = name.known && typeof name.value === 'string' ? name.value : String(getNodeValue(property(resource, 'name') ?? resource) ?? '?');
    const typeAt = this.lines.positionAt(typeNode?.offset ?? resource.offset);
    const prefix = deployments.map((deployment) => `${DEPLOYMENT_TYPE} '${deployment}' > `).join('');
    if (equalsIgnoreCase(type, CONTACT_TYPE)) {
      this.contactCount++;
      const read = this.readContact(resource, `${prefix}${CONTACT_TYPE} '${displayName}'`, name, typeAt, scope, { kind: 'contact', deployments, ordinal: ordinals.contact++ });
      if ('error' in read) this.errors.push(read.error);
      else this.resources.push(read);
    } else if (equalsIgnoreCase(type, ALIAS_TYPE)) {
      const site: ArmSite = { kind: 'alias', deployments, ordinal: ordinals.alias++ };
      this.aliases.push({ resource: `${prefix}${ALIAS_TYPE} '${displayName}'`, at: this.input.locate?.(site, typeAt) ?? typeAt });
    } else if (equalsIgnoreCase(type, DEPLOYMENT_TYPE)) {
      const properties = property(resource, 'properties');
      const template = property(properties, 'template');
      if (template?.type === 'object') {
        const inner = getNodeValue(property(property(properties, 'expressionEvaluationOptions'), 'scope') ?? template) === 'inner';
        const nestedScope = inner ? scopeOf(template, this.nestedParameterValues(properties, scope, displayName), scope) : scope;
        this.walkTemplate(template, nestedScope, [...deployments, displayName]);
      }
    }
    for (const child of property(resource, 'resources')?.children ?? []) this.walkResource(child, type, scope, deployments, ordinals);
  }

  /** Inner-scope nested templates get their parameters from `properties.parameters`, evaluated outside. */
  private nestedParameterValues(properties: Node | undefined, outer: ExpressionScope, deployment: string): Map<string, ArmParameterValue> {
    const values = new Map<string, ArmParameterValue>();
    const where = `deployment '${deployment}'`;
    for (const [name, given] of objectEntries(property(properties, 'parameters'))) {
      const valueNode = property(given, 'value');
      if (valueNode === undefined) {
        values.set(name, { reference: true, source: `a reference in ${where}` });
        continue;
      }
      const resolved = resolveNode(valueNode, outer);
      values.set(name, resolved.known ? { value: resolved.value, source: resolved.source ? `${where}, ${resolved.source}` : where } : { reference: true, source: `${where}: ${resolved.reason}` });
    }
    return values;
  }

  private readContact(resource: Node, label: string, name: ResolvedValue, typeAt: SourcePosition, scope: ExpressionScope, site: ArmSite): IacContactResource | { error: IacInputError } {
    const apiVersionNode = property(resource, 'apiVersion');
    const apiVersion = typeof apiVersionNode?.value === 'string' ? apiVersionNode.value : '';
    const at = (position: SourcePosition, field?: string): SourcePosition => this.input.locate?.(field === undefined ? site : { ...site, field }, position) ?? position;
    const propertiesNode = property(resource, 'properties');
    const properties = resolveTree(propertiesNode ? getNodeValue(propertiesNode) : {}, (text) => resolveString(text, scope, new Set()), 'properties');
    if (properties.value !== undefined && (properties.value === null || typeof properties.value !== 'object' || Array.isArray(properties.value))) {
      const where = at(propertiesNode?.parent ? this.lines.positionAt(propertiesNode.parent.offset) : typeAt);
      return { error: { file: this.input.file, line: where.line, column: where.column, message: `${label}: \`properties\` must be an object` } };
    }
    const positions = new Map<string, SourcePosition>();
    const nameNode = property(resource, 'name');
    if (nameNode?.parent) positions.set('name', at(this.lines.positionAt(nameNode.parent.offset)));
    if (propertiesNode?.parent) positions.set('properties', at(this.lines.positionAt(propertiesNode.parent.offset)));
    for (const [key, node] of objectEntries(propertiesNode)) if (node.parent) positions.set(`properties.${key}`, at(this.lines.positionAt(node.parent.offset), key));
    const condition = property(resource, 'condition');
    const notesAfter = condition !== undefined && getNodeValue(condition) !== true ? [`deployed only when its condition ${JSON.stringify(getNodeValue(condition))} holds`] : [];
    return contactResource({
      file: this.input.file,
      at: at(typeAt),
      resource: label,
      format: this.input.format ?? 'arm',
      spelling: 'arm',
      apiVersion: { value: apiVersion },
      name: !name.known ? { unresolved: name.reason } : typeof name.value === 'string' ? { value: name.value } : { unresolved: '`name` is not a string' },
      properties,
      positions,
      notesAfter,
    });
  }
}

/** A template value with `[parameters()]`/`[variables()]` resolved; other expressions are unknown. */
function resolveNode(node: Node | undefined, scope: ExpressionScope, resolving: Set<string> = new Set()): ResolvedValue {
  if (node === undefined) return knownValue(undefined);
  if (node.type !== 'string') return knownValue(getNodeValue(node));
  return resolveString(node.value as string, scope, resolving);
}

function resolveString(text: string, scope: ExpressionScope, resolving: Set<string>): ResolvedValue {
  if (text.startsWith('[[')) return knownValue(text.slice(1));
  if (!(text.startsWith('[') && text.endsWith(']'))) return knownValue(text);
  const expression = text.slice(1, -1).trim();
  const call = /^(parameters|variables)\(\s*'((?:[^']|'')*)'\s*\)$/i.exec(expression);
  if (!call) return unknownValue(`the expression ${text} is evaluated only at deployment`);
  const kind = (call[1] ?? '').toLowerCase();
  const name = (call[2] ?? '').replace(/''/g, "'");
  const key = `${kind}:${name}`;
  if (resolving.has(key)) return unknownValue(`${kind} ${name} refers to itself`);
  resolving.add(key);
  try {
    return kind === 'parameters' ? resolveParameter(name, scope, resolving) : resolveVariable(name, scope, resolving);
  } finally {
    resolving.delete(key);
  }
}

function resolveParameter(name: string, scope: ExpressionScope, resolving: Set<string>): ResolvedValue {
  const given = lookup(scope.values, name);
  if (given !== undefined) {
    if ('reference' in given) return unknownValue(`parameter ${name} comes from ${given.source}, not known before deployment`);
    return knownValue(given.value, `parameter ${name} in ${given.source}`);
  }
  const declared = lookupKey(scope.parameters, name);
  if (declared === undefined) return unknownValue(`parameter ${name} is not declared in the template`);
  const defaultValue = scope.parameters.get(declared);
  if (defaultValue === undefined) return unknownValue(`parameter ${name} has no defaultValue and no value in a --parameters file`);
  return withSource(resolveNode(defaultValue, scope, resolving), `the defaultValue of parameter ${name}`);
}

function resolveVariable(name: string, scope: ExpressionScope, resolving: Set<string>): ResolvedValue {
  const key = lookupKey(scope.variables, name);
  if (key === undefined) return unknownValue(`variable ${name} is not defined in the template`);
  const node = scope.variables.get(key);
  const resolved = resolveNode(node, scope, resolving);
  if (!resolved.known) return unknownValue(`variable ${name}: ${resolved.reason}`);
  return withSource(resolved, `variable ${name}`);
}

/** ARM names are case-insensitive. */
function lookupKey<T>(map: ReadonlyMap<string, T>, name: string): string | undefined {
  if (map.has(name)) return name;
  const lower = name.toLowerCase();
  for (const key of map.keys()) if (key.toLowerCase() === lower) return key;
  return undefined;
}

function lookup<T>(map: ReadonlyMap<string, T>, name: string): T | undefined {
  const key = lookupKey(map, name);
  return key === undefined ? undefined : map.get(key);
}

function property(node: Node | undefined, name: string): Node | undefined {
  if (node?.type !== 'object') return undefined;
  const lower = name.toLowerCase();
  for (const entry of node.children ?? []) {
    const key = entry.children?.[0];
    if (typeof key?.value === 'string' && key.value.toLowerCase() === lower) return entry.children?.[1];
  }
  return undefined;
}

function objectEntries(node: Node | undefined): Array<[string, Node]> {
  if (node?.type !== 'object') return [];
  const result: Array<[string, Node]> = [];
  for (const entry of node.children ?? []) {
    const [key, value] = entry.children ?? [];
    if (typeof key?.value === 'string' && value) result.push([key.value, value]);
  }
  return result;
}

function equalsIgnoreCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function describeParseError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
