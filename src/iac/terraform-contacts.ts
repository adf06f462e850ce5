import { parseHcl } from './hcl-parser.js';
import { resolveTree, type LeafResolver, type ResolvedTree, type UnresolvedProperty } from './resolve-tree.js';
import { resolveTerraformValue, type TerraformScope } from './terraform-expressions.js';

/**
 * The two ways Terraform declares a security contact, turned into ARM terms: `azurerm_security_center_contact`
 * (always the 2017 shape) and `azapi_resource` with `type = "Microsoft.Security/securityContacts@<api-version>"`,
 * whose `body` is an HCL object (azapi 2.x) or `jsonencode({…})` (azapi 1.x).
 */
export const AZURERM_CONTACT_TYPE = 'azurerm_security_center_contact';
export const AZURERM_SUBSCRIPTION_TYPE = 'azurerm_subscription';

const AZAPI_CONTACT = /^Microsoft\.Security\/securityContacts@(.+)$/i;
const AZAPI_SUBSCRIPTION = /^Microsoft\.Subscription\/aliases@/i;

/** What an `azapi_resource`'s `type` declares, as far as the contact check cares. */
export type AzapiResourceKind =
  | { readonly kind: 'contact'; readonly apiVersion: { readonly value: string } | { readonly unresolved: string } }
  | { readonly kind: 'subscription' }
  | { readonly kind: 'other' };

export function azapiContactType(type: unknown, scope: TerraformScope): AzapiResourceKind {
  const resolved = resolveTerraformValue(type, scope);
  if (resolved.known) {
    if (typeof resolved.value !== 'string') return { kind: 'other' };
    const contact = AZAPI_CONTACT.exec(resolved.value.trim());
    if (contact) return { kind: 'contact', apiVersion: { value: (contact[1] ?? '').trim() } };
    return AZAPI_SUBSCRIPTION.test(resolved.value.trim()) ? { kind: 'subscription' } : { kind: 'other' };
  }
  // `"Microsoft.Security/securityContacts@${var.api_version}"`: a contact whose shape is not known statically
  if (typeof type === 'string' && /Microsoft\.Security\/securityContacts/i.test(type)) return { kind: 'contact', apiVersion: { unresolved: `\`type\`: ${resolved.reason}` } };
  return { kind: 'other' };
}

const AZURERM_ATTRIBUTES: ReadonlyArray<readonly [attribute: string, property: string, onOff: boolean]> = [
  ['email', 'email', false],
  ['phone', 'phone', false],
  ['alert_notifications', 'alertNotifications', true],
  ['alerts_to_admins', 'alertsToAdmins', true],
];

/** `email`, `phone`, and the booleans `alert_notifications`/`alerts_to_admins` as 2017 `"On"`/`"Off"`, under `properties`. */
export function azurermContactProperties(body: Readonly<Record<string, unknown>>, resolveLeaf: LeafResolver): ResolvedTree {
  const value: Record<string, unknown> = {};
  const unresolved: UnresolvedProperty[] = [];
  const sources = new Map<string, string>();
  for (const [attribute, property, onOff] of AZURERM_ATTRIBUTES) {
    if (!(attribute in body)) continue;
    const tree = resolveTree(body[attribute], resolveLeaf, `properties.${property}`);
    unresolved.push(...tree.unresolved);
    for (const [path, source] of tree.sources) sources.set(path, source);
    if (tree.unresolved.some((entry) => entry.path === `properties.${property}`)) continue;
    value[property] = onOff ? onOffOf(tree.value) : tree.value;
  }
  return { value, unresolved, sources };
}

function onOffOf(value: unknown): unknown {
  if (value === true || value === 'true') return 'On';
  if (value === false || value === 'false') return 'Off';
  return value;
}

/**
 * An azapi `body` resolved to its ARM `properties` (paths `properties.…`). `jsonencode({…})` is read by parsing its
 * argument as HCL; a body that resolves to a string is JSON text. A body that is neither an object nor JSON is an error.
 */
export async function resolveAzapiBody(body: unknown, resolveLeaf: LeafResolver): Promise<{ properties: ResolvedTree } | { error: string }> {
  if (body === undefined || body === null) return { properties: { value: {}, unresolved: [], sources: new Map() } };
  const encoded = typeof body === 'string' ? /^\$\{\s*jsonencode\(([\s\S]*)\)\s*\}$/.exec(body) : null;
  let tree: ResolvedTree;
  if (encoded) {
    const parsed = await parseHcl(`value = ${encoded[1] ?? ''}\n`);
    tree = parsed.ok
      ? resolveTree(parsed.body.value, resolveLeaf, '')
      : { value: undefined, unresolved: [{ path: '', reason: `cannot read the argument of jsonencode(): ${parsed.message}` }], sources: new Map() };
  } else tree = resolveTree(body, resolveLeaf, '');
  let value = tree.value;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch (error) {
      return { error: `\`body\` is a string but not JSON (${(error as Error).message})` };
    }
  }
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) return { error: '`body` must be an object with `properties`' };
  const inProperties = (path: string): string | undefined => (path === '' ? 'properties' : path === 'properties' || /^properties[.[]/.test(path) ? path : undefined);
  const unresolved: UnresolvedProperty[] = [];
  for (const entry of tree.unresolved) {
    const path = inProperties(entry.path);
    if (path !== undefined) unresolved.push({ path, reason: entry.reason });
  }
  const sources = new Map<string, string>();
  for (const [at, source] of tree.sources) {
    const path = inProperties(at);
    if (path !== undefined) sources.set(path, source);
  }
  const properties = value === undefined ? undefined : (value as Record<string, unknown>).properties;
  if (properties !== undefined && properties !== null && (typeof properties !== 'object' || Array.isArray(properties))) return { error: '`body.properties` must be an object' };
  return { properties: { value: properties, unresolved, sources } };
}
