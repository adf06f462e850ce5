import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startEmulator, type RunningEmulator } from '../../emulator/start-emulator.js';
import type { CliContext, CliIo } from '../cli-context.js';
import { main } from '../main.js';
import { confirmOnTerminal } from './remediate.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = join(root, 'src/core/remediation/fixtures/mixed-tenant');
const CONTROL = ['--control', 'azure-defender-security-contact-email'];

function io(stdin = '', env: Record<string, string> = {}, tty = false): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const input = Readable.from([stdin]) as Readable & { isTTY?: boolean };
  if (tty) input.isTTY = true;
  return {
    stdout: { write: (text: string) => (out += text), isTTY: false },
    stderr: { write: (text: string) => (err += text), isTTY: false },
    stdin: input,
    env: { NO_COLOR: '1', ...env },
    cwd: root,
    now: () => new Date('2026-01-10T09:00:00Z'),
    out: () => out,
    err: () => err,
  };
}

describe('ward remediate (in process)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ward-remediate-'));
  const db = ['--db', join(scratch, 'db')];
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('plans offline from a capture: exit 1 with pending changes, JSON contract', async () => {
    const run = io();
    const code = await main(['remediate', ...CONTROL, '--email', 'soc@contoso.com', '--offline', FIXTURE, '--format', 'json', ...db], run);
    assert.equal(code, 1, run.err());
    const plan = JSON.parse(run.out());
    assert.equal(plan.actions.length, 8);
    for (const key of ['assetId', 'method', 'url', 'body', 'apiVersion', 'before', 'reason']) assert.ok(key in plan.actions[0], key);
    assert.deepEqual(plan.skipped.map((s: { status: string }) => s.status).sort(), ['error', 'pass', 'skipped']);
    const narrowed = io();
    await main(['remediate', ...CONTROL, '--email', 'soc@contoso.com', '--offline', FIXTURE, '--subscription', '00000000-0000-4000-8000-000000000104', '--format', 'json', ...db], narrowed);
    assert.equal(JSON.parse(narrowed.out()).actions.length, 1);
  });

  it('an invalid address stops with one line and exit 2', async () => {
    const run = io();
    const code = await main(['remediate', ...CONTROL, '--email', 'soc@contoso.com,oops', '--offline', FIXTURE, ...db], run);
    assert.equal(code, 2);
    assert.match(run.err(), /^ward: --email: not a valid email address: "oops"\n  hint: /);
    assert.equal(run.out(), '');
  });

  it('--apply off a terminal without --yes refuses before touching anything; --apply with --offline too', async () => {
    const run = io();
    assert.equal(await main(['remediate', ...CONTROL, '--email', 'soc@contoso.com', '--apply', ...db], run), 2);
    assert.match(run.err(), /--apply off a terminal needs --yes/);
    const offline = io();
    assert.equal(await main(['remediate', ...CONTROL, '--email', 'soc@contoso.com', '--apply', '--yes', '--offline', FIXTURE, ...db], offline), 2);
    assert.match(offline.err(), /--apply needs live Azure/);
  });

  it('--emit prints ready-to-run material for the flagged subscriptions', async () => {
    const run = io();
    assert.equal(await main(['remediate', ...CONTROL, '--email', 'soc@contoso.com', '--offline', FIXTURE, '--emit', 'az', ...db], run), 0);
    // one command for each flagged subscription's default contact: the 2020 CLI where it can write the fix, az rest where it cannot
    const commands = (run.out().match(/^az security contact create|^az rest --method put --url '[^']*securityContacts\/default\?api-version=2023-12-01-preview'/gm) ?? []).length;
    assert.equal(commands, 6);
  });

  const FAILING = join(root, 'src/core/remediation/fixtures/failing-every-control');

  it('--all-controls: one merged PUT of default per subscription, every control verified, ids recorded joined by commas', async () => {
    const run = io();
    const code = await main(['remediate', '--all-controls', '--email', 'soc@contoso.com', '--offline', FAILING, '--format', 'json', ...db], run);
    assert.equal(code, 1, run.err());
    const plan = JSON.parse(run.out());
    assert.equal(plan.controlIds.length, 4);
    assert.equal(plan.controlId, plan.controlIds.join(','));
    const defaults = plan.actions.filter((a: { contactName: string }) => a.contactName === 'default');
    assert.equal(defaults.length, plan.subscriptions.length);
    assert.equal(new Set(defaults.map((a: { assetId: string }) => a.assetId)).size, plan.subscriptions.length);
    assert.deepEqual(plan.unresolved, []);
    for (const subscription of plan.subscriptions) assert.equal(subscription.verifiedStatus, 'pass');
    // repeatable --control gives the same plan
    const repeated = io();
    const ids = plan.controlIds.flatMap((id: string) => ['--control', id]);
    await main(['remediate', ...ids, '--email', 'soc@contoso.com', '--offline', FAILING, '--format', 'json', ...db], repeated);
    assert.deepEqual(JSON.parse(repeated.out()).actions, plan.actions);
  });

  it('--param sets the thresholds the plan fixes to', async () => {
    const run = io();
    const param = ['--param', 'azure-defender-security-contact-alert-severity.minimalSeverity=Low'];
    await main(['remediate', '--control', 'azure-defender-security-contact-alert-severity', ...param, '--offline', FAILING, '--subscription', '00000000-0000-4000-8000-000000000201', '--format', 'json', ...db], run);
    assert.deepEqual(JSON.parse(run.out()).actions[0].body.properties.notificationsSources, [{ sourceType: 'Alert', minimalSeverity: 'Low' }]);
  });

  it('clear errors: no --email where the email control needs one, --email without it, a control without a planner, both selectors', async () => {
    const missing = io();
    assert.equal(await main(['remediate', '--all-controls', '--offline', FAILING, ...db], missing), 2);
    assert.match(missing.err(), /^ward: --email is needed: 4 subscription\(s\) cannot be fixed without an address to add: /);
    const owners = io();
    assert.equal(await main(['remediate', '--control', 'azure-defender-security-contact-notify-owners', '--offline', FAILING, '--format', 'json', ...db], owners), 1, owners.err());
    assert.ok(JSON.parse(owners.out()).actions.length > 0, 'notify-owners needs no address');
    const stray = io();
    assert.equal(await main(['remediate', '--control', 'azure-defender-security-contact-notify-owners', '--email', 'soc@contoso.com', '--offline', FAILING, ...db], stray), 2);
    assert.match(stray.err(), /--email adds addresses for azure-defender-security-contact-email, which is not selected/);
    const unknown = io();
    assert.equal(await main(['remediate', '--control', 'no-such-control', '--offline', FAILING, ...db], unknown), 2);
    assert.match(unknown.err(), /no control no-such-control/);
    const both = io();
    assert.equal(await main(['remediate', '--all-controls', ...CONTROL, '--offline', FAILING, ...db], both), 2);
    assert.match(both.err(), /--control and --all-controls exclude each other/);
  });

  it('the terminal prompt accepts only an explicit yes', async () => {
    const context = (answer: string): CliContext => ({ io: io(answer, {}, true), exitCode: 0 });
    assert.equal(await confirmOnTerminal(context('yes\n'), 'Apply? '), true);
    assert.equal(await confirmOnTerminal(context('y\n'), 'Apply? '), true);
    assert.equal(await confirmOnTerminal(context('no\n'), 'Apply? '), false);
    assert.equal(await confirmOnTerminal(context(''), 'Apply? '), false);
  });
});

describe('ward remediate against the emulator (child processes, as a user runs it)', () => {
  let emulator: RunningEmulator;
  let env: Record<string, string>;
  const scratch = mkdtempSync(join(tmpdir(), 'ward-remediate-live-'));
  const db = ['--db', join(scratch, 'db')];
  const exec = promisify(execFile);

  async function ward(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', join(root, 'src/remediation/test-support/run-ward.ts'), ...args], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  before(async () => {
    emulator = await startEmulator({ captureDir: FIXTURE, caFile: join(scratch, 'ca.pem') });
    env = Object.fromEntries(emulator.envFileLines.map((line) => line.split(/=(.*)/s).slice(0, 2).map((part) => part.replace(/^'|'$/g, '')) as [string, string]));
  });
  after(async () => {
    await emulator?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('plan, refuse over --max-changes, apply in batches, re-plan empty, apply again changes nothing, roll back', async () => {
    const email = ['--email', 'soc@contoso.com'];
    const plan = await ward('remediate', ...CONTROL, ...email, '--format', 'json', ...db);
    assert.equal(plan.code, 1, plan.stderr);
    assert.equal(JSON.parse(plan.stdout).actions.length, 8);
    assert.ok(JSON.parse(plan.stdout).actions[0].url.startsWith(emulator.url));

    const capped = await ward('remediate', ...CONTROL, ...email, '--apply', '--yes', '--max-changes', '3', ...db);
    assert.equal(capped.code, 2);
    assert.match(capped.stderr, /the plan makes 8 changes on 6 subscription\(s\), more than --max-changes 3/);

    const applied = await ward('remediate', ...CONTROL, ...email, '--apply', '--yes', '--batch-size', '2', ...db);
    assert.equal(applied.code, 0, applied.stderr);
    const runId = /Run (\d+): complete/.exec(applied.stdout)?.[1];
    assert.ok(runId, applied.stdout);
    assert.match(applied.stderr, /batch 3\/3/);

    const replan = await ward('remediate', ...CONTROL, ...email, '--format', 'json', ...db);
    assert.equal(replan.code, 0, replan.stderr);
    assert.deepEqual(JSON.parse(replan.stdout).actions, []);
    const noop = await ward('remediate', ...CONTROL, ...email, '--apply', '--yes', ...db);
    assert.equal(noop.code, 0);
    assert.match(noop.stderr, /nothing to change/);

    const rollback = await ward('remediate', 'rollback', runId!, '--yes', ...db);
    assert.equal(rollback.code, 0, rollback.stderr);
    assert.match(rollback.stdout, /8 change\(s\) restored/);
    const restored = await ward('remediate', ...CONTROL, ...email, '--format', 'json', ...db);
    assert.equal(JSON.parse(restored.stdout).actions.length, 8);
  });
});
