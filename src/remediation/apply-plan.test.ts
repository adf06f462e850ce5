/**
 * Apply, verify, re-plan and roll back against the local ARM emulator (real HTTPS, real token flow), with the
 * tenants of src/core/remediation/fixtures (mixed shapes; one failing all four security-contact controls); injected
 * failures through stub transports and verifiers. Every verdict comes from the engine (evaluateInventory).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import tls from 'node:tls';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClientSecretCredential } from '@azure/identity';
import { collectCapture } from '../connectors/azure/collect-capture.js';
import { normaliseCapture } from '../core/inventory/normalise-capture.js';
import { isWardError } from '../core/errors.js';
import type { Control, Inventory } from '../core/model.js';
import { BUILTIN_CONTROLS_DIR } from '../core/package-paths.js';
import { batchPlan } from '../core/remediation/batch-plan.js';
import type { RemediationPlan } from '../core/remediation/plan-remediation.js';
import { startEmulator, type RunningEmulator } from '../emulator/start-emulator.js';
import { evaluateInventory } from '../scan/evaluate-inventory.js';
import { loadControls } from '../scan/load-controls.js';
import { openEphemeralStore } from '../store/open-ephemeral-store.js';
import { TEST_STORE_KINDS } from '../store/test-support/test-store.js';
import type { Store } from '../store/sql-client.js';
import { applyPlan } from './apply-plan.js';
import { createLiveArmTransport, type ArmTransport } from './arm-transport.js';
import { planVerifiedRemediation } from './plan-verified-remediation.js';
import { getRun, listChanges } from './remediation-repository.js';
import { rollbackRun } from './rollback-run.js';
import { emulatorFor } from './test-support/emulator-tenant.js';
import { verifyByRecollecting } from './verify-by-recollecting.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const controls = loadControls(BUILTIN_CONTROLS_DIR);
const control = controls.find((c) => c.id === 'azure-defender-security-contact-email')!;
const FOUR: Control[] = ['email', 'notify-owners', 'alert-severity', 'attack-path'].map((name) => controls.find((c) => c.id === `azure-defender-security-contact-${name}`)!);
const now = (): Date => new Date('2026-01-10T09:00:00Z');

for (const kind of TEST_STORE_KINDS) {
  describe(`remediation against the ARM emulator (${kind.name})`, { skip: kind.skip }, () => {
    let emulator: RunningEmulator;
    let transport: ArmTransport;
    let store: Store;
    let engine: Store;
    let collect: (ids?: readonly string[]) => Promise<Inventory>;
    let rawCollect: Parameters<typeof verifyByRecollecting>[1];

    before(async () => {
      engine = await openEphemeralStore();
      emulator = await startEmulator({ captureDir: join(here, '../core/remediation/fixtures/mixed-tenant') });
      const env = { WARD_ARM_ENDPOINT: emulator.url, AZURE_AUTHORITY_HOST: emulator.url };
      const credential = new ClientSecretCredential(emulator.credentials.tenantId, emulator.credentials.clientId, emulator.credentials.clientSecret, {
        authorityHost: emulator.url,
        disableInstanceDiscovery: true,
        agent: new Agent({ ca: [...tls.rootCertificates, emulator.caPem] }),
      });
      transport = createLiveArmTransport({ env, credential, ca: emulator.caPem, maxRetries: 1 });
      rawCollect = (ids) => collectCapture({ env, credential, ca: emulator.caPem, retryDelayMs: 5, maxRetryDelayMs: 20, ...(ids ? { subscriptionIds: ids } : {}) });
      collect = async (ids) => normaliseCapture(await rawCollect(ids ?? []), { invalidBodies: 'error' });
      store = (await kind.open())!;
    });
    after(async () => {
      await store?.close();
      await engine?.close();
      await emulator?.close();
    });

    const planOn = async (inventory?: Inventory, addresses = ['soc@contoso.com']): Promise<RemediationPlan> =>
      planVerifiedRemediation({ controls: [control], inventory: inventory ?? (await collect(undefined)), addresses, armEndpoint: emulator.url, store: engine });

    it('a stopped batch: a failed verification stops the run before the next batch', async () => {
      const full = normaliseCapture(await rawCollectAll(), { invalidBodies: 'error' });
      const plan = await planOn(full);
      const batched = batchPlan(plan, { batchSize: 2, priorityTag: { key: 'environment', value: 'prod' } });
      assert.equal(batched.batches.length, 3);
      const firstBatch = batched.batches[0]!.map((s) => s.assetId);
      const result = await applyPlan({
        store,
        transport,
        plan,
        batched,
        now,
        verify: async (subscriptions) =>
          new Map(subscriptions.map((s, index) => [s.assetId, index === 0 ? { status: 'fail' as const, reason: 'injected' } : { status: 'pass' as const, reason: '' }])),
      });
      assert.equal(result.status, 'stopped');
      assert.match(result.message, /stopped after batch 1: 1 subscription\(s\) did not pass.*injected.*4 subscription\(s\) not touched/);
      const changes = await listChanges(store, result.runId);
      assert.deepEqual([...new Set(changes.map((c) => c.assetId))].sort(), [...firstBatch].sort(), 'only the first batch was written');
      assert.equal((await getRun(store, result.runId))?.status, 'stopped');
      // production first: both prod-tagged failing subscriptions (102, 103 Prod, 108) lead
      assert.ok(batched.batches[0]!.every((s) => s.tags.environment?.toLowerCase() === 'prod'));
      const rolled = await rollbackRun({ store, transport, runId: result.runId, now });
      assert.equal(rolled.restored, changes.length);
    });

    it('apply then re-collect passes, a second plan is empty, and rollback restores the exact before-state', async () => {
      const inventory = normaliseCapture(await rawCollectAll(), { invalidBodies: 'error' });
      const plan = await planOn(inventory, ['soc@contoso.com', 'cert@contoso.com']);
      assert.equal(plan.subscriptions.length, 6);
      // the contacts as GET returns them before anything changes, in each request's api-version
      const beforeGets = new Map<string, unknown>();
      for (const action of plan.actions) {
        const answer = await transport.request('GET', action.path);
        beforeGets.set(action.path, answer.status === 404 ? 'absent' : answer.body);
      }
      const batched = batchPlan(plan, { batchSize: 4, priorityTag: { key: 'environment', value: 'prod' } });
      const verify = verifyByRecollecting([control], rawCollect, engine);
      const result = await applyPlan({ store, transport, plan, batched, verify, now });
      assert.equal(result.status, 'complete', result.message);
      assert.equal(result.applied, plan.actions.length);
      assert.equal(result.batches.length, 2);

      const afterInventory = normaliseCapture(await rawCollectAll(), { invalidBodies: 'error' });
      const findings = await evaluateInventory([control], afterInventory, engine);
      for (const subscription of plan.subscriptions) {
        assert.equal(findings.find((f) => f.assetId === subscription.assetId)?.status, 'pass', subscription.name ?? '');
      }
      const defaultOf102 = afterInventory.securityContacts.find((c) => c.connectorId.endsWith('0102') && c.name === 'default')!;
      assert.equal(defaultOf102.email, 'soc@contoso.com;cert@contoso.com');
      assert.equal(defaultOf102.phone, '+1-555-0100');
      assert.equal(defaultOf102.alertMinimalSeverity, 'Medium');

      const second = await planOn(afterInventory, ['soc@contoso.com', 'cert@contoso.com']);
      assert.deepEqual(second.actions, [], 'idempotent: nothing left to change');

      const changes = await listChanges(store, result.runId);
      assert.equal(changes.length, plan.actions.length);
      for (const change of changes) {
        assert.deepEqual(change.beforeExists ? change.beforeBody : 'absent', beforeGets.get(change.path), `stored before-state of ${change.path}`);
      }
      const rolled = await rollbackRun({ store, transport, runId: result.runId, now });
      assert.equal(rolled.restored, plan.actions.length);
      // ARM reads an absent property as null, and the schemas reject an explicit null: compare with nulls dropped
      const withoutNulls = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_key, item) => (item === null ? undefined : item)));
      for (const action of plan.actions) {
        const answer = await transport.request('GET', action.path);
        assert.deepEqual(withoutNulls(answer.status === 404 ? 'absent' : answer.body), withoutNulls(beforeGets.get(action.path)), action.path);
      }
      assert.equal((await getRun(store, result.runId))?.status, 'rolled-back');
      const again = await rollbackRun({ store, transport, runId: result.runId, now });
      assert.equal(again.restored, 0, 'a second rollback has nothing left to do');
    });

    it('refuses to overwrite a contact that gained an address after the plan was made', async () => {
      const plan = await planOn(normaliseCapture(await rawCollectAll(), { invalidBodies: 'error' }));
      const target = plan.subscriptions.find((s) => s.assetId.endsWith('0102'))!;
      const put = await transport.request('PUT', target.actions[0]!.path, { properties: { emails: 'late@contoso.com', isEnabled: true, notificationsSources: [] } });
      assert.ok(put.status < 300);
      const single = { ...plan, subscriptions: [target], actions: target.actions };
      await assert.rejects(
        applyPlan({ store, transport, plan: single, batched: batchPlan(single, { batchSize: 10 }), verify: async () => new Map(), now }),
        (error: unknown) => isWardError(error) && /late@contoso\.com would be lost/.test(error.message),
      );
      await transport.request('DELETE', target.actions[0]!.path);
    });

    it('a 403 on write names the Security Admin role, and the run is recorded as failed', async () => {
      const plan = await planOn(normaliseCapture(await rawCollectAll(), { invalidBodies: 'error' }));
      const forbidden: ArmTransport = {
        armEndpoint: emulator.url,
        request: async (method, path, body) =>
          method === 'GET'
            ? transport.request(method, path, body)
            : { status: 403, body: { error: { code: 'AuthorizationFailed', message: "The client 'x' does not have authorization to perform action 'Microsoft.Security/securityContacts/write'." } } },
      };
      let runId = 0;
      await assert.rejects(
        applyPlan({ store, transport: forbidden, plan, batched: batchPlan(plan, { batchSize: 10 }), verify: async () => new Map(), now }),
        (error: unknown) => {
          assert.ok(isWardError(error));
          assert.match(error.message, /needs the Security Admin role/);
          assert.match(error.hint ?? '', /fb1c8493-542b-48eb-b624-b4c8fea62acd/);
          runId = Number(/rollback (\d+)/.exec(error.hint ?? '')?.[1]);
          return true;
        },
      );
      assert.equal((await getRun(store, runId))?.status, 'failed');
      assert.deepEqual((await listChanges(store, runId)).map((c) => c.status), ['failed']);
    });

    async function rawCollectAll() {
      const ids = ['01', '02', '03', '04', '05', '06', '07', '08', '09'].map((n) => `00000000-0000-4000-8000-0000000001${n}`);
      return rawCollect(ids);
    }
  });
}

for (const kind of TEST_STORE_KINDS) {
  describe(`all four security-contact controls against the ARM emulator (${kind.name})`, { skip: kind.skip }, () => {
    let tenant: Awaited<ReturnType<typeof emulatorFor>>;
    let store: Store;
    let engine: Store;
    const planned = ['201', '202', '203', '204', '205', '208'];
    const asset = (n: string): string => `/subscriptions/00000000-0000-4000-8000-000000000${n}`;
    const statuses = (findings: readonly { assetId: string; controlId: string; status: string }[]) =>
      Object.fromEntries(findings.map((f) => [`${f.assetId.slice(-3)} ${f.controlId.replace('azure-defender-security-contact-', '')}`, f.status]));
    // ARM reads an absent property as null, and the schemas reject an explicit null: compare with nulls dropped
    const withoutNulls = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_key, item) => (item === null ? undefined : item)));
    // what each contact says and notifies (a list answers in the list's api-version, so compare meaning, not shape)
    const contactsOf = (inventory: Inventory) =>
      Object.fromEntries(
        inventory.securityContacts
          .map((c) => [c.id.toLowerCase(), { email: c.email ?? '', phone: c.phone ?? '', enabled: c.enabled, roles: c.notifiedRoles, alerts: c.alertSeverities, attackPaths: c.attackPathRiskLevels }] as const)
          .sort(([a], [b]) => a.localeCompare(b)),
      );

    before(async () => {
      tenant = await emulatorFor('failing-every-control');
      store = (await kind.open())!;
      engine = await openEphemeralStore();
    });
    after(async () => {
      await store?.close();
      await engine?.close();
      await tenant?.emulator.close();
    });

    it('one merged PUT per subscription; apply; a re-scan passes all four; a second plan is empty; rollback restores the exact before-state', async () => {
      const beforeInventory = await tenant.collect();
      const beforeFindings = await evaluateInventory(FOUR, beforeInventory, engine);
      for (const n of planned.filter((n) => n !== '208')) {
        for (const c of FOUR) assert.equal(statuses(beforeFindings)[`${n} ${c.id.replace('azure-defender-security-contact-', '')}`], 'fail', `${n} ${c.id} fails before`);
      }

      const plan = await planVerifiedRemediation({ controls: FOUR, inventory: beforeInventory, addresses: ['soc@contoso.com'], armEndpoint: tenant.emulator.url, store: engine, now: now() });
      assert.deepEqual(plan.subscriptions.map((s) => s.assetId.slice(-3)), planned);
      assert.deepEqual(plan.unresolved, []);
      for (const subscription of plan.subscriptions) {
        const puts = subscription.actions.filter((a) => a.contactName === 'default');
        assert.deepEqual(puts.map((a) => `${a.method} ${a.apiVersion}`), ['PUT 2023-12-01-preview'], `${subscription.name}: ONE request for the default contact`);
      }
      // 202's legacy contact without an address is the only other request
      assert.deepEqual(plan.actions.filter((a) => a.contactName !== 'default').map((a) => `${a.assetId.slice(-3)} ${a.method} ${a.contactName}`), ['202 PUT default1']);

      const beforeGets = new Map<string, unknown>();
      for (const action of plan.actions) {
        const answer = await tenant.transport.request('GET', action.path);
        beforeGets.set(action.path, answer.status === 404 ? 'absent' : answer.body);
      }

      const batched = batchPlan(plan, { batchSize: 4, priorityTag: { key: 'environment', value: 'prod' } });
      const result = await applyPlan({ store, transport: tenant.transport, plan, batched, verify: verifyByRecollecting(FOUR, tenant.rawCollect, engine), now });
      assert.equal(result.status, 'complete', result.message);
      assert.equal(result.applied, plan.actions.length);
      assert.equal((await getRun(store, result.runId))?.controlId, FOUR.map((c) => c.id).join(','), 'the run records every control it fixed');

      // the re-scan: collect + the engine
      const afterInventory = await tenant.collect();
      const after = statuses(await evaluateInventory(FOUR, afterInventory, engine));
      for (const n of planned) {
        for (const c of FOUR) assert.equal(after[`${n} ${c.id.replace('azure-defender-security-contact-', '')}`], 'pass', `${n} ${c.id} passes after`);
      }
      for (const c of FOUR) {
        const name = c.id.replace('azure-defender-security-contact-', '');
        assert.equal(after[`206 ${name}`], 'pass');
        assert.equal(after[`207 ${name}`], 'error', 'unreadable: never written, still an error');
        assert.equal(after[`209 ${name}`], 'skipped');
      }
      const d203 = afterInventory.securityContacts.find((c) => c.connectorId === asset('203') && c.name === 'default')!;
      assert.equal(d203.phone, '+1-555-0203', 'settings kept');
      assert.deepEqual(d203.notifiedRoles, ['Contributor', 'Owner']);
      const d204 = afterInventory.securityContacts.find((c) => c.connectorId === asset('204') && c.name === 'default')!;
      assert.deepEqual(d204.alertSeverities, ['Low', 'Medium', 'High'], 'the lower alert threshold was kept');
      assert.equal(d204.email, 'old@contoso.com;soc@contoso.com');

      const second = await planVerifiedRemediation({ controls: FOUR, inventory: afterInventory, addresses: ['soc@contoso.com'], armEndpoint: tenant.emulator.url, store: engine });
      assert.deepEqual(second.actions, [], 'idempotent: nothing left to change');

      const rolled = await rollbackRun({ store, transport: tenant.transport, runId: result.runId, now });
      assert.equal(rolled.restored, plan.actions.length);
      for (const action of plan.actions) {
        const answer = await tenant.transport.request('GET', action.path);
        assert.deepEqual(withoutNulls(answer.status === 404 ? 'absent' : answer.body), withoutNulls(beforeGets.get(action.path)), action.path);
      }
      const restored = await tenant.collect();
      assert.deepEqual(contactsOf(restored), contactsOf(beforeInventory), 'every contact of the tenant says and notifies what it did');
      assert.deepEqual(statuses(await evaluateInventory(FOUR, restored, engine)), statuses(beforeFindings), 'and the verdicts with them');
    });
  });
}
