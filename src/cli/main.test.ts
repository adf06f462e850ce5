import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from './main.js';
import type { CliIo } from './cli-context.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const sample = join(repo, 'samples/contoso-tenant');
const work = mkdtempSync(join(tmpdir(), 'ward-cli-'));
const db = join(work, 'db');
test.after(() => rmSync(work, { recursive: true, force: true }));

async function run(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (out += text), isTTY: false },
    stderr: { write: (text: string) => (err += text), isTTY: false },
    stdin: Readable.from([stdin]),
    env: { WARD_DB: db },
    cwd: work,
    now: () => new Date('2026-11-24T12:00:00Z'),
  };
  const code = await main(argv, io);
  return { code, out, err };
}

test('--help lists the commands and the exit codes', async () => {
  const { code, out } = await run(['--help']);
  assert.equal(code, 0);
  for (const command of ['controls', 'scan', 'query']) assert.match(out, new RegExp(`\\b${command}\\b`));
  assert.match(out, /Exit codes: 0/);
});

test('controls list, show and validate', async () => {
  const list = await run(['controls', 'list']);
  assert.equal(list.code, 0);
  assert.match(list.out, /azure-defender-security-contact-email\s+low\s+CIS 2\.0\.0 2\.1\.19/);
  const show = await run(['controls', 'show', 'azure-defender-security-contact-email']);
  assert.equal(show.code, 0);
  for (const section of ['Overview', 'Rationale', 'Default value', 'References', 'Remediation', 'Additional information', 'Remediation paths', 'Rollout workflow', 'Frameworks', 'Query logic']) {
    assert.match(show.out, new RegExp(`## ${section}`), section);
  }
  assert.match(show.out, /\{ securityContacts_SOME: \{ email: "" \} \}/);
  assert.match(show.out, /expected: `eq \[\]`/);
  const md = await run(['controls', 'show', 'azure-defender-security-contact-email', '--format', 'md']);
  assert.match(md.out, /```graphql/);
  const validate = await run(['controls', 'validate']);
  assert.equal(validate.code, 0);
  assert.match(validate.out, /ok: 4 control\(s\), 5 check\(s\) valid/);
  const unknown = await run(['controls', 'show', 'nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /^ward: no control nope\n  hint: known controls: [a-z-, ]*azure-defender-security-contact-email/);
});

test('controls validate names the file, line and field of a broken control', async () => {
  const dir = join(work, 'controls-bad');
  const control = join(dir, 'azure-defender-security-contact-email');
  cpSync(join(repo, 'controls/azure/defender/azure-defender-security-contact-email'), control, { recursive: true });
  const yamlPath = join(control, 'control.yaml');
  writeFileSync(yamlPath, readFileSync(yamlPath, 'utf8').replace('severity: low', 'severity: urgent'));
  const bad = await run(['controls', 'validate', dir]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^ward: controls-bad\/azure-defender-security-contact-email\/control\.yaml:6:11 \(severity\): field severity must be one of/);
  writeFileSync(yamlPath, readFileSync(yamlPath, 'utf8').replace('severity: urgent', 'severity: low'));
  writeFileSync(join(control, 'check.graphql'), '{ connectors(where: { securityContacts_SOME: { mail: null } }) { ...AssetFragment } }');
  const badQuery = await run(['controls', 'validate', dir]);
  assert.equal(badQuery.code, 2);
  assert.match(badQuery.err, /check\.graphql:1:\d+.*mail/);
  assert.doesNotMatch(badQuery.err, /\n\s+at /, 'no stack trace');
});

test('scan --offline stores findings, prints the JSON contract and exits 1 on failures', async () => {
  const { code, out, err } = await run(['scan', '--offline', sample, '--format', 'json']);
  assert.equal(err, '');
  assert.equal(code, 1);
  const report = JSON.parse(out) as { findings: Record<string, unknown>[]; summary: Record<string, number> };
  assert.deepEqual(Object.keys(report.findings[0]!).slice(0, 6), ['controlId', 'checkId', 'assetId', 'assetName', 'status', 'reason']);
  assert.deepEqual([report.summary.pass, report.summary.fail, report.summary.error, report.summary.skipped], [18, 22, 4, 4]);
  const none = await run(['scan', '--offline', sample, '--format', 'json', '--fail-on', 'none']);
  assert.equal(none.code, 0);
});

test('bad input is one line, exit 2, and leaves stored results as they were', async () => {
  const before = await run(['query', '-'], '{ connectors { id } }');
  assert.equal(before.code, 0);
  const stored = (JSON.parse(before.out) as { data: { connectors: unknown[] } }).data.connectors.length;
  assert.equal(stored, 12);

  const badFormat = await run(['scan', '--offline', sample, '--format', 'xml']);
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.err, /^ward: option '--format <format>' argument 'xml' is invalid\. Allowed choices are table, json, [a-z, ]+\.\n  hint: add --help for the usage\n$/);

  const broken = join(work, 'broken');
  cpSync(sample, broken, { recursive: true });
  writeFileSync(join(broken, 'subscriptions/0a1b2c3d-1111-4a5b-8c9d-000000000003/securityContacts.json'), '{"value": [}');
  const malformed = await run(['scan', '--offline', broken]);
  assert.equal(malformed.code, 2);
  assert.match(malformed.err, /^ward: broken\/subscriptions\/0a1b2c3d-1111-4a5b-8c9d-000000000003\/securityContacts\.json:1:\d+: malformed JSON/);
  assert.equal(malformed.err.trim().split('\n').length, 2, 'one line and its hint');

  const missing = join(work, 'empty-capture');
  mkdirSync(missing);
  const noSubscriptions = await run(['scan', '--offline', missing]);
  assert.equal(noSubscriptions.code, 2);
  assert.match(noSubscriptions.err, /empty-capture\/subscriptions\.json: the capture has no subscriptions\.json/);

  const after = await run(['query', '-'], '{ connectors { id } }');
  assert.equal((JSON.parse(after.out) as { data: { connectors: unknown[] } }).data.connectors.length, stored);
});

test('query prints {"data": ...}, reads stdin, and reports GraphQL errors with a location and exit 2', async () => {
  const ok = await run(['query', '--offline', sample, '-'], '{ connectors(where: { securityContacts_SOME: null }) { name } }');
  assert.equal(ok.code, 0);
  // unreadable and disabled subscriptions hold no contacts in the inventory: a query sees them as such
  // (conservative); `ward scan` reports them as error and skipped, never as fail or pass
  assert.deepEqual(JSON.parse(ok.out), {
    data: { connectors: [{ name: 'contoso-prod-web' }, { name: 'contoso-dev-sandbox' }, { name: 'contoso-partner-shared' }, { name: 'contoso-retired-2019' }] },
  });
  const bad = await run(['query', '-'], '{ connectors(where: { nope: 1 }) { id } }');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^ward: <stdin>:1:\d+: .*nope/);
  const missingFile = await run(['query', 'missing.graphql']);
  assert.equal(missingFile.code, 2);
  assert.match(missingFile.err, /cannot read the query missing\.graphql/);
});
