/**
 * Management groups in the emulator: GET of one group (with `$expand=children`, and `$recurse=true` for the
 * whole tree below it) and the paged descendants list ward's `--management-group` reads.
 */
import { armFailure, checkApiVersion, methodNotAllowed, page } from './arm-route-helpers.js';
import type { ArmRequest, ArmResponse } from './arm-types.js';
import { findSubscription, type EmulatorState, type ManagementGroup } from './emulator-state.js';

export const MANAGEMENT_GROUP_API_VERSIONS = [
  '2017-08-31-preview',
  '2017-11-01-preview',
  '2018-01-01-preview',
  '2018-03-01-preview',
  '2019-11-01',
  '2020-02-01',
  '2020-05-01',
  '2020-10-01',
  '2021-04-01',
  '2023-04-01',
] as const;

const GROUP_PATH = /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)\/?$/i;
const DESCENDANTS_PATH = /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)\/descendants\/?$/i;
const GROUP_TYPE = 'Microsoft.Management/managementGroups';

const groupResourceId = (id: string): string => `/providers/Microsoft.Management/managementGroups/${id}`;

function findGroup(state: EmulatorState, id: string): ManagementGroup | undefined {
  return state.managementGroups.get(id) ?? [...state.managementGroups.values()].find((group) => group.id.toLowerCase() === id.toLowerCase());
}

function childGroups(state: EmulatorState, parentId: string): ManagementGroup[] {
  return [...state.managementGroups.values()].filter((group) => group.parent === parentId);
}

function descendants(state: EmulatorState, groupId: string): unknown[] {
  const out: unknown[] = [];
  const visit = (parent: ManagementGroup): void => {
    const parentRef = { id: groupResourceId(parent.id) };
    for (const subscriptionId of parent.subscriptionIds) {
      const subscription = findSubscription(state, subscriptionId);
      out.push({
        id: `${groupResourceId(parent.id)}/subscriptions/${subscriptionId}`,
        type: 'Microsoft.Management/managementGroups/subscriptions',
        name: subscriptionId,
        properties: { displayName: subscription?.displayName ?? subscriptionId, parent: parentRef },
      });
    }
    for (const child of childGroups(state, parent.id)) {
      out.push({ id: groupResourceId(child.id), type: GROUP_TYPE, name: child.id, properties: { displayName: child.displayName, parent: parentRef } });
      visit(child);
    }
  };
  const root = findGroup(state, groupId);
  if (root) visit(root);
  return out;
}

/** The children of a group as `$expand=children` answers them: groups, then subscriptions. */
function childrenOf(state: EmulatorState, group: ManagementGroup, recurse: boolean): unknown[] {
  const groups = childGroups(state, group.id).map((child) => ({
    id: groupResourceId(child.id),
    type: GROUP_TYPE,
    name: child.id,
    displayName: child.displayName,
    ...(recurse ? { children: childrenOf(state, child, true) } : {}),
  }));
  const subscriptions = group.subscriptionIds.map((subscriptionId) => ({
    id: `/subscriptions/${subscriptionId}`,
    type: '/subscriptions',
    name: subscriptionId,
    displayName: String(findSubscription(state, subscriptionId)?.displayName ?? subscriptionId),
  }));
  return [...groups, ...subscriptions];
}

function groupResource(state: EmulatorState, group: ManagementGroup, request: ArmRequest): unknown {
  const parent = group.parent === undefined ? undefined : findGroup(state, group.parent);
  const expandChildren = (request.query.get('$expand') ?? '').toLowerCase().split(',').includes('children');
  return {
    id: groupResourceId(group.id),
    type: GROUP_TYPE,
    name: group.id,
    properties: {
      tenantId: state.tenantId,
      displayName: group.displayName,
      details: {
        version: 1,
        updatedTime: '2026-01-01T00:00:00Z',
        updatedBy: state.tenantId,
        parent: parent ? { id: groupResourceId(parent.id), name: parent.id, displayName: parent.displayName } : null,
      },
      ...(expandChildren ? { children: childrenOf(state, group, request.query.get('$recurse') === 'true') } : {}),
    },
  };
}

/** Answers a management-group request, or undefined when the path is not one (the router goes on). */
export function handleManagementGroupRequest(state: EmulatorState, request: ArmRequest): ArmResponse | undefined {
  const descendantsPath = DESCENDANTS_PATH.exec(request.path);
  const groupPath = descendantsPath ? undefined : GROUP_PATH.exec(request.path);
  if (!descendantsPath && !groupPath) return undefined;
  const route = descendantsPath ? 'descendants' : 'management-group';
  const groupId = decodeURIComponent((descendantsPath ?? groupPath)?.[1] ?? '');
  const version = checkApiVersion(request, MANAGEMENT_GROUP_API_VERSIONS, route, 'managementGroups');
  if (typeof version !== 'string') return version;
  if (request.method !== 'GET') return methodNotAllowed(request, route);
  const group = findGroup(state, groupId);
  if (!group) return armFailure(404, 'NotFound', `'${groupResourceId(groupId)}' not found`, route);
  if (descendantsPath) return { status: 200, body: page(request, descendants(state, group.id)), route };
  return { status: 200, body: groupResource(state, group, request), route };
}
