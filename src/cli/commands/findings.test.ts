import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_CONTROLS_DIR } from '../../core/package-paths.js';
import { openStore } from '../../store/open-store.js';
import { SEED_CONTROL_ID, seedControls, subscription, tinyTenant } from '../../scan/test-support/tiny-tenant.js';
import { freshStoreDir, runWard, scanInto } from './test-support/fake-cli-io.js';

const now = () => new Date('2026-03-10T00:00:00Z');

test('findings, scans and diff before any scan explain what is missing (exit 2)', async () => {
  const db = await freshStoreDir();
  const ward = (argv: string[]) => runWard([...argv, '--db', db], { cwd: db, now });
  const findings = await ward(['findings']);
  assert.equal(findings.code, 2);
  assert.match(findings.stderr, /^ward: no complete scan yet\n  hint: run ward scan first/);
  assert.equal((await ward(['scans', '--format', 'table'])).stdout, 'no scans yet (run ward scan)\n');
  assert.equal((await ward(['scans'])).stdout, '[]\n', 'off a terminal: JSON');
  const diff = await ward(['diff']);
  assert.equal(diff.code, 2);
  assert.match(diff.stderr, /^ward: a diff needs two complete scans; the store has 0\n/);
});

test('findings over three scans: current state with first seen and last change; scans and diff; exit codes', async () => {
  const db = await freshStoreDir();
  await scanInto(
    db,
    [
      { inventory: tinyTenant({ a: 'fail', b: 'fail', c: 'pass' }), at: '2026-03-01T00:00:00Z' },
      { inventory: tinyTenant({ a: 'pass', b: 'fail', c: 'pass', d: 'fail' }), at: '2026-03-02T00:00:00Z' },
      { inventory: tinyTenant({ a: 'pass', b: 'error', c: 'pass', d: 'fail', e: 'skipped' }), at: '2026-03-03T00:00:00Z' },
    ],
    seedControls(),
  );
  // a scan that died midway: the next command that opens the store marks it interrupted, and `findings` still reads the last complete one
  const store = await openStore({ location: db });
  await store.query("INSERT INTO scans (started_at, status, source) VALUES ('2026-03-04T00:00:00Z', 'running', 'killed')");
  await store.close();
  const ward = (argv: string[]) => runWard([...argv, '--db', db], { cwd: db, now });

  const all = await ward(['findings', '--format', 'json']);
  assert.equal(all.code, 1, 'failures and errors exit 1 by default');
  const body = JSON.parse(all.stdout) as { scan: { id: number }; findings: { assetId: string; status: string; history: Record<string, unknown> }[] };
  assert.equal(body.scan.id, 3);
  const of = (key: string) => body.findings.find((f) => f.assetId === subscription(key))!;
  assert.deepEqual(of('b').history, { firstSeen: '2026-03-01T00:00:00.000Z', lastSeen: '2026-03-03T00:00:00.000Z', lastChanged: '2026-03-03T00:00:00.000Z', changes: 1 });
  assert.deepEqual(of('d').history, { firstSeen: '2026-03-02T00:00:00.000Z', lastSeen: '2026-03-03T00:00:00.000Z', lastChanged: '2026-03-02T00:00:00.000Z', changes: 0 });

  const failing = await ward(['findings', '--status', 'fail', '--control', SEED_CONTROL_ID, '--format', 'json']);
  assert.deepEqual((JSON.parse(failing.stdout) as typeof body).findings.map((f) => f.assetId), [subscription('d')]);
  const errorsOnly = await ward(['findings', '--status', 'fail', '--fail-on', 'error', '--format', 'json']);
  assert.equal(errorsOnly.code, 0, '--fail-on error ignores failures');
  const passing = await ward(['findings', '--status', 'pass', '--format', 'csv']);
  assert.equal(passing.code, 0);
  assert.match(passing.stdout, /^controlId,checkId,assetId,/);
  assert.equal((await ward(['findings', '--status', 'broken'])).code, 2);
  const unknown = await ward(['findings', '--control', 'nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^ward: no control nope\n/);
  const table = await ward(['findings', '--format', 'table']);
  // the table may print the date alone (readable) or the whole timestamp
  assert.match(table.stdout, /first seen 2026-03-01(?:T00:00:00\.000Z)?, last change 2026-03-03(?:T00:00:00\.000Z)?/);

  const scans = JSON.parse((await ward(['scans', '--format', 'json'])).stdout) as { id: number; status: string; summary: { byStatus: Record<string, number> } | null }[];
  assert.deepEqual(scans.map((s) => [s.id, s.status]), [[1, 'complete'], [2, 'complete'], [3, 'complete'], [4, 'interrupted']]);
  assert.deepEqual(scans[2]!.summary!.byStatus, { pass: 2, fail: 1, error: 1, excepted: 0, skipped: 1 });
  assert.match((await ward(['scans', '--format', 'table'])).stdout, /^SCAN\s+STATUS\s+FINISHED/);

  const diff = await ward(['diff', '--format', 'json']);
  assert.equal(diff.code, 0);
  const drift = JSON.parse(diff.stdout) as { from: number; to: number; new: unknown[]; resolved: unknown[]; changed: Record<string, unknown>[]; unchanged: number };
  assert.deepEqual(Object.keys(drift), ['from', 'to', 'new', 'resolved', 'changed', 'unchanged', 'outOfScope']);
  assert.equal(drift.from, 2);
  assert.equal(drift.to, 3);
  assert.deepEqual(drift.new, []);
  assert.deepEqual(drift.resolved, []);
  assert.deepEqual(drift.changed.map((e) => [e.controlId, e.assetId, e.status, e.before, e.after]), [[SEED_CONTROL_ID, subscription('b'), 'error', 'fail', 'error']]);
  assert.equal(drift.unchanged, 4);

  const first = JSON.parse((await ward(['diff', '--from', '1', '--to', '2', '--format', 'json'])).stdout) as typeof drift;
  assert.deepEqual(first.resolved.map((e) => (e as { assetId: string; status: string }).status + ' ' + (e as { assetId: string }).assetId), [`pass ${subscription('a')}`]);
  assert.deepEqual(first.new.map((e) => (e as { assetId: string }).assetId), [subscription('d')]);
  const gate = await ward(['diff', '--from', '1', '--to', '2', '--fail-on-new', '--format', 'table']);
  assert.equal(gate.code, 1);
  assert.match(gate.stdout, /NEW \(1\)\n.*absent -> fail  sub d/);
  const notComplete = await ward(['diff', '--from', '4']);
  assert.equal(notComplete.code, 2);
  assert.match(notComplete.stderr, /^ward: scan 4 is interrupted: only complete scans can be compared/);
});

test('findings --trend: the report trend covers that many complete scans; a bad count is a usage error', async () => {
  const db = await freshStoreDir();
  await scanInto(
    db,
    [1, 2, 3, 4].map((day) => ({ inventory: tinyTenant({ a: day % 2 === 0 ? 'pass' : 'fail', b: 'pass' }), at: `2026-03-0${day}T00:00:00Z` })),
    seedControls(),
  );
  const ward = (argv: string[]) => runWard([...argv, '--db', db], { cwd: db, now });
  // the HTML report's chart names the scans it draws
  const trendOf = async (argv: string[]) => /per full scan, scans (#\d+ to #\d+)/.exec((await ward(['findings', '--format', 'html', ...argv])).stdout)?.[1];
  assert.equal(await trendOf([]), '#1 to #4');
  assert.equal(await trendOf(['--trend', '2']), '#3 to #4');
  for (const bad of ['0', '3651', '1.5', 'all']) {
    const refused = await ward(['findings', '--trend', bad]);
    assert.equal(refused.code, 2, bad);
    assert.match(refused.stderr, /^ward: --trend takes a number of scans from 1 to 3650/);
  }
});

test('findings runs no check: a control whose query no longer compiles still shows its findings, except in the formats that show the checks', async () => {
  const db = await freshStoreDir();
  await scanInto(db, [{ inventory: tinyTenant({ a: 'fail', b: 'pass' }), at: '2026-03-01T00:00:00Z' }], seedControls());
  const controls = join(db, 'controls');
  cpSync(join(BUILTIN_CONTROLS_DIR, 'azure', 'defender', SEED_CONTROL_ID), join(controls, SEED_CONTROL_ID), { recursive: true });
  const check = join(controls, SEED_CONTROL_ID, 'check.graphql');
  writeFileSync(check, `${readFileSync(check, 'utf8')}\n{ unclosed`);
  const ward = (argv: string[]) => runWard([...argv, '--db', db, '--controls', controls], { cwd: db, now });

  const json = await ward(['findings', '--format', 'json']);
  assert.equal(json.code, 1, json.stderr);
  const body = JSON.parse(json.stdout) as { controls: { id: string }[]; findings: { status: string }[] };
  assert.deepEqual(body.controls.map((c) => c.id), [SEED_CONTROL_ID]);
  assert.deepEqual(body.findings.map((f) => f.status).sort(), ['fail', 'pass']);
  // sarif shows each check's page (its asset type and reasons): the checks are compiled, and the broken one is refused
  const sarif = await ward(['findings', '--format', 'sarif']);
  assert.equal(sarif.code, 2);
  assert.match(sarif.stderr, /^ward: .*check\.graphql:\d+:\d+: Syntax Error[^]*hint: the check is not valid GraphQL/);
  // --control narrows the described controls; an unknown id is one line and exit 2
  const narrowed = await ward(['findings', '--format', 'json', '--control', SEED_CONTROL_ID]);
  assert.equal(narrowed.code, 1, narrowed.stderr);
  const unknown = await ward(['findings', '--format', 'json', '--control', 'no-such-control']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^ward: no control no-such-control\n {2}hint: known controls: azure-defender-security-contact-email /);
  // control.yaml itself is validated either way
  writeFileSync(join(controls, SEED_CONTROL_ID, 'control.yaml'), readFileSync(join(controls, SEED_CONTROL_ID, 'control.yaml'), 'utf8').replace(/^severity: .*$/m, 'severity: dire'));
  const invalid = await ward(['findings', '--format', 'json']);
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /^ward: .*control\.yaml.*severity/);
});
