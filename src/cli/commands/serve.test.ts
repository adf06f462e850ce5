import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_STORE_KINDS, postgresTestDatabaseUrl } from '../../store/test-support/test-store.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const RUN_CLI = join(REPO, 'src/cli/test-support/run-cli.ts');

interface Running {
  readonly child: ChildProcess;
  readonly output: { stdout: string; stderr: string };
  readonly exited: Promise<number | null>;
}

/** ward from the sources, in the repository (where `--import tsx` resolves): every path a test passes is absolute. */
function ward(args: readonly string[]): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', '--', RUN_CLI, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (output.stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk.toString('utf8')));
  return { child, output, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

async function finished(running: Running): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const code = await running.exited;
  return { code, ...running.output };
}

async function waitFor(check: () => boolean, running: Running, what: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!check()) {
    assert.equal(running.child.exitCode, null, `ward exited before ${what}: ${running.output.stderr}`);
    assert.ok(Date.now() < deadline, `no ${what} within 90 s: ${running.output.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('ward serve --port 0 --url-file: one 0600 line with the token; the API answers with it; a CLI command on the same embedded store names ward serve; SIGTERM stops it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-serve-'));
  try {
    const db = join(dir, 'db');
    const scan = await finished(ward(['scan', '--offline', join(REPO, 'samples/contoso-tenant'), '--db', db, '--format', 'json', '--output', join(dir, 'scan.json')]));
    assert.equal(scan.code, 1, scan.stderr);
    const urlFile = join(dir, 'url');
    const server = ward(['serve', '--db', db, '--port', '0', '--url-file', urlFile]);
    try {
      await waitFor(() => existsSync(urlFile) && readFileSync(urlFile, 'utf8').endsWith('\n'), server, 'url file');
      const line = readFileSync(urlFile, 'utf8');
      assert.equal(statSync(urlFile).mode & 0o777, 0o600);
      const match = /^http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43})\n$/.exec(line);
      assert.ok(match, line);
      const token = match[2]!;
      assert.doesNotMatch(server.output.stdout, new RegExp(token), 'with --url-file the token is not printed');
      const origin = `http://127.0.0.1:${match[1]}`;
      const query = (authorization?: string) =>
        fetch(`${origin}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify({ query: '{ connectorsAggregate { count } }' }),
        });
      assert.equal((await query()).status, 401);
      const answer = await query(`Bearer ${token}`);
      assert.equal(answer.status, 200);
      const body = (await answer.json()) as { data: { connectorsAggregate: { count: number } } };
      assert.ok(body.data.connectorsAggregate.count > 0);
      // the browser flow over a real socket: token once, then the cookie
      const first = await fetch(line.trim(), { redirect: 'manual', headers: { accept: 'text/html' } });
      assert.equal(first.status, 303);
      const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
      const overview = await fetch(`${origin}/`, { headers: { cookie, accept: 'text/html' } });
      assert.equal(overview.status, 200);
      assert.match(overview.headers.get('content-security-policy') ?? '', /default-src 'none'/);

      const busy = await finished(ward(['findings', '--db', db, '--lock-timeout', '0']));
      assert.equal(busy.code, 2);
      assert.match(busy.stderr, new RegExp(`^ward: the store .* is busy: ward serve \\(pid ${server.child.pid}\\) on .* is using it\\n  hint: ward serve keeps the embedded store open`));
    } finally {
      server.child.kill('SIGTERM');
    }
    const stopped = await finished(server);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /ward serve: stopped \(SIGTERM\)\n$/);
    // the store is free again
    const after = await finished(ward(['scans', '--db', db, '--format', 'json']));
    assert.equal(after.code, 0, after.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ward serve refuses, in one line with exit 2: a non-loopback --host without --tokens-file, a bad tokens file, a bad port', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-serve-usage-'));
  try {
    const exposed = await finished(ward(['serve', '--db', join(dir, 'db'), '--host', '0.0.0.0', '--port', '0']));
    assert.equal(exposed.code, 2);
    assert.match(exposed.stderr, /^ward: --host 0\.0\.0\.0 is reachable from other machines, so ward serve needs named tokens there: pass --tokens-file FILE\n  hint: /);
    assert.equal(existsSync(join(dir, 'db')), false, 'refused before the store is opened');
    writeFileSync(join(dir, 'tokens.yaml'), 'tokens:\n  - name: alice\n    role: admin\n    sha256: the-token-itself\n');
    const badFile = await finished(ward(['serve', '--db', join(dir, 'db'), '--host', '0.0.0.0', '--port', '0', '--tokens-file', join(dir, 'tokens.yaml')]));
    assert.equal(badFile.code, 2);
    assert.match(badFile.stderr, /^ward: \S*tokens\.yaml \(tokens\[0\]\.sha256\): sha256 is the 64 hex digits /);
    assert.doesNotMatch(badFile.stderr, /the-token-itself/, 'the file\'s value is never echoed');
    const port = await finished(ward(['serve', '--db', join(dir, 'db'), '--port', '70000']));
    assert.equal(port.code, 2);
    assert.match(port.stderr, /^ward: --port takes 0 to 65535, got "70000"\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a named viewer token from --tokens-file reads but cannot mutate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-serve-viewer-'));
  try {
    const viewer = 'viewer-token-that-is-long-enough-0123456789';
    writeFileSync(join(dir, 'tokens.yaml'), `tokens:\n  - name: vera\n    role: viewer\n    sha256: ${createHash('sha256').update(viewer).digest('hex')}\n`);
    const urlFile = join(dir, 'url');
    const server = ward(['serve', '--db', join(dir, 'db'), '--port', '0', '--url-file', urlFile, '--tokens-file', join(dir, 'tokens.yaml')]);
    try {
      await waitFor(() => existsSync(urlFile), server, 'url file');
      const origin = /^(http:\/\/[^/]+)/.exec(readFileSync(urlFile, 'utf8'))![1]!;
      const call = (query: string) =>
        fetch(`${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${viewer}` }, body: JSON.stringify({ query }) }).then(
          (r) => r.json() as Promise<{ data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] }>,
        );
      const read = await call('{ connectorsAggregate { count } }');
      assert.equal(read.errors, undefined, JSON.stringify(read));
      const write = await call('mutation { removeException(id: "EX-1") { id } }');
      assert.equal(write.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(write));
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const postgres = TEST_STORE_KINDS.find((kind) => kind.name === 'postgres')!;

test('on a PostgreSQL store, ward serve and the CLI work side by side: a scan stored by the CLI shows in the API at once', { skip: postgres.skip }, async () => {
  const url = await postgresTestDatabaseUrl();
  assert.ok(url, 'CI=true: no PostgreSQL server for this run');
  const dir = mkdtempSync(join(tmpdir(), 'ward-serve-pg-'));
  try {
    const urlFile = join(dir, 'url');
    const server = ward(['serve', '--db', url, '--port', '0', '--url-file', urlFile]);
    try {
      await waitFor(() => existsSync(urlFile), server, 'url file');
      assert.doesNotMatch(server.output.stdout, /:\/\/[^@/]*:[^@/]*@/, 'no password in what ward serve prints');
      const [, origin, token] = /^(http:\/\/[^/]+)\/\?token=(\S+)\n$/.exec(readFileSync(urlFile, 'utf8'))!;
      const scans = () =>
        fetch(`${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ scans { id } }' }) }).then(
          (r) => r.json() as Promise<{ data: { scans: { id: unknown }[] } }>,
        );
      assert.deepEqual((await scans()).data.scans, []);
      const scan = await finished(ward(['scan', '--offline', join(REPO, 'samples/contoso-tenant'), '--db', url, '--format', 'json', '--output', join(dir, 'scan.json')]));
      assert.equal(scan.code, 1, scan.stderr);
      assert.equal((await scans()).data.scans.length, 1);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
