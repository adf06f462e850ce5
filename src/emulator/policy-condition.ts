/**
 * The Azure Policy condition language, as the emulator evaluates it on a resource: `allOf` / `anyOf` / `not`;
 * `field` and `value` conditions with equals, notEquals, in, notIn, exists, contains, notContains, like, notLike,
 * greater(OrEquals), less(OrEquals); `count` over a `[*]` alias with an optional `where`; `[parameters('x')]` in
 * values. Documented semantics: string comparisons ignore case; a field that is absent equals nothing and is
 * notEquals anything; an alias of a polymorphic item (`notificationsSources[*].Alert.minimalSeverity`) exists only
 * on the items of that sourceType. Anything else is refused (PolicyConditionError), never guessed.
 */
import { isObject } from '../core/is-object.js';

type Json = Record<string, unknown>;

export class PolicyConditionError extends Error {}

export interface ConditionResource {
  /** `type`, `name`, `id`, `location`, `tags` of the resource. */
  readonly top: Json;
  /** Its properties, as the aliases of `aliasPrefix` see them. */
  readonly properties: Json;
  /** e.g. `Microsoft.Security/securityContacts/`. */
  readonly aliasPrefix: string;
}

interface Scope {
  readonly resource: ConditionResource;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Inside a count: the array alias path (without `[*]`) and the current item. */
  readonly item?: { readonly array: string; readonly value: unknown };
}

/** Resolves `[parameters('x')]` (the whole string); `[[` escapes a literal `[`; other expressions are refused. */
export function resolveParameterExpression(expression: unknown, parameters: Readonly<Record<string, unknown>>): unknown {
  if (typeof expression !== 'string' || !expression.startsWith('[')) return expression;
  if (expression.startsWith('[[')) return expression.slice(1);
  const match = /^\[parameters\('([^']+)'\)\]$/.exec(expression);
  if (!match) throw new PolicyConditionError(`the emulator does not evaluate the expression ${expression}`);
  if (!(match[1]! in parameters)) throw new PolicyConditionError(`the parameter '${match[1]}' has no value`);
  return parameters[match[1]!];
}

function walk(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (let index = 0; index < path.length; index += 1) {
    const segment = path[index]!;
    if (!isObject(current)) return undefined;
    // a polymorphic item's type segment: the rest exists only when the item is of that kind
    if (index < path.length - 1 && typeof current.sourceType === 'string' && !(segment in current) && /^[A-Z]/.test(segment)) {
      if (current.sourceType.toLowerCase() !== segment.toLowerCase()) return undefined;
      continue;
    }
    current = Object.entries(current).find(([key]) => key.toLowerCase() === segment.toLowerCase())?.[1];
  }
  return current;
}

function fieldValue(field: string, scope: Scope): unknown {
  const { resource } = scope;
  if (!field.toLowerCase().startsWith(resource.aliasPrefix.toLowerCase())) {
    const tag = /^tags\[['"]?([^'"\]]+)['"]?\]$|^tags\.(.+)$/i.exec(field);
    if (tag) return walk(resource.top.tags, [tag[1] ?? tag[2]!]);
    if (['type', 'name', 'id', 'location', 'kind'].includes(field.toLowerCase())) return walk(resource.top, [field]);
    throw new PolicyConditionError(`the field '${field}' is not an alias of ${resource.aliasPrefix.replace(/\/$/, '')}`);
  }
  const path = field.slice(resource.aliasPrefix.length);
  const item = scope.item;
  if (item && (path === `${item.array}[*]` || path.startsWith(`${item.array}[*].`))) {
    const rest = path.slice(`${item.array}[*]`.length).replace(/^\./, '');
    return rest === '' ? item.value : walk(item.value, rest.split('.'));
  }
  if (path.includes('[*]')) throw new PolicyConditionError(`the emulator reads [*] aliases only inside a count: ${field}`);
  return walk(resource.properties, path.split('.'));
}

const text = (value: unknown): string => (typeof value === 'string' ? value.toLowerCase() : (JSON.stringify(value) ?? '').toLowerCase());
const same = (a: unknown, b: unknown): boolean => a !== undefined && a !== null && text(a) === text(b);
const like = (value: unknown, pattern: unknown): boolean =>
  typeof value === 'string' &&
  new RegExp(`^${String(pattern).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`, 'i').test(value);

function numberOrText(actual: unknown, expected: unknown): [number | string, number | string] | undefined {
  if (typeof actual === 'number' && typeof expected === 'number') return [actual, expected];
  if (typeof actual === 'string' && typeof expected === 'string') return [actual.toLowerCase(), expected.toLowerCase()];
  if (typeof actual === 'number' && typeof expected === 'string' && expected.trim() !== '' && Number.isFinite(Number(expected))) return [actual, Number(expected)];
  return undefined;
}

function compare(actual: unknown, condition: Json, scope: Scope): boolean {
  const operand = (name: string): unknown => resolveParameterExpression(condition[name], scope.parameters);
  const list = (name: string): unknown[] => {
    const value = operand(name);
    if (!Array.isArray(value)) throw new PolicyConditionError(`'${name}' needs an array`);
    return value;
  };
  if ('equals' in condition) return same(actual, operand('equals'));
  if ('notEquals' in condition) return !same(actual, operand('notEquals'));
  if ('in' in condition) return list('in').some((entry) => same(actual, entry));
  if ('notIn' in condition) return !list('notIn').some((entry) => same(actual, entry));
  if ('exists' in condition) return (actual !== undefined && actual !== null) === (text(operand('exists')) === 'true');
  if ('contains' in condition) return typeof actual === 'string' && actual.toLowerCase().includes(text(operand('contains')));
  if ('notContains' in condition) return !(typeof actual === 'string' && actual.toLowerCase().includes(text(operand('notContains'))));
  if ('like' in condition) return like(actual, operand('like'));
  if ('notLike' in condition) return !like(actual, operand('notLike'));
  for (const [name, holds] of [
    ['greater', (a: number | string, b: number | string) => a > b],
    ['greaterOrEquals', (a: number | string, b: number | string) => a >= b],
    ['less', (a: number | string, b: number | string) => a < b],
    ['lessOrEquals', (a: number | string, b: number | string) => a <= b],
  ] as const) {
    if (name in condition) {
      const pair = numberOrText(actual, operand(name));
      return pair !== undefined && holds(pair[0], pair[1]);
    }
  }
  throw new PolicyConditionError(`unsupported condition ${JSON.stringify(condition)}`);
}

function evaluate(condition: unknown, scope: Scope): boolean {
  if (!isObject(condition)) throw new PolicyConditionError('a policy condition is a JSON object');
  if (Array.isArray(condition.allOf)) return condition.allOf.every((entry) => evaluate(entry, scope));
  if (Array.isArray(condition.anyOf)) return condition.anyOf.some((entry) => evaluate(entry, scope));
  if ('not' in condition) return !evaluate(condition.not, scope);
  if (isObject(condition.count)) {
    const field = String(condition.count.field ?? '');
    if (!field.toLowerCase().startsWith(scope.resource.aliasPrefix.toLowerCase()) || !field.endsWith('[*]')) {
      throw new PolicyConditionError(`a count needs a [*] alias of ${scope.resource.aliasPrefix.replace(/\/$/, '')}: ${field}`);
    }
    const array = field.slice(scope.resource.aliasPrefix.length, -'[*]'.length);
    const items = walk(scope.resource.properties, array.split('.'));
    const where = condition.count.where;
    const count = (Array.isArray(items) ? items : []).filter((value) => where === undefined || evaluate(where, { ...scope, item: { array, value } })).length;
    return compare(count, condition, scope);
  }
  if (typeof condition.field === 'string') return compare(fieldValue(condition.field, scope), condition, scope);
  if ('value' in condition) return compare(resolveParameterExpression(condition.value, scope.parameters), condition, scope);
  throw new PolicyConditionError(`unsupported condition ${JSON.stringify(condition)}`);
}

/** Whether the resource meets the condition with these policy parameter values. */
export function evaluatePolicyCondition(condition: unknown, resource: ConditionResource, parameters: Readonly<Record<string, unknown>>): boolean {
  return evaluate(condition, { resource, parameters });
}
