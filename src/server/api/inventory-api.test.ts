import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { executeQuery } from '../../core/query/execute-query.js';
import { TEST_STORE_KINDS } from '../../store/test-support/test-store.js';
import { serverFixture } from '../test-support/server-fixture.js';
import { createGraphqlApi } from './create-graphql-api.js';
import { offsetToCursor } from './inventory-api.js';
import { data, post } from './test-support/api-client.js';

const SEED_CONTROL = 'azure-defender-security-contact-email';

for (const kind of TEST_STORE_KINDS) {
  describe(`inventory API on ${kind.name}`, { skip: kind.skip }, () => {
    test("every check of every control, posted to the API, returns exactly what executeQuery returns on the same store (the seed check first)", async () => {
      const fixture = await serverFixture({ open: async () => (await kind.open())! });
      try {
        const api = createGraphqlApi(fixture.context);
        const checks = fixture.controls.flatMap((control) => control.checks.map((check) => ({ control, check })));
        checks.sort((a, b) => Number(b.control.id === SEED_CONTROL && b.check.id.endsWith('/check')) - Number(a.control.id === SEED_CONTROL && a.check.id.endsWith('/check')));
        assert.equal(checks[0]!.check.id, `${SEED_CONTROL}/check`);
        for (const { control, check } of checks) {
          const variables = Object.fromEntries(check.variables.map((v) => [v.name, control.parameterValues[v.name]]));
          const expected = await executeQuery(fixture.context.store, check.query, { variables });
          const answer = await post(api, check.query, variables);
          assert.equal(answer.errors, undefined, check.id);
          assert.deepEqual(answer.data, JSON.parse(JSON.stringify(expected.data)), check.id);
        }
        // the seed check finds failing subscriptions in the sample tenant: the comparison is not of two empty lists
        const seed = await data(api, checks[0]!.check.query);
        assert.ok((seed.connectors as unknown[]).length > 0);
      } finally {
        await fixture.close();
      }
    });

    test('connections page through every row once, in sort order, with totalCount, pageInfo and the library cursors', async () => {
      const fixture = await serverFixture({ open: async () => (await kind.open())!, single: true });
      try {
        const api = createGraphqlApi(fixture.context);
        const all = (await data(api, '{ connectors { id name } }')).connectors as { id: string; name: string | null }[];
        const sorted = (await data(api, '{ connectors(options: {sort: [{name: DESC}]}) { id name } }')).connectors as { id: string; name: string | null }[];
        const seen: string[] = [];
        let after: string | null = null;
        let pages = 0;
        for (;;) {
          const page: Record<string, any> = (
            await data(
              api,
              'query ($after: String) { connectorsConnection(first: 5, after: $after, sort: [{name: DESC}]) { totalCount edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }',
              { after },
            )
          ).connectorsConnection;
          assert.equal(page.totalCount, all.length);
          assert.equal(page.pageInfo.hasPreviousPage, pages > 0);
          page.edges.forEach((edge: { cursor: string }, index: number) => assert.equal(edge.cursor, offsetToCursor(pages * 5 + index)));
          assert.equal(page.pageInfo.startCursor, page.edges[0].cursor);
          seen.push(...page.edges.map((edge: { node: { id: string } }) => edge.node.id));
          pages += 1;
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor;
        }
        assert.equal(pages, Math.ceil(all.length / 5));
        assert.equal(Buffer.from(offsetToCursor(3), 'base64').toString(), 'arrayconnection:3');
        // the database's collation orders names: the pages are the sorted listing, cut, never repeating or skipping
        assert.deepEqual(seen, sorted.map((c) => c.id));
        assert.deepEqual([...seen].sort(), [...all.map((c) => c.id)].sort());
        const names = sorted.map((c) => c.name);
        assert.notDeepEqual(names, all.map((c) => c.name), 'sorting changed the order');
      } finally {
        await fixture.close();
      }
    });

    test('options {limit, offset, sort} is the same window of the sorted listing; aggregate counts the filter', async () => {
      const fixture = await serverFixture({ open: async () => (await kind.open())!, single: true });
      try {
        const api = createGraphqlApi(fixture.context);
        const sorted = (await data(api, '{ connectors(options: {sort: [{state: ASC}, {name: DESC}]}) { id } }')).connectors as { id: string }[];
        const window = (await data(api, '{ connectors(options: {sort: [{state: ASC}, {name: DESC}], limit: 3, offset: 2}) { id } }')).connectors;
        assert.deepEqual(window, sorted.slice(2, 5));
        assert.deepEqual((await data(api, '{ connectors(options: {limit: 0}) { id } }')).connectors, []);
        const where = '{securityContacts_SOME: {email_CONTAINS: "@"}}';
        const matching = (await data(api, `{ connectors(where: ${where}) { id } }`)).connectors as unknown[];
        const counted = await data(api, `{ connectorsAggregate(where: ${where}) { count } securityContactsAggregate { count } securityContactsConnection(first: 2) { totalCount edges { node { id connectorId } } } connectorsConnection(where: ${where}) { totalCount } }`);
        assert.equal(counted.connectorsAggregate.count, matching.length);
        assert.equal(counted.connectorsConnection.totalCount, matching.length);
        assert.equal(counted.securityContactsAggregate.count, fixture.inventory.securityContacts.length);
        assert.equal(counted.securityContactsConnection.totalCount, fixture.inventory.securityContacts.length);
        assert.equal(counted.securityContactsConnection.edges.length, 2);
        assert.ok(matching.length > 0 && matching.length < fixture.inventory.connectors.length);
      } finally {
        await fixture.close();
      }
    });

    test('relationship fields keep their where inside a connection node, batch-loaded', async () => {
      const fixture = await serverFixture({ open: async () => (await kind.open())!, single: true });
      try {
        const api = createGraphqlApi(fixture.context);
        const listed = await data(api, '{ connectors { id securityContacts(where: {enabled: true}) { name enabled } } }');
        const connected = await data(api, '{ connectorsConnection { edges { node { id securityContacts(where: {enabled: true}) { name enabled } } } } }');
        assert.deepEqual(connected.connectorsConnection.edges.map((edge: { node: unknown }) => edge.node), listed.connectors);
        assert.ok(listed.connectors.some((c: { securityContacts: unknown[] }) => c.securityContacts.length > 0));
        assert.ok(listed.connectors.every((c: { securityContacts: { enabled: boolean }[] }) => c.securityContacts.every((s) => s.enabled)));
      } finally {
        await fixture.close();
      }
    });
  });
}

describe('inventory API arguments', () => {
  test('a negative limit or first, or a cursor this API did not hand out, is a QUERY_INVALID error', async () => {
    const fixture = await serverFixture({ single: true });
    try {
      const api = createGraphqlApi(fixture.context);
      for (const query of ['{ connectors(options: {limit: -1}) { id } }', '{ connectorsConnection(first: -2) { totalCount } }', '{ connectorsConnection(after: "bm9wZQ==") { totalCount } }']) {
        const answer = await post(api, query);
        assert.equal(answer.errors?.[0]?.extensions?.code, 'QUERY_INVALID', query);
      }
    } finally {
      await fixture.close();
    }
  });

  test('sort takes only scalar non-list fields; the check schema has no options (a check cannot limit itself into a pass)', async () => {
    const fixture = await serverFixture({ single: true });
    try {
      const api = createGraphqlApi(fixture.context);
      const answer = await post(api, '{ connectors(options: {sort: [{securityContacts: ASC}]}) { id } }');
      assert.match(answer.errors?.[0]?.message ?? '', /securityContacts/);
      await assert.rejects(executeQuery(fixture.context.store, '{ connectors(options: {limit: 0}) { id } }'), /Unknown argument "options"/);
    } finally {
      await fixture.close();
    }
  });
});
