import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Inventory } from '../../core/model.js';
import { createSeededRandom } from '../../emulator/seeded-random.js';
import { parseEnvFile } from '../../emulator/env-file.js';
import { startEmulator, type RunningEmulator } from '../../emulator/start-emulator.js';
import { addAddressByHand, emulatorFor } from '../../remediation/test-support/emulator-tenant.js';
import { createRun, insertChange, listChanges } from '../../remediation/remediation-repository.js';
import { openStore } from '../../store/open-store.js';
import type { CliContext, CliIo } from '../cli-context.js';
import { main } from '../main.js';
import { confirmOnTerminal } from './remediate-actions.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = join(root, 'src/core/remediation/fixtures/mixed-tenant');
const CONTROL = ['--control', 'azure-defender-security-contact-email'];

function io(stdin = '', env: Record<string, string> = {}, tty = false): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const input = Readable.from([stdin]) as Readable & { isTTY?: boolean };
  if (tty) input.isTTY = true;
  return {
    stdout: { write: (text: string) => (out += text), isTTY: false },
    stderr: { write: (text: string) => (err += text), isTTY: false },
    stdin: input,
    env: { NO_COLOR: '1', ...env },
    cwd: root,
    now: () => new Date('2026-01-10T09:00:00Z'),
    out: () => out,
    err: () => err,
  };
}

describe('ward remediate (in process)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ward-remediate-'));
  const db = ['--db', join(scratch, 'db')];
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('plans offline from a capture: exit 1 with pending changes, JSON contract', async () => {
    const run = io();
    const code = await main(['remediate', ...CONTROL, '--email', 'soc@contoso.com', '--offline', FIXTURE, '--format', 'json', ...db], run);
    assert.equal(code, 1, run.err());
    const plan = JSON.parse(run.out());
    assert.equal(plan.actions.length, 8);
    for (const key of ['assetId', 'method', 'url', 'body', 'apiVersion', 'before', 'reason']) assert.ok(key in plan.actions[0], key);
    assert.deepEqual(plan.skipped.map((s: { status: string }) => s.status).sort(), ['error', 'pass', 'skipped']);
    const narrowed = io();
    await main(['remediate', ...CONTROL, '--email', 'soc@contoso.com', '--offline', FIXTURE, '--subscription', '00000000-0000-4000-8000-000000000104', '--format', 'json', ...db], narrowed);
    assert.equal(JSON.parse(narrowed.out()).actions.length, 1);
  });

  it('an invalid address stops with one line and exit 2', async () => {
    const run = io();
    const code = await main(['remediate', ...CONTROL, '--email', 'soc@contoso.com,oops', '--offline', FIXTURE, ...db], run);
    assert.equal(code, 2);
    assert.match(run.err(), /^ward: --email: not a valid email address: "oops"\n  hint: /);
    assert.equal(run.out(), '');
  });

  it('--apply off a terminal without --yes refuses before touching anything; --apply with --offline too', async () => {
    const run = io();
    assert.equal(await main(['remediate', ...CONTROL, '--email', 'soc@contoso.com', '--apply', ...db], run), 2);
    assert.match(run.err(), /--apply off a terminal needs --yes/);
    const offline = io();
    assert.equal(await main(['remediate', ...CONTROL, '--email', 'soc@contoso.com', '--apply', '--yes', '--offline', FIXTURE, ...db], offline), 2);
    assert.match(offline.err(), /--apply needs live Azure/);
  });

  it('--emit prints ready-to-run material for the flagged subscriptions', async () => {
    const run = io();
    assert.equal(await main(['remediate', ...CONTROL, '--email', 'soc@contoso.com', '--offline', FIXTURE, '--emit', 'az', ...db], run), 0);
    // one command for each flagged subscription's default contact: the 2020 CLI where it can write the fix, az rest where it cannot
    const commands = (run.out().match(/^az security contact create|^az rest --method put --url '[^']*securityContacts\/default\?api-version=2023-12-01-preview'/gm) ?? []).length;
    assert.equal(commands, 6);
  });

  const FAILING = join(root, 'src/core/remediation/fixtures/failing-every-control');

  it('--all-controls: one merged PUT of default per subscription, every control verified, ids recorded joined by commas', async () => {
    const run = io();
    const code = await main(['remediate', '--all-controls', '--email', 'soc@contoso.com', '--offline', FAILING, '--format', 'json', ...db], run);
    assert.equal(code, 1, run.err());
    const plan = JSON.parse(run.out());
    assert.equal(plan.controlIds.length, 4);
    assert.equal(plan.controlId, plan.controlIds.join(','));
    const defaults = plan.actions.filter((a: { contactName: string }) => a.contactName === 'default');
    assert.equal(defaults.length, plan.subscriptions.length);
    assert.equal(new Set(defaults.map((a: { assetId: string }) => a.assetId)).size, plan.subscriptions.length);
    assert.deepEqual(plan.unresolved, []);
    for (const subscription of plan.subscriptions) assert.equal(subscription.verifiedStatus, 'pass');
    // repeatable --control gives the same plan
    const repeated = io();
    const ids = plan.controlIds.flatMap((id: string) => ['--control', id]);
    await main(['remediate', ...ids, '--email', 'soc@contoso.com', '--offline', FAILING, '--format', 'json', ...db], repeated);
    assert.deepEqual(JSON.parse(repeated.out()).actions, plan.actions);
  });

  it('--param sets the thresholds the plan fixes to', async () => {
    const run = io();
    const param = ['--param', 'azure-defender-security-contact-alert-severity.minimalSeverity=Low'];
    await main(['remediate', '--control', 'azure-defender-security-contact-alert-severity', ...param, '--offline', FAILING, '--subscription', '00000000-0000-4000-8000-000000000201', '--format', 'json', ...db], run);
    assert.deepEqual(JSON.parse(run.out()).actions[0].body.properties.notificationsSources, [{ sourceType: 'Alert', minimalSeverity: 'Low' }]);
  });

  it('clear errors: no --email where the email control needs one, --email without it, a control without a planner, both selectors', async () => {
    const missing = io();
    assert.equal(await main(['remediate', '--all-controls', '--offline', FAILING, ...db], missing), 2);
    assert.match(missing.err(), /^ward: --email is needed: 4 subscription\(s\) cannot be fixed without an address to add: /);
    const owners = io();
    assert.equal(await main(['remediate', '--control', 'azure-defender-security-contact-notify-owners', '--offline', FAILING, '--format', 'json', ...db], owners), 1, owners.err());
    assert.ok(JSON.parse(owners.out()).actions.length > 0, 'notify-owners needs no address');
    const stray = io();
    assert.equal(await main(['remediate', '--control', 'azure-defender-security-contact-notify-owners', '--email', 'soc@contoso.com', '--offline', FAILING, ...db], stray), 2);
    assert.match(stray.err(), /--email adds addresses for azure-defender-security-contact-email, which is not selected/);
    const unknown = io();
    assert.equal(await main(['remediate', '--control', 'no-such-control', '--offline', FAILING, ...db], unknown), 2);
    assert.match(unknown.err(), /no control no-such-control/);
    const both = io();
    assert.equal(await main(['remediate', '--all-controls', ...CONTROL, '--offline', FAILING, ...db], both), 2);
    assert.match(both.err(), /--control and --all-controls exclude each other/);
  });

  it('`remediate runs` lists every run; one whose process died shows interrupted, with its pending changes (table and JSON)', async () => {
    const empty = io();
    assert.equal(await main(['remediate', 'runs', '--no-reconcile', '--db', join(scratch, 'runs-db')], empty), 0, empty.err());
    assert.equal(empty.out(), 'no remediation runs yet (ward remediate --apply)\n');
    const store = await openStore({ location: db[1]! });
    let runId: number;
    try {
      runId = await createRun(store, { controlId: CONTROL[1]!, startedAt: new Date('2026-01-10T08:00:00Z'), armEndpoint: 'https://arm', addresses: [], options: { controls: [CONTROL[1]] }, owner: { pid: 2 ** 30, host: 'build-7' } });
      await insertChange(store, { runId, seq: 1, batch: 1, assetId: '/subscriptions/s', contactName: 'default', method: 'PUT', path: '/p', apiVersion: 'v', requestBody: {}, beforeExists: false, beforeBody: null });
    } finally {
      await store.close();
    }
    const json = io();
    assert.equal(await main(['remediate', 'runs', '--no-reconcile', '--format', 'json', ...db], json), 0, json.err());
    const listed = JSON.parse(json.out()).find((r: { id: number }) => r.id === runId);
    assert.equal(listed.status, 'interrupted', 'the embedded store is locked to one process: a run left running by another is dead');
    assert.deepEqual([listed.owner, listed.controls, listed.changes.pending, listed.changes.total], [{ pid: 2 ** 30, host: 'build-7' }, [CONTROL[1]], 1, 1]);
    assert.match(json.err(), new RegExp(`^ward: remediation run ${runId} was interrupted: process ${2 ** 30} on build-7 ended without finishing it`, 'm'));
    const table = io();
    await main(['remediate', 'runs', '--no-reconcile', ...db], table);
    assert.match(table.out(), /^RUN +STARTED +STATE +CHANGES +CONTROLS$/m);
    assert.match(table.out(), new RegExp(`^${runId} +2026-01-10T08:00:00.000Z +interrupted +1: 1 pending +${CONTROL[1]}$`, 'm'));
    assert.match(table.out(), new RegExp(`^run ${runId}: interrupted: .*; 1 change\\(s\\) still pending`, 'm'));
  });

  it('the terminal prompt accepts only an explicit yes', async () => {
    const context = (answer: string): CliContext => ({ io: io(answer, {}, true), exitCode: 0 });
    assert.equal(await confirmOnTerminal(context('yes\n'), 'Apply? '), true);
    assert.equal(await confirmOnTerminal(context('y\n'), 'Apply? '), true);
    assert.equal(await confirmOnTerminal(context('no\n'), 'Apply? '), false);
    assert.equal(await confirmOnTerminal(context(''), 'Apply? '), false);
  });
});

describe('ward remediate against the emulator (child processes, as a user runs it)', () => {
  let emulator: RunningEmulator;
  let env: Record<string, string>;
  const scratch = mkdtempSync(join(tmpdir(), 'ward-remediate-live-'));
  const db = ['--db', join(scratch, 'db')];
  const exec = promisify(execFile);

  async function ward(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', join(root, 'src/remediation/test-support/run-ward.ts'), ...args], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  before(async () => {
    emulator = await startEmulator({ captureDir: FIXTURE, caFile: join(scratch, 'ca.pem') });
    env = parseEnvFile(emulator.envFileLines.join('\n'));
  });
  after(async () => {
    await emulator?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('plan, refuse over --max-changes, apply in batches, re-plan empty, apply again changes nothing, roll back', async () => {
    const email = ['--email', 'soc@contoso.com'];
    const plan = await ward('remediate', ...CONTROL, ...email, '--format', 'json', ...db);
    assert.equal(plan.code, 1, plan.stderr);
    assert.equal(JSON.parse(plan.stdout).actions.length, 8);
    assert.ok(JSON.parse(plan.stdout).actions[0].url.startsWith(emulator.url));

    const capped = await ward('remediate', ...CONTROL, ...email, '--apply', '--yes', '--max-changes', '3', ...db);
    assert.equal(capped.code, 2);
    assert.match(capped.stderr, /the plan makes 8 changes on 6 subscription\(s\), more than --max-changes 3/);

    const applied = await ward('remediate', ...CONTROL, ...email, '--apply', '--yes', '--batch-size', '2', ...db);
    assert.equal(applied.code, 0, applied.stderr);
    const runId = /Run (\d+): complete/.exec(applied.stdout)?.[1];
    assert.ok(runId, applied.stdout);
    assert.match(applied.stderr, /batch 3\/3/);
    assert.match(applied.stdout, /^Remediation plan for /, 'the plan is shown before it is carried out');
    assert.doesNotMatch(applied.stdout, /dry run/, '--apply is no dry run');

    const replan = await ward('remediate', ...CONTROL, ...email, '--format', 'json', ...db);
    assert.equal(replan.code, 0, replan.stderr);
    assert.deepEqual(JSON.parse(replan.stdout).actions, []);
    const noop = await ward('remediate', ...CONTROL, ...email, '--apply', '--yes', ...db);
    assert.equal(noop.code, 0);
    assert.match(noop.stderr, /nothing to change/);

    const rollback = await ward('remediate', 'rollback', runId!, '--yes', ...db);
    assert.equal(rollback.code, 0, rollback.stderr);
    assert.match(rollback.stdout, /8 change\(s\) restored/);
    const restored = await ward('remediate', ...CONTROL, ...email, '--format', 'json', ...db);
    assert.equal(JSON.parse(restored.stdout).actions.length, 8);
  });
});

describe('ward remediate --apply killed with SIGKILL at random points, then runs and rollback (child processes)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ward-remediate-kill-'));
  const template = join(scratch, 'template-db');
  const seed = Number(process.env.WARD_KILL_SEED ?? Date.now() % 1_000_000);
  const random = createSeededRandom(seed);
  /** Requests for one contact (GET before, then PUT or DELETE): 2 per planned change; the mixed tenant plans 8. */
  const ITEM_REQUESTS = 16;

  before(async () => {
    // one migrated store, copied for each scenario (a new embedded store costs seconds)
    await (await openStore({ location: template })).close();
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  type KillPoint = { readonly label: string; readonly after: (key: string, counts: Map<string, number>) => boolean };
  const items = (counts: Map<string, number>): number => ['GET get-contact', 'PUT put-contact', 'DELETE delete-contact'].reduce((sum, key) => sum + (counts.get(key) ?? 0), 0);
  const pending = 2 * (1 + random.int(ITEM_REQUESTS / 2)); // a PUT reached Azure, its answer never reached ward
  const between = 3 + 2 * random.int(ITEM_REQUESTS / 2 - 1); // a GET before a write answered, the write never sent
  const points: KillPoint[] = [
    { label: `contact request ${pending} (a PUT in flight)`, after: (key, counts) => key.endsWith('-contact') && items(counts) === pending },
    { label: `contact request ${between} (a GET before its write)`, after: (key, counts) => key.endsWith('-contact') && items(counts) === between },
    { label: 'the first re-collection of a batch', after: (key, counts) => key === 'GET list-contacts' && (counts.get('PUT put-contact') ?? 0) > 0 },
  ];

  async function scenario(point: KillPoint, index: number, force: boolean): Promise<void> {
    const why = `seed ${seed} (WARD_KILL_SEED), kill after ${point.label}`;
    const dir = join(scratch, `case-${index}`);
    const db = ['--db', join(dir, 'db')];
    cpSync(template, join(dir, 'db'), { recursive: true });
    const tenant = await emulatorFor('mixed-tenant', { caFile: join(dir, 'ca.pem') });
    try {
      const env = { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...tenant.emulator.environment };
      const script = join(root, 'src/remediation/test-support/run-ward.ts');
      const run = (...args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, env }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
      );
      const contactsBefore = await tenant.collect();

      const child = spawn(process.execPath, ['--import', 'tsx', script, 'remediate', ...CONTROL, '--email', 'soc@contoso.com', '--apply', '--yes', '--batch-size', '2', ...db], { cwd: root, env });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.resume();
      // the emulator counts a request once it has answered it in its state, before the answer is sent: killing the
      // child there means Azure did the request and ward never heard back
      const counts = tenant.emulator.state.stats.byRoute;
      const set = counts.set.bind(counts);
      counts.set = (key, value) => {
        set(key, value);
        if (child.exitCode === null && !child.killed && point.after(key, counts)) child.kill('SIGKILL');
        return counts;
      };
      const [, signal] = (await once(child, 'exit')) as [number | null, string | null];
      counts.set = set;
      assert.equal(signal, 'SIGKILL', `${why}: the run ended by itself first\n${stderr}`);
      const runId = /^ward: remediation run (\d+) started \(ward remediate rollback \1 undoes it\)$/m.exec(stderr)?.[1];
      assert.ok(runId, `${why}: the run id is printed before the first write\n${stderr}`);

      // someone adds an address by hand to a contact the run wrote: one it recorded a change for, that reads differently
      // now (a 2023 default contact written beside legacy ones can change how those read without being written itself)
      const contactsKilled = await tenant.collect();
      const killedStore = await openStore({ location: join(dir, 'db') });
      const recorded = new Set(
        (await listChanges(killedStore, Number(runId))).map((change) => `${change.assetId}/providers/Microsoft.Security/securityContacts/${change.contactName}`.toLowerCase()),
      );
      await killedStore.close();
      const written = contactsKilled.securityContacts
        .filter((c) => recorded.has(c.id.toLowerCase()))
        .filter((c) => JSON.stringify(c) !== JSON.stringify(contactsBefore.securityContacts.find((b) => b.id === c.id)))
        .map((c) => c.id)
        .sort();
      assert.ok(written.length > 0, `${why}: a write reached the emulator`);
      const edited = random.pick(written);
      const hand = `hand-${index}@contoso.com`;
      await addAddressByHand(tenant.transport, `${edited}?api-version=${edited.endsWith('/default') ? '2023-12-01-preview' : '2017-08-01-preview'}`, hand);

      // in process (no Azure sign-in needed with --no-reconcile; rollback reads the contacts back itself)
      const runs = io();
      assert.equal(await main(['remediate', 'runs', '--no-reconcile', ...db], runs), 0, runs.err());
      assert.match(runs.out(), new RegExp(`^${runId}\\s+\\S+\\s+interrupted\\s`, 'm'), `${why}\n${runs.out()}`);
      assert.match(runs.out(), new RegExp(`^run ${runId}: interrupted: process ${child.pid} on \\S+ ended without finishing it`, 'm'), runs.out());

      const rollback = await run('remediate', 'rollback', runId!, '--yes', ...db);
      assert.equal(rollback.code, 1, `${why}: the hand-edited contact is refused\n${rollback.stdout}${rollback.stderr}`);
      assert.match(rollback.stdout, new RegExp(`^Run ${runId} partly rolled back: .*1 refused \\(changed since the run\\)`, 'm'), rollback.stdout);
      assert.match(rollback.stdout, new RegExp(`changed since run ${runId} wrote it \\(now holds ${hand}\\)`), rollback.stdout);

      // nothing that existed before the run, or was added by hand after it, is lost; every other contact is as before
      const contactsAfter = await tenant.collect();
      const addressesOfContact = (inventory: Inventory, id: string) => inventory.securityContacts.find((c) => c.id.toLowerCase() === id)?.emails.map((a) => a.toLowerCase()) ?? [];
      for (const contact of contactsBefore.securityContacts) {
        for (const address of contact.emails) assert.ok(addressesOfContact(contactsAfter, contact.id.toLowerCase()).includes(address.toLowerCase()), `${why}: ${address} of ${contact.id} kept`);
      }
      assert.ok(addressesOfContact(contactsAfter, edited.toLowerCase()).includes(hand), `${why}: the address added by hand is kept`);
      const meaning = (inventory: Inventory) =>
        Object.fromEntries(
          inventory.securityContacts
            .filter((c) => c.id !== edited)
            .map((c) => [c.id.toLowerCase(), { email: c.email ?? '', phone: c.phone ?? '', enabled: c.enabled, roles: c.notifiedRoles, alerts: c.alertSeverities, attackPaths: c.attackPathRiskLevels }]),
        );
      assert.deepEqual(meaning(contactsAfter), meaning(contactsBefore), `${why}: every other contact is exactly as before the run`);

      if (force) {
        const forced = await run('remediate', 'rollback', runId!, '--yes', '--force', ...db);
        assert.equal(forced.code, 0, forced.stdout + forced.stderr);
        assert.match(forced.stdout, new RegExp(`^Run ${runId} rolled back: 0 change\\(s\\) restored, 1 forced over later changes`, 'm'), forced.stdout);
        assert.match(forced.stdout, new RegExp(`${hand} \\(not written by run ${runId}\\)`), forced.stdout);
        assert.deepEqual(addressesOfContact(await tenant.collect(), edited.toLowerCase()), addressesOfContact(contactsBefore, edited.toLowerCase()), '--force restores the before-state');
      }
    } finally {
      await tenant.emulator.close();
    }
  }

  it('no address that existed before the run or was added by hand after it is lost; the run shows interrupted; rollback is exact', { timeout: 300_000 }, async () => {
    await Promise.all(points.map((point, index) => scenario(point, index, index === points.length - 1)));
  });
});
