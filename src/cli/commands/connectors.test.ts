/**
 * `ward connectors add|list|remove|test` in-process: connectors stored without a secret, refused with a hint
 * naming the flag, and `test` against the ARM emulator through env:PREFIX: exit 0 when everything was read, 1 when
 * some subscriptions were not, 2 (one line, its hint, never a secret) when the credential is missing or refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../emulator/start-emulator.js';
import { freshStoreDir, runWard } from './test-support/fake-cli-io.js';

const SAMPLE = fileURLToPath(new URL('../../../samples/contoso-tenant', import.meta.url));
const NOW = (): Date => new Date('2026-12-01T10:00:00Z');
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const sub = (n: number): string => `0a1b2c3d-1111-4a5b-8c9d-${String(n).padStart(12, '0')}`;

test('add, list (table and JSON), a taken name, bad flags, remove', async () => {
  const db = await freshStoreDir();
  const cwd = mkdtempSync(join(tmpdir(), 'ward-connectors-'));
  const env = { WARD_DB: db, USER: 'alice' };
  const ward = (...args: string[]) => runWard(args, { cwd, now: NOW, env });
  try {
    const added = await ward('connectors', 'add', 'azure', '--name', 'contoso-prod', '--tenant', TENANT, '--credential', 'env:CONTOSO', '--management-group', 'contoso-root', '--max-concurrency', '4');
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /^added connector contoso-prod: tenant 72f988bf-\S+ \(AzureCloud\), credential env:CONTOSO, scope management group contoso-root, up to 4 batches at once\n/);
    assert.match(added.stdout, /ward connectors test contoso-prod/);
    const second = await ward('connectors', 'add', 'azure', '--name', 'fabrikam', '--tenant', 'fabrikam.onmicrosoft.com', '--subscription', sub(1), sub(2), '--exclude-subscription', sub(2));
    assert.equal(second.code, 0, second.stderr);

    const again = await ward('connectors', 'add', 'azure', '--name', 'contoso-prod', '--tenant', TENANT);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /^ward: a connector named contoso-prod already exists\n {2}hint: .*ward connectors remove contoso-prod/);

    for (const [args, message] of [
      [['--name', 'Bad_Name', '--tenant', TENANT], /--name "Bad_Name" is not a connector name/],
      [['--name', 'x', '--tenant', TENANT, '--credential', 'env:lower'], /--credential env:lower: the prefix must be upper-case/],
      [['--name', 'x', '--tenant', TENANT, '--management-group', 'g', '--subscription', sub(1)], /--management-group and --subscription cannot be combined/],
      [['--name', 'x', '--tenant', TENANT, '--arm-endpoint', 'http://127.0.0.1:8080'], /--arm-endpoint must use https/],
      [['--name', 'x', '--tenant', TENANT, '--max-concurrency', '0'], /--max-concurrency must be a whole number from 1 to 256/],
    ] as const) {
      const run = await ward('connectors', 'add', 'azure', ...args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, message);
      assert.match(run.stderr, /\n {2}hint: /);
    }
    const gcp = await ward('connectors', 'add', 'gcp', '--name', 'x', '--tenant', TENANT);
    assert.equal(gcp.code, 2);
    assert.match(gcp.stderr, /azure/);

    const table = await ward('connectors', 'list');
    assert.equal(table.code, 0);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^NAME\s+TENANT\s+CLOUD\s+CREDENTIAL\s+SCOPE/);
    assert.match(lines[1] ?? '', /^contoso-prod\s+72f988bf\S+\s+AzureCloud\s+env:CONTOSO\s+management group contoso-root\s+4/);
    assert.match(lines[2] ?? '', /^fabrikam\s+fabrikam\.onmicrosoft\.com\s+AzureCloud\s+default\s+2 subscriptions, 1 excluded\s+8/);
    const json = JSON.parse((await ward('connectors', 'list', '--format', 'json')).stdout) as { name: string; subscriptions: string[] | null; createdBy: string }[];
    assert.deepEqual(json.map((c) => [c.name, c.subscriptions, c.createdBy]), [['contoso-prod', null, 'alice'], ['fabrikam', [sub(1), sub(2)], 'alice']]);

    assert.equal((await ward('connectors', 'remove', 'fabrikam')).stdout, 'removed connector fabrikam\n');
    const gone = await ward('connectors', 'remove', 'fabrikam');
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /^ward: no connector named fabrikam\n {2}hint: ward connectors list/);
    const unknown = await ward('connectors', 'test', 'fabrikam');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no connector named fabrikam/);
  } finally {
    rmSync(db, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('connectors test against the emulator: env:PREFIX, exit 1 with a read error, 0 once excluded, 2 for a missing variable or a wrong secret', async () => {
  const db = await freshStoreDir();
  const cwd = mkdtempSync(join(tmpdir(), 'ward-connectors-test-'));
  const emulator = await startEmulator({ captureDir: SAMPLE, caFile: join(cwd, 'ca.pem') });
  const secret = emulator.credentials.clientSecret;
  const worker = {
    WARD_DB: db,
    NODE_EXTRA_CA_CERTS: emulator.environment.NODE_EXTRA_CA_CERTS,
    CONTOSO_CLIENT_ID: emulator.credentials.clientId,
    CONTOSO_CLIENT_SECRET: secret,
  };
  const ward = (args: string[], env: Record<string, string | undefined> = worker) => runWard(args, { cwd, now: NOW, env });
  const endpoints = ['--tenant', emulator.credentials.tenantId, '--arm-endpoint', emulator.url, '--authority-host', emulator.url, '--credential', 'env:CONTOSO'];
  try {
    assert.equal((await ward(['connectors', 'add', 'azure', '--name', 'contoso', ...endpoints])).code, 0);
    assert.equal((await ward(['connectors', 'add', 'azure', '--name', 'contoso-ok', ...endpoints, '--exclude-subscription', sub(11)])).code, 0);

    const partial = await ward(['connectors', 'test', 'contoso']);
    assert.equal(partial.code, 1, partial.stderr);
    assert.match(partial.stdout, new RegExp(`^connector contoso: signed in to tenant ${emulator.credentials.tenantId} \\(AzureCloud\\) with credential env:CONTOSO\n`));
    assert.match(partial.stdout, /\n {2}subscriptions in scope: 12 \(1 disabled or deleted, not read\)\n {2}readable: 10\n {2}read errors: 1 \(AuthorizationFailed: 1\)\n {2}took \d+\.\d s\n$/);
    assert.match(partial.stderr, /error reading subscription 0a1b2c3d-1111-4a5b-8c9d-000000000011/);

    const whole = await ward(['connectors', 'test', 'contoso-ok', '--format', 'json']);
    assert.equal(whole.code, 0, whole.stderr);
    const result = JSON.parse(whole.stdout) as Record<string, unknown>;
    assert.deepEqual({ ...result, durationMs: 0 }, { connector: 'contoso-ok', subscriptions: 11, readable: 10, inactive: 1, readErrors: {}, durationMs: 0 });

    const noId = await ward(['connectors', 'test', 'contoso'], { ...worker, CONTOSO_CLIENT_ID: undefined });
    assert.equal(noId.code, 2);
    assert.equal(noId.stdout, '');
    assert.match(noId.stderr, /^ward: connector contoso: CONTOSO_CLIENT_ID is not set in this worker's environment \(credential env:CONTOSO\)\n {2}hint: set CONTOSO_CLIENT_ID/);
    assert.ok(!noId.stderr.includes(secret), 'never the secret');

    const wrong = 'wr0ng~Secret.Value_for-the-cli';
    const refused = await ward(['connectors', 'test', 'contoso'], { ...worker, CONTOSO_CLIENT_SECRET: wrong });
    assert.equal(refused.code, 2);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /^ward: connector contoso: Microsoft Entra ID refused the client secret of application \S+ \(AADSTS7000215: invalid client secret\)$/m);
    assert.match(refused.stderr, /^ {2}hint: CONTOSO_CLIENT_SECRET is wrong or has expired/m);
    assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack');
    for (const text of [wrong, secret]) assert.ok(!refused.stderr.includes(text), 'never a secret');
  } finally {
    await emulator.close();
    rmSync(db, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
});
