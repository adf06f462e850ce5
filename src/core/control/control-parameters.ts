/**
 * Control parameters: declared in control.yaml, read by checks as GraphQL variables, overridden in ward.yaml
 * (`controls: { <id>: { parameters: { … } } }`) or with `--param <control-id>.<name>=<value>`. Pure: the texts are
 * passed in. Every refusal is one WardError naming the control, the parameter and where the value came from.
 */
import { LineCounter, isNode, parseDocument } from 'yaml';
import { WardError, type ErrorLocation } from '../errors.js';
import type { Check, CheckVariable, Control, ControlParameter, ParameterType, ParameterValue } from '../model.js';

/** Whether `value` is of the parameter type (an Int is a whole number). */
export function isOfParameterType(type: ParameterType, value: unknown): value is ParameterValue {
  switch (type) {
    case 'String':
      return typeof value === 'string';
    case 'Int':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'Float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'Boolean':
      return typeof value === 'boolean';
  }
}

function describeAllowed(parameter: ControlParameter): string {
  return (parameter.allowed ?? []).map((value) => JSON.stringify(value)).join(', ');
}

/** Checks one value against a parameter's type and allowed values; the message names what is wrong. */
export function parameterValueProblem(parameter: ControlParameter, value: unknown): string | undefined {
  if (!isOfParameterType(parameter.type, value)) return `expected ${article(parameter.type)} ${parameter.type}, got ${JSON.stringify(value)}`;
  if (parameter.allowed && !parameter.allowed.includes(value)) return `${JSON.stringify(value)} is not allowed (allowed: ${describeAllowed(parameter)})`;
  return undefined;
}

function article(type: ParameterType): string {
  return type === 'Int' ? 'an' : 'a';
}

/** The `parameters` map of a control.yaml, validated: each default of its type and among the allowed values. */
export function declaredParameters(
  raw: Readonly<Record<string, { type: ParameterType; default: ParameterValue; allowed?: ParameterValue[]; description: string }>> | undefined,
  locate: (path: readonly (string | number)[]) => ErrorLocation,
): ControlParameter[] {
  return Object.entries(raw ?? {}).map(([name, entry]) => {
    const parameter: ControlParameter = { name, type: entry.type, default: entry.default, description: entry.description, ...(entry.allowed ? { allowed: entry.allowed } : {}) };
    entry.allowed?.forEach((value, index) => {
      if (!isOfParameterType(entry.type, value)) {
        throw new WardError('CONTROL_INVALID', `parameter ${name}: allowed value ${JSON.stringify(value)} is not ${article(entry.type)} ${entry.type}`, {
          location: locate(['parameters', name, 'allowed', index]),
        });
      }
    });
    const problem = parameterValueProblem(parameter, entry.default);
    if (problem) throw new WardError('CONTROL_INVALID', `parameter ${name}: the default ${problem}`, { location: locate(['parameters', name, 'default']) });
    return parameter;
  });
}

/** The GraphQL type a parameter binds as (nullable or not, a check may declare either). */
function matchesVariableType(parameter: ControlParameter, variable: CheckVariable): boolean {
  return variable.type.replace(/!$/, '') === parameter.type;
}

/**
 * Every variable a check declares must be a parameter of its control, of the same type; every parameter must be
 * read by some check (a parameter nothing reads would let a user "tighten" a control and change nothing).
 */
export function checkParameterUse(
  checks: readonly Pick<Check, 'file' | 'variables'>[],
  parameters: readonly ControlParameter[],
  locate: (path: readonly (string | number)[]) => ErrorLocation,
): void {
  const byName = new Map(parameters.map((parameter) => [parameter.name, parameter] as const));
  const used = new Set<string>();
  for (const check of checks) {
    for (const variable of check.variables) {
      const parameter = byName.get(variable.name);
      if (!parameter) {
        throw new WardError('CONTROL_INVALID', `the check ${check.file} reads $${variable.name}, which the control does not declare`, {
          location: locate(parameters.length > 0 ? ['parameters'] : []),
          hint: `declare it under parameters: in control.yaml (type, default, description${parameters.length > 0 ? '' : '; see controls/azure/defender/azure-defender-security-contact-alert-severity'})`,
        });
      }
      if (!matchesVariableType(parameter, variable)) {
        throw new WardError('CONTROL_INVALID', `the check ${check.file} declares $${variable.name}: ${variable.type}, but the parameter is a ${parameter.type}`, {
          location: locate(['parameters', parameter.name, 'type']),
        });
      }
      used.add(variable.name);
    }
  }
  const unused = parameters.find((parameter) => !used.has(parameter.name));
  if (unused) {
    throw new WardError('CONTROL_INVALID', `parameter ${unused.name} is declared but no check reads $${unused.name}`, {
      location: locate(['parameters', unused.name]),
      hint: 'declare the variable in a check (query Name($x: String!) { … }) or remove the parameter',
    });
  }
}

/** One override of a parameter value, with where it came from (for messages). */
export interface ParameterOverride {
  readonly controlId: string;
  readonly name: string;
  /** A typed value (ward.yaml) or the text of `--param` (converted to the parameter's type). */
  readonly value: unknown;
  readonly fromText: boolean;
  readonly location: ErrorLocation;
}

function fromText(parameter: ControlParameter, text: string): unknown {
  switch (parameter.type) {
    case 'String':
      return text;
    case 'Int':
    case 'Float':
      return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text.trim()) ? Number(text) : text;
    case 'Boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
  }
}

/**
 * The controls with the overrides applied, later overrides winning (ward.yaml first, then `--param`). Unknown
 * controls or parameters, wrong types and values that are not allowed are refused: one line, no partial result.
 */
export function applyParameterOverrides<C extends Pick<Control, 'id' | 'parameters' | 'parameterValues'>>(controls: readonly C[], overrides: readonly ParameterOverride[]): C[] {
  const byId = new Map(controls.map((control) => [control.id, control] as const));
  const values = new Map<string, Record<string, ParameterValue>>();
  for (const override of overrides) {
    const control = byId.get(override.controlId);
    if (!control) {
      throw new WardError('USAGE', `no control ${override.controlId} to set parameter ${override.name} on`, {
        location: override.location,
        hint: 'ward controls list shows the control ids',
      });
    }
    const parameter = control.parameters.find((candidate) => candidate.name === override.name);
    if (!parameter) {
      const known = control.parameters.map((p) => p.name);
      throw new WardError('USAGE', `control ${control.id} has no parameter ${override.name}`, {
        location: override.location,
        hint: known.length > 0 ? `its parameters: ${known.join(', ')}` : 'it takes no parameters',
      });
    }
    const value = override.fromText ? fromText(parameter, String(override.value)) : override.value;
    const problem = parameterValueProblem(parameter, value);
    if (problem) throw new WardError('USAGE', `${control.id}.${parameter.name}: ${problem}`, { location: override.location, hint: parameter.description });
    const current = values.get(control.id) ?? { ...control.parameterValues };
    current[parameter.name] = value as ParameterValue;
    values.set(control.id, current);
  }
  return controls.map((control) => {
    const changed = values.get(control.id);
    return changed ? { ...control, parameterValues: changed } : control;
  });
}

/** `--param <control-id>.<name>=<value>` (the value may contain `=` and `.`). */
export function parseParamFlag(text: string): ParameterOverride {
  const match = /^([a-z0-9]+(?:-[a-z0-9]+)+)\.([A-Za-z][A-Za-z0-9]*)=(.*)$/s.exec(text);
  if (!match) {
    throw new WardError('USAGE', `--param ${JSON.stringify(text)} is not <control-id>.<name>=<value>`, {
      location: { field: '--param' },
      hint: 'e.g. --param azure-defender-security-contact-alert-severity.minimalSeverity=Medium',
    });
  }
  return { controlId: match[1]!, name: match[2]!, value: match[3]!, fromText: true, location: { field: '--param' } };
}

/**
 * The parameter overrides of a ward.yaml text: `controls: { <id>: { parameters: { name: value } } }`. Unknown keys
 * are refused with file, line and column, so a typo never silently leaves a control at its default.
 */
export function parseWardConfig(text: string, file: string): ParameterOverride[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const locate = (path: readonly (string | number)[]): ErrorLocation => {
    const node = path.length === 0 ? document.contents : document.getIn(path, true);
    const offset = isNode(node) && node.range ? node.range[0] : undefined;
    const position = offset === undefined ? undefined : lineCounter.linePos(offset);
    return { file, ...(position ? { line: position.line, column: position.col } : {}), ...(path.length > 0 ? { field: path.join('.') } : {}) };
  };
  const yamlError = document.errors[0];
  if (yamlError) {
    const position = lineCounter.linePos(yamlError.pos[0]);
    throw new WardError('CONFIG_INVALID', `not valid YAML: ${yamlError.message.split('\n')[0]}`, { location: { file, line: position.line, column: position.col } });
  }
  const data: unknown = document.toJS() ?? {};
  const invalid = (path: (string | number)[], message: string): WardError =>
    new WardError('CONFIG_INVALID', message, { location: locate(path), hint: 'ward.yaml holds controls: { <control-id>: { parameters: { <name>: <value> } } }' });
  if (!isRecord(data)) throw invalid([], 'ward.yaml must be a mapping');
  for (const key of Object.keys(data)) if (key !== 'controls') throw invalid([key], `unknown setting ${key}`);
  const controls = data.controls ?? {};
  if (!isRecord(controls)) throw invalid(['controls'], 'controls must map control ids to their settings');
  const overrides: ParameterOverride[] = [];
  for (const [controlId, settings] of Object.entries(controls)) {
    if (!isRecord(settings)) throw invalid(['controls', controlId], `controls.${controlId} must be a mapping`);
    for (const key of Object.keys(settings)) if (key !== 'parameters') throw invalid(['controls', controlId, key], `unknown setting controls.${controlId}.${key}`);
    const parameters = settings.parameters ?? {};
    if (!isRecord(parameters)) throw invalid(['controls', controlId, 'parameters'], `controls.${controlId}.parameters must map names to values`);
    for (const [name, value] of Object.entries(parameters)) {
      overrides.push({ controlId, name, value, fromText: false, location: locate(['controls', controlId, 'parameters', name]) });
    }
  }
  return overrides;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The variables to execute one check with: the values in force of the parameters it declares. */
export function checkVariables(control: Pick<Control, 'parameterValues'>, check: Pick<Check, 'variables'>): Record<string, ParameterValue> {
  const variables: Record<string, ParameterValue> = {};
  for (const variable of check.variables) {
    const value = control.parameterValues[variable.name];
    if (value !== undefined) variables[variable.name] = value;
  }
  return variables;
}
