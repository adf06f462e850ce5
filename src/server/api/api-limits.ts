/**
 * The API's limits on a query document, enforced by graphql-armor's envelop plugins before anything runs. Chosen
 * so that every legitimate query passes with room: the seed check (depth 2, about 40 tokens), a findings page with
 * its exceptions and history (depth 5), a whole control page (depth 4, about 150 tokens), a connection with
 * relationships (`connectorsConnection { edges { node { securityContacts { … } } } }`, depth 5), and GraphiQL's
 * introspection (exempt from depth and cost, not from tokens). A query over a limit is refused with an error
 * naming the limit and the value found.
 */
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { Plugin } from 'graphql-yoga';

export const GRAPHQL_API_LIMITS = {
  /** Nested selection sets: the deepest real query above is 5. */
  depth: 10,
  /**
   * graphql-armor's cost (2 per object field, 1 per scalar, growing by 1.5 per level of depth): the dashboard's
   * heaviest document costs about 19,000; three aliased findings pages more than this.
   */
  cost: 50_000,
  /** Aliases in one document: checks use one or two; many aliases of one root field multiply its work. */
  aliases: 15,
  /** Directives in one document (@skip / @include). */
  directives: 20,
  /** Lexical tokens in one document: ten times the dashboard's heaviest document. */
  tokens: 2000,
} as const;

/** The plugins that enforce GRAPHQL_API_LIMITS, in the order they reject (parse, then validation). */
export function limitPlugins(): Plugin[] {
  return [
    maxTokensPlugin({ n: GRAPHQL_API_LIMITS.tokens }),
    maxDepthPlugin({ n: GRAPHQL_API_LIMITS.depth, ignoreIntrospection: true, flattenFragments: true }),
    costLimitPlugin({ maxCost: GRAPHQL_API_LIMITS.cost, ignoreIntrospection: true }),
    maxAliasesPlugin({ n: GRAPHQL_API_LIMITS.aliases }),
    maxDirectivesPlugin({ n: GRAPHQL_API_LIMITS.directives }),
  ] as Plugin[];
}
