/**
 * `ward emulator` as a user runs it: a process of its own that writes an environment file once listening, which a
 * shell sources before `ward scan`; it stops cleanly on SIGTERM. And `--throttle` end to end: a burst is answered
 * 429 with Retry-After, and a collection through the same emulator still completes without a read error.
 */
import { parseEnvFile } from '../emulator/env-file.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshStoreDir, runWard } from './commands/test-support/fake-cli-io.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const RUN_CLI = join(REPO, 'src/cli/test-support/run-cli.ts');
const SAMPLE = join(REPO, 'samples/contoso-tenant');
const NOW = (): Date => new Date('2026-11-24T12:00:00Z');

interface EmulatorProcess {
  readonly child: ChildProcess;
  readonly env: Record<string, string>;
  stdout(): string;
  stderr(): string;
  /** Sends SIGTERM and resolves with how the process ended. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}


async function startEmulatorProcess(args: readonly string[], dir: string): Promise<EmulatorProcess> {
  const envFile = join(dir, 'emulator.env');
  const child = spawn(process.execPath, ['--import', 'tsx', '--', RUN_CLI, 'emulator', ...args, '--port', '0', '--write-env-file', envFile], {
    cwd: REPO, // where `--import tsx` resolves; every path passed is absolute
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 60_000;
  // the file is written once the server listens; wait for its last line too
  while (!(existsSync(envFile) && /WARD_ARM_ENDPOINT=.*\n$/.test(readFileSync(envFile, 'utf8')))) {
    if (child.exitCode !== null) throw new Error(`ward emulator exited ${child.exitCode}: ${err}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`ward emulator wrote no environment file within 60 s: ${err}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(statSync(envFile).mode & 0o777, 0o600, 'the environment file holds the client secret');
  return {
    child,
    env: parseEnvFile(readFileSync(envFile, 'utf8')),
    stdout: () => out,
    stderr: () => err,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function httpsJson(
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, ca }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

test('ward emulator in its own process: the env file it writes makes `ward scan` scan it live; SIGTERM stops it cleanly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-emulator-cli-'));
  const db = await freshStoreDir();
  const emulator = await startEmulatorProcess(['--capture', SAMPLE], dir);
  try {
    // what ward needs; the file may carry more (the CA for other clients)
    for (const name of ['AZURE_AUTHORITY_HOST', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID', 'NODE_EXTRA_CA_CERTS', 'WARD_ARM_ENDPOINT']) {
      assert.ok(emulator.env[name], `the environment file sets ${name}`);
    }
    assert.match(emulator.env.WARD_ARM_ENDPOINT ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.doesNotMatch(emulator.stdout(), new RegExp(emulator.env.AZURE_CLIENT_SECRET ?? 'no secret'), 'the secret is not printed');

    const live = await runWard(['scan', '--format', 'json', '--db', db], { cwd: dir, now: NOW, env: emulator.env });
    assert.equal(live.code, 1, live.stderr);
    const report = JSON.parse(live.stdout) as { scan: { source: string }; findings: { assetId: string; checkId: string; status: string }[] };
    assert.equal(report.scan.source, `live:${emulator.env.WARD_ARM_ENDPOINT}`);
    const offline = await runWard(['scan', '--offline', SAMPLE, '--format', 'json', '--db', db], { cwd: dir, now: NOW });
    const verdicts = (findings: { assetId: string; checkId: string; status: string }[]): string[] =>
      findings.map((f) => `${f.checkId} ${f.assetId} ${f.status}`).sort();
    assert.deepEqual(verdicts(report.findings), verdicts((JSON.parse(offline.stdout) as typeof report).findings));
    assert.equal(new Set(report.findings.map((f) => f.assetId)).size, 12);
    // progress names the one unreadable subscription (the sample's captured AuthorizationFailed), and nothing else failed
    assert.deepEqual(live.stderr.match(/error reading subscription \S+/g), ['error reading subscription 0a1b2c3d-1111-4a5b-8c9d-000000000011']);
  } finally {
    const ended = await emulator.stop();
    assert.deepEqual(ended, { code: 0, signal: null }, emulator.stderr());
    assert.match(emulator.stdout(), /ward emulator: stopped \(SIGTERM\)\n$/);
    assert.equal(emulator.stderr(), '');
    rmSync(dir, { recursive: true, force: true });
    rmSync(db, { recursive: true, force: true });
  }
});

test('ward emulator --throttle: a burst gets 429 with Retry-After, and a collection still completes with no read error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-emulator-throttle-'));
  // 30 subscriptions, one per page: listing alone is more than the 20-request burst of the tenant's bucket
  const emulator = await startEmulatorProcess(['--synthetic', '30', '--throttle', '--page-size', '1', '--log'], dir);
  try {
    const env = emulator.env;
    const ca = readFileSync(env.NODE_EXTRA_CA_CERTS ?? '', 'utf8');
    const token = await httpsJson(`${env.AZURE_AUTHORITY_HOST}/${env.AZURE_TENANT_ID}/oauth2/v2.0/token`, ca, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: env.AZURE_CLIENT_ID ?? '',
        client_secret: env.AZURE_CLIENT_SECRET ?? '',
        scope: `${env.WARD_ARM_ENDPOINT}/.default`,
      }).toString(),
    });
    assert.equal(token.status, 200);
    const first = await httpsJson(`${env.WARD_ARM_ENDPOINT}/subscriptions?api-version=2022-12-01`, ca, {
      headers: { authorization: `Bearer ${token.body.access_token}` },
    });
    const subscriptionId = first.body.value[0].subscriptionId as string;
    const contacts = `${env.WARD_ARM_ENDPOINT}/subscriptions/${subscriptionId}/providers/Microsoft.Security/securityContacts?api-version=2023-12-01-preview`;
    // 80 at once: even when a loaded machine spreads their arrival over seconds (10 tokens/s refill), many exceed the bucket
    const burst = await Promise.all(
      Array.from({ length: 80 }, () => httpsJson(contacts, ca, { headers: { authorization: `Bearer ${token.body.access_token}` } })),
    );
    const throttled = burst.filter((answer) => answer.status === 429);
    assert.ok(throttled.length >= 5, `at least the requests past the burst of 20 are throttled, got ${throttled.length}`);
    assert.equal(burst.filter((answer) => answer.status === 200).length + throttled.length, 80);
    for (const answer of throttled) {
      assert.ok(Number(answer.headers['retry-after']) >= 1, 'Retry-After in seconds');
      assert.equal(answer.body.error.code, 'TooManyRequests');
    }

    const out = join(dir, 'capture');
    const collected = await runWard(['collect', '-o', out], { cwd: dir, now: NOW, env });
    assert.equal(collected.code, 0, collected.stderr);
    // 30 listed; inactive ones are not read; the synthetic tenant's one AuthorizationFailed (index 7) is data, not throttling
    assert.match(collected.stdout, /30 subscription\(s\), contacts read for \d+, 1 read error\(s\), \d+ not read/);
    assert.match(collected.stdout, /contacts read for 27, 1 read error\(s\), 2 not read/);
    const errorCodes = readdirSync(join(out, 'subscriptions'))
      .map((id) => JSON.parse(readFileSync(join(out, 'subscriptions', id, 'securityContacts.json'), 'utf8')) as { error?: { code: string } })
      .flatMap((body) => (body.error ? [body.error.code] : []));
    assert.deepEqual(errorCodes, ['AuthorizationFailed'], 'no read ended throttled');
    // the listing ran into the tenant's bucket on the way, and the collector retried that page after Retry-After
    const throttledPage = /GET (\/subscriptions\?api-version=2022-12-01&(?:\$|%24)skiptoken=\d+) 429/.exec(emulator.stderr());
    assert.ok(throttledPage, 'a subscriptions page was throttled');
    assert.ok(emulator.stderr().includes(`GET ${throttledPage[1]} 200`), 'and read on retry');
  } finally {
    const ended = await emulator.stop();
    assert.deepEqual(ended, { code: 0, signal: null });
    rmSync(dir, { recursive: true, force: true });
  }
});
