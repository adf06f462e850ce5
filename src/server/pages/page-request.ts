/**
 * What a dashboard page is given and gives back. The HTTP app (src/server) authenticates the request, checks the
 * CSRF field of a POST and builds this; a page is then a plain function from it to a Response, so tests call pages
 * directly without a socket.
 */
import type { Principal, ServerContext } from '../server-context.js';

/** What the GraphQL API answers (the Query page shows it as it is). */
export interface GraphqlAnswer {
  readonly data?: unknown;
  readonly errors?: readonly { readonly message: string }[];
}

export interface PageRequest {
  readonly method: 'GET' | 'POST';
  /** The full request URL: its query string carries a page's filters. */
  readonly url: URL;
  /** The route's path parameters, decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** The POST body (application/x-www-form-urlencoded); empty for GET. The app has already checked its `csrf` field. */
  readonly form: URLSearchParams;
  readonly principal: Principal;
  /** Goes into every POST form as the hidden `csrf` field. */
  readonly csrfToken: string;
  readonly context: ServerContext;
  /** The API, as the signed-in principal: the Query page runs what people type through it. */
  readonly graphql: (query: string, variables?: Readonly<Record<string, unknown>>) => Promise<GraphqlAnswer>;
}

export type PageHandler = (request: PageRequest) => Promise<Response>;
