/**
 * Real ARM clients nobody here wrote, against the emulator: Debian's azure-cli 2.45 and the Azure SDK for Python
 * (python3-azure), then the scripts `ward remediate --emit rest` and `--emit curl` print, run unmodified, and a
 * re-scan. Each run has its own emulator and AZURE_CONFIG_DIR, and a proxy that keeps every client on loopback.
 * Skipped (with the reason) where the clients are not installed; under CI=true their absence is a failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from './start-emulator.js';
import {
  azJson,
  azSignIn,
  clientEnvironment,
  expectSuccess,
  missingRealClients,
  PYTHON_SDK_CLIENT,
  run,
  runWard,
  SAMPLE_TENANT,
  skipUnlessPresent,
  SYSTEM_PYTHON,
  withScratchDir,
} from './test-support/real-clients.js';

const missing = await missingRealClients();
const CONTROL = 'azure-defender-security-contact-email';
/** contoso-prod-web: an empty contacts list in the sample. */
const EMPTY_SUBSCRIPTION = '0a1b2c3d-1111-4a5b-8c9d-000000000003';
/** contoso-dev-sandbox: an empty bare array (2020) in the sample. */
const SANDBOX_SUBSCRIPTION = '0a1b2c3d-1111-4a5b-8c9d-000000000007';
const SLOW = { timeout: 900_000 };

async function withSampleEmulator(prefix: string, body: (emulator: RunningEmulator, env: NodeJS.ProcessEnv, dir: string) => Promise<void>): Promise<void> {
  await withScratchDir(prefix, async (dir) => {
    const logs: string[] = [];
    const emulator = await startEmulator({ captureDir: SAMPLE_TENANT, caFile: path.join(dir, 'ca.pem'), log: (line) => logs.push(line) });
    try {
      await body(emulator, clientEnvironment(emulator, path.join(dir, 'azure-config')), dir);
      const logText = logs.join('\n');
      assert.ok(!logText.includes(emulator.credentials.clientSecret), 'the request log never holds the secret');
    } finally {
      await emulator.close();
    }
  });
}

const contactsUrl = (emulator: RunningEmulator, subscriptionId: string, version: string, name?: string): string =>
  `${emulator.url}/subscriptions/${subscriptionId}/providers/Microsoft.Security/securityContacts${name === undefined ? '' : `/${name}`}?api-version=${version}`;

test('az 2.45 signs in with a service principal, lists accounts, and lists, creates, shows and deletes a contact; az rest writes a 2023 body', SLOW, async (t) => {
  if (!skipUnlessPresent(t, missing.az)) return;
  await withSampleEmulator('ward-real-az-', async (emulator, env, dir) => {
    await azSignIn(emulator, env);
    const accounts = (await azJson(emulator, env, ['account', 'list', '--all'])) as { id: string; tenantId: string; state: string }[];
    const enabled = emulator.state.subscriptions.map((subscription) => String(subscription.subscriptionId));
    assert.deepEqual(accounts.map((account) => account.id).sort(), [...enabled].sort());
    assert.ok(accounts.every((account) => account.tenantId === emulator.credentials.tenantId));

    const sub = ['--subscription', EMPTY_SUBSCRIPTION];
    assert.deepEqual(await azJson(emulator, env, ['security', 'contact', 'list', ...sub]), []);
    // the 2.45 syntax: 2017 API, lower-case values as its own help writes them
    const created = await azJson(emulator, env, ['security', 'contact', 'create', '-n', 'default1', '--email', 'az@contoso.com', '--alert-notifications', 'on', '--alerts-admins', 'on', ...sub]);
    assert.equal(created.email, 'az@contoso.com');
    assert.equal(created.alertNotifications, 'On');
    const shown = await azJson(emulator, env, ['security', 'contact', 'show', '-n', 'default1', ...sub]);
    assert.equal(shown.name, 'default1');
    assert.equal(shown.email, 'az@contoso.com');
    assert.deepEqual(
      ((await azJson(emulator, env, ['security', 'contact', 'list', ...sub])) as { name: string }[]).map((contact) => contact.name),
      ['default1'],
    );
    expectSuccess('az security contact delete', await run('az', ['security', 'contact', 'delete', '-n', 'default1', ...sub], { env }), emulator.credentials.clientSecret);
    assert.deepEqual(await azJson(emulator, env, ['security', 'contact', 'list', ...sub]), []);

    // the 2023 fields need az rest
    const body = {
      properties: {
        emails: 'soc@contoso.com;sandbox-owners@contoso.com',
        isEnabled: true,
        notificationsByRole: { state: 'On', roles: ['Owner'] },
        notificationsSources: [{ sourceType: 'Alert', minimalSeverity: 'Medium' }, { sourceType: 'AttackPath', minimalRiskLevel: 'High' }],
      },
    };
    const file = path.join(dir, 'contact.json');
    await writeFile(file, JSON.stringify(body));
    const put = await azJson(emulator, env, ['rest', '--method', 'put', '--url', contactsUrl(emulator, SANDBOX_SUBSCRIPTION, '2023-12-01-preview', 'default'), '--body', `@${file}`]);
    assert.deepEqual(put.properties, body.properties);
    const listed = await azJson(emulator, env, ['rest', '--method', 'get', '--url', contactsUrl(emulator, SANDBOX_SUBSCRIPTION, '2023-12-01-preview')]);
    assert.deepEqual(listed.value[0].properties, body.properties);
    const as2020 = await azJson(emulator, env, ['rest', '--method', 'get', '--url', contactsUrl(emulator, SANDBOX_SUBSCRIPTION, '2020-01-01-preview')]);
    assert.ok(Array.isArray(as2020), 'the 2020 list is a bare array, as the live service answers it');
    assert.equal(as2020[0].properties.emails, body.properties.emails);
  });
});

test('the Azure SDK for Python lists subscriptions and tenants, and lists, gets, creates and deletes a contact', SLOW, async (t) => {
  if (!skipUnlessPresent(t, missing.python)) return;
  await withSampleEmulator('ward-real-python-', async (emulator, env) => {
    const result = expectSuccess(
      'python-sdk-client.py',
      await run(SYSTEM_PYTHON, [PYTHON_SDK_CLIENT], { env: { ...env, WARD_SUBSCRIPTION_ID: EMPTY_SUBSCRIPTION } }),
      emulator.credentials.clientSecret,
    );
    assert.ok(!result.stdout.includes(emulator.credentials.clientSecret));
    const seen = JSON.parse(result.stdout);
    assert.deepEqual(seen.subscriptions, emulator.state.subscriptions.map((subscription) => String(subscription.subscriptionId)).sort());
    assert.deepEqual(seen.tenants, [emulator.credentials.tenantId]);
    assert.deepEqual(seen.listedBefore, []);
    assert.deepEqual(seen.created, { name: 'default1', email: 'python-sdk@contoso.com', alertsToAdmins: 'Off' });
    assert.deepEqual(seen.got, { name: 'default1', email: 'python-sdk@contoso.com' });
    assert.deepEqual(seen.listedAfterCreate, ['default1']);
    assert.deepEqual(seen.listed2023, ['default1']);
    assert.deepEqual(seen.listedAfterDelete, []);
  });
});

/** The subscriptions a script writes to, read from the URLs in it. */
function subscriptionsIn(script: string): string[] {
  return [...new Set([...script.matchAll(/\/subscriptions\/([0-9a-f-]{36})\/providers\/Microsoft\.Security\/securityContacts/gi)].map((match) => match[1]!))].sort();
}

async function verdicts(env: NodeJS.ProcessEnv, db: string, secret: string): Promise<Map<string, string[]>> {
  const scan = await runWard(['scan', '--control', CONTROL, '--format', 'json', '--db', db], env);
  assert.ok(scan.code === 0 || scan.code === 1, `ward scan exited ${scan.code}: ${scan.stderr.replaceAll(secret, '[secret]')}`);
  const report = JSON.parse(scan.stdout) as { findings: { assetId: string; checkId: string; status: string }[] };
  const bySubscription = new Map<string, string[]>();
  for (const finding of report.findings) {
    const id = /^\/subscriptions\/([^/]+)/.exec(finding.assetId)?.[1];
    if (id !== undefined) bySubscription.set(id, [...(bySubscription.get(id) ?? []), finding.status]);
  }
  return bySubscription;
}

for (const emitter of ['rest', 'curl'] as const) {
  test(`the \`ward remediate --emit ${emitter}\` script, run unmodified with az signed in, fixes what it flags: a re-scan passes them`, SLOW, async (t) => {
    if (!skipUnlessPresent(t, missing.az)) return;
    await withSampleEmulator(`ward-real-emit-${emitter}-`, async (emulator, env, dir) => {
      const secret = emulator.credentials.clientSecret;
      const db = path.join(dir, 'db');
      const before = await verdicts(env, db, secret);
      const emitted = await runWard(['remediate', '--control', CONTROL, '--email', 'soc@contoso.com', '--emit', emitter, '--db', db], env);
      assert.equal(emitted.code, 0, emitted.stderr.replaceAll(secret, '[secret]'));
      const fixed = subscriptionsIn(emitted.stdout);
      assert.ok(fixed.length >= 4, `the script writes to the failing subscriptions: ${fixed.join(', ')}`);
      for (const id of fixed) assert.ok(before.get(id)?.includes('fail'), `${id} failed before`);
      assert.ok(!emitted.stdout.includes(secret), 'the emitted script holds no secret');

      const script = path.join(dir, `fix-${emitter}.sh`);
      await writeFile(script, emitted.stdout);
      await chmod(script, 0o700);
      await azSignIn(emulator, env);
      expectSuccess(`the emitted ${emitter} script`, await run('bash', [script], { env, cwd: dir }), secret);

      const after = await verdicts(env, db, secret);
      for (const id of fixed) assert.deepEqual([...new Set(after.get(id))], ['pass'], `${id} passes after the script`);
      for (const [id, statuses] of before) if (!fixed.includes(id)) assert.deepEqual(after.get(id), statuses, `${id} is untouched`);
    });
  });
}
