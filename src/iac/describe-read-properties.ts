import { contactAddressMessage } from './contact-address-message.js';
import { addressFieldOf, codeName, fieldsOfApiVersion, type IacContactResource } from './contact-resource.js';
import type { ControlReads } from './control-reads.js';
import type { IacStatus } from './iac-finding.js';
import { knownValue } from './resolved-value.js';
import type { UnresolvedProperty } from './resolve-tree.js';

const ADDRESS_PATHS: ReadonlySet<string> = new Set(['properties.email', 'properties.emails']);
const PREVIEW_LENGTH = 100;

/**
 * The part of a finding's message that speaks in terms of the code: what the properties a control reads hold
 * as written (`` `emails` is empty ``, `` `body.properties.notificationsByRole` is {"roles":["Owner"],"state":"On"} ``).
 * A control that reads only the address gets the address sentence, when it agrees with the engine's verdict.
 */
export function describeReadProperties(resource: IacContactResource, reads: ControlReads, status: Exclude<IacStatus, 'unknown'>): string {
  if (reads.paths.length > 0 && reads.paths.every((path) => ADDRESS_PATHS.has(path))) {
    const field = `properties.${addressFieldOf(resource)}`;
    const key = field.slice('properties.'.length);
    const value = key in resource.properties ? knownValue(resource.properties[key], sourceOf(resource, field)) : undefined;
    const sentence = contactAddressMessage(codeName(resource.spelling, field), value);
    if (sentence.status === status) return sentence.message;
  }
  const shape = fieldsOfApiVersion(resource.apiVersion);
  const parts: string[] = [];
  for (const path of reads.paths) {
    if (path === 'name') {
      parts.push(`\`name\` is ${resource.name === undefined ? 'not known' : JSON.stringify(resource.name)}`);
      continue;
    }
    if (!path.startsWith('properties.')) continue;
    const key = path.slice('properties.'.length);
    if (shape && !shape.includes(key)) continue;
    const spelled = `\`${codeName(resource.spelling, path)}\``;
    if (!(key in resource.properties)) parts.push(`${spelled} is not set`);
    else {
      const source = sourceOf(resource, path);
      parts.push(`${spelled} is ${preview(resource.properties[key])}${source === undefined ? '' : ` (from ${source})`}`);
    }
  }
  if (parts.length === 0) return `the properties as written (api-version ${resource.apiVersion ?? 'not known'})`;
  return parts.join(', ');
}

/** `` `body.properties.emails` cannot be resolved statically: var.emails has no default… `` */
export function describeUnresolved(resource: IacContactResource, unresolved: UnresolvedProperty): string {
  return `\`${codeName(resource.spelling, unresolved.path)}\` cannot be resolved statically: ${unresolved.reason}`;
}

/** Where the value at `path` (or the object holding it) came from, when not a literal. */
function sourceOf(resource: IacContactResource, path: string): string | undefined {
  for (let at: string | undefined = path; at !== undefined; at = parentOf(at)) {
    const source = resource.sources.get(at);
    if (source !== undefined) return source;
  }
  return undefined;
}

function parentOf(path: string): string | undefined {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut <= 0 ? undefined : path.slice(0, cut);
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 3)}...` : text;
}
