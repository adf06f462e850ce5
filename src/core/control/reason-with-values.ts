/** `$name` in a check's reason: a variable of the check (one of the control's parameters). */
export const REASON_VARIABLE = /\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * A reason with the check's variables in force put in place of `$name` (apart from check-reasons.ts, which reads
 * GraphQL: a report that shows reasons loads none).
 */
export function reasonWithValues(reason: string, variables: Readonly<Record<string, unknown>>): string {
  return reason.replace(REASON_VARIABLE, (text, name: string) => (name in variables ? String(variables[name]) : text));
}
