/** What every resolver of the API gets: who asks, the server, and the per-request state of the inventory resolvers. */
import type { GraphQLFieldResolver } from 'graphql';
import type { InventoryExecution } from '../../core/query/execute-query.js';
import type { Principal, ServerContext } from '../server-context.js';

export interface ApiContext {
  readonly principal: Principal;
  readonly server: ServerContext;
  readonly inventory: InventoryExecution;
}

/** Type name → field name → resolver, attached to the schema built from the API's SDL. */
export type ApiResolvers = Record<string, Record<string, GraphQLFieldResolver<unknown, ApiContext>>>;
