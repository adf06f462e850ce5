/**
 * An optional management-group tree beside a capture: `managementGroups.json` in the capture directory, read by
 * the emulator only (ward's capture format does not record groups). Without it the emulator builds its default
 * tree (the tenant root group, with the subscriptions split on their `environment` tag).
 *
 *   { "managementGroups": [
 *       { "id": "contoso-root", "displayName": "Contoso", "subscriptionIds": [] },
 *       { "id": "contoso-prod", "displayName": "Production", "parent": "contoso-root", "subscriptionIds": ["<id>", …] } ] }
 *
 * Every parent must be listed, ids are unique (ignoring case) and the tree has no cycle; anything else is refused
 * with the file and the entry named.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WardError } from '../core/errors.js';
import { isObject } from '../core/is-object.js';
import type { ManagementGroup } from './emulator-state.js';

export const MANAGEMENT_GROUPS_FILE = 'managementGroups.json';

export async function loadManagementGroups(captureDir: string): Promise<ManagementGroup[] | undefined> {
  const file = path.join(captureDir, MANAGEMENT_GROUPS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WardError('CAPTURE_INVALID', `cannot read ${file}: ${(error as Error).message}`, { location: { file }, cause: error });
  }
  const invalid = (message: string, field?: string): WardError =>
    new WardError('CAPTURE_INVALID', `${MANAGEMENT_GROUPS_FILE}: ${message}`, {
      hint: 'list {"managementGroups": [{"id", "displayName", "parent"?, "subscriptionIds": [...]}]}',
      location: { file, ...(field === undefined ? {} : { field }) },
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid(`not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed) || !Array.isArray(parsed.managementGroups)) throw invalid('expected an object with a "managementGroups" array');
  const groups: ManagementGroup[] = parsed.managementGroups.map((entry: unknown, index: number) => {
    const field = `managementGroups[${index}]`;
    if (!isObject(entry) || typeof entry.id !== 'string' || entry.id === '') throw invalid('each group needs a non-empty string "id"', field);
    const subscriptionIds = entry.subscriptionIds ?? [];
    if (!Array.isArray(subscriptionIds) || !subscriptionIds.every((id) => typeof id === 'string')) throw invalid('"subscriptionIds" is a list of strings', `${field}.subscriptionIds`);
    if (entry.parent !== undefined && typeof entry.parent !== 'string') throw invalid('"parent" is a group id', `${field}.parent`);
    return {
      id: entry.id,
      displayName: typeof entry.displayName === 'string' ? entry.displayName : entry.id,
      ...(entry.parent === undefined ? {} : { parent: entry.parent }),
      subscriptionIds,
    };
  });
  const byId = new Map<string, ManagementGroup>();
  for (const group of groups) {
    if (byId.has(group.id.toLowerCase())) throw invalid(`the group id '${group.id}' is listed twice`);
    byId.set(group.id.toLowerCase(), group);
  }
  for (const group of groups) {
    const seen = new Set<string>();
    for (let current: ManagementGroup | undefined = group; current?.parent !== undefined; current = byId.get(current.parent.toLowerCase())) {
      if (!byId.has(current.parent.toLowerCase())) throw invalid(`the parent '${current.parent}' of '${current.id}' is not listed`);
      if (seen.has(current.id.toLowerCase())) throw invalid(`the groups below '${group.id}' form a cycle`);
      seen.add(current.id.toLowerCase());
    }
  }
  return groups;
}
