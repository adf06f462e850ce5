/**
 * What every ward command shares: quiet on a closed pipe, options named in their errors, one option vocabulary
 * (`-o, --output`, `--format` with choices, the same default format off a terminal), a line on stderr for a file
 * written, and the exit codes in every `--help`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '@commander-js/extra-typings';
import { startEmulator } from '../emulator/start-emulator.js';
import { freshStoreDir, fakeCliIo, runWard } from './commands/test-support/fake-cli-io.js';
import { buildProgram } from './main.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const RUN_CLI = join(REPO, 'src/cli/test-support/run-cli.ts');
const SAMPLE = join(REPO, 'samples/contoso-tenant');
const NOW = (): Date => new Date('2026-11-24T12:00:00Z');

/** Every command of the tree with its path (`remediate rollback`). */
function everyCommand(): { path: string[]; command: Command }[] {
  const program = buildProgram({ io: fakeCliIo({ cwd: REPO, now: NOW }), exitCode: 0 });
  const found: { path: string[]; command: Command }[] = [];
  const walk = (command: Command, path: string[]): void => {
    for (const child of command.commands as readonly Command[]) {
      found.push({ path: [...path, child.name()], command: child });
      walk(child, [...path, child.name()]);
    }
  };
  walk(program, []);
  return found;
}

/** Runs ward in a process of its own whose stdout reader has gone away before ward writes. */
function runWithClosedStdout(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--', RUN_CLI, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}

test('an early-closed pipe (ward --help | head -1): no EPIPE stack, the exit code of the command', async () => {
  for (const args of [['--help'], ['controls', 'show', 'azure-defender-security-contact-email', '--format', 'json']]) {
    const { code, stderr } = await runWithClosedStdout(args);
    assert.equal(stderr, '', `${args.join(' ')}: nothing on stderr`);
    assert.equal(code, 0, args.join(' '));
  }
});

test('a bad choice names its own option: --fail-on bogus is about --fail-on, not --format', async () => {
  for (const command of ['scan', 'findings']) {
    const run = await runWard([command, '--fail-on', 'bogus'], { cwd: REPO, now: NOW });
    assert.equal(run.code, 2, command);
    assert.match(run.stderr, /--fail-on/, command);
    assert.doesNotMatch(run.stderr, /--format/, command);
    assert.match(run.stderr, /fail, error, none/, command);
  }
  const status = await runWard(['findings', '--status', 'bogus'], { cwd: REPO, now: NOW });
  assert.equal(status.code, 2);
  assert.match(status.stderr, /unknown --status bogus/);
});

test('one vocabulary: every --output is -o, --output; --format always lists its choices; no visible --out', () => {
  for (const { path, command } of everyCommand()) {
    for (const option of command.options) {
      if (option.long === '--output') assert.equal(option.short, '-o', `ward ${path.join(' ')} --output`);
      if (option.long === '--format') assert.ok(option.argChoices && option.argChoices.length > 0, `ward ${path.join(' ')} --format has choices`);
      if (option.long === '--out') assert.equal(option.hidden, true, `ward ${path.join(' ')} --out is only a hidden alias`);
    }
  }
});

test('every command\'s --help ends with its exit codes', async () => {
  for (const { path } of everyCommand()) {
    const run = await runWard([...path, '--help'], { cwd: REPO, now: NOW });
    assert.equal(run.code, 0, path.join(' '));
    assert.match(run.stdout, /\nExit codes:\s+0 /, `ward ${path.join(' ')} --help`);
    assert.match(run.stdout, /\b2 /, `ward ${path.join(' ')} --help names exit 2`);
  }
});

test('off a terminal scan, scans, findings and diff print JSON by default; -o FILE writes the file and says so on stderr', async () => {
  const db = await freshStoreDir();
  const dir = mkdtempSync(join(tmpdir(), 'ward-conventions-'));
  try {
    const env = { WARD_DB: db };
    for (let i = 0; i < 2; i++) {
      const scan = await runWard(['scan', '--offline', SAMPLE], { cwd: dir, now: NOW, env });
      assert.equal(scan.code, 1, scan.stderr);
      assert.ok(Array.isArray(JSON.parse(scan.stdout).findings), 'scan: JSON');
    }
    for (const command of ['scans', 'findings', 'diff']) {
      const run = await runWard([command], { cwd: dir, now: NOW, env });
      assert.doesNotThrow(() => JSON.parse(run.stdout), `${command} prints JSON off a terminal: ${run.stdout.slice(0, 80)}`);
    }
    for (const [args, file] of [
      [['scan', '--offline', SAMPLE, '-o', 'report.html', '--format', 'html'], 'report.html'],
      [['findings', '--output', 'findings.json', '--format', 'json'], 'findings.json'],
      [['scans', '-o', 'scans.txt'], 'scans.txt'],
      [['controls', 'show', 'azure-defender-security-contact-email', '-o', 'control.txt'], 'control.txt'],
    ] as const) {
      const run = await runWard([...args], { cwd: dir, now: NOW, env });
      assert.ok(run.code === 0 || run.code === 1, `${args.join(' ')}: ${run.stderr}`);
      assert.equal(run.stdout, '', `${args.join(' ')}: the report went to the file`);
      assert.match(run.stderr, new RegExp(`^ward: wrote ${file.replace('.', '\\.')} \\(\\d+ bytes\\)\\n$`, 'm'), args.join(' '));
      assert.ok(readFileSync(join(dir, file), 'utf8').length > 0);
    }
  } finally {
    rmSync(db, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('collect and policy plan take -o, --output; the old --out still works but is not shown', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-conventions-out-'));
  try {
    const missing = await runWard(['collect'], { cwd: dir, now: NOW });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /-o, --output DIR/);
    for (const command of [['collect'], ['policy', 'plan']]) {
      const help = await runWard([...command, '--help'], { cwd: dir, now: NOW });
      assert.match(help.stdout, /-o, --output <dir>/, command.join(' '));
      assert.doesNotMatch(help.stdout, /--out\b/, command.join(' '));
    }
    const policy = ['policy', 'plan', '--scope', 'contoso-root', '--email', 'soc@contoso.com', '--format', 'json'];
    for (const [flag, out] of [['-o', 'new'], ['--out', 'old']] as const) {
      const run = await runWard([...policy, flag, out], { cwd: dir, now: NOW });
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotThrow(() => JSON.parse(run.stdout), 'the JSON summary stays parseable');
      assert.match(run.stderr, new RegExp(`^ward: wrote .* to ${out}\\n$`));
      assert.ok(readdirSync(join(dir, out)).length > 0, flag);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a --management-group ARM does not know: the hint is about the id and permissions, not the network', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-conventions-mg-'));
  const emulator = await startEmulator({ captureDir: SAMPLE, caFile: join(dir, 'ca.pem') });
  try {
    const run = await runWard(['collect', '-o', 'capture', '--management-group', 'no-such-group'], { cwd: dir, now: NOW, env: emulator.environment });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /managementGroups\/no-such-group/);
    assert.match(run.stderr, /hint: .*the group's id, not its display name.*may read it/);
    assert.doesNotMatch(run.stderr, /network/);
    assert.equal(existsSync(join(dir, 'capture')), false, 'nothing was written');
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
