/**
 * The README's `ward serve` recipe, run as printed through `sh` and `npx` in a project directory of its own: the scan,
 * then the server, whose address file is then opened as a browser opens it (token once, then the cookie).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, collect, projectCopy, readmeShellBlock, userEnv } from './test-support/readme-recipe.js';

test('README "The dashboard and API": the scan and ward serve work as printed, through npx; the address file opens the dashboard', { timeout: 180_000 }, async () => {
  assert.ok(existsSync(join(REPO, 'dist', 'bundle', 'main.js')), 'ward is built (npm ci runs the build; or npm run build)');
  const lines = readmeShellBlock(readFileSync(join(REPO, 'README.md'), 'utf8'), '## The dashboard and API (`ward serve`)');
  assert.equal(lines.length, 2, `the recipe is a scan and ward serve: ${lines.join(' | ')}`);
  const [scanCommand, serveCommand] = lines as [string, string];
  const urlFile = /--url-file (\S+)/.exec(serveCommand)?.[1];
  assert.ok(urlFile, 'ward serve writes its address to a file');
  const dir = projectCopy();
  const cache = mkdtempSync(join(tmpdir(), 'ward-readme-npm-cache-'));
  const scan = collect(spawn('sh', ['-c', scanCommand], { cwd: dir, env: userEnv(cache), stdio: ['ignore', 'pipe', 'pipe'] }));
  assert.equal(await scan.exited, 1, `${scanCommand}: the sample tenant fails on purpose (${scan.err()})`);
  const server = spawn('sh', ['-c', serveCommand], { cwd: dir, env: userEnv(cache), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output = collect(server);
  try {
    const path = join(dir, urlFile);
    const deadline = Date.now() + 90_000;
    while (!(existsSync(path) && readFileSync(path, 'utf8').endsWith('\n'))) {
      if (server.exitCode !== null) assert.fail(`${serveCommand} exited ${server.exitCode}: ${output.err()}${output.out()}`);
      assert.ok(Date.now() < deadline, `${serveCommand} wrote no ${urlFile} within 90 s: ${output.err()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const address = readFileSync(path, 'utf8').trim();
    assert.match(address, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    const signIn = await fetch(address, { redirect: 'manual', headers: { accept: 'text/html' } });
    assert.equal(signIn.status, 303);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const overview = await fetch(new URL('/', address), { headers: { cookie, accept: 'text/html' } });
    assert.equal(overview.status, 200);
    assert.match(await overview.text(), /<main/);
  } finally {
    if (server.exitCode === null) process.kill(-server.pid!, 'SIGTERM');
    await output.exited;
    rmSync(dir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
});
