/**
 * The README's emulator recipe, run as a user runs it: the commands are read from README.md (so this test breaks when
 * the README changes), and run through `sh` and `npx` in a project directory of their own, with an empty npm cache.
 * It runs the built ward (bin/ward.js → dist/, which `npm ci` builds), as npx does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The shell lines of the first ```sh block after the heading `heading` in README.md, comments dropped. */
function readmeShellBlock(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n${heading}\n`);
  assert.notEqual(start, -1, `README.md has a section ${heading}`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start));
  assert.ok(block, `the section ${heading} has a sh block`);
  return block[1]!
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** A project directory that is ward as `npm ci` leaves it (links into this checkout), where npx finds `ward`. */
function projectCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ward-readme-recipe-'));
  copyFileSync(join(REPO, 'package.json'), join(dir, 'package.json'));
  for (const entry of ['bin', 'dist', 'controls', 'schema', 'samples', 'node_modules']) symlinkSync(join(REPO, entry), join(dir, entry));
  return dir;
}

/** The environment of a user's shell: none of this process's npm, Azure or ward settings, and an empty npm cache. */
function userEnv(cache: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|AZURE_|WARD_|NODE_OPTIONS$|NODE_EXTRA_CA_CERTS$)/i.test(name)));
  return { ...env, npm_config_cache: cache, npm_config_update_notifier: 'false', NO_COLOR: '1' };
}

function collect(child: ChildProcess): { out: () => string; err: () => string; exited: Promise<number | null> } {
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  return { out: () => out, err: () => err, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

test('README "The ARM emulator": the emulator command and the scan in another shell work as printed, through npx', { timeout: 180_000 }, async () => {
  assert.ok(existsSync(join(REPO, 'dist', 'cli', 'main.js')), 'ward is built (npm ci runs the build; or npm run build)');
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
    while (!(existsSync(join(dir, envFile)) && /WARD_ARM_ENDPOINT=.*\n$/.test(readFileSync(join(dir, envFile), 'utf8')))) {
      if (emulator.exitCode !== null) assert.fail(`${emulatorCommand} exited ${emulator.exitCode}: ${emulatorOutput.err()}${emulatorOutput.out()}`);
      assert.ok(Date.now() < deadline, `${emulatorCommand} wrote no ${envFile} within 90 s: ${emulatorOutput.err()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.match(emulatorOutput.out(), /ward emulator: ARM and token endpoint at https:\/\/127\.0\.0\.1:\d+ \(12 subscriptions\)/);

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
