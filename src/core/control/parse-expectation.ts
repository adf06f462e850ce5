import { isDeepStrictEqual } from 'node:util';
import { WardError, type ErrorLocation } from '../errors.js';
import type { Expectation } from '../model.js';

const COUNT_OPERATORS = ['eq', 'lt', 'lte', 'gt', 'gte'] as const;

/**
 * The expectation grammar:
 *   eq <json>                      the check's result list deep-equals the JSON value (usually `eq []`)
 *   count (eq|lt|lte|gt|gte) <n>   the number of results compares to n
 */
export function parseExpectation(text: string, location?: ErrorLocation): Expectation {
  const source = text.trim();
  const fail = (message: string): WardError =>
    new WardError('CONTROL_INVALID', `${message}: ${JSON.stringify(text)}`, {
      ...(location ? { location } : {}),
      hint: 'write `eq <json>` (for example `eq []`) or `count <eq|lt|lte|gt|gte> <n>`',
    });
  const count = /^count\s+(\w+)\s+(\S+)$/.exec(source);
  if (count) {
    const op = count[1] as (typeof COUNT_OPERATORS)[number];
    if (!COUNT_OPERATORS.includes(op)) throw fail(`unknown count operator ${count[1]}`);
    const value = Number(count[2]);
    if (!Number.isInteger(value) || value < 0) throw fail('a count must be a whole number');
    return { kind: 'count', op, value, source };
  }
  const eq = /^eq\s+([\s\S]+)$/.exec(source);
  if (eq) {
    try {
      return { kind: 'eq', value: JSON.parse(eq[1]!), source };
    } catch {
      throw fail('the value after `eq` is not JSON');
    }
  }
  throw fail('unknown expectation');
}

/**
 * A query result as the JSON it stands for: graphql-js builds its result objects without a prototype, and the
 * expected value is parsed JSON, so both are compared as JSON (`-0` reads as `0`, as in the JSON a result prints).
 */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/** Whether a check's result list meets its expectation. */
export function meetsExpectation(expectation: Expectation, result: readonly unknown[]): boolean {
  if (expectation.kind === 'eq') return isDeepStrictEqual(asJson(result), asJson(expectation.value));
  const n = result.length;
  switch (expectation.op) {
    case 'eq':
      return n === expectation.value;
    case 'lt':
      return n < expectation.value;
    case 'lte':
      return n <= expectation.value;
    case 'gt':
      return n > expectation.value;
    case 'gte':
      return n >= expectation.value;
  }
}
