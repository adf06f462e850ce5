import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getIntrospectionQuery } from 'graphql';
import type { Capture } from '../../core/inventory/capture.js';
import { createRun, finishRun, insertChange } from '../../remediation/remediation-repository.js';
import { scanDiff } from '../../scan/scan-diff.js';
import { listExceptionEvents } from '../../store/exception-repository.js';
import { pinScan, unpinScan } from '../../store/scan-pin-repository.js';
import type { Store } from '../../store/sql-client.js';
import { FIXTURE_NOW, serverFixture, SAMPLE_TENANT_DIR, type ServerFixture } from '../test-support/server-fixture.js';
import { GRAPHQL_API_LIMITS } from './api-limits.js';
import { STORE_ERROR_MESSAGE } from './api-errors.js';
import { createGraphqlApi, type GraphqlApi } from './create-graphql-api.js';
import { ADMIN, VIEWER, data, post } from './test-support/api-client.js';

const EMAIL_CONTROL = 'azure-defender-security-contact-email';

describe('compliance queries', () => {
  let fixture: ServerFixture;
  let api: GraphqlApi;
  before(async () => {
    fixture = await serverFixture();
    api = createGraphqlApi(fixture.context);
  });
  after(() => fixture.close());

  test('controls and control(id): every section, the checks with their query text and the parameters in force', async () => {
    const { controls, control, missing } = await data(
      api,
      `{ controls { id } missing: control(id: "nope") { id }
         control(id: "azure-defender-security-contact-alert-severity") {
           id title provider service severity assetTypes overview rationale defaultValue additionalInformation
           references { title url } remediation { console cli }
           remediationPaths { serviceWide assetLevel preventive references { url } }
           rollout { title steps } frameworks { framework version requirement level }
           checks { id name query expect rootField assetType variables { name type } reasons { match reason } parameters }
           parameters { name type default allowed description value } } }`,
    );
    assert.deepEqual(controls.map((c: { id: string }) => c.id), fixture.controls.map((c) => c.id));
    assert.equal(missing, null);
    const loaded = fixture.controls.find((c) => c.id === control.id)!;
    for (const section of ['title', 'overview', 'rationale', 'defaultValue', 'additionalInformation'] as const) assert.equal(control[section], loaded[section]);
    assert.deepEqual(control.remediation, JSON.parse(JSON.stringify(loaded.remediation)));
    assert.deepEqual(control.rollout, JSON.parse(JSON.stringify(loaded.rollout)));
    assert.equal(control.remediationPaths.serviceWide, loaded.remediationPaths.serviceWide);
    assert.equal(control.frameworks.length, loaded.frameworks.length);
    assert.deepEqual(control.checks.map((c: { query: string }) => c.query), loaded.checks.map((c) => c.query));
    const withVariable = control.checks.find((c: { variables: unknown[] }) => c.variables.length > 0);
    assert.ok(withVariable, 'the alert-severity control reads $minimalSeverity');
    assert.deepEqual(withVariable.parameters, { minimalSeverity: loaded.parameterValues.minimalSeverity });
    assert.deepEqual(control.parameters.map((p: { name: string; value: unknown }) => [p.name, p.value]), loaded.parameters.map((p) => [p.name, loaded.parameterValues[p.name]]));
    assert.equal(JSON.stringify(control).includes(loaded.directory), false, "the server's folder is not shown");
  });

  test('findings: the current state, filtered by status, control, severity, framework, asset and tag, paged with totalCount', async () => {
    const current = await fixture.context.findings();
    const query = `query ($where: FindingFilter, $first: Int, $after: String) { findings(where: $where, first: $first, after: $after) {
      totalCount scan { id } pageInfo { hasNextPage endCursor }
      edges { cursor node { controlId checkId assetId assetName status severity reason reasonText matched originalStatus
        exception { id owner expires } history { firstSeen lastChanged changes } } } } }`;
    const all = (await data(api, query)).findings;
    assert.equal(all.totalCount, current.findings.length);
    assert.equal(all.scan.id, current.scan.id);
    assert.equal(all.edges.length, current.findings.length);
    const failing = (await data(api, query, { where: { status: ['fail'], controlId: [EMAIL_CONTROL] } })).findings;
    assert.equal(failing.totalCount, current.findings.filter((f) => f.status === 'fail' && f.controlId === EMAIL_CONTROL).length);
    const node = failing.edges[0].node;
    assert.ok(node.matched.length > 0, 'a failure says which filter it matched');
    assert.ok(!node.reasonText.includes('(matched'), node.reasonText);
    assert.ok(node.history.firstSeen);
    const excepted = (await data(api, query, { where: { status: ['excepted'] } })).findings;
    assert.equal(excepted.totalCount, current.findings.filter((f) => f.status === 'excepted').length);
    // paging: two pages of 5 are the first ten, in order
    const first = (await data(api, query, { first: 5 })).findings;
    const second = (await data(api, query, { first: 5, after: first.pageInfo.endCursor })).findings;
    assert.deepEqual([...first.edges, ...second.edges].map((e: { node: unknown }) => e.node), all.edges.slice(0, 10).map((e: { node: unknown }) => e.node));
    assert.equal(first.pageInfo.hasNextPage, true);
    // severity, framework, asset (exact and prefix, case-insensitive) and tag
    const severity = current.findings[0]!.severity;
    assert.equal((await data(api, query, { where: { severity: [severity] } })).findings.totalCount, current.findings.filter((f) => f.severity === severity).length);
    const framework = fixture.controls[0]!.frameworks[0]!.framework;
    const inFramework = new Set(fixture.controls.filter((c) => c.frameworks.some((m) => m.framework === framework)).map((c) => c.id));
    assert.equal((await data(api, query, { where: { framework: [framework.toUpperCase()] } })).findings.totalCount, current.findings.filter((f) => inFramework.has(f.controlId)).length);
    const asset = current.findings[0]!.assetId;
    assert.equal((await data(api, query, { where: { assetId: asset.toUpperCase() } })).findings.totalCount, current.findings.filter((f) => f.assetId === asset).length);
    assert.equal((await data(api, query, { where: { assetId: '/subscriptions/*' } })).findings.totalCount, current.findings.length);
    const tagged = fixture.inventory.connectors.filter((c) => c.tags.environment === 'prod').map((c) => c.id);
    assert.ok(tagged.length > 0);
    assert.equal((await data(api, query, { where: { tag: 'environment=prod' } })).findings.totalCount, current.findings.filter((f) => tagged.includes(f.assetId)).length);
    assert.equal((await data(api, query, { where: { tag: 'no-such-tag' } })).findings.totalCount, 0);
    // an earlier scan, as ward findings --scan 1 shows it
    const earlier = (await data(api, '{ findings(scanId: 1) { totalCount scan { id } } }')).findings;
    assert.deepEqual(earlier, { totalCount: (await fixture.context.findings({ scanId: 1 })).findings.length, scan: { id: 1 } });
  });

  test('scans, scan(id), diff (what ward diff computes), exceptions with their state, the audit log, remediation runs', async () => {
    const answer = await data(
      api,
      `{ scans { id status source narrowed summary { total fail pass } } scan(id: 1) { id status } none: scan(id: 99) { id }
         diff { from { id } to { id } new { controlId assetId before after } resolved { assetId } changed { assetId } unchanged outOfScope }
         older: diff(from: 1, to: 2) { unchanged }
         exceptions { id controlId assetId owner reason expires createdBy state }
         exceptionEvents(exceptionId: "EX-1") { id at actor action exceptionId source exception { id state } }
         remediationRuns { id } scanJobs { id } }`,
    );
    assert.deepEqual(answer.scans.map((s: { id: number; status: string }) => [s.id, s.status]), [[1, 'complete'], [2, 'complete']]);
    assert.equal(answer.scan.id, 1);
    assert.equal(answer.none, null);
    const expected = await scanDiff(fixture.context.store);
    assert.equal(answer.diff.from.id, expected.from.id);
    assert.equal(answer.diff.to.id, expected.to.id);
    assert.deepEqual(answer.diff.new.map((e: { assetId: string }) => e.assetId), expected.diff.new.map((e) => e.assetId));
    assert.equal(answer.diff.unchanged, expected.diff.unchanged);
    assert.ok(answer.diff.new.length > 0);
    assert.equal(answer.older.unchanged, expected.diff.unchanged);
    assert.equal(answer.exceptions.length, 1);
    assert.equal(answer.exceptions[0].state, 'active');
    assert.deepEqual(answer.exceptionEvents.map((e: { action: string; actor: string }) => [e.action, e.actor]), [['add', 'fixture']]);
    assert.deepEqual(answer.remediationRuns, []);
    assert.deepEqual(answer.scanJobs, []);
  });

  test('a scan says whether it is pinned (reason, who, when) and pruned', async () => {
    const at = new Date(FIXTURE_NOW);
    await pinScan(fixture.context.store, { scanId: 2, reason: 'SOC 2 <audit> "FY26"', actor: 'auditor', now: at });
    try {
      const answer = await data(api, '{ scans { id prunedAt pin { reason pinnedBy pinnedAt } } }');
      assert.deepEqual(answer.scans, [
        { id: 1, prunedAt: null, pin: null },
        { id: 2, prunedAt: null, pin: { reason: 'SOC 2 <audit> "FY26"', pinnedBy: 'auditor', pinnedAt: at.toISOString() } },
      ]);
    } finally {
      await unpinScan(fixture.context.store, 2);
    }
  });

  test('an exception past its expiry reads expired', async () => {
    const later = await serverFixture({ now: () => new Date('2027-02-01T00:00:00Z') });
    try {
      const { exceptions } = await data(createGraphqlApi(later.context), '{ exceptions { id state } }');
      assert.deepEqual(exceptions, [{ id: 'EX-1', state: 'expired' }]);
    } finally {
      await later.close();
    }
  });

  test('diff against a scan that does not exist is a NOT_FOUND error with a hint', async () => {
    const answer = await post(api, '{ diff(from: 1, to: 42) { unchanged } }');
    assert.equal(answer.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    assert.match(answer.errors![0]!.message, /no scan 42/);
    assert.ok(answer.errors![0]!.extensions!.hint);
  });

  test('GET with ?query= runs a query; a mutation over GET is refused', async () => {
    const get = await api.handle(new Request(`http://ward.test/graphql?query=${encodeURIComponent('{ connectorsAggregate { count } }')}`, { headers: { accept: 'application/json' } }), VIEWER);
    assert.equal(get.status, 200);
    assert.deepEqual(((await get.json()) as { data: unknown }).data, { connectorsAggregate: { count: fixture.inventory.connectors.length } });
    const mutation = await api.handle(new Request(`http://ward.test/graphql?query=${encodeURIComponent('mutation { removeException(id: "EX-1") { id } }')}`, { headers: { accept: 'application/json' } }), ADMIN);
    assert.equal(mutation.status, 405);
    assert.equal((await data(api, '{ exceptions { id } }')).exceptions.length, 1, 'nothing was removed');
  });

  test('a POST that is not JSON (a cross-site form) is refused with 415 before anything runs', async () => {
    for (const [type, body] of [['application/x-www-form-urlencoded', 'query=mutation%20%7B%20removeException(id%3A%20%22EX-1%22)%20%7B%20id%20%7D%20%7D'], ['text/plain', '{"query":"mutation { removeException(id: \\"EX-1\\") { id } }"}']] as const) {
      const response = await api.handle(new Request('http://ward.test/graphql', { method: 'POST', headers: { 'content-type': type }, body }), ADMIN);
      assert.equal(response.status, 415, type);
    }
    assert.equal((await data(api, '{ exceptions { id } }')).exceptions.length, 1, 'nothing was removed');
  });

  test('execute() gives the same answer as handle(), for the Query page', async () => {
    const query = '{ connectors(options: {limit: 2}) { id name } }';
    assert.deepEqual((await api.execute(query, undefined, VIEWER)).data, await data(api, query, undefined, VIEWER));
    const refused = await api.execute('{ nope }', undefined, VIEWER);
    assert.match(refused.errors?.[0]?.message ?? '', /Cannot query field "nope"/);
  });
});

describe('mutations', () => {
  const EXCEPTION = `mutation ($input: ExceptionInput!) { addException(input: $input) { exception { id controlId assetId owner reason expires createdBy state } warnings } }`;
  const input = (fixture: ServerFixture, change: Record<string, string> = {}) => ({
    controlId: EMAIL_CONTROL,
    assetId: fixture.inventory.connectors[2]!.id,
    owner: 'bob@contoso.com',
    expires: '2027-01-31',
    reason: 'the <script>alert("x")</script> team migrates it in January',
    ...change,
  });

  test('addException and removeException: the actor is the token name, the source serve, the values round-trip as data', async () => {
    const fixture = await serverFixture();
    try {
      const api = createGraphqlApi(fixture.context);
      const failing = (await fixture.context.findings()).findings.find((f) => f.controlId === EMAIL_CONTROL && f.status === 'fail')!;
      const added = (await data(api, EXCEPTION, { input: input(fixture, { assetId: failing.assetId }) })).addException;
      const excepted = (await data(api, '{ findings(where: {status: [excepted]}) { edges { node { assetId originalStatus exception { id owner reason } } } } }')).findings.edges;
      // EX-1 is the fixture's own exception
      assert.deepEqual(excepted.map((e: { node: unknown }) => e.node).filter((node: { exception: { id: string } }) => node.exception.id !== 'EX-1'), [{ assetId: failing.assetId, originalStatus: 'fail', exception: { id: 'EX-2', owner: 'bob@contoso.com', reason: input(fixture).reason } }]);
      assert.equal(added.exception.id, 'EX-2');
      assert.equal(added.exception.createdBy, ADMIN.name);
      assert.equal(added.exception.reason, input(fixture).reason);
      assert.equal(added.exception.state, 'active');
      assert.ok(Array.isArray(added.warnings));
      const removed = (await data(api, 'mutation { removeException(id: "EX-2") { id reason } }')).removeException;
      assert.deepEqual(removed, { id: 'EX-2', reason: input(fixture).reason });
      const events = await listExceptionEvents(fixture.context.store, 'EX-2');
      assert.deepEqual(events.map((e) => [e.action, e.actor, e.source]), [['add', ADMIN.name, 'serve'], ['remove', ADMIN.name, 'serve']]);
      const again = await post(api, 'mutation { removeException(id: "EX-2") { id } }');
      assert.equal(again.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    } finally {
      await fixture.close();
    }
  });

  test('a broken exception is refused with EXCEPTION_INVALID, the input field and a hint; nothing is stored', async () => {
    const fixture = await serverFixture();
    try {
      const api = createGraphqlApi(fixture.context);
      const cases: [Record<string, string>, string][] = [
        [{ controlId: 'no-such-control' }, 'controlId'],
        [{ owner: 'not an address' }, 'owner'],
        [{ expires: '2030-01-01' }, 'expires'],
        [{ expires: '2026-02-30' }, 'expires'],
        [{ reason: 'short' }, 'reason'],
        [{ assetId: '' }, 'assetId'],
      ];
      for (const [change, field] of cases) {
        const answer = await post(api, EXCEPTION, { input: input(fixture, change) });
        assert.equal(answer.errors?.length, 1, JSON.stringify(change));
        assert.equal(answer.errors![0]!.extensions?.code, 'EXCEPTION_INVALID', JSON.stringify(change));
        assert.equal(answer.errors![0]!.extensions?.field, field, JSON.stringify(change));
      }
      assert.equal((await data(api, '{ exceptions { id } }')).exceptions.length, 1);
    } finally {
      await fixture.close();
    }
  });

  test('startScan hands the request to the scan runner with the token name; scanJobs and scanJob show it', async () => {
    const fixture = await serverFixture({ single: true });
    try {
      const api = createGraphqlApi(fixture.context);
      const job = (await data(api, 'mutation ($dir: String) { startScan(offline: $dir) { id state phase source startedBy } }', { dir: SAMPLE_TENANT_DIR })).startScan;
      assert.equal(job.startedBy, ADMIN.name);
      assert.deepEqual(fixture.scans.started, [{ offline: SAMPLE_TENANT_DIR, actor: ADMIN.name }]);
      await data(api, 'mutation { startScan { id } }');
      assert.deepEqual(fixture.scans.started[1], { actor: ADMIN.name }, 'no offline: a live scan');
      const { scanJobs, scanJob, none } = await data(api, `{ scanJobs { id } scanJob(id: "${job.id}") { id state } none: scanJob(id: "job-99") { id } }`, undefined, VIEWER);
      assert.deepEqual(scanJobs.map((j: { id: string }) => j.id), ['job-2', 'job-1']);
      assert.deepEqual(scanJob, { id: job.id, state: 'running' });
      assert.equal(none, null);
    } finally {
      await fixture.close();
    }
  });

  test('remediationRuns lists the runs ward remediate --apply recorded, with their change counts by status', async () => {
    const fixture = await serverFixture({ single: true });
    try {
      const store = fixture.context.store;
      const runId = await createRun(store, { controlId: EMAIL_CONTROL, startedAt: FIXTURE_NOW, armEndpoint: 'https://management.azure.com', addresses: ['soc@contoso.com'], options: {} });
      const assetId = fixture.inventory.connectors[0]!.id;
      await insertChange(store, { runId, seq: 1, batch: 1, assetId, contactName: 'default', method: 'PUT', path: `${assetId}/providers/Microsoft.Security/securityContacts/default`, apiVersion: '2023-12-01-preview', requestBody: {}, beforeExists: false, beforeBody: null });
      await finishRun(store, runId, 'complete', FIXTURE_NOW, null);
      const { remediationRuns } = await data(createGraphqlApi(fixture.context), '{ remediationRuns { id controlId status addresses armEndpoint startedAt finishedAt message changes { status count } } }', undefined, VIEWER);
      assert.deepEqual(remediationRuns, [
        { id: runId, controlId: EMAIL_CONTROL, status: 'complete', addresses: ['soc@contoso.com'], armEndpoint: 'https://management.azure.com', startedAt: FIXTURE_NOW.toISOString(), finishedAt: FIXTURE_NOW.toISOString(), message: null, changes: [{ status: 'pending', count: 1 }] },
      ]);
    } finally {
      await fixture.close();
    }
  });

  test('remediationPlan plans with the engine on the stored inventory and changes nothing', async () => {
    const fixture = await serverFixture({ single: true });
    try {
      const api = createGraphqlApi(fixture.context);
      const before = await data(api, '{ scans { id } exceptions { id } }');
      const { remediationPlan } = await data(api, `mutation { remediationPlan(controlIds: ["${EMAIL_CONTROL}"], emails: ["soc@contoso.com"]) }`);
      assert.ok(Array.isArray(remediationPlan.actions) && remediationPlan.actions.length > 0, JSON.stringify(remediationPlan).slice(0, 300));
      assert.deepEqual(await data(api, '{ scans { id } exceptions { id } }'), before);
      const unknown = await post(api, 'mutation { remediationPlan(controlIds: ["nope"]) }');
      assert.equal(unknown.errors?.[0]?.extensions?.code, 'NOT_FOUND');
      const badEmail = await post(api, `mutation { remediationPlan(controlIds: ["${EMAIL_CONTROL}"], emails: ["not-an-address"]) }`);
      assert.equal(badEmail.errors?.[0]?.extensions?.code, 'REMEDIATION_INVALID');
    } finally {
      await fixture.close();
    }
  });

  test('a viewer cannot mutate (FORBIDDEN), and a read-only server refuses everyone; nothing changes', async () => {
    for (const [readOnly, principal] of [[false, VIEWER], [true, ADMIN]] as const) {
      const fixture = await serverFixture({ readOnly });
      try {
        const api = createGraphqlApi(fixture.context);
        for (const mutation of [
          'mutation { removeException(id: "EX-1") { id } }',
          'mutation { startScan { id } }',
          `mutation { addException(input: {controlId: "${EMAIL_CONTROL}", assetId: "/subscriptions/x", owner: "a@contoso.com", expires: "2026-12-01", reason: "a reason long enough"}) { warnings } }`,
          `mutation { remediationPlan(controlIds: ["${EMAIL_CONTROL}"]) }`,
        ]) {
          const answer = await post(api, mutation, undefined, principal);
          assert.equal(answer.errors?.[0]?.extensions?.code, 'FORBIDDEN', mutation);
          assert.match(answer.errors![0]!.message, readOnly ? /read-only/ : /viewer/);
        }
        assert.equal((await data(api, '{ exceptions { id } }', undefined, principal)).exceptions.length, 1);
        assert.deepEqual(fixture.scans.started, []);
      } finally {
        await fixture.close();
      }
    }
  });
});

describe('limits and errors', () => {
  let fixture: ServerFixture;
  let api: GraphqlApi;
  before(async () => {
    fixture = await serverFixture({ single: true });
    api = createGraphqlApi(fixture.context);
  });
  after(() => fixture.close());

  const refused = async (query: string, pattern: RegExp): Promise<void> => {
    const answer = await post(api, query);
    assert.equal(answer.data ?? undefined, undefined, 'nothing ran');
    assert.match(answer.errors?.[0]?.message ?? '', pattern);
  };

  test('the real queries pass: the deepest shapes of the schema, a whole control page, the introspection query', async () => {
    const deepest = `{ findings { edges { node { exception { id } history { firstSeen } } } }
      connectorsConnection { edges { node { securityContacts(where: {enabled: true}) { id } } } }
      controls { remediationPaths { references { url } } checks { variables { name } reasons { match } } } }`;
    const dashboard = `{ controls { id title overview rationale defaultValue references { title url } remediation { console cli }
        remediationPaths { serviceWide assetLevel preventive references { title url } } rollout { title steps }
        frameworks { framework version requirement level } checks { id name query expect variables { name type } reasons { match reason } } }
      findings(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { controlId checkId assetId assetName status severity
        reason reasonText matched originalStatus exception { id owner expires reason } expiredException { id } history { firstSeen lastSeen lastChanged changes } } } }
      connectorsConnection(first: 50) { totalCount edges { node { id name type provider subscriptionId tenantId state tags readErrorCode readErrorMessage
        securityContacts { id name email emails invalidEmails phone isEnabled alertNotifications alertMinimalSeverity alertsToAdmins notificationsByRole
          notificationsSources apiVersion enabled notifiedRoles alertSeverities attackPathRiskLevels } } } }
      scans { id startedAt finishedAt status source error summary { total pass fail error excepted skipped } narrowed } }`;
    assert.equal((await post(api, dashboard)).errors, undefined);
    assert.equal((await post(api, deepest)).errors, undefined);
    assert.equal((await post(api, getIntrospectionQuery())).errors, undefined);
  });

  test('deep, costly, many-alias, many-directive and huge queries are refused before they run, naming the limit', async () => {
    let deep = 'name';
    for (let level = 0; level <= GRAPHQL_API_LIMITS.depth; level += 1) deep = `ofType { ${deep} }`;
    await refused(`{ __type(name: "Query") { fields { type { ${deep} } } } }`, /depth/i);
    await refused(`{ ${Array.from({ length: GRAPHQL_API_LIMITS.aliases + 1 }, (_, i) => `x${i}: connectorsAggregate { count }`).join(' ')} }`, /aliases/i);
    await refused(`{ scans ${'@include(if: true) '.repeat(GRAPHQL_API_LIMITS.directives + 1)} { id } }`, /directives/i);
    await refused(`{ scans { ${'id '.repeat(GRAPHQL_API_LIMITS.tokens)} } }`, /token/i);
    const findingsPage = `findings(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { controlId checkId assetId assetName status severity
      reason reasonText matched originalStatus exception { id owner expires reason } expiredException { id } history { firstSeen lastSeen lastChanged changes } } } }`;
    assert.equal((await post(api, `{ ${findingsPage} }`)).errors, undefined, 'one findings page is well inside the cost limit');
    await refused(`{ ${Array.from({ length: 5 }, (_, i) => `f${i}: ${findingsPage}`).join(' ')} }`, /cost/i);
  });

  test('a failing store answers with a generic STORE_ERROR: no SQL, no stack, no database message', async () => {
    const secret = 'relation "connectors" does not exist: SELECT "t0"."id" FROM "connectors"';
    const failing = new Proxy(fixture.context.store, {
      get(target, property, receiver) {
        if (property === 'query') return async () => Promise.reject(new Error(secret));
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store;
    const broken = createGraphqlApi({ ...fixture.context, store: failing });
    const answer = await post(broken, '{ connectors { id } }');
    assert.equal(answer.errors?.[0]?.extensions?.code, 'STORE_ERROR');
    assert.equal(answer.errors![0]!.message, STORE_ERROR_MESSAGE);
    const text = JSON.stringify(answer);
    for (const leak of ['SELECT', 'does not exist', 'at ', '.ts:']) assert.ok(!text.includes(leak), `${leak} in ${text}`);
  });

  test('an unexpected error is masked: a generic message, no stack, no message of its own', async () => {
    const broken = createGraphqlApi({
      ...fixture.context,
      scans: { ...fixture.context.scans, list: () => { throw new TypeError('secret internal detail at /srv/ward/x.ts:1'); } },
    });
    const answer = await post(broken, '{ scanJobs { id } }');
    const text = JSON.stringify(answer);
    assert.ok(answer.errors?.length);
    assert.ok(!text.includes('secret') && !text.includes('/srv/'), text);
    assert.equal(answer.errors![0]!.extensions?.code, 'INTERNAL_SERVER_ERROR');
  });

  test('hostile names (markup, quotes, SQL) round-trip as data through where, sort and results', async () => {
    const hostile = `<script>alert('x')</script>"; DROP TABLE connectors; --`;
    const rename = (capture: Capture): Capture => {
      const body = capture.subscriptions.body as { value: Record<string, unknown>[] };
      return { ...capture, subscriptions: { ...capture.subscriptions, body: { ...body, value: body.value.map((s, i) => (i === 0 ? { ...s, displayName: hostile } : s)) } } };
    };
    const tenant = await serverFixture({ single: true, capture: rename });
    try {
      const hostileApi = createGraphqlApi(tenant.context);
      const { connectors } = await data(hostileApi, 'query ($name: String) { connectors(where: {name: $name}, options: {sort: [{name: ASC}]}) { id name } }', { name: hostile });
      assert.deepEqual(connectors.map((c: { name: string }) => c.name), [hostile]);
      const { findings } = await data(hostileApi, `{ findings(where: {assetId: "${connectors[0].id}"}) { edges { node { assetName } } } }`);
      assert.ok(findings.edges.every((e: { node: { assetName: string } }) => e.node.assetName === hostile));
      assert.equal((await data(hostileApi, '{ connectorsAggregate { count } }')).connectorsAggregate.count, tenant.inventory.connectors.length);
    } finally {
      await tenant.close();
    }
  });
});
