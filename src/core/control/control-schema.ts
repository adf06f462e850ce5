/** JSON Schema of control.yaml. Unknown keys are refused so that a typo is an error, not a silently ignored field. */
const text = { type: 'string', minLength: 1 } as const;
const reference = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'url'],
  properties: { title: text, url: { type: 'string', pattern: '^https://' } },
} as const;

export const CONTROL_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id', 'title', 'provider', 'service', 'severity', 'assetTypes', 'overview', 'rationale', 'defaultValue',
    'references', 'remediation', 'additionalInformation', 'remediationPaths', 'rollout', 'frameworks', 'checks',
  ],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)+$' },
    title: text,
    provider: text,
    service: text,
    severity: { enum: ['informational', 'low', 'medium', 'high', 'critical'] },
    assetTypes: { type: 'array', minItems: 1, items: text },
    overview: text,
    rationale: text,
    defaultValue: text,
    references: { type: 'array', items: reference },
    remediation: {
      type: 'object',
      additionalProperties: false,
      required: ['console', 'cli'],
      properties: { console: { type: 'array', minItems: 1, items: text }, cli: text },
    },
    additionalInformation: text,
    remediationPaths: {
      type: 'object',
      additionalProperties: false,
      required: ['serviceWide', 'assetLevel', 'preventive'],
      properties: { serviceWide: text, assetLevel: text, preventive: text, references: { type: 'array', items: reference } },
    },
    rollout: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['title', 'steps'],
        properties: { title: text, steps: { type: 'array', minItems: 1, items: text } },
      },
    },
    frameworks: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['framework', 'version', 'requirement'],
        properties: { framework: text, version: text, requirement: text, level: text },
      },
    },
    parameters: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9]*$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'default', 'description'],
        properties: {
          type: { enum: ['String', 'Int', 'Float', 'Boolean'] },
          default: { type: ['string', 'number', 'boolean'] },
          allowed: { type: 'array', minItems: 1, items: { type: ['string', 'number', 'boolean'] } },
          description: text,
        },
      },
    },
    checks: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['file', 'name', 'expect'],
        properties: {
          file: { type: 'string', pattern: '^[a-z0-9-]+\\.graphql$' },
          name: text,
          expect: text,
          // one plain-language reason per alternative of the check's top-level OR (check-reasons.ts matches them)
          reasons: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['match', 'reason'],
              properties: {
                match: text,
                // one line, and never the marker that introduces the matched filters in a finding's reason
                reason: { type: 'string', minLength: 1, maxLength: 200, pattern: '^(?![\\s\\S]*\\(matched \\[)[^\\n\\r]+$' },
              },
            },
          },
        },
      },
    },
  },
} as const;
