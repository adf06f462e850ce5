import path from 'node:path';
import { judgeContactAddresses } from '../contact-verdict.js';
import { landingZoneMessage, legacyContactNameNote, TERRAFORM_CONTACT_API_NOTE } from '../contact-notes.js';
import { findHclBlocks, type HclBlockLines } from '../hcl-source-lines.js';
import { parseHcl, type HclBody } from '../hcl-parser.js';
import { IAC_CONTROL } from '../iac-control.js';
import type { IacFinding, IacInputError, IacScanResult, IacWarning } from '../iac-finding.js';
import type { IacFormat, IacScanContext, IacSourceFile } from '../iac-format.js';
import { knownValue, unknownValue, withSource } from '../resolved-value.js';
import { resolveTerraformValue, type TerraformScope } from '../terraform-expressions.js';

const CONTACT_TYPE = 'azurerm_security_center_contact';
const SUBSCRIPTION_TYPE = 'azurerm_subscription';

/** Only files naming one of these types can produce a finding: a module without them is not parsed. */
const RELEVANT_TYPES = /azurerm_security_center_contact|azurerm_subscription(?![A-Za-z0-9_])/;
/** Files of a relevant module that are parsed for values: those declaring variables or locals. */
const VALUE_BLOCKS = /^[ \t]*(?:variable|locals)\b/m;
/** Files that call modules (a landing zone may deploy its contact through one). */
const MODULE_BLOCKS = /^[ \t]*module\b/m;

export const terraform: IacFormat = {
  name: 'terraform',
  title: 'Terraform configuration (.tf)',
  grouping: 'directory',
  matchesPath: (file) => file.endsWith('.tf'),
  evaluate: evaluateTerraformModule,
};

interface VariableDeclaration {
  readonly hasDefault: boolean;
  readonly default: unknown;
}

interface DeclaredResource {
  readonly file: IacSourceFile;
  readonly name: string;
  readonly body: Record<string, unknown>;
}

interface ModuleContents {
  readonly variables: Map<string, VariableDeclaration>;
  readonly locals: Map<string, unknown>;
  readonly contacts: DeclaredResource[];
  readonly subscriptions: DeclaredResource[];
  readonly moduleSources: string[];
  readonly errors: IacInputError[];
}

/** Evaluates one Terraform module (the `.tf` files of one directory). */
export async function evaluateTerraformModule(files: readonly IacSourceFile[], context: IacScanContext): Promise<IacScanResult> {
  const scanned = files.length;
  if (!files.some((file) => RELEVANT_TYPES.test(file.text))) return { findings: [], warnings: [], errors: [], filesScanned: scanned };
  // parse what can change a verdict, and no more: the files naming the types, then the files declaring
  // variables or locals only when a value refers to them, and module calls only for the landing-zone check
  const relevant = files.filter((file) => RELEVANT_TYPES.test(file.text));
  const contents = await readModule(relevant, emptyModule());
  const rest = files.filter((file) => !relevant.includes(file));
  const refersToValues = [...contents.contacts, ...contents.subscriptions].some((resource) => /\$\{[^}]*\b(?:var|local)\./.test(JSON.stringify(resource.body)));
  const parsed = new Set<IacSourceFile>();
  const parseMore = async (wanted: RegExp): Promise<void> => {
    const more = rest.filter((file) => !parsed.has(file) && wanted.test(file.text));
    for (const file of more) parsed.add(file);
    await readModule(more, contents);
  };
  if (refersToValues) await parseMore(VALUE_BLOCKS);
  if (contents.subscriptions.length > 0 && contents.contacts.length === 0) await parseMore(MODULE_BLOCKS);
  const directory = path.dirname(files[0]?.path ?? '.');
  const assignments = await loadVariableAssignments(directory, context, contents.errors);
  const scope = moduleScope(contents, assignments);
  const blockLines = new Map<string, ReturnType<typeof findHclBlocks>>();
  const linesOf = (resource: DeclaredResource, type: string): HclBlockLines | undefined => {
    const key = `${resource.file.path}\0${type}`;
    let blocks = blockLines.get(key);
    if (!blocks) {
      blocks = findHclBlocks(resource.file.text, 'resource', type);
      blockLines.set(key, blocks);
    }
    return blocks.find((block) => block.name === resource.name);
  };

  const findings: IacFinding[] = contents.contacts.map((contact) => {
    const lines = linesOf(contact, CONTACT_TYPE);
    const attribute = 'email' in contact.body ? lines?.attributes.get('email') : undefined;
    const at = attribute ?? lines?.header ?? { line: 1, column: 1 };
    const value = 'email' in contact.body ? resolveTerraformValue(contact.body.email, scope) : undefined;
    const verdict = judgeContactAddresses('email', value);
    const notes = [TERRAFORM_CONTACT_API_NOTE];
    const name = 'name' in contact.body ? resolveTerraformValue(contact.body.name, scope) : knownValue('default1');
    if (name.known && typeof name.value === 'string' && name.value !== 'default') {
      notes.push(legacyContactNameNote(name.value, 'name' in contact.body ? '' : ' (the provider default)'));
    }
    return {
      file: contact.file.displayPath,
      line: at.line,
      column: at.column,
      resource: `${CONTACT_TYPE}.${contact.name}`,
      controlId: IAC_CONTROL.id,
      status: verdict.status,
      message: verdict.message,
      severity: IAC_CONTROL.severity,
      notes,
      format: 'terraform',
    };
  });

  const warnings: IacWarning[] = [];
  if (contents.subscriptions.length > 0 && contents.contacts.length === 0 && !(await childModulesDeclareContact(directory, contents.moduleSources, context))) {
    for (const subscription of contents.subscriptions) {
      const at = linesOf(subscription, SUBSCRIPTION_TYPE)?.header ?? { line: 1, column: 1 };
      const resource = `${SUBSCRIPTION_TYPE}.${subscription.name}`;
      warnings.push({
        file: subscription.file.displayPath,
        line: at.line,
        column: at.column,
        resource,
        kind: 'landing-zone-without-contact',
        message: landingZoneMessage(resource),
      });
    }
  }
  return { findings, warnings, errors: contents.errors, filesScanned: scanned };
}

function emptyModule(): ModuleContents {
  return { variables: new Map(), locals: new Map(), contacts: [], subscriptions: [], moduleSources: [], errors: [] };
}

async function readModule(files: readonly IacSourceFile[], contents: ModuleContents): Promise<ModuleContents> {
  for (const file of files) {
    const parsed = await parseHcl(file.text);
    if (!parsed.ok) {
      contents.errors.push({ file: file.displayPath, line: parsed.line, column: parsed.column, message: `Terraform syntax error: ${parsed.message}` });
      continue;
    }
    collect(file, parsed.body, contents);
  }
  return contents;
}

function collect(file: IacSourceFile, body: HclBody, contents: ModuleContents): void {
  for (const [name, blocks] of entries(body.variable)) {
    const block = firstBlock(blocks);
    contents.variables.set(name, { hasDefault: 'default' in block, default: block.default });
  }
  for (const block of Array.isArray(body.locals) ? body.locals : []) {
    for (const [name, value] of entries(block)) contents.locals.set(name, value);
  }
  const resources = asRecord(body.resource);
  for (const [name, blocks] of entries(resources[CONTACT_TYPE])) {
    for (const block of asBlocks(blocks)) contents.contacts.push({ file, name, body: block });
  }
  for (const [name, blocks] of entries(resources[SUBSCRIPTION_TYPE])) {
    for (const block of asBlocks(blocks)) contents.subscriptions.push({ file, name, body: block });
  }
  for (const [, blocks] of entries(body.module)) {
    const source = firstBlock(blocks).source;
    if (typeof source === 'string') contents.moduleSources.push(source);
  }
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

/** Whether a module called with a local source (./ or ../), or one it calls, declares a security contact. */
async function childModulesDeclareContact(directory: string, sources: readonly string[], context: IacScanContext, seen = new Set<string>()): Promise<boolean> {
  for (const source of sources) {
    if (!source.startsWith('./') && !source.startsWith('../')) continue;
    const child = path.resolve(directory, source);
    if (seen.has(child)) continue;
    seen.add(child);
    const nested: string[] = [];
    for (const name of (await context.host.listDir(child)).filter((entry) => entry.endsWith('.tf'))) {
      const text = await context.host.readText(path.join(child, name)).catch(() => '');
      if (/resource\s+"?azurerm_security_center_contact"?/.test(text)) return true;
      for (const match of text.matchAll(/^\s*source\s*=\s*"(\.\.?\/[^"]*)"/gm)) if (match[1]) nested.push(match[1]);
    }
    if (await childModulesDeclareContact(child, nested, context, seen)) return true;
  }
  return false;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function entries(value: unknown): Array<[string, unknown]> {
  return Object.entries(asRecord(value));
}

function asBlocks(value: unknown): Array<Record<string, unknown>> {
  return (Array.isArray(value) ? value : [value]).map(asRecord);
}

function firstBlock(value: unknown): Record<string, unknown> {
  return asBlocks(value)[0] ?? {};
}
