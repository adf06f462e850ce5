/** True for a JSON object (a record): not null, not an array. The one guard every reader of ARM, IaC and query input uses. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
