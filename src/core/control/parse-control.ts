import type { ErrorObject } from 'ajv';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { WardError, type ErrorLocation } from '../errors.js';
import type { Check, CheckDescription, CheckVariable, Control, ControlDescription, ParameterValue } from '../model.js';
import { checkParameterUse, declaredParameters } from './control-parameters.js';
import type { DeclaredReason, resolveCheckReasons } from './check-reasons.js';
import { parseExpectation } from './parse-expectation.js';
import { validateControlSchema as validateSchema } from './validate-control-schema.js';

/** Validates a stored check against the inventory schema; returns what the query selects. */
export type CheckQueryValidator = (
  query: string,
  source: string,
) => { readonly rootField: string; readonly typeName: string; readonly variables: readonly CheckVariable[] };

/**
 * What makes a listed check runnable, passed in by the loader that needs it (scan/load-controls.ts): GraphQL's
 * validation of its query, and its declared reasons matched to the alternatives of its filter (check-reasons.ts).
 * Both read GraphQL, which this module does not load: a control can be parsed without them (ControlDescription).
 */
export interface CheckCompiler {
  readonly validateQuery: CheckQueryValidator;
  readonly resolveReasons: typeof resolveCheckReasons;
}

export interface ControlFiles {
  /** The control's folder name: it must equal the id. */
  readonly folderName: string;
  readonly directory: string;
  readonly yamlPath: string;
  readonly yamlText: string;
  /** Check file name → its text; a name missing here is a file that does not exist. */
  readonly checkFiles: ReadonlyMap<string, string>;
}

function fieldOf(instancePath: string): string[] {
  return instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function displayField(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, part) => (/^\d+$/.test(String(part)) ? `${text}[${part}]` : text ? `${text}.${part}` : String(part)), '');
}

function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return `is missing the required field ${(error.params as { missingProperty: string }).missingProperty}`;
    case 'additionalProperties':
      return `has an unknown field ${(error.params as { additionalProperty: string }).additionalProperty}`;
    case 'enum':
      return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    default:
      return error.message ?? 'is invalid';
  }
}

/**
 * Parses and validates one control (pure: the files are passed in). Every refusal names the file, the line
 * and the field. With a compiler, each check query is validated against the inventory schema and its reasons
 * resolved: a Control. Without one (null), the checks are described, not compiled: a ControlDescription, for the
 * commands that run no check; everything else (control.yaml's fields, its id, each check file being there, the
 * expectations, the declared parameters) is validated the same.
 */
export function parseControl(files: ControlFiles, compiler: CheckCompiler): Control;
export function parseControl(files: ControlFiles, compiler: null): ControlDescription;
export function parseControl(files: ControlFiles, compiler: CheckCompiler | null): Control | ControlDescription {
  const lineCounter = new LineCounter();
  const document = parseDocument(files.yamlText, { lineCounter, prettyErrors: false });
  const locate = (path: readonly (string | number)[]): ErrorLocation => {
    const node = path.length === 0 ? document.contents : document.getIn(path, true);
    const offset = isNode(node) && node.range ? node.range[0] : undefined;
    const position = offset === undefined ? undefined : lineCounter.linePos(offset);
    return {
      file: files.yamlPath,
      ...(position ? { line: position.line, column: position.col } : {}),
      ...(path.length > 0 ? { field: displayField(path) } : {}),
    };
  };
  const yamlError = document.errors[0];
  if (yamlError) {
    const position = lineCounter.linePos(yamlError.pos[0]);
    throw new WardError('CONTROL_INVALID', `not valid YAML: ${yamlError.message.split('\n')[0]}`, {
      location: { file: files.yamlPath, line: position.line, column: position.col },
    });
  }
  const data: unknown = document.toJS();
  if (!validateSchema(data)) {
    const error = validateSchema.errors![0]!;
    const path = fieldOf(error.instancePath);
    const where = locate(path);
    const subject = path.length === 0 ? 'the control' : `field ${displayField(path)}`;
    throw new WardError('CONTROL_INVALID', `${subject} ${describe(error)}`, {
      location: where,
      hint: 'see an existing control.yaml (controls/azure/defender/…) for every field',
    });
  }
  const raw = data as unknown as Omit<Control, 'checks' | 'directory' | 'parameters' | 'parameterValues'> & {
    checks: { file: string; name: string; expect: string; reasons?: DeclaredReason[] }[];
    parameters?: Parameters<typeof declaredParameters>[0];
    remediationPaths: Control['remediationPaths'] & { references?: Control['references'] };
  };
  if (raw.id !== files.folderName) {
    throw new WardError('CONTROL_INVALID', `the id ${raw.id} differs from its folder name ${files.folderName}`, {
      location: locate(['id']),
      hint: 'a control folder is named after its id',
    });
  }
  const seenNames = new Set<string>();
  const described: CheckDescription[] = raw.checks.map((entry, index) => {
    const checkPath = `${files.directory}/${entry.file}`;
    const query = files.checkFiles.get(entry.file);
    if (query === undefined) {
      throw new WardError('CONTROL_INVALID', `the check file ${entry.file} does not exist`, { location: locate(['checks', index, 'file']) });
    }
    const id = `${raw.id}/${entry.file.replace(/\.graphql$/, '')}`;
    if (seenNames.has(id)) throw new WardError('CONTROL_INVALID', `the check ${entry.file} is listed twice`, { location: locate(['checks', index, 'file']) });
    seenNames.add(id);
    const expect = parseExpectation(entry.expect, locate(['checks', index, 'expect']));
    return { id, name: entry.name, file: checkPath, query, expect };
  });
  const parameters = declaredParameters(raw.parameters, locate);
  const parameterValues: Record<string, ParameterValue> = Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.default]));
  const control = {
    ...raw,
    parameters,
    parameterValues,
    remediationPaths: { ...raw.remediationPaths, references: raw.remediationPaths.references ?? [] },
    directory: files.directory,
  };
  if (compiler === null) return { ...control, checks: described };
  const checks: Check[] = described.map((check, index) => {
    const entry = raw.checks[index]!;
    const { rootField, typeName, variables } = compiler.validateQuery(check.query, check.file);
    if (!raw.assetTypes.includes(typeName)) {
      throw new WardError('CONTROL_INVALID', `the check ${entry.file} returns ${typeName}, which is not among the control's assetTypes (${raw.assetTypes.join(', ')})`, {
        location: locate(['assetTypes']),
      });
    }
    const reasons = entry.reasons
      ? compiler.resolveReasons(entry.reasons, check.query, rootField, variables, (at, field) => locate(['checks', index, 'reasons', ...(field ? [at, field] : [])]), entry.file)
      : undefined;
    return { ...check, rootField, assetType: typeName, variables, ...(reasons ? { reasons } : {}) };
  });
  checkParameterUse(checks, parameters, locate);
  return { ...control, checks };
}
