/**
 * A value read from code after resolving what can be resolved statically (variables, parameters,
 * locals). `unknown` carries the reason, and is never judged as a pass.
 */
export type ResolvedValue =
  | { readonly known: true; readonly value: unknown; readonly source?: string }
  | { readonly known: false; readonly reason: string };

export function knownValue(value: unknown, source?: string): ResolvedValue {
  return source === undefined ? { known: true, value } : { known: true, value, source };
}

export function unknownValue(reason: string): ResolvedValue {
  return { known: false, reason };
}

/** Marks where a known value came from, keeping the innermost source when one is already set. */
export function withSource(resolved: ResolvedValue, source: string): ResolvedValue {
  if (!resolved.known || resolved.source !== undefined) return resolved;
  return { known: true, value: resolved.value, source };
}
