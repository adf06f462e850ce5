/**
 * TEST SUPPORT: a small evaluator of the Azure Policy condition language, for the subset ward's definitions use
 * (allOf / anyOf / not; field and value conditions with equals, notEquals, exists, in; `count` over a `[*]` alias
 * with a `where`; `[parameters('x')]`), over a Microsoft.Security/securityContacts resource. It follows the
 * documented semantics: string comparisons ignore case, a missing field equals nothing and `notEquals` anything,
 * aliases with a polymorphic segment (`notificationsSources[*].Alert.minimalSeverity`) exist only on the items of
 * that sourceType. Tests use it to show that the existence condition accepts exactly what the controls accept.
 */
import { isObject } from '../../core/is-object.js';

type Json = Record<string, unknown>;
const PREFIX = 'Microsoft.Security/securityContacts/';

interface Scope {
  readonly properties: Json;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Inside a count: the array alias (without `[*]`) and the current item. */
  readonly item?: { readonly array: string; readonly value: unknown };
}

function parameterValue(expression: unknown, scope: Scope): unknown {
  if (typeof expression !== 'string') return expression;
  const match = /^\[parameters\('([^']+)'\)\]$/.exec(expression);
  if (!match) return expression;
  if (!(match[1]! in scope.parameters)) throw new Error(`no parameter ${match[1]}`);
  return scope.parameters[match[1]!];
}

/** Follows `a.b` / `Alert.minimalSeverity` (polymorphic on sourceType) from a value. */
function walk(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (let index = 0; index < path.length; index += 1) {
    const segment = path[index]!;
    if (!isObject(current)) return undefined;
    if ((segment === 'Alert' || segment === 'AttackPath') && index < path.length - 1) {
      if (String(current.sourceType ?? '').toLowerCase() !== segment.toLowerCase()) return undefined;
      continue;
    }
    current = current[segment];
  }
  return current;
}

function fieldValue(alias: string, scope: Scope): unknown {
  if (!alias.startsWith(PREFIX)) throw new Error(`not a security contact alias: ${alias}`);
  const path = alias.slice(PREFIX.length);
  if (scope.item && (path === `${scope.item.array}[*]` || path.startsWith(`${scope.item.array}[*].`))) {
    const rest = path.slice(`${scope.item.array}[*]`.length).replace(/^\./, '');
    return rest === '' ? scope.item.value : walk(scope.item.value, rest.split('.'));
  }
  if (path.includes('[*]')) throw new Error(`the evaluator only reads [*] aliases inside a count: ${alias}`);
  return walk(scope.properties, path.split('.'));
}

const text = (value: unknown): string => (typeof value === 'string' ? value.toLowerCase() : JSON.stringify(value)?.toLowerCase() ?? '');
const same = (a: unknown, b: unknown): boolean => a !== undefined && text(a) === text(b);

function compare(actual: unknown, condition: Json, scope: Scope): boolean {
  if ('equals' in condition) return same(actual, parameterValue(condition.equals, scope));
  if ('notEquals' in condition) return !same(actual, parameterValue(condition.notEquals, scope));
  if ('exists' in condition) return (actual !== undefined && actual !== null) === (text(parameterValue(condition.exists, scope)) === 'true');
  if ('in' in condition) {
    const list = parameterValue(condition.in, scope);
    if (!Array.isArray(list)) throw new Error('in needs an array');
    return list.some((entry) => same(actual, entry));
  }
  if ('greater' in condition) return typeof actual === 'number' && actual > Number(parameterValue(condition.greater, scope));
  throw new Error(`unsupported condition ${JSON.stringify(condition)}`);
}

function evaluate(condition: unknown, scope: Scope): boolean {
  if (!isObject(condition)) throw new Error('a condition is an object');
  if (Array.isArray(condition.allOf)) return condition.allOf.every((entry) => evaluate(entry, scope));
  if (Array.isArray(condition.anyOf)) return condition.anyOf.some((entry) => evaluate(entry, scope));
  if ('not' in condition) return !evaluate(condition.not, scope);
  if (isObject(condition.count)) {
    const alias = String(condition.count.field);
    const array = alias.slice(PREFIX.length).replace(/\[\*\]$/, '');
    const items = walk(scope.properties, array.split('.'));
    const list = Array.isArray(items) ? items : [];
    const where = condition.count.where;
    const count = list.filter((value) => (where === undefined ? true : evaluate(where, { ...scope, item: { array, value } }))).length;
    return compare(count, condition, scope);
  }
  if (typeof condition.field === 'string') return compare(fieldValue(condition.field, scope), condition, scope);
  if ('value' in condition) return compare(parameterValue(condition.value, scope), condition, scope);
  throw new Error(`unsupported condition ${JSON.stringify(condition)}`);
}

/** Whether a contact's properties meet the condition with these policy parameter values. */
export function evaluateExistenceCondition(condition: unknown, properties: Json, parameters: Readonly<Record<string, unknown>>): boolean {
  return evaluate(condition, { properties, parameters });
}
