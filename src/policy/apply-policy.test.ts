/**
 * `ward policy apply` when it cannot sign in or cannot reach ARM: a WardError that names the step, one line and its
 * hint on stderr, exit 2, never a stack trace and never the secret. An error that is a bug still keeps its stack.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RestError } from '@azure/core-rest-pipeline';
import { isWardError } from '../core/errors.js';
import { runWard } from '../cli/commands/test-support/fake-cli-io.js';
import { startEmulator } from '../emulator/start-emulator.js';
import { createLiveArmTransport, type ArmTransport } from '../remediation/arm-transport.js';
import { applyPolicy } from './apply-policy.js';
import { parsePolicyScope, planPolicy } from './policy-artifacts.js';
import { closedPort } from '../connectors/azure/test-support/closed-port.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WRONG_SECRET = 'wr0ng~policy.Secret_value';
const plan = planPolicy({ scope: parsePolicyScope('ward-prod'), addresses: ['soc@contoso.com'] });
const POLICY_APPLY = ['policy', 'apply', '--scope', 'ward-prod', '--email', 'soc@contoso.com', '--yes'];

/** stderr of a failed run: exactly `ward: <one line>` and `  hint: <one line>`. */
function assertOneLineError(stderr: string): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2, stderr);
  assert.match(lines[0] ?? '', /^ward: \S/);
  assert.match(lines[1] ?? '', /^ {2}hint: \S/);
  assert.doesNotMatch(stderr, /internal error|\n\s+at /, 'no stack trace');
}

test('a wrong client secret: the first step fails with the sign-in explained, and without the secret', async () => {
  const emulator = await startEmulator({ synthetic: 1 });
  try {
    const transport = createLiveArmTransport({ env: { ...emulator.environment, AZURE_CLIENT_SECRET: WRONG_SECRET }, ca: emulator.caPem, maxRetries: 1 });
    await assert.rejects(applyPolicy(plan, transport), (error: Error) => {
      assert.ok(isWardError(error), String(error.stack));
      assert.match(error.message, /^custom DeployIfNotExists definition: Microsoft Entra ID refused the client secret .*AADSTS7000215/);
      assert.match(error.hint ?? '', /^AZURE_CLIENT_SECRET is wrong or has expired/);
      for (const text of [error.message, error.hint ?? '']) assert.ok(!text.includes(WRONG_SECRET) && !text.includes(emulator.credentials.clientSecret));
      return true;
    });
  } finally {
    await emulator.close();
  }
});

test('ARM stops answering half-way: the step, the endpoint and the problem, and how many steps already succeeded', async () => {
  let calls = 0;
  const transport: ArmTransport = {
    armEndpoint: 'https://management.azure.com',
    async request() {
      calls += 1;
      if (calls <= 2) return { status: 201, body: {} };
      throw Object.assign(new RestError('connect ECONNREFUSED 10.0.0.1:443', { code: 'ECONNREFUSED' }), { attempts: 5 });
    },
  };
  await assert.rejects(applyPolicy(plan, transport), (error: Error) => {
    assert.ok(isWardError(error));
    assert.equal(
      error.message,
      'DeployIfNotExists assignment with a system-assigned identity: cannot reach Azure Resource Manager at https://management.azure.com: connection refused (ECONNREFUSED) (after 5 attempts)',
    );
    assert.match(error.hint ?? '', /WARD_ARM_ENDPOINT.*2 earlier step\(s\) succeeded; run `ward policy apply` again/);
    return true;
  });
  const buggy: ArmTransport = { armEndpoint: 'https://management.azure.com', request: async () => Promise.reject(new TypeError('a bug')) };
  await assert.rejects(applyPolicy(plan, buggy), (error: Error) => error instanceof TypeError && !isWardError(error));
});

test('`ward policy apply` with an authority that refuses connections: one line and a hint, exit 2, no stack', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'ward-policy-apply-'));
  try {
    const port = await closedPort();
    const env = {
      AZURE_TENANT_ID: '0f0e0d0c-0b0a-4909-8807-060504030201',
      AZURE_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
      AZURE_CLIENT_SECRET: WRONG_SECRET,
      AZURE_AUTHORITY_HOST: `https://127.0.0.1:${port}`,
      WARD_ARM_ENDPOINT: `https://127.0.0.1:${port}`,
    };
    const run = await runWard(POLICY_APPLY, { cwd, env, now: () => new Date('2026-11-24T12:00:00Z') });
    assert.equal(run.code, 2);
    assertOneLineError(run.stderr);
    assert.match(run.stderr, new RegExp(`cannot reach the Microsoft Entra sign-in endpoint https://127\\.0\\.0\\.1:${port}: connection refused`));
    assert.match(run.stderr, /hint: .*AZURE_AUTHORITY_HOST/);
    assert.ok(!run.stderr.includes(WRONG_SECRET));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('`ward policy apply` in its own process with a wrong secret: one line and a hint, exit 2, no stack, no secret', async () => {
  const emulator = await startEmulator({ synthetic: 1 });
  try {
    // NODE_EXTRA_CA_CERTS is read when the process starts: the child trusts the emulator as a user's shell would
    const env = { ...process.env, ...emulator.environment, AZURE_CLIENT_SECRET: WRONG_SECRET, NO_COLOR: '1' };
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', '--', join(REPO, 'src/cli/test-support/run-cli.ts'), ...POLICY_APPLY], { cwd: REPO, env }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
    assert.equal(result.code, 2, result.stderr);
    assertOneLineError(result.stderr);
    assert.match(result.stderr, /^ward: custom DeployIfNotExists definition: Microsoft Entra ID refused the client secret .*\(AADSTS7000215: invalid client secret\)\n/);
    assert.match(result.stderr, /hint: AZURE_CLIENT_SECRET is wrong or has expired/);
    for (const secret of [WRONG_SECRET, emulator.credentials.clientSecret]) assert.ok(!result.stderr.includes(secret) && !result.stdout.includes(secret));
  } finally {
    await emulator.close();
  }
});
