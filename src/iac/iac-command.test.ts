import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import type { CliIo } from '../cli/cli-context.js';
import { main } from '../cli/main.js';
import { FIXTURES } from './test-support/scan-fixtures.js';

/** `ward iac` end to end through the CLI entry, with captured output. */
async function ward(args: readonly string[], env: Record<string, string | undefined> = { PATH: path.join(FIXTURES, 'arm') }, tty = false) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text), isTTY: tty },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from([]),
    env,
    cwd: FIXTURES,
    now: () => new Date('2025-01-01T00:00:00Z'),
  };
  const code = await main(['iac', ...args], io);
  return { code, stdout, stderr };
}

describe('ward iac', () => {
  const scratch = mkdtemp(path.join(tmpdir(), 'ward-iac-cli-'));
  after(async () => rm(await scratch, { recursive: true, force: true }));

  it('exits 0 when every contact passes every shipped control, and prints a table without colour off a terminal', async () => {
    const run = await ward(['arm/comments.json', 'terraform/locals/main.tf', '--fail-on', 'none']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^STATUS/);
    const clean = await ward(['azapi/passing']);
    assert.equal(clean.code, 0, clean.stdout);
    assert.doesNotMatch(clean.stdout, /\u001b\[/);
    assert.match(clean.stdout, /^PASS +azapi\/passing\/main\.tf:9 +azapi_resource\.contact +azure-defender-security-contact-email /m);
  });

  it('colours on a terminal unless NO_COLOR is set', async () => {
    assert.match((await ward(['arm/comments.json'], {}, true)).stdout, /\u001b\[32m/);
    assert.doesNotMatch((await ward(['arm/comments.json'], { NO_COLOR: '1' }, true)).stdout, /\u001b\[/);
  });

  it('exits 1 on a failure and writes the documented JSON: a finding per (resource, shipped control)', async () => {
    const run = await ward(['arm/contacts-2020.json', '--format', 'json']);
    assert.equal(run.code, 1);
    const document = JSON.parse(run.stdout) as { controls: Array<{ id: string }>; findings: Array<Record<string, unknown>>; summary: Record<string, number> };
    const email = document.findings.find((finding) => finding.controlId === 'azure-defender-security-contact-email');
    const { message, ...rest } = email ?? {};
    assert.deepEqual(rest, {
      file: 'arm/contacts-2020.json',
      line: 10,
      column: 9,
      resource: "Microsoft.Security/securityContacts 'default'",
      resourceLine: 6,
      controlId: 'azure-defender-security-contact-email',
      status: 'fail',
      severity: 'low',
    });
    assert.match(String(message), /^`properties\.emails` is empty: no security contact address is set \(check: a security contact's address is empty; a security contact has no usable address\)$/, 'the IaC reason, then why the check failed, in plain words');
    assert.deepEqual(document.findings.map((finding) => finding.controlId), document.controls.map((control) => control.id));
    assert.equal(document.summary.resources, 1);
    assert.equal(document.summary.findings, document.controls.length);
    assert.ok((document.summary.fail ?? 0) >= 1);
  });

  it('treats unknown as a failure only with --fail-on unknown', async () => {
    assert.equal((await ward(['azapi/unknown-body'])).code, 0);
    assert.equal((await ward(['azapi/unknown-body', '--fail-on', 'unknown'])).code, 1);
    assert.equal((await ward(['arm/contacts-2020.json', '--fail-on', 'none'])).code, 0);
  });

  it('applies --var-file and --parameters', async () => {
    const vars = await ward(['terraform/variables', '--var-file', 'terraform/variables/env/prod.tfvars', '--format', 'json']);
    assert.match(vars.stdout, /prod-secops@contoso\.com/);
    const params = await ward(['arm/parameters.json', '--parameters', 'arm/parameters.parameters.json', '--format', 'json']);
    assert.equal(params.code, 1);
    assert.match(params.stdout, /team@contoso\.com/);
  });

  it('exits 2 on a syntax error even with failures elsewhere, after reporting every other file', async () => {
    const run = await ward(['terraform/syntax-error', 'arm/contacts-2020.json']);
    assert.equal(run.code, 2);
    assert.match(run.stdout, /ERROR terraform\/syntax-error\/broken\.tf:3:10: Terraform syntax error/);
    assert.match(run.stdout, /PASS +terraform\/syntax-error\/good\.tf:3/);
    assert.match(run.stdout, /FAIL +arm\/contacts-2020\.json:10/);
    assert.equal((await ward(['terraform/syntax-error', '--fail-on', 'none'])).code, 2);
  });

  it('writes --output files, inferring the format from the extension, and echoes the table', async () => {
    const file = path.join(await scratch, 'ward.sarif');
    const run = await ward(['arm/contacts-2020.json', '--output', file]);
    assert.equal(run.code, 1);
    assert.equal((JSON.parse(await readFile(file, 'utf8')) as { version: string }).version, '2.1.0');
    assert.match(run.stdout, /FAIL/);
    const junit = path.join(await scratch, 'ward.xml');
    await ward(['arm/contacts-2020.json', '--output', junit]);
    assert.match(await readFile(junit, 'utf8'), /<testsuites/);
  });

  it('compiles Bicep with a compiler on PATH, and fails in one line with a hint without one', async () => {
    const compiled = await ward(['bicep', '--format', 'json'], { PATH: `${path.join(FIXTURES, 'bicep', 'bin')}` });
    assert.equal(compiled.code, 1);
    assert.match(compiled.stdout, /"file": "bicep\/main\.bicep",\s+"line": 10/);
    const missing = await ward(['bicep'], { PATH: path.join(FIXTURES, 'arm') });
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr.split('\n')[0], 'ward: found .bicep files but no Bicep compiler (`bicep` or `az`) on PATH');
    assert.match(missing.stderr, /hint: install the Bicep CLI/);
    assert.equal(missing.stdout, '');
  });

  it('exits 2 for a path or --var-file that does not exist', async () => {
    const run = await ward(['no/such/dir']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^ward: no such file or directory: no\/such\/dir/);
    assert.equal((await ward(['arm/comments.json', '--var-file', 'nope.tfvars'])).code, 2);
  });

  it('walks folders honouring .gitignore and skipping .terraform, node_modules and .git', async () => {
    const root = path.join(await scratch, 'repo');
    const contact = 'resource "azurerm_security_center_contact" "c" {\n  email = ""\n}\n';
    for (const folder of ['.terraform/modules/x', 'node_modules/pkg', 'ignored', 'kept', 'kept/generated']) await mkdir(path.join(root, folder), { recursive: true });
    for (const file of ['.terraform/modules/x/main.tf', 'node_modules/pkg/main.tf', 'ignored/main.tf', 'kept/main.tf', 'kept/generated/main.tf', 'kept/scratch.tf']) {
      await writeFile(path.join(root, file), contact);
    }
    await writeFile(path.join(root, '.gitignore'), 'ignored/\n*.tf\n!kept/*.tf\n');
    await writeFile(path.join(root, 'kept', '.gitignore'), 'scratch.tf\n');
    const { walkIacFiles } = await import('./walk-iac-files.js');
    const files = (await walkIacFiles(['.'], root)).map((file) => path.relative(root, file));
    assert.deepEqual(files, ['kept/main.tf']);
  });
});
