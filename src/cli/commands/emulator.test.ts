import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnvFile } from '../../emulator/env-file.js';
import { isLoopbackHost } from '../../server/start-ward-server.js';
import { exposedHostWarning } from './emulator-actions.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const RUN_CLI = join(REPO, 'src/cli/test-support/run-cli.ts');

test('loopback hosts: 127.0.0.0/8, ::1 (also written in full, bracketed or IPv4-mapped) and localhost; nothing else', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST', 'api.localhost']) {
    assert.equal(isLoopbackHost(host), true, host);
    assert.equal(exposedHostWarning(host), undefined, host);
  }
  for (const host of ['0.0.0.0', '::', '[::]', '10.1.2.3', '192.168.0.10', 'fe80::1', '::ffff:10.0.0.1', 'my-laptop.example.com', '128.0.0.1']) {
    assert.equal(isLoopbackHost(host), false, host);
    assert.match(exposedHostWarning(host) ?? '', /^ward emulator: warning: --host \S+ is not a loopback address: .*client id and secret.*reachable from the network/, host);
  }
});

test('`ward emulator --host 0.0.0.0 --write-env-file F` over an existing 0644 file: a warning on stderr, and F is 0600', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-emulator-host-'));
  const envFile = join(dir, 'emulator.env');
  writeFileSync(envFile, 'STALE=1\n');
  chmodSync(envFile, 0o644);
  const child = spawn(process.execPath, ['--import', 'tsx', '--', RUN_CLI, 'emulator', '--synthetic', '1', '--host', '0.0.0.0', '--port', '0', '--write-env-file', envFile], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 60_000;
    while (!(existsSync(envFile) && /WARD_ARM_ENDPOINT=.*\n$/.test(readFileSync(envFile, 'utf8')))) {
      assert.equal(child.exitCode, null, `ward emulator exited early: ${stderr}`);
      assert.ok(Date.now() < deadline, `no environment file within 60 s: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(statSync(envFile).mode & 0o777, 0o600, 'the file that holds the client secret is owner-only, though it existed with 0644');
    const secret = parseEnvFile(readFileSync(envFile, 'utf8')).AZURE_CLIENT_SECRET ?? '';
    assert.ok(secret.length > 16);
    assert.match(stderr, /^ward emulator: warning: --host 0\.0\.0\.0 is not a loopback address: .*reachable from the network/);
    assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
    for (const text of [stdout, stderr]) assert.ok(!text.includes(secret), 'the secret is printed nowhere');
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    assert.equal(await exited, 0, stderr);
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  }
});
