import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGraphqlApi } from './api/create-graphql-api.js';
import { ADMIN, data } from './api/test-support/api-client.js';
import { filterFindings, readFilters } from './pages/findings-page.js';
import { serverFixture } from './test-support/server-fixture.js';

test('the findings page and the API select the same findings for the same tag and framework words', async () => {
  const fixture = await serverFixture();
  try {
    const api = createGraphqlApi(fixture.context);
    const current = await fixture.context.findings();
    const framework = fixture.controls[0]!.frameworks[0]!;
    const cases: Record<string, string>[] = [
      { tag: 'environment=prod' },
      { tag: 'ENVIRONMENT=prod' },
      { tag: 'environment' },
      { tag: 'environment=PROD' },
      { framework: framework.framework },
      { framework: `${framework.framework} ${framework.version}`.toUpperCase() },
    ];
    for (const words of cases) {
      const url = new URL(`http://ward.test/findings?${new URLSearchParams(words)}`);
      const page = await filterFindings(fixture.context.store, fixture.controls, current.findings, readFilters(url));
      const where = words.tag !== undefined ? { tag: words.tag } : { framework: [words.framework!] };
      const answer = await data(api, 'query ($where: FindingFilter) { findings(where: $where) { edges { node { controlId assetId } } } }', { where }, ADMIN);
      const key = (f: { controlId: string; assetId: string }) => `${f.controlId} ${f.assetId}`;
      const fromApi = answer.findings.edges.map((e: { node: { controlId: string; assetId: string } }) => key(e.node)).sort();
      assert.deepEqual(fromApi, page.map(key).sort(), JSON.stringify(words));
      if (words.tag !== 'environment=PROD') assert.ok(fromApi.length > 0, `${JSON.stringify(words)} selects something`);
    }
  } finally {
    await fixture.close();
  }
});
