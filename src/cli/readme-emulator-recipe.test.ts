/**
 * The README's emulator recipe, run as a user runs it: the commands are read from README.md (so this test breaks when
 * the README changes), and run through `sh` and `npx` in a project directory of their own, with an empty npm cache.
 * It runs the built ward (bin/ward.js → dist/, which `npm ci` builds), as npx does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collect, projectCopy, readmeShellBlock, userEnv } from './test-support/readme-recipe.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

test('README "The ARM emulator": the emulator command and the scan in another shell work as printed, through npx', { timeout: 180_000 }, async () => {
  assert.ok(existsSync(join(REPO, 'dist', 'bundle', 'main.js')), 'ward is built (npm ci runs the build; or npm run build)');
  const lines = readmeShellBlock(readFileSync(join(REPO, 'README.md'), 'utf8'), '### The ARM emulator');
  assert.equal(lines.length, 2, `the recipe is the emulator command and the scan: ${lines.join(' | ')}`);
  const [emulatorCommand, scanCommand] = lines as [string, string];
  assert.match(emulatorCommand, /^npx ward emulator /);
  assert.doesNotMatch(emulatorCommand, /--env-file\b/, 'Node takes --env-file out of npx\'s own arguments');
  const envFile = /--write-env-file (\S+)/.exec(emulatorCommand)?.[1];
  assert.ok(envFile, 'the emulator command writes an environment file');

  const dir = projectCopy();
  const cache = mkdtempSync(join(tmpdir(), 'ward-readme-npm-cache-'));
  mkdirSync(join(dir, '.ward'), { recursive: true });
  // its own process group, so that stopping it stops npx, the shell npx runs and ward
  const emulator = spawn('sh', ['-c', emulatorCommand], { cwd: dir, env: userEnv(cache), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const emulatorOutput = collect(emulator);
  try {
    const deadline = Date.now() + 90_000;
    // the emulator writes its environment file as it starts and prints its address after: wait for both
    const started = /ward emulator: ARM and token endpoint at https:\/\/127\.0\.0\.1:\d+ \(12 subscriptions\)/;
    while (!(existsSync(join(dir, envFile)) && /WARD_ARM_ENDPOINT=.*\n$/.test(readFileSync(join(dir, envFile), 'utf8')) && started.test(emulatorOutput.out()))) {
      if (emulator.exitCode !== null) assert.fail(`${emulatorCommand} exited ${emulator.exitCode}: ${emulatorOutput.err()}${emulatorOutput.out()}`);
      assert.ok(Date.now() < deadline, `${emulatorCommand} wrote no ${envFile} or printed no address within 90 s: ${emulatorOutput.err()}${emulatorOutput.out()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.match(emulatorOutput.out(), started);

    const scan = spawn('sh', ['-c', scanCommand], { cwd: dir, env: userEnv(cache), stdio: ['ignore', 'pipe', 'pipe'] });
    const scanOutput = collect(scan);
    const code = await scanOutput.exited;
    // the sample tenant fails on purpose: exit 1 is "findings", 2 would be a usage or tool error
    assert.equal(code, 1, scanOutput.err());
    const report = JSON.parse(scanOutput.out()) as { scan: { source: string }; findings: { assetId: string }[] };
    assert.match(report.scan.source, /^live:https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(new Set(report.findings.map((finding) => finding.assetId)).size, 12);
  } finally {
    if (emulator.exitCode === null) process.kill(-emulator.pid!, 'SIGTERM');
    await emulatorOutput.exited;
    rmSync(dir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
});
