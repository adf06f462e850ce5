/**
 * `POST /graphql`: graphql-yoga over one schema built from three parts, the inventory (inventory-api.ts, the
 * engine's resolvers), the compliance model (compliance-api.ts) and the mutations (mutations-api.ts), with the
 * limits of api-limits.ts and the error masking of api-errors.ts. Auth happens before: `handle` gets the principal.
 * The engine fragments a stored check may spread (`...AssetFragment`) are added to every document as it is
 * parsed, so a check pasted here runs as `ward query` runs it.
 */
import { buildSchema, type GraphQLSchema } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { withEngineFragments } from '../../core/query/engine-fragments.js';
import { inventoryExecution } from '../../core/query/execute-query.js';
import type { Principal, ServerContext } from '../server-context.js';
import type { ApiResolvers } from './api-context.js';
import { maskApiError } from './api-errors.js';
import { limitPlugins } from './api-limits.js';
import { COMPLIANCE_QUERY_FIELDS, COMPLIANCE_SDL, complianceResolvers } from './compliance-api.js';
import { inventoryApiSdl, inventoryResolvers } from './inventory-api.js';
import { MUTATION_SDL, mutationResolvers } from './mutations-api.js';

export interface GraphqlApi {
  /** Handles a request to /graphql (POST JSON; GET with ?query= is allowed only for queries). Auth is already done by the caller. */
  handle(request: Request, principal: Principal): Promise<Response>;
  /** Runs a query document for the dashboard's Query page, with the same schema, limits and masking. */
  execute(
    query: string,
    variables: Readonly<Record<string, unknown>> | undefined,
    principal: Principal,
  ): Promise<{ data?: unknown; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }>;
}

/** The API's SDL: what GraphiQL and introspection show. */
export function graphqlApiSdl(): string {
  const inventory = inventoryApiSdl();
  return `${inventory.types}\n${COMPLIANCE_SDL}\n${MUTATION_SDL}\ntype Query {\n${inventory.queryFields}\n${COMPLIANCE_QUERY_FIELDS}\n}\n`;
}

/** The executable API schema: the SDL with the resolvers of its three parts set on its fields. */
export function buildGraphqlApiSchema(): GraphQLSchema {
  const schema = buildSchema(graphqlApiSdl());
  const parts: ApiResolvers[] = [inventoryResolvers(), complianceResolvers(), mutationResolvers()];
  for (const part of parts) {
    for (const [typeName, fields] of Object.entries(part)) {
      const type = schema.getType(typeName);
      if (!type || !('getFields' in type)) throw new Error(`resolvers for ${typeName}, which the API schema lacks`);
      const defined = type.getFields() as Record<string, { resolve?: unknown }>;
      for (const [fieldName, resolve] of Object.entries(fields)) {
        const field = defined[fieldName];
        if (!field) throw new Error(`a resolver for ${typeName}.${fieldName}, which the API schema lacks`);
        field.resolve = resolve;
      }
    }
  }
  return schema;
}

/** Adds the engine fragments a document spreads but does not define, after parsing (and the token limit). */
const engineFragmentsPlugin: Plugin = {
  onParse: () => ({ result, replaceParseResult }) => {
    if (result && typeof result === 'object' && 'kind' in result) replaceParseResult(withEngineFragments(result));
  },
};

const isJson = (contentType: string | null): boolean => {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || type === 'application/graphql-response+json';
};

export function createGraphqlApi(context: ServerContext): GraphqlApi {
  const yoga = createYoga<{ principal: Principal }>({
    schema: buildGraphqlApiSchema(),
    graphqlEndpoint: '/graphql',
    graphiql: false,
    landingPage: false,
    batching: false,
    // the HTTP layer decides who may call; no cross-origin reads of the API
    cors: false,
    logging: false,
    maskedErrors: { maskError: maskApiError, errorMessage: 'unexpected error: the request was not completed', isDev: false },
    // per request: the principal from the caller, and the inventory resolvers' batching loaders
    context: () => ({ server: context, inventory: inventoryExecution(context.store) }),
    plugins: [...limitPlugins(), engineFragmentsPlugin],
  });
  const handle = async (request: Request, principal: Principal): Promise<Response> => {
    // graphql-yoga also takes form-encoded and multipart POSTs, which a page on another site can send without a
    // preflight: the API takes JSON only, so a cross-site form can never carry a mutation
    if (request.method === 'POST' && !isJson(request.headers.get('content-type'))) {
      return Response.json(
        { errors: [{ message: 'POST /graphql takes a JSON body (content-type: application/json)', extensions: { code: 'USAGE' } }] },
        { status: 415 },
      );
    }
    return yoga.fetch(request, { principal });
  };
  return {
    handle,
    async execute(query, variables, principal) {
      const request = new Request('http://ward.internal/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
        body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
      });
      return (await (await handle(request, principal)).json()) as Awaited<ReturnType<GraphqlApi['execute']>>;
    },
  };
}
