/**
 * Deploys an ARM template at subscription scope the way a DeployIfNotExists remediation does, for the resource
 * type the emulator stores: Microsoft.Security/securityContacts. Deployment parameters (`{value}`, which may be
 * `[parameters('x')]` of the policy) fill the template's parameters (or their defaultValue); each resource's
 * name and properties are evaluated, validated against its api-version's schema and written at that version.
 * All or nothing: a template the emulator cannot evaluate, a missing parameter, another resource type or a body
 * ARM would refuse fails the deployment and writes nothing.
 */
import { isObject } from '../core/is-object.js';
import { isSecurityContactApiVersion, contactFromProperties, type StoredContact } from './contact-shapes.js';
import { validateContactBody } from './contact-schemas.js';
import { PolicyConditionError, resolveParameterExpression } from './policy-condition.js';

type Json = Record<string, unknown>;

export type DeploymentResult = { readonly ok: true; readonly contacts: readonly StoredContact[] } | { readonly ok: false; readonly error: string };

function evaluateValue(value: unknown, parameters: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string') return resolveParameterExpression(value, parameters);
  if (Array.isArray(value)) return value.map((entry) => evaluateValue(entry, parameters));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, evaluateValue(entry, parameters)]));
  return value;
}

/** The contacts a deployment would write, or why it fails. `policyParameters`: the assignment's values and defaults. */
export function planContactDeployment(deployment: unknown, policyParameters: Readonly<Record<string, unknown>>): DeploymentResult {
  try {
    const properties = isObject(deployment) && isObject(deployment.properties) ? deployment.properties : undefined;
    const template = properties?.template;
    if (!isObject(template) || !Array.isArray(template.resources)) return { ok: false, error: 'InvalidTemplate: the deployment has no template with resources' };
    const given = isObject(properties?.parameters) ? properties.parameters : {};
    const declared = isObject(template.parameters) ? template.parameters : {};
    const templateParameters: Record<string, unknown> = {};
    for (const [name, declaration] of Object.entries(declared)) {
      const supplied = given[name];
      if (isObject(supplied) && 'value' in supplied) templateParameters[name] = evaluateValue(supplied.value, policyParameters);
      else if (isObject(declaration) && 'defaultValue' in declaration) templateParameters[name] = declaration.defaultValue;
      else return { ok: false, error: `InvalidTemplate: the template parameter '${name}' has no value` };
    }
    const contacts: StoredContact[] = [];
    for (const resource of template.resources) {
      if (!isObject(resource)) return { ok: false, error: 'InvalidTemplate: a resource is not an object' };
      const type = String(resource.type ?? '');
      if (type.toLowerCase() !== 'microsoft.security/securitycontacts') {
        return { ok: false, error: `InvalidTemplate: the emulator deploys Microsoft.Security/securityContacts only, not '${type}'` };
      }
      const apiVersion = String(resource.apiVersion ?? '');
      if (!isSecurityContactApiVersion(apiVersion)) return { ok: false, error: `NoRegisteredProviderFound: api-version '${apiVersion}' of ${type}` };
      const name = evaluateValue(resource.name, templateParameters);
      if (typeof name !== 'string' || name === '') return { ok: false, error: 'InvalidTemplate: a security contact needs a name' };
      if (apiVersion === '2023-12-01-preview' && name !== 'default') {
        return { ok: false, error: `InvalidSecurityContactName: api-version ${apiVersion} accepts only the name 'default', not '${name}'` };
      }
      const body = { properties: evaluateValue(resource.properties ?? {}, templateParameters) };
      const problem = validateContactBody(apiVersion, body);
      if (problem !== null) return { ok: false, error: `InvalidRequestContent: ${problem}` };
      contacts.push(contactFromProperties(name, body.properties as Json, apiVersion));
    }
    return { ok: true, contacts };
  } catch (error) {
    if (error instanceof PolicyConditionError) return { ok: false, error: `InvalidTemplate: ${error.message}` };
    throw error;
  }
}
