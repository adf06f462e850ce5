import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '@commander-js/extra-typings';
import { fakeCliIo } from './commands/test-support/fake-cli-io.js';
import { buildProgram } from './main.js';
import { opensEmbeddedStore, STORE_COMMANDS } from './start-store-early.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const RUN_CLI = join(REPO, 'src/cli/test-support/run-cli.ts');

test('the store commands it guesses are those of the command tree that open the store (take --lock-timeout)', () => {
  const program = buildProgram({ io: fakeCliIo({ cwd: REPO, now: () => new Date() }), exitCode: 0 });
  const opensStore = (command: Command): boolean =>
    command.options.some((option) => option.long === '--lock-timeout') || (command.commands as readonly Command[]).some(opensStore);
  const expected = (program.commands as readonly Command[]).filter(opensStore).map((command) => command.name());
  assert.deepEqual([...STORE_COMMANDS].sort(), expected.sort());
});

test('it guesses an embedded store from the command, --db and WARD_DB, and no store for help or a server', () => {
  const none = {};
  assert.equal(opensEmbeddedStore(['diff'], none), true);
  assert.equal(opensEmbeddedStore(['exceptions', 'list', '--db', 'some/dir'], none), true);
  assert.equal(opensEmbeddedStore(['findings', '--db=some/dir', '--format', 'json'], none), true);
  assert.equal(opensEmbeddedStore(['diff', '--db', 'postgres://ward@db.example/ward'], none), false);
  assert.equal(opensEmbeddedStore(['diff', '--db=postgresql://ward@db.example/ward'], none), false);
  assert.equal(opensEmbeddedStore(['diff'], { WARD_DB: 'POSTGRES://ward@db.example/ward' }), false);
  assert.equal(opensEmbeddedStore(['diff', '--db', 'some/dir'], { WARD_DB: 'postgres://ward@db.example/ward' }), true, '--db wins over WARD_DB');
  assert.equal(opensEmbeddedStore(['scans', '--help'], none), false);
  assert.equal(opensEmbeddedStore(['scans', '-h'], none), false);
  assert.equal(opensEmbeddedStore(['query', '--', '--help'], none), true, 'after -- it is an argument, not a flag');
  assert.equal(opensEmbeddedStore(['query', '--', '--db', 'postgres://x/y'], none), true);
  assert.equal(opensEmbeddedStore(['controls', 'list'], none), false);
  assert.equal(opensEmbeddedStore(['demo'], none), false, 'demo runs a scan process of its own');
  assert.equal(opensEmbeddedStore(['--help'], none), false);
  assert.equal(opensEmbeddedStore([], none), false);
  assert.equal(opensEmbeddedStore(['diff', '--db'], none), true, 'a --db without its value is commander\'s to report');
});

test('a wrong guess changes nothing but time: help, a usage error and a server store answer as before', { timeout: 60_000 }, () => {
  const cwd = mkdtempSync(join(tmpdir(), 'ward-early-'));
  try {
    const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', '--', RUN_CLI, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, WARD_DB: join(cwd, 'db') } });
    const help = run(['scans', '--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: ward scans/);
    const usage = run(['scans', '--no-such-flag']);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /^ward: unknown option '--no-such-flag'/);
    const server = run(['scans', '--db', 'postgres://nobody@127.0.0.1:1/none']);
    assert.equal(server.status, 2);
    assert.match(server.stderr, /^ward: cannot connect to PostgreSQL at postgres:\/\/nobody@127\.0\.0\.1:1\/none/);
    const embedded = run(['scans']);
    assert.equal(embedded.status, 0, embedded.stderr);
    assert.equal(embedded.stdout, '[]\n');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
