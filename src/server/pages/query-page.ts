/**
 * `/query`: a plain editor for the GraphQL API (a labelled textarea and a variables field; GraphiQL needs inline
 * scripts, which the CSP forbids). GET with `?query=` or POST runs it through `request.graphql`, as the signed-in
 * token (the API decides what that token may do), and shows the answer as escaped, indented JSON.
 */
import { isObject } from '../../core/is-object.js';
import { e, renderPage } from './page-layout.js';
import type { GraphqlAnswer, PageHandler } from './page-request.js';

const EXAMPLE = `{
  connectors(where: { securityContacts_NONE: { emails_NOT: null } }, options: { limit: 20 }) {
    id
    name
    securityContacts { emails }
  }
}`;

export const queryPage: PageHandler = async (request) => {
  const source = request.method === 'POST' ? request.form : request.url.searchParams;
  const query = source.get('query') ?? '';
  const variablesText = source.get('variables') ?? '';
  let result = '';
  if (query.trim()) {
    let variables: Record<string, unknown> | undefined;
    let problem = '';
    if (variablesText.trim()) {
      try {
        const parsed: unknown = JSON.parse(variablesText);
        if (isObject(parsed)) variables = parsed;
        else problem = 'the variables must be a JSON object, such as {"limit": 10}';
      } catch (error) {
        problem = `the variables are not JSON: ${(error as Error).message}`;
      }
    }
    if (problem) {
      result = `<p class="problem" role="alert">${e(problem)}</p>`;
    } else {
      const answer: GraphqlAnswer = await request.graphql(query, variables);
      const errors = (answer.errors ?? []).map((x) => `<li>${e(x.message)}</li>`).join('');
      result = `${errors ? `<div class="problem" role="alert"><strong>Errors</strong><ul>${errors}</ul></div>` : ''}
<h3>Data</h3><pre><code>${e(JSON.stringify(answer.data ?? null, null, 2))}</code></pre>`;
    }
  }
  const body = `<p class="lede">Runs a GraphQL query on the API: the inventory in the same <code>where</code> dialect as the checks (a stored check pasted here returns what <code>ward query</code> returns), and the compliance model (controls, findings, scans, exceptions).</p>
<form class="stack" method="post" action="/query"><input type="hidden" name="csrf" value="${e(request.csrfToken)}">
<div><label for="q-query">Query</label><textarea id="q-query" name="query" rows="14" spellcheck="false">${e(query || EXAMPLE)}</textarea></div>
<div><label for="q-variables">Variables (a JSON object, optional)</label><textarea id="q-variables" name="variables" rows="3" spellcheck="false">${e(variablesText)}</textarea></div>
<div><button type="submit">Run the query</button></div></form>
${result ? `<section aria-labelledby="result"><h2 id="result">Result</h2>${result}</section>` : ''}`;
  return renderPage(request, { title: 'Query', section: 'query', body });
};
