/**
 * What ward iac reads: a symbolic link to a folder is followed once (a loop is not followed again), and a file
 * that is not plain text (binary, a FIFO, a device) is an error row that makes the run exit 2, never a silent
 * pass or a hang. The other files' results are kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { CliIo } from '../cli/cli-context.js';
import { main } from '../cli/main.js';
import { walkIacFiles } from './walk-iac-files.js';

const FAILING_TF = 'resource "azurerm_security_center_contact" "main" {\n  email = ""\n}\n';

async function iac(cwd: string, args: readonly string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: () => true },
    stdin: Readable.from([]),
    env: {},
    cwd,
    now: () => new Date('2025-01-01T00:00:00Z'),
  };
  return { code: await main(['iac', ...args, '--format', 'json', '--control', 'azure-defender-security-contact-email'], io), stdout };
}

test('a symlinked folder is scanned once, loops are not followed again', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ward-iac-links-'));
  try {
    mkdirSync(path.join(dir, 'real', 'inner'), { recursive: true });
    writeFileSync(path.join(dir, 'real', 'inner', 'main.tf'), FAILING_TF);
    mkdirSync(path.join(dir, 'repo'));
    symlinkSync(path.join(dir, 'real'), path.join(dir, 'repo', 'modules'));
    symlinkSync(path.join(dir, 'repo'), path.join(dir, 'real', 'inner', 'loop'));
    const files = await walkIacFiles(['repo'], dir);
    assert.deepEqual(files.map((file) => path.relative(dir, file)), [path.join('repo', 'modules', 'inner', 'main.tf')]);
    const run = await iac(dir, ['repo']);
    assert.equal(run.code, 1, 'the failing contact behind the link is found');
    assert.equal((JSON.parse(run.stdout) as { findings: unknown[] }).findings.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a binary x.tf, a FIFO, a device and a template nested 2,000 deep are error rows (exit 2); the other files are still judged', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ward-iac-odd-'));
  try {
    mkdirSync(path.join(dir, 'good'));
    writeFileSync(path.join(dir, 'good', 'main.tf'), FAILING_TF);
    mkdirSync(path.join(dir, 'binary'));
    writeFileSync(path.join(dir, 'binary', 'x.tf'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1]));
    mkdirSync(path.join(dir, 'fifo'));
    execFileSync('mkfifo', [path.join(dir, 'fifo', 'main.tf')]);
    mkdirSync(path.join(dir, 'device'));
    symlinkSync('/dev/zero', path.join(dir, 'device', 'main.tf'));
    mkdirSync(path.join(dir, 'deep'));
    writeFileSync(path.join(dir, 'deep', 'template.json'), `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [${'['.repeat(2000)}${']'.repeat(2000)}]}`);
    const run = await iac(dir, ['.']);
    assert.equal(run.code, 2);
    const report = JSON.parse(run.stdout) as { findings: { file: string }[]; errors: { file: string; message: string }[] };
    const errors = Object.fromEntries(report.errors.map((error) => [error.file, error.message]));
    assert.match(errors['binary/x.tf']!, /not a text file/);
    assert.match(errors['fifo/main.tf']!, /not a regular file/);
    assert.match(errors['device/main.tf']!, /not a regular file/);
    assert.match(errors['deep/template.json']!, /nested 2,002 levels deep \(limit 128\)/);
    assert.deepEqual(report.findings.map((finding) => finding.file), ['good/main.tf']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
