/**
 * Control parameters as a user sets them: ward.yaml in the current directory, --config FILE, --param. Values
 * change verdicts as documented, reports and `ward controls show` state the values in force, and a bad value
 * stops the command in one line (exit 2) before anything is scanned or stored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from './main.js';
import type { CliIo } from './cli-context.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const ALERTS = 'azure-defender-security-contact-alert-severity';
const fixture = join(repo, `controls/azure/defender/${ALERTS}/fixtures/minimal-severity-medium`);
const work = mkdtempSync(join(tmpdir(), 'ward-params-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

async function run(argv: string[], cwd = work): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (out += text), isTTY: false },
    stderr: { write: (text: string) => (err += text), isTTY: false },
    stdin: Readable.from(['']),
    env: { WARD_DB: join(cwd, 'db') },
    cwd,
    now: () => new Date('2026-11-24T12:00:00Z'),
  };
  const code = await main(argv, io);
  return { code, out, err };
}

type Report = { findings: { assetId: string; status: string }[]; controls?: { id: string; parameterValues?: Record<string, unknown> }[] };
const status = (out: string, suffix: string): string | undefined => (JSON.parse(out) as Report).findings.find((f) => f.assetId.endsWith(suffix))?.status;

test('--param and ward.yaml change a verdict; --param wins over the file', async () => {
  // 231: a 2020 contact emailing High alerts: passes at the default (High), fails at Medium
  const scan = ['scan', '--offline', fixture, '--control', ALERTS, '--format', 'json'];
  assert.equal(status((await run(scan)).out, '000000000231'), 'pass');
  assert.equal(status((await run([...scan, '--param', `${ALERTS}.minimalSeverity=Medium`])).out, '000000000231'), 'fail');
  const dir = mkdtempSync(join(work, 'cfg-'));
  writeFileSync(join(dir, 'ward.yaml'), `controls:\n  ${ALERTS}:\n    parameters:\n      minimalSeverity: Medium\n`);
  assert.equal(status((await run(scan, dir)).out, '000000000231'), 'fail', 'ward.yaml in the current directory is read');
  assert.equal(status((await run([...scan, '--param', `${ALERTS}.minimalSeverity=High`], dir)).out, '000000000231'), 'pass');
  const shown = await run(['controls', 'show', ALERTS], dir);
  assert.match(shown.out, /\| minimalSeverity \| String \| Medium \| High \| Low, Medium, High \|/);
  const listed = await run(['controls', 'list', '--format', 'json', '--config', join(dir, 'ward.yaml')]);
  const entry = (JSON.parse(listed.out) as { id: string; parameters: Record<string, unknown> }[]).find((c) => c.id === ALERTS);
  assert.deepEqual(entry?.parameters, { minimalSeverity: 'Medium' });
});

test('bad parameter values stop the command in one line, exit 2, and nothing is stored', async () => {
  const dir = mkdtempSync(join(work, 'bad-'));
  const cases: [string[], RegExp][] = [
    [['--param', `${ALERTS}.minimalSeverity=Severe`], /^ward: --param: azure-defender-security-contact-alert-severity\.minimalSeverity: "Severe" is not allowed \(allowed: "Low", "Medium", "High"\)/],
    [['--param', `${ALERTS}.threshold=High`], /has no parameter threshold[\s\S]*hint: its parameters: minimalSeverity/],
    [['--param', 'azure-defender-nope.minimalSeverity=High'], /no control azure-defender-nope/],
    [['--param', 'minimalSeverity=High'], /is not <control-id>\.<name>=<value>/],
    [['--config', 'missing.yaml'], /cannot read missing\.yaml: ENOENT/],
  ];
  for (const [flags, message] of cases) {
    const result = await run(['scan', '--offline', fixture, '--format', 'json', ...flags], dir);
    assert.equal(result.code, 2, flags.join(' '));
    assert.match(result.err, message);
    assert.equal(result.err.trim().split('\n').length <= 2, true, `one line and a hint: ${result.err}`);
  }
  writeFileSync(join(dir, 'ward.yaml'), `controls:\n  ${ALERTS}:\n    parameters:\n      minimalSeverity: 3\n`);
  const typed = await run(['scan', '--offline', fixture, '--format', 'json'], dir);
  assert.equal(typed.code, 2);
  assert.match(typed.err, /^ward: ward\.yaml:4:\d+ \(controls\.azure-defender-security-contact-alert-severity\.parameters\.minimalSeverity\): azure-defender-security-contact-alert-severity\.minimalSeverity: expected a String, got 3/);
  writeFileSync(join(dir, 'ward.yaml'), `controls:\n  ${ALERTS}:\n    parameter:\n      minimalSeverity: High\n`);
  const typo = await run(['scan', '--offline', fixture, '--format', 'json'], dir);
  assert.equal(typo.code, 2);
  assert.match(typo.err, /^ward: ward\.yaml:\d+:\d+ \(controls\.azure-defender-security-contact-alert-severity\.parameter\): unknown setting controls\.azure-defender-security-contact-alert-severity\.parameter/);
  assert.equal(existsSync(join(dir, 'db')), false, 'nothing was stored');
});

test('an empty capture is refused: exit 2, one line, and the store is not even created', async () => {
  const dir = mkdtempSync(join(work, 'empty-'));
  const capture = join(dir, 'capture');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(capture);
  writeFileSync(join(capture, 'subscriptions.json'), '{"value": []}');
  const refused = await run(['scan', '--offline', capture, '--format', 'json'], dir);
  assert.equal(refused.code, 2);
  assert.match(refused.err, /^ward: the scan found no subscriptions in offline:.*nothing stored was changed\n  hint: an empty tenant is not a pass/);
  assert.equal(existsSync(join(dir, 'db')), false);
  const allowed = await run(['scan', '--offline', capture, '--format', 'json', '--allow-empty'], dir);
  assert.equal(allowed.code, 0);
});

test('controls validate warns about filters the dialect drops', async () => {
  const dir = mkdtempSync(join(work, 'warn-'));
  const { cpSync, readFileSync } = await import('node:fs');
  const control = join(dir, 'azure-defender-security-contact-email');
  cpSync(join(repo, 'controls/azure/defender/azure-defender-security-contact-email'), control, { recursive: true });
  writeFileSync(join(control, 'valid-address.graphql'), readFileSync(join(control, 'valid-address.graphql'), 'utf8').replace('{ securityContacts_SOME: { emails: [] } }', '{ securityContacts_SOME: {} }\n        { NOT: {} }'));
  // the check's reasons name its alternatives: give the two new ones theirs
  const yamlFile = join(control, 'control.yaml');
  writeFileSync(
    yamlFile,
    readFileSync(yamlFile, 'utf8').replace(
      '      - match: "{ securityContacts_SOME: { emails: [] } }"\n        reason: a security contact has no usable address\n',
      '      - match: "{ securityContacts_SOME: {} }"\n        reason: an empty filter\n      - match: "{ NOT: {} }"\n        reason: another empty filter\n',
    ),
  );
  const result = await run(['controls', 'validate', dir], dir);
  assert.equal(result.code, 0);
  assert.match(result.out, /ok: 1 control\(s\), 2 check\(s\) valid \(3 warnings\)/);
  assert.match(result.err, /warning: .*valid-address\.graphql:\d+:\d+: securityContacts_SOME: \{\} adds no condition/);
  assert.match(result.err, /warning: .*valid-address\.graphql:\d+:\d+: NOT: \{\} adds no condition/);
  assert.match(result.err, /warning: .*valid-address\.graphql:\d+:\d+: OR: \[\{\}, …\]: the empty alternative is dropped/);
});
