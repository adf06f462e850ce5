import { legacyContactNameNote, OBSOLETE_CONTACT_API_VERSION, obsoleteApiVersionNote } from './contact-notes.js';
import type { IacFormatName } from './iac-format-name.js';
import type { ResolvedTree, UnresolvedProperty } from './resolve-tree.js';
import type { SourcePosition } from './source-position.js';

/**
 * A `Microsoft.Security/securityContacts` resource as infrastructure code declares it, in ARM terms: what
 * every IaC format yields, and what becomes one synthetic subscription of the inventory the controls judge.
 */
export interface IacContactResource {
  /** Path relative to the working directory, `/`-separated. */
  readonly file: string;
  /** Where the resource is declared (Terraform `resource` line, ARM `type` line, plan `address` line). */
  readonly line: number;
  readonly column: number;
  /** The resource as the source names it: `azurerm_security_center_contact.main`, `Microsoft.Security/securityContacts 'default'`. */
  readonly resource: string;
  readonly format: IacFormatName;
  /** How the code spells ARM properties (for messages): `email`, `properties.emails`, `body.properties.emails`. */
  readonly spelling: ContactSpelling;
  /** The api-version whose shape the body is written in; undefined when the code does not say it statically. */
  readonly apiVersion: string | undefined;
  /** The contact name; undefined when it cannot be resolved (`name` is then in `unresolved`). */
  readonly name: string | undefined;
  /** The ARM `properties` object as far as it resolves statically, reduced to what its api-version reads. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** What could not be resolved, by ARM path (`name`, `apiVersion`, `properties`, `properties.emails`, `properties.notificationsByRole.roles[1]`). */
  readonly unresolved: readonly UnresolvedProperty[];
  /** Where `name`, `properties` and each top-level property (`properties.emails`) are written. */
  readonly positions: ReadonlyMap<string, SourcePosition>;
  /** Where a resolved value came from (`the default of var.email`), by ARM path. */
  readonly sources: ReadonlyMap<string, string>;
  /** Advice that never changes a verdict. */
  readonly notes: readonly string[];
}

/** `azurerm`: Terraform attributes (`email`, `alert_notifications`); `arm`: `properties.x`; `azapi`: `body.properties.x`. */
export type ContactSpelling = 'azurerm' | 'arm' | 'azapi';

export const KNOWN_CONTACT_API_VERSIONS = ['2017-08-01-preview', '2020-01-01-preview', '2023-12-01-preview'] as const;

/** The properties each api-version reads, with the JSON type it takes; anything else in a body is ignored by that version. */
const FIELDS_BY_API_VERSION: Readonly<Record<string, Readonly<Record<string, 'string' | 'object' | 'any'>>>> = {
  '2017-08-01-preview': { email: 'any', phone: 'any', alertNotifications: 'string', alertsToAdmins: 'any' },
  '2020-01-01-preview': { emails: 'any', phone: 'any', alertNotifications: 'object', notificationsByRole: 'any' },
  '2023-12-01-preview': { emails: 'any', phone: 'any', isEnabled: 'any', notificationsByRole: 'any', notificationsSources: 'any' },
};

const AZURERM_ATTRIBUTES: Readonly<Record<string, string>> = {
  email: 'email',
  phone: 'phone',
  alertNotifications: 'alert_notifications',
  alertsToAdmins: 'alerts_to_admins',
};

/** The properties an api-version reads; undefined for a version ward does not know (or one not known statically). */
export function fieldsOfApiVersion(apiVersion: string | undefined): readonly string[] | undefined {
  const fields = apiVersion === undefined ? undefined : FIELDS_BY_API_VERSION[apiVersion.toLowerCase()];
  return fields ? Object.keys(fields) : undefined;
}

/** The address field a resource's api-version reads: `email` (2017) or `emails`; by presence for other versions. */
export function addressFieldOf(resource: Pick<IacContactResource, 'apiVersion' | 'properties'>): 'email' | 'emails' {
  const fields = fieldsOfApiVersion(resource.apiVersion);
  if (fields) return fields.includes('email') ? 'email' : 'emails';
  return !('emails' in resource.properties) && 'email' in resource.properties ? 'email' : 'emails';
}

/** An ARM path (`properties.alertNotifications`, `name`) as the code writes it. */
export function codeName(spelling: ContactSpelling, path: string): string {
  if (!path.startsWith('properties.')) return path === 'properties' && spelling === 'azapi' ? 'body.properties' : path;
  const inner = path.slice('properties.'.length);
  if (spelling === 'arm') return path;
  if (spelling === 'azapi') return `body.${path}`;
  const [head = '', ...rest] = inner.split('.');
  return [AZURERM_ATTRIBUTES[head] ?? head, ...rest].join('.');
}

/** What a format found, before the contact is reduced to its api-version's shape and given its notes. */
export interface ContactDeclaration {
  readonly file: string;
  readonly at: SourcePosition;
  readonly resource: string;
  readonly format: IacFormatName;
  readonly spelling: ContactSpelling;
  /** The declared api-version, or why it is not known statically. */
  readonly apiVersion: { readonly value: string } | { readonly unresolved: string };
  /** The contact name (`why` explains where it came from, e.g. the provider default), or why it is not known. */
  readonly name: { readonly value: string; readonly why?: string } | { readonly unresolved: string };
  /** `properties` resolved as far as it goes. */
  readonly properties: ResolvedTree;
  readonly positions: ReadonlyMap<string, SourcePosition>;
  /** Notes before the ones every format shares (Terraform's provider note), and after them (an ARM condition). */
  readonly notesBefore?: readonly string[];
  readonly notesAfter?: readonly string[];
}

/**
 * Builds the resource: the body reduced to what its api-version reads (a 2017 contact that sets `emails`
 * has no address as far as the service is concerned), with the notes on obsolete versions and names.
 */
export function contactResource(declaration: ContactDeclaration): IacContactResource {
  const apiVersion = 'value' in declaration.apiVersion ? declaration.apiVersion.value : undefined;
  const name = 'value' in declaration.name ? declaration.name.value : undefined;
  const unresolved: UnresolvedProperty[] = [...declaration.properties.unresolved];
  if ('unresolved' in declaration.apiVersion) unresolved.push({ path: 'apiVersion', reason: declaration.apiVersion.unresolved });
  if ('unresolved' in declaration.name) unresolved.push({ path: 'name', reason: declaration.name.unresolved });
  const notes: string[] = [...(declaration.notesBefore ?? [])];
  const written = isRecord(declaration.properties.value) ? declaration.properties.value : {};
  const unresolvedFields = unresolved.flatMap((entry) => /^properties\.([^.[]+)/.exec(entry.path)?.[1] ?? []);
  const shaped = shapeForApiVersion(apiVersion, written, unresolvedFields, declaration.spelling);
  if (apiVersion !== undefined && fieldsOfApiVersion(apiVersion) === undefined) {
    notes.push(`api-version ${apiVersion || '(none)'} is not one of ${KNOWN_CONTACT_API_VERSIONS.join(', ')}; judged on the properties as written`);
  }
  if (apiVersion?.toLowerCase() === OBSOLETE_CONTACT_API_VERSION && declaration.spelling !== 'azurerm') notes.push(obsoleteApiVersionNote(apiVersion));
  notes.push(...shaped.notes);
  if ('value' in declaration.name && declaration.name.value.toLowerCase() !== 'default') notes.push(legacyContactNameNote(declaration.name.value, declaration.name.why));
  notes.push(...(declaration.notesAfter ?? []));
  const dropped = new Set(shaped.dropped.map((field) => `properties.${field}`));
  const keep = (path: string): boolean => ![...dropped].some((field) => path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`));
  return {
    file: declaration.file,
    line: declaration.at.line,
    column: declaration.at.column,
    resource: declaration.resource,
    format: declaration.format,
    spelling: declaration.spelling,
    apiVersion,
    name,
    properties: shaped.properties,
    unresolved: unresolved.filter((entry) => keep(entry.path)),
    positions: new Map([...declaration.positions].filter(([path]) => keep(path))),
    sources: new Map([...declaration.properties.sources].filter(([path]) => keep(path))),
    notes,
  };
}

/**
 * Drops the properties an api-version does not read (or gets in the wrong JSON type), saying so; an unresolved
 * one it does not read cannot matter either. Unknown versions keep everything.
 */
function shapeForApiVersion(
  apiVersion: string | undefined,
  properties: Readonly<Record<string, unknown>>,
  unresolvedFields: readonly string[],
  spelling: ContactSpelling,
): { properties: Record<string, unknown>; dropped: string[]; notes: string[] } {
  const fields = apiVersion === undefined ? undefined : FIELDS_BY_API_VERSION[apiVersion.toLowerCase()];
  if (!fields) return { properties: { ...properties }, dropped: [], notes: [] };
  const kept: Record<string, unknown> = {};
  const dropped: string[] = [];
  const notes: string[] = [];
  const address = 'email' in fields ? 'email' : 'emails';
  const ignore = (field: string): void => {
    if (dropped.includes(field)) return;
    dropped.push(field);
    const spelled = `\`${codeName(spelling, `properties.${field}`)}\``;
    const other = field === 'email' || field === 'emails';
    notes.push(other ? `${spelled} is not read by api-version ${apiVersion}; it reads \`${address}\`` : `${spelled} is not part of api-version ${apiVersion}: it is ignored`);
  };
  for (const field of unresolvedFields) if (fields[field] === undefined) ignore(field);
  for (const [field, value] of Object.entries(properties)) {
    const type = fields[field];
    const spelled = `\`${codeName(spelling, `properties.${field}`)}\``;
    if (type === undefined) ignore(field);
    else if ((type === 'string' && value !== null && typeof value !== 'string') || (type === 'object' && value !== null && !isRecord(value))) {
      dropped.push(field);
      notes.push(`${spelled} must be ${type === 'string' ? 'a string ("On" or "Off")' : 'an object'} in api-version ${apiVersion}: it is ignored`);
    } else kept[field] = value;
  }
  return { properties: kept, dropped, notes };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
