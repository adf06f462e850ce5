/**
 * JSON Schema of an exceptions file (`ward exceptions export` writes one, `import` reads it), applied as
 * control.yaml's schema is: unknown keys are refused so that a typo is an error, not an ignored field. The schema
 * checks the shape only; the rules of an exception (a known control, an email owner, an expiry ahead...) are
 * `exceptionProblem`'s, checked on the entries an import adds or changes, with their own messages.
 */
const scalar = { type: ['string', 'number', 'boolean'] } as const;

/** An exception id as a file may name it: `EX-12`, or a team's own scheme (`SANDBOX-1`). */
export const EXCEPTION_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

/** The fields of one entry, in the order `ward exceptions export` writes them. */
export const EXCEPTIONS_FILE_FIELDS = ['id', 'control', 'asset', 'owner', 'expires', 'reason'] as const;

export const EXCEPTIONS_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: {
    version: { const: 1 },
    exceptions: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          id: { type: 'string', pattern: EXCEPTION_ID_PATTERN },
          control: scalar,
          asset: scalar,
          owner: scalar,
          expires: scalar,
          reason: scalar,
        },
      },
    },
  },
} as const;
