import path from 'node:path';
import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { azapiContactType, azurermContactProperties, AZURERM_CONTACT_TYPE, AZURERM_SUBSCRIPTION_TYPE, resolveAzapiBody } from '../terraform-contacts.js';
import { landingZoneMessage, TERRAFORM_CONTACT_API_NOTE } from '../contact-notes.js';
import { contactResource, type IacContactResource } from '../contact-resource.js';
import { findHclBlocks, findNestedKey, type HclBlockLines } from '../hcl-source-lines.js';
import { parseHcl, type HclBody } from '../hcl-parser.js';
import type { IacExtraction, IacInputError, IacWarning } from '../iac-finding.js';
import type { IacFormat, IacScanContext, IacSourceFile } from '../iac-format.js';
import { knownValue, unknownValue, withSource } from '../resolved-value.js';
import { LineIndex, type SourcePosition } from '../source-position.js';
import { resolveTerraformValue, type TerraformScope } from '../terraform-expressions.js';

const AZAPI_TYPE = 'azapi_resource';

/** Only files naming one of these types can produce a resource or a warning: a module without them is not parsed. */
const RELEVANT_TYPES = /azurerm_security_center_contact|azurerm_subscription(?![A-Za-z0-9_])|azapi_resource/;
/** Files of a relevant module that are parsed for values: those declaring variables or locals. */
const VALUE_BLOCKS = /^[ \t]*(?:variable|locals)\b|"(?:variable|locals)"\s*:/m;
/** Files that call modules (a landing zone may deploy its contact through one). */
const MODULE_BLOCKS = /^[ \t]*module\b|"module"\s*:/m;

export const terraform: IacFormat = {
  name: 'terraform',
  title: 'Terraform configuration (.tf, .tf.json)',
  grouping: 'directory',
  matchesPath: (file) => file.endsWith('.tf') || file.endsWith('.tf.json'),
  extract: extractTerraformModule,
};

interface VariableDeclaration {
  readonly hasDefault: boolean;
  readonly default: unknown;
}

/** Positions inside one declared resource block, from the HCL text or the JSON tree. */
interface BlockLocator {
  readonly header: SourcePosition;
  attribute(name: string): SourcePosition | undefined;
  /** A key nested in an attribute's object value: `nested(['body', 'properties', 'emails'])`. */
  nested(keys: readonly string[]): SourcePosition | undefined;
}

interface DeclaredResource {
  readonly file: IacSourceFile;
  readonly type: string;
  readonly name: string;
  readonly body: Record<string, unknown>;
  readonly locate: () => BlockLocator;
}

interface ModuleContents {
  readonly variables: Map<string, VariableDeclaration>;
  readonly locals: Map<string, unknown>;
  readonly resources: DeclaredResource[];
  readonly moduleSources: string[];
  readonly errors: IacInputError[];
}

/** Reads one Terraform module (the `.tf` and `.tf.json` files of one directory) for security contacts. */
export async function extractTerraformModule(files: readonly IacSourceFile[], context: IacScanContext): Promise<IacExtraction> {
  const scanned = files.length;
  if (!files.some((file) => RELEVANT_TYPES.test(file.text))) return { resources: [], warnings: [], errors: [], filesScanned: scanned };
  // parse what can change a verdict, and no more: the files naming the types, then the files declaring
  // variables or locals only when a value refers to them, and module calls only for the landing-zone check
  const relevant = files.filter((file) => RELEVANT_TYPES.test(file.text));
  const contents = await readModule(relevant, emptyModule());
  const rest = files.filter((file) => !relevant.includes(file));
  const refersToValues = contents.resources.some((resource) => /\b(?:var|local)\./.test(JSON.stringify(resource.body)));
  const parseMore = async (wanted: RegExp): Promise<void> => {
    const more = rest.filter((file) => wanted.test(file.text));
    rest.splice(0, rest.length, ...rest.filter((file) => !more.includes(file)));
    await readModule(more, contents);
  };
  if (refersToValues) await parseMore(VALUE_BLOCKS);
  const directory = path.dirname(files[0]?.path ?? '.');
  const assignments = await loadVariableAssignments(directory, context, contents.errors);
  const scope = moduleScope(contents, assignments);

  const resources: IacContactResource[] = [];
  const subscriptions: DeclaredResource[] = [];
  for (const declared of contents.resources) {
    if (declared.type === AZURERM_SUBSCRIPTION_TYPE) subscriptions.push(declared);
    else if (declared.type === AZURERM_CONTACT_TYPE) resources.push(azurermContact(declared, scope));
    else if (declared.type === AZAPI_TYPE) {
      const type = azapiContactType(declared.body.type, scope);
      if (type.kind === 'subscription') subscriptions.push(declared);
      if (type.kind !== 'contact') continue;
      const contact = await azapiContact(declared, type.apiVersion, scope);
      if ('error' in contact) contents.errors.push(contact.error);
      else resources.push(contact);
    }
  }

  const warnings: IacWarning[] = [];
  if (subscriptions.length > 0 && resources.length === 0) {
    await parseMore(MODULE_BLOCKS);
    if (!(await childModulesDeclareContact(directory, contents.moduleSources, context))) {
      for (const subscription of subscriptions) {
        const at = subscription.locate().header;
        const resource = `${subscription.type}.${subscription.name}`;
        warnings.push({ file: subscription.file.displayPath, line: at.line, column: at.column, resource, kind: 'landing-zone-without-contact', message: landingZoneMessage(resource) });
      }
    }
  }
  return { resources, warnings, errors: contents.errors, filesScanned: scanned };
}

function azurermContact(declared: DeclaredResource, scope: TerraformScope): IacContactResource {
  const locate = declared.locate();
  const { body } = declared;
  const name = 'name' in body ? resolveTerraformValue(body.name, scope) : knownValue('default1');
  const positions = new Map<string, SourcePosition>();
  for (const [attribute, property] of Object.entries({ name: 'name', email: 'properties.email', phone: 'properties.phone', alert_notifications: 'properties.alertNotifications', alerts_to_admins: 'properties.alertsToAdmins' })) {
    const at = attribute in body ? locate.attribute(attribute) : undefined;
    if (at) positions.set(property, at);
  }
  return contactResource({
    file: declared.file.displayPath,
    at: locate.header,
    resource: `${AZURERM_CONTACT_TYPE}.${declared.name}`,
    format: 'terraform',
    spelling: 'azurerm',
    apiVersion: { value: '2017-08-01-preview' },
    name: !name.known ? { unresolved: name.reason } : typeof name.value === 'string' ? { value: name.value, ...('name' in body ? {} : { why: ' (the provider default)' }) } : { unresolved: '`name` is not a string' },
    properties: azurermContactProperties(body, (text) => resolveTerraformValue(text, scope)),
    positions,
    notesBefore: [TERRAFORM_CONTACT_API_NOTE],
  });
}

async function azapiContact(declared: DeclaredResource, apiVersion: { value: string } | { unresolved: string }, scope: TerraformScope): Promise<IacContactResource | { error: IacInputError }> {
  const locate = declared.locate();
  const { body } = declared;
  const resource = `${AZAPI_TYPE}.${declared.name}`;
  const name = 'name' in body ? resolveTerraformValue(body.name, scope) : unknownValue('the resource has no `name`');
  const resolved = await resolveAzapiBody(body.body, (text) => resolveTerraformValue(text, scope));
  const bodyAt = locate.attribute('body');
  if ('error' in resolved) {
    const at = bodyAt ?? locate.header;
    return { error: { file: declared.file.displayPath, line: at.line, column: at.column, message: `${resource}: ${resolved.error}` } };
  }
  const positions = new Map<string, SourcePosition>();
  const nameAt = locate.attribute('name');
  if (nameAt) positions.set('name', nameAt);
  if (bodyAt) {
    const propertiesAt = locate.nested(['body', 'properties']) ?? bodyAt;
    positions.set('properties', propertiesAt);
    const written = resolved.properties.value;
    const keys = new Set([...Object.keys(isRecord(written) ? written : {}), ...resolved.properties.unresolved.map((entry) => /^properties\.([^.[]+)/.exec(entry.path)?.[1] ?? '')]);
    for (const key of keys) if (key) positions.set(`properties.${key}`, locate.nested(['body', 'properties', key]) ?? propertiesAt);
  }
  return contactResource({
    file: declared.file.displayPath,
    at: locate.header,
    resource,
    format: 'terraform',
    spelling: 'azapi',
    apiVersion,
    name: !name.known ? { unresolved: name.reason } : typeof name.value === 'string' ? { value: name.value } : { unresolved: '`name` is not a string' },
    properties: resolved.properties,
    positions,
  });
}

function emptyModule(): ModuleContents {
  return { variables: new Map(), locals: new Map(), resources: [], moduleSources: [], errors: [] };
}

async function readModule(files: readonly IacSourceFile[], contents: ModuleContents): Promise<ModuleContents> {
  for (const file of files) {
    if (file.path.endsWith('.json')) {
      const parsed = parseTerraformJson(file);
      if ('error' in parsed) contents.errors.push(parsed.error);
      else collect(file, parsed.body, contents, (type, name, ordinal) => jsonLocator(parsed.root, parsed.lines, type, name, ordinal));
      continue;
    }
    const parsed = await parseHcl(file.text);
    if (!parsed.ok) {
      contents.errors.push({ file: file.displayPath, line: parsed.line, column: parsed.column, message: `Terraform syntax error: ${parsed.message}` });
      continue;
    }
    // blocks by type and name, and the file's lines, computed once per file: a file of thousands of resources stays linear
    const blocks = new Map<string, Map<string, { name: string } & HclBlockLines>>();
    let lines: readonly string[] | undefined;
    collect(file, parsed.body, contents, (type, name) => {
      let found = blocks.get(type);
      if (!found) {
        found = new Map();
        for (const block of findHclBlocks(file.text, 'resource', type)) if (!found.has(block.name)) found.set(block.name, block);
        blocks.set(type, found);
      }
      lines ??= file.text.split('\n');
      return hclLocator(lines, found.get(name));
    });
  }
  return contents;
}

const WANTED_RESOURCE_TYPES = new Set([AZURERM_CONTACT_TYPE, AZURERM_SUBSCRIPTION_TYPE, AZAPI_TYPE]);

function collect(file: IacSourceFile, body: HclBody, contents: ModuleContents, locator: (type: string, name: string, ordinal: number) => BlockLocator): void {
  for (const [name, blocks] of entries(body.variable)) {
    const block = firstBlock(blocks);
    contents.variables.set(name, { hasDefault: 'default' in block, default: block.default });
  }
  for (const block of asBlocks(body.locals)) {
    for (const [name, value] of entries(block)) contents.locals.set(name, value);
  }
  for (const resources of asBlocks(body.resource)) {
    for (const [type, named] of entries(resources)) {
      if (!WANTED_RESOURCE_TYPES.has(type)) continue;
      for (const [name, blocks] of entries(named)) {
        asBlocks(blocks).forEach((block, ordinal) => {
          let located: BlockLocator | undefined;
          contents.resources.push({ file, type, name, body: block, locate: () => (located ??= locator(type, name, ordinal)) });
        });
      }
    }
  }
  for (const [, blocks] of entries(body.module)) {
    const source = firstBlock(blocks).source;
    if (typeof source === 'string') contents.moduleSources.push(source);
  }
}

function hclLocator(text: readonly string[], block: ({ name: string } & HclBlockLines) | undefined): BlockLocator {
  const header = block?.header ?? { line: 1, column: 1 };
  return {
    header,
    attribute: (name) => block?.attributes.get(name),
    nested: (keys) => {
      const [first, ...rest] = keys;
      let at = first === undefined ? undefined : block?.attributes.get(first);
      for (const key of rest) {
        if (!at || !block) return undefined;
        at = findNestedKey(text, at.line, block.lastLine, key);
      }
      return at;
    },
  };
}

/** A `.tf.json` file: Terraform's JSON syntax, the same blocks as HCL with expressions in `"${…}"` strings. */
function parseTerraformJson(file: IacSourceFile): { root: Node; lines: LineIndex; body: HclBody } | { error: IacInputError } {
  const errors: ParseError[] = [];
  const root = parseTree(file.text, errors, { allowTrailingComma: false, disallowComments: true });
  const lines = new LineIndex(file.text);
  if (!root || errors.length > 0 || root.type !== 'object') {
    const first = errors[0];
    const at = lines.positionAt(first?.offset ?? 0);
    const message = `JSON syntax error: ${first ? words(printParseErrorCode(first.error)) : 'a .tf.json file must hold one JSON object'}`;
    return { error: { file: file.displayPath, line: at.line, column: at.column, message } };
  }
  return { root, lines, body: getNodeValue(root) as HclBody };
}

function jsonLocator(root: Node, lines: LineIndex, type: string, name: string, ordinal: number): BlockLocator {
  // `resource` may be an object or a list of objects; each name holds an object or a list of them
  const resources = child(root, 'resource');
  const containers = resources?.type === 'array' ? resources.children ?? [] : resources ? [resources] : [];
  let nameEntry: Node | undefined;
  let block: Node | undefined;
  for (const container of containers) {
    const entry = property(child(container, type), name);
    if (!entry) continue;
    nameEntry = entry;
    const value = entry.children?.[1];
    block = value?.type === 'array' ? value.children?.[ordinal] : value;
    break;
  }
  const keyAt = (entry: Node | undefined): SourcePosition | undefined => (entry ? lines.positionAt(entry.offset) : undefined);
  return {
    header: keyAt(nameEntry) ?? { line: 1, column: 1 },
    attribute: (key) => keyAt(property(block, key)),
    nested: (keys) => {
      let node = block;
      let entry: Node | undefined;
      for (const key of keys) {
        entry = property(node, key);
        node = entry?.children?.[1];
        if (!entry) return undefined;
      }
      return keyAt(entry);
    },
  };
}

/** `PropertyNameExpected` → `property name expected`. */
function words(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The property entry (key and value) named `name` of an object node. */
function property(node: Node | undefined, name: string): Node | undefined {
  if (node?.type !== 'object') return undefined;
  return node.children?.find((entry) => entry.children?.[0]?.value === name);
}

function child(node: Node | undefined, name: string): Node | undefined {
  return property(node, name)?.children?.[1];
}

interface Assignment {
  readonly value: unknown;
  readonly source: string;
}

/** terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json) in name order, then --var-file: later wins. */
async function loadVariableAssignments(directory: string, context: IacScanContext, errors: IacInputError[]): Promise<Map<string, Assignment>> {
  const names = await context.host.listDir(directory);
  const auto = names.filter((name) => /\.auto\.tfvars(?:\.json)?$/.test(name)).sort();
  const files = [
    ...['terraform.tfvars', 'terraform.tfvars.json'].filter((name) => names.includes(name)),
    ...auto,
  ].map((name) => path.join(directory, name));
  const assignments = new Map<string, Assignment>();
  for (const file of [...files, ...context.options.varFiles]) {
    const loaded = await loadVarFile(file, context);
    if ('error' in loaded) {
      if (!errors.some((error) => error.file === loaded.error.file && error.message === loaded.error.message)) errors.push(loaded.error);
      continue;
    }
    for (const [name, value] of Object.entries(loaded.values)) assignments.set(name, { value, source: context.host.displayPath(file) });
  }
  return assignments;
}

type VarFile = { values: Record<string, unknown> } | { error: IacInputError };

async function loadVarFile(file: string, context: IacScanContext): Promise<VarFile> {
  const key = `tfvars:${file}`;
  const cached = context.cache.get(key) as Promise<VarFile> | undefined;
  if (cached) return cached;
  const loading = (async (): Promise<VarFile> => {
    const shown = context.host.displayPath(file);
    let text: string;
    try {
      text = await context.host.readText(file);
    } catch (error) {
      return { error: { file: shown, message: `cannot read variable file: ${(error as Error).message}` } };
    }
    if (file.endsWith('.json')) {
      try {
        const values: unknown = JSON.parse(text);
        if (values === null || typeof values !== 'object' || Array.isArray(values)) {
          return { error: { file: shown, line: 1, column: 1, message: 'a .tfvars.json file must hold one JSON object' } };
        }
        return { values: values as Record<string, unknown> };
      } catch (error) {
        return { error: { file: shown, message: `invalid JSON in variable file: ${(error as Error).message}` } };
      }
    }
    const parsed = await parseHcl(text);
    if (!parsed.ok) return { error: { file: shown, line: parsed.line, column: parsed.column, message: `Terraform syntax error: ${parsed.message}` } };
    return { values: parsed.body };
  })();
  context.cache.set(key, loading);
  return loading;
}

const NO_REFERENCES: TerraformScope = {
  variable: (name) => unknownValue(`var.${name} is referenced where only literal values are allowed`),
  local: (name) => unknownValue(`local.${name} is referenced where only literal values are allowed`),
};

function moduleScope(contents: ModuleContents, assignments: ReadonlyMap<string, Assignment>): TerraformScope {
  const resolving = new Set<string>();
  const scope: TerraformScope = {
    variable(name) {
      const declaration = contents.variables.get(name);
      if (!declaration) return unknownValue(`var.${name} is not declared in this module`);
      const assigned = assignments.get(name);
      if (assigned) return withSource(resolveTerraformValue(assigned.value, NO_REFERENCES), `var.${name} in ${assigned.source}`);
      if (declaration.hasDefault) return withSource(resolveTerraformValue(declaration.default, NO_REFERENCES), `the default of var.${name}`);
      return unknownValue(
        `var.${name} has no default and no value in terraform.tfvars, *.auto.tfvars or --var-file (it may come from -var, TF_VAR_${name} or a calling module)`,
      );
    },
    local(name) {
      if (!contents.locals.has(name)) return unknownValue(`local.${name} is not defined in this module`);
      if (resolving.has(name)) return unknownValue(`local.${name} refers to itself`);
      resolving.add(name);
      try {
        return withSource(resolveTerraformValue(contents.locals.get(name), scope), `local.${name}`);
      } finally {
        resolving.delete(name);
      }
    },
  };
  return scope;
}

const CHILD_CONTACT = /resource\s+"?azurerm_security_center_contact"?|"azurerm_security_center_contact"\s*:|Microsoft\.Security\/securityContacts@/i;

/** Whether a module called with a local source (./ or ../), or one it calls, declares a security contact. */
async function childModulesDeclareContact(directory: string, sources: readonly string[], context: IacScanContext, seen = new Set<string>()): Promise<boolean> {
  for (const source of sources) {
    if (!source.startsWith('./') && !source.startsWith('../')) continue;
    const child = path.resolve(directory, source);
    if (seen.has(child)) continue;
    seen.add(child);
    const nested: string[] = [];
    for (const name of (await context.host.listDir(child)).filter((entry) => entry.endsWith('.tf') || entry.endsWith('.tf.json'))) {
      const text = await context.host.readText(path.join(child, name)).catch(() => '');
      if (CHILD_CONTACT.test(text)) return true;
      for (const match of text.matchAll(/^\s*"?source"?\s*[=:]\s*"(\.\.?\/[^"]*)"/gm)) if (match[1]) nested.push(match[1]);
    }
    if (await childModulesDeclareContact(child, nested, context, seen)) return true;
  }
  return false;
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function entries(value: unknown): Array<[string, unknown]> {
  return Object.entries(asRecord(value));
}

function asBlocks(value: unknown): Array<Record<string, unknown>> {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(asRecord);
}

function firstBlock(value: unknown): Record<string, unknown> {
  return asBlocks(value)[0] ?? {};
}
