/**
 * Rollback against the ARM emulator: it reads each contact first and restores only what is still exactly what the
 * run left; a contact changed by hand since is refused (or, with force, restored with every lost address listed);
 * one already back at its before-state is left alone. And after a crash: a change left `pending` by a process
 * killed mid-request is settled by reading the contact back, on rollback and on the next apply.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { BUILTIN_CONTROLS_DIR } from '../core/package-paths.js';
import { batchPlan } from '../core/remediation/batch-plan.js';
import type { RemediationPlan } from '../core/remediation/plan-remediation.js';
import { loadControls } from '../scan/load-controls.js';
import { openEphemeralStore } from '../store/open-ephemeral-store.js';
import type { Store } from '../store/sql-client.js';
import { TEST_STORE_KINDS } from '../store/test-support/test-store.js';
import { applyPlan, type VerifySubscriptions } from './apply-plan.js';
import type { ArmMethod, ArmTransport } from './arm-transport.js';
import { addressesOf } from './contact-state.js';
import { planVerifiedRemediation } from './plan-verified-remediation.js';
import { getRun, listChanges, listRuns } from './remediation-repository.js';
import { rollbackRun } from './rollback-run.js';
import type { LivenessProbe } from './run-liveness.js';
import { settleRuns } from './settle-runs.js';
import { addAddressByHand, emulatorFor, getContact, withoutNulls, type EmulatorTenant } from './test-support/emulator-tenant.js';

const control = loadControls(BUILTIN_CONTROLS_DIR).find((c) => c.id === 'azure-defender-security-contact-email')!;
const now = (): Date => new Date('2026-01-10T09:00:00Z');
const passes: VerifySubscriptions = async (subscriptions) => new Map(subscriptions.map((s) => [s.assetId, { status: 'pass' as const, reason: '' }]));
const HAND = 'hand@contoso.com';

/** A dead process on this host: what a run killed with SIGKILL leaves as its owner. */
const DEAD_OWNER = { pid: 2 ** 30, host: hostname() };
const probe: LivenessProbe = { self: { pid: process.pid, host: hostname() }, processExists: (pid) => pid !== DEAD_OWNER.pid, now, exclusiveStore: false };

/** Records every request, in order, as `METHOD path`. */
function spying(transport: ArmTransport): ArmTransport & { readonly sent: string[] } {
  const sent: string[] = [];
  return {
    armEndpoint: transport.armEndpoint,
    sent,
    request: (method, path, body) => {
      sent.push(`${method} ${path}`);
      return transport.request(method, path, body);
    },
  };
}

/**
 * A process that dies during its n-th write: the request reaches Azure (`landed`) or not, and the answer never
 * comes back; `dead` resolves at that moment. What the process would have done next never happens.
 */
function dyingOnWrite(transport: ArmTransport, n: number, landed: boolean): { transport: ArmTransport; dead: Promise<void> } {
  let writes = 0;
  let die: () => void = () => undefined;
  const dead = new Promise<void>((resolve) => (die = resolve));
  return {
    dead,
    transport: {
      armEndpoint: transport.armEndpoint,
      async request(method: ArmMethod, path, body) {
        if (method === 'GET') return transport.request(method, path, body);
        writes += 1;
        if (writes < n) return transport.request(method, path, body);
        if (landed) await transport.request(method, path, body);
        die();
        return new Promise(() => undefined);
      },
    },
  };
}

describe('rollback checks each contact against what the run left', () => {
  let tenant: EmulatorTenant;
  let engine: Store;

  before(async () => {
    engine = await openEphemeralStore();
  });
  after(async () => {
    await engine?.close();
  });

  async function freshTenant(): Promise<{ plan: RemediationPlan; beforeGets: Map<string, unknown> }> {
    await tenant?.emulator.close();
    tenant = await emulatorFor('mixed-tenant');
    const plan = await planVerifiedRemediation({ controls: [control], inventory: await tenant.collect(), addresses: ['soc@contoso.com'], armEndpoint: tenant.emulator.url, store: engine });
    const beforeGets = new Map<string, unknown>();
    for (const action of plan.actions) beforeGets.set(action.path, await getContact(tenant.transport, action.path));
    return { plan, beforeGets };
  }
  after(async () => {
    await tenant?.emulator.close();
  });

  const pathOf = (plan: RemediationPlan, subscription: string, contact = 'default'): string =>
    plan.actions.find((a) => a.assetId.endsWith(subscription) && a.contactName === contact)!.path;

  for (const kind of TEST_STORE_KINDS) {
    it(`refuses contacts changed by hand since, restores the others exactly, leaves one already restored alone; --force then restores all and lists what disappears (${kind.name})`, { skip: kind.skip }, async () => {
      const store = (await kind.open())!;
      try {
        const { plan, beforeGets } = await freshTenant();
        assert.equal(plan.actions.length, 8);
        const run = await applyPlan({ store, transport: tenant.transport, plan, batched: batchPlan(plan, { batchSize: 10 }), verify: passes, now });
        assert.equal(run.status, 'complete', run.message);

        const edited = pathOf(plan, '0102'); // existed before the run
        const created = pathOf(plan, '0104'); // the run created it
        const reverted = pathOf(plan, '0103');
        await addAddressByHand(tenant.transport, edited, HAND);
        await addAddressByHand(tenant.transport, created, HAND);
        await tenant.transport.request('PUT', reverted, { properties: withoutNulls((beforeGets.get(reverted) as { properties: unknown }).properties) });

        const spy = spying(tenant.transport);
        const lines: string[] = [];
        const result = await rollbackRun({ store, transport: spy, runId: run.runId, now, log: (line) => lines.push(line) });
        assert.equal(result.refused, 2);
        assert.equal(result.atBefore, 1);
        assert.equal(result.restored, 5);
        const outcome = (path: string) => result.outcomes.find((o) => plan.actions.find((a) => a.path === path)!.assetId === o.assetId && o.contactName === 'default')!;
        assert.equal(outcome(edited).outcome, 'refused');
        assert.match(outcome(edited).reason!, new RegExp(`changed since run ${run.runId} wrote it \\(now holds hand@contoso\\.com\\); restoring its before-state would remove hand@contoso\\.com: left as it is \\(--force restores it\\)`));
        assert.match(outcome(created).reason!, /would delete it with hand@contoso\.com/);
        assert.equal(outcome(reverted).outcome, 'at-before');
        assert.ok(lines.some((line) => /^ {2}refused: PUT default on \/subscriptions\/[-0-9]+0102: changed since run/.test(line)), lines.join('\n'));

        // nothing was written to the three contacts rollback left alone; the hand-added address is still there
        for (const path of [edited, created, reverted]) assert.ok(!spy.sent.some((request) => request !== `GET ${path}` && request.endsWith(path)), `${path} left alone`);
        assert.ok(addressesOf(await getContact(tenant.transport, edited)).includes(HAND));
        assert.ok(addressesOf(await getContact(tenant.transport, created)).includes(HAND));
        for (const action of plan.actions.filter((a) => a.path !== edited && a.path !== created)) {
          assert.deepEqual(withoutNulls(await getContact(tenant.transport, action.path)), withoutNulls(beforeGets.get(action.path)), `${action.path} is exactly as before`);
        }
        assert.equal((await getRun(store, run.runId))?.status, 'partly-rolled-back');
        assert.deepEqual((await listChanges(store, run.runId)).map((c) => c.status).filter((s) => s === 'rollback-refused').length, 2);

        // again: the restored ones are skipped, the changed ones refused again
        const again = await rollbackRun({ store, transport: tenant.transport, runId: run.runId, now });
        assert.deepEqual([again.restored, again.refused, again.skipped], [0, 2, 6]);

        const forced = await rollbackRun({ store, transport: tenant.transport, runId: run.runId, now, force: true });
        assert.deepEqual([forced.forced, forced.refused], [2, 0]);
        for (const path of [edited, created]) {
          const o = outcome(path);
          const f = forced.outcomes.find((x) => x.assetId === o.assetId && x.contactName === 'default')!;
          assert.equal(f.outcome, 'forced');
          assert.deepEqual(f.foreignAddresses, [HAND], 'the address the run did not write is named');
          assert.deepEqual([...f.removedAddresses].sort(), [HAND, 'soc@contoso.com'], 'every address that disappears is listed');
          assert.match(f.reason!, /--force restored its before-state; removed hand@contoso\.com, which run \d+ did not write/);
        }
        assert.equal(await getContact(tenant.transport, created), 'absent');
        assert.deepEqual(withoutNulls(await getContact(tenant.transport, edited)), withoutNulls(beforeGets.get(edited)));
        assert.equal((await getRun(store, run.runId))?.status, 'rolled-back');
      } finally {
        await store.close();
      }
    });
  }

  for (const kind of TEST_STORE_KINDS) {
    it(`a run killed while a PUT was in flight: rollback finds the pending change applied and undoes it exactly; the run is marked interrupted (${kind.name})`, { skip: kind.skip }, async () => {
      const store = (await kind.open())!;
      try {
        const { plan, beforeGets } = await freshTenant();
        const dying = dyingOnWrite(tenant.transport, 3, true);
        const spy = spying(dying.transport);
        void applyPlan({ store, transport: spy, plan, batched: batchPlan(plan, { batchSize: 10 }), verify: passes, now, owner: DEAD_OWNER, probe, onStarted: (id) => spy.sent.push(`started ${id}`) });
        await dying.dead;
        const firstWrite = spy.sent.findIndex((request) => request.startsWith('PUT'));
        assert.ok(spy.sent.findIndex((event) => event.startsWith('started')) < firstWrite, `the run id is given before the first write: ${spy.sent.join(', ')}`);
        const [run] = await listRuns(store);
        assert.equal(run!.status, 'running');
        assert.deepEqual((await listChanges(store, run!.id)).map((c) => c.status), ['applied', 'applied', 'pending']);

        const result = await rollbackRun({ store, transport: tenant.transport, runId: run!.id, now, probe });
        assert.match(result.interrupted ?? '', new RegExp(`process ${DEAD_OWNER.pid} on .* ended without finishing it`));
        assert.deepEqual([result.restored, result.refused, result.atBefore], [3, 0, 0], 'the pending change Azure applied is undone too');
        for (const action of plan.actions) {
          assert.deepEqual(withoutNulls(await getContact(tenant.transport, action.path)), withoutNulls(beforeGets.get(action.path)), action.path);
        }
        assert.equal((await getRun(store, run!.id))?.status, 'rolled-back');
      } finally {
        await store.close();
      }
    });
  }

  for (const kind of TEST_STORE_KINDS) {
    it(`the next apply settles what a killed run left pending: applied when the contact reads as the request, not-applied when as before (${kind.name})`, { skip: kind.skip }, async () => {
      const store = (await kind.open())!;
      try {
        const { plan } = await freshTenant();
        const first = dyingOnWrite(tenant.transport, 2, true);
        void applyPlan({ store, transport: first.transport, plan, batched: batchPlan(plan, { batchSize: 10 }), verify: passes, now, owner: DEAD_OWNER, probe });
        await first.dead;
        // the same process dies again in a second run, before its first write left
        const written = new Set((await listChanges(store, (await listRuns(store))[0]!.id)).map((c) => c.path));
        const unwritten = plan.actions.filter((a) => !written.has(a.path));
        const rest = { ...plan, actions: unwritten, subscriptions: plan.subscriptions.filter((s) => unwritten.some((a) => a.assetId === s.assetId)) };
        const second = dyingOnWrite(tenant.transport, 1, false);
        const lines: string[] = [];
        void applyPlan({ store, transport: second.transport, plan: rest, batched: batchPlan(rest, { batchSize: 10 }), verify: passes, now, owner: DEAD_OWNER, probe, log: (line) => lines.push(line) });
        await second.dead;
        const [run1, run2] = await listRuns(store);
        // the second apply settled the first run before it started
        assert.equal((await getRun(store, run1!.id))?.status, 'interrupted');
        assert.deepEqual((await listChanges(store, run1!.id)).map((c) => c.status), ['applied', 'applied']);
        assert.ok(lines.some((line) => new RegExp(`remediation run ${run1!.id} was interrupted: process ${DEAD_OWNER.pid} on .* ended without finishing it`).test(line)), lines.join('\n'));
        assert.ok(lines.some((line) => new RegExp(`run ${run1!.id}: PUT .*: applied \\(the contact reads as the request\\)$`).test(line)), lines.join('\n'));
        assert.match((await listChanges(store, run1!.id))[1]!.note ?? '', /Azure applied it/);
        assert.deepEqual((await listChanges(store, run2!.id)).map((c) => c.status), ['pending']);

        const third = { ...plan, actions: [], subscriptions: [] };
        await applyPlan({ store, transport: tenant.transport, plan: third, batched: batchPlan(third, { batchSize: 10 }), verify: passes, now, probe });
        assert.deepEqual((await listChanges(store, run2!.id)).map((c) => c.status), ['not-applied']);
        assert.equal((await getRun(store, run2!.id))?.status, 'interrupted');

        // a run still alive is neither marked nor rolled back
        const alive: LivenessProbe = { ...probe, processExists: () => true };
        const fourth = dyingOnWrite(tenant.transport, 1, false);
        void applyPlan({ store, transport: fourth.transport, plan: rest, batched: batchPlan(rest, { batchSize: 10 }), verify: passes, now, owner: { pid: 4242, host: hostname() }, probe: alive });
        await fourth.dead;
        const running = (await listRuns(store)).at(-1)!;
        await settleRuns({ store, transport: tenant.transport, now, probe: alive });
        assert.equal((await getRun(store, running.id))?.status, 'running');
        assert.deepEqual((await listChanges(store, running.id)).map((c) => c.status), ['pending']);
        await assert.rejects(rollbackRun({ store, transport: tenant.transport, runId: running.id, now, probe: alive }), /run \d+ is still being applied by process 4242 on /);
      } finally {
        await store.close();
      }
    });
  }
});
