/** Posts GraphQL documents to a GraphqlApi through `handle`, as the HTTP layer will (no socket). */
import type { Principal } from '../../server-context.js';
import type { GraphqlApi } from '../create-graphql-api.js';

export const ADMIN: Principal = { name: 'alice-admin', role: 'admin' };
export const VIEWER: Principal = { name: 'victor-viewer', role: 'viewer' };

export interface GraphqlAnswer {
  readonly status: number;
  readonly data?: Record<string, any> | null;
  readonly errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

export async function post(api: GraphqlApi, query: string, variables?: Record<string, unknown>, principal: Principal = ADMIN): Promise<GraphqlAnswer> {
  const response = await api.handle(
    new Request('http://ward.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
    }),
    principal,
  );
  return { status: response.status, ...((await response.json()) as object) };
}

/** The data of an answer that must have no errors. */
export async function data(api: GraphqlApi, query: string, variables?: Record<string, unknown>, principal: Principal = ADMIN): Promise<Record<string, any>> {
  const answer = await post(api, query, variables, principal);
  if (answer.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(answer.errors)}`);
  return answer.data!;
}
