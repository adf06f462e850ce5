/**
 * The request-body schemas of Microsoft.Security/securityContacts PUT (and 2017 PATCH) per api-version, as JSON
 * Schema for ajv: types, enums and required fields from the ARM specs. Unknown properties are accepted, as ARM does.
 */
import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';
import type { SecurityContactApiVersion } from '../core/inventory/capture.js';

const onOff = { type: 'string', enum: ['On', 'Off'] } as const;
const severity = { type: 'string', enum: ['High', 'Medium', 'Low'] } as const;
const notificationsByRole = {
  type: 'object',
  properties: {
    state: onOff,
    roles: { type: 'array', items: { type: 'string', enum: ['AccountAdmin', 'ServiceAdmin', 'Owner', 'Contributor'] } },
  },
} as const;

function envelope(properties: object): object {
  return {
    type: 'object',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      type: { type: 'string' },
      properties,
    },
  };
}

const PROPERTIES_2017 = {
  type: 'object',
  properties: { email: { type: 'string' }, phone: { type: 'string' }, alertNotifications: onOff, alertsToAdmins: onOff },
} as const;

const SCHEMAS: Readonly<Record<SecurityContactApiVersion, object>> = {
  '2017-08-01-preview': {
    ...envelope({ ...PROPERTIES_2017, required: ['email', 'alertNotifications', 'alertsToAdmins'] }),
    required: ['properties'],
  },
  '2020-01-01-preview': envelope({
    type: 'object',
    properties: {
      emails: { type: 'string' },
      phone: { type: 'string' },
      alertNotifications: { type: 'object', properties: { state: onOff, minimalSeverity: severity } },
      notificationsByRole,
    },
  }),
  '2023-12-01-preview': envelope({
    type: 'object',
    properties: {
      emails: { type: 'string' },
      phone: { type: 'string' },
      isEnabled: { type: 'boolean' },
      notificationsByRole,
      notificationsSources: {
        type: 'array',
        items: {
          type: 'object',
          required: ['sourceType'],
          properties: { sourceType: { type: 'string', enum: ['Alert', 'AttackPath'] } },
          allOf: [
            {
              if: { properties: { sourceType: { const: 'Alert' } } },
              then: { properties: { minimalSeverity: severity } },
            },
            {
              if: { properties: { sourceType: { const: 'AttackPath' } } },
              then: { properties: { minimalRiskLevel: { type: 'string', enum: ['Critical', 'High', 'Medium', 'Low'] } } },
            },
          ],
        },
      },
    },
  }),
};

const PATCH_2017 = envelope(PROPERTIES_2017);

// Loaded and built on the first request body to validate: loading ajv and making an instance (which compiles its
// meta-schema) is a good part of the emulator's start, and of `ward demo`'s, which never writes a contact.
let ajv: Ajv | undefined;
const loadAjv = (): typeof import('ajv') => createRequire(import.meta.url)('ajv') as typeof import('ajv');
const validators = new Map<string, ValidateFunction>();

function validatorFor(key: string, schema: object): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    ajv ??= new (loadAjv().Ajv)({ allErrors: true, strict: false });
    validate = ajv.compile(schema);
    validators.set(key, validate);
  }
  return validate;
}

/**
 * Checks a request body against the version's schema. Returns null when valid, else a message in ARM's words
 * naming the offending fields.
 */
export function validateContactBody(version: SecurityContactApiVersion, body: unknown, method: 'PUT' | 'PATCH' = 'PUT'): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'The request content was invalid and could not be deserialized: the body must be a JSON object.';
  }
  const validate =
    method === 'PATCH' ? validatorFor('PATCH 2017', PATCH_2017) : validatorFor(`PUT ${version}`, SCHEMAS[version]);
  if (validate(body)) return null;
  const details = (validate.errors ?? [])
    .filter((error) => error.keyword !== 'if')
    .map((error) => {
      const path = error.instancePath ? error.instancePath.slice(1).replaceAll('/', '.') : '';
      const missing = error.keyword === 'required' ? `.${String((error.params as { missingProperty?: string }).missingProperty)}` : '';
      const allowed =
        error.keyword === 'enum' ? ` (allowed: ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')})` : '';
      return `'${path}${missing}' ${error.message ?? 'is invalid'}${allowed}`.replace(/^'\./, "'");
    });
  return `The request content was invalid and could not be deserialized: ${[...new Set(details)].join('; ')}.`;
}
