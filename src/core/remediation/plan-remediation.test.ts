import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { readCaptureDir } from '../../connectors/azure/read-capture-dir.js';
import { normaliseCapture } from '../inventory/normalise-capture.js';
import { validateContactBody } from '../../emulator/contact-schemas.js';
import { BUILTIN_CONTROLS_DIR } from '../package-paths.js';
import { loadControls } from '../../scan/load-controls.js';
import { evaluateInventory } from '../../scan/evaluate-inventory.js';
import { planVerifiedRemediation, type VerifiedPlanInput } from '../../remediation/plan-verified-remediation.js';
import { openEphemeralStore } from '../../store/open-ephemeral-store.js';
import type { Store } from '../../store/sql-client.js';
import { applyParameterOverrides } from '../control/control-parameters.js';
import { isWardError } from '../errors.js';
import type { Control, ExceptionRecord, Inventory } from '../model.js';
import { planRemediation, type PlannedAction, type RemediationPlan } from './plan-remediation.js';
import { REMEDIATION_PLANNERS } from './remediation-planners.js';
import { simulateActions } from './simulate-actions.js';
import { planToJson, renderPlanText } from './render-plan.js';
import { evaluateControlInMemory } from './test-support/evaluate-control-in-memory.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const all = loadControls(BUILTIN_CONTROLS_DIR);
const byId = (id: string): Control => all.find((c) => c.id === id)!;
const EMAIL = 'azure-defender-security-contact-email';
const OWNERS = 'azure-defender-security-contact-notify-owners';
const SEVERITY = 'azure-defender-security-contact-alert-severity';
const ATTACK = 'azure-defender-security-contact-attack-path';
const FOUR = [EMAIL, OWNERS, SEVERITY, ATTACK].map(byId);
const control = byId(EMAIL);
const mixed = normaliseCapture(readCaptureDir(join(here, 'fixtures/mixed-tenant')));
const failing = normaliseCapture(readCaptureDir(join(here, 'fixtures/failing-every-control')));
const matrixDir = join(BUILTIN_CONTROLS_DIR, 'azure/defender/azure-defender-security-contact-email/fixtures/verdict-matrix');
const matrix = normaliseCapture(readCaptureDir(matrixDir));
const ARM = 'https://management.azure.com';
const NOW = new Date('2026-01-10T09:00:00Z');
const sub = (n: number): string => `/subscriptions/00000000-0000-4000-8000-000000000${n}`;

let engine: Store;
before(async () => {
  engine = await openEphemeralStore();
});
after(async () => engine?.close());

type Extra = Partial<Omit<VerifiedPlanInput, 'inventory'>>;
const planOn = (inventory: Inventory, extra: Extra = {}): Promise<RemediationPlan> =>
  planVerifiedRemediation({ controls: [control], inventory, addresses: ['soc@contoso.com'], armEndpoint: ARM, store: engine, now: NOW, ...extra });
const plan = (addresses: string[] = ['soc@contoso.com'], extra: Extra = {}) => planOn(mixed, { addresses, ...extra });
const actionsOf = (p: RemediationPlan, n: number): PlannedAction[] => p.actions.filter((a) => a.assetId === sub(n));
const body = (action: PlannedAction | undefined) => (action?.body as { properties: Record<string, unknown> }).properties;
const exception = (id: string, controlId: string, assetId: string, expires = '2026-12-31'): ExceptionRecord => ({
  id,
  controlId,
  assetId,
  owner: 'secops@contoso.com',
  reason: 'sandbox, retired in Q2',
  expires,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'alice',
});

test('planning is pure: the same findings give the same plan, and the engine, not the planner, decides who fails', async () => {
  const findings = await evaluateInventory([control], mixed, engine);
  const input = { controls: [control], inventory: mixed, findings, addresses: ['soc@contoso.com'], armEndpoint: ARM };
  assert.deepEqual(planRemediation(input), planRemediation(input));
  // a finding that says pass is believed: the planner never judges the inventory itself
  const flipped = findings.map((f) => (f.assetId === sub(104) ? { ...f, status: 'pass' as const } : f));
  const p = planRemediation({ ...input, findings: flipped });
  assert.equal(p.subscriptions.some((s) => s.assetId === sub(104)), false);
  assert.equal(p.skipped.find((s) => s.assetId === sub(104))?.status, 'pass');
  // no finding at all for a subscription is an error, never a pass
  const missing = planRemediation({ ...input, findings: findings.filter((f) => f.assetId !== sub(102)) });
  assert.equal(missing.skipped.find((s) => s.assetId === sub(102))?.status, 'error');
});

test('plans only failing subscriptions; pass, error and skipped ones are listed as skipped with the reason', async () => {
  const p = await plan();
  assert.deepEqual(p.subscriptions.map((s) => s.assetId), [101, 102, 103, 104, 108, 109].map(sub));
  const skipped = Object.fromEntries(p.skipped.map((s) => [s.assetId, s.status]));
  assert.deepEqual(skipped, { [sub(105)]: 'pass', [sub(106)]: 'error', [sub(107)]: 'skipped' });
  assert.match(p.skipped.find((s) => s.status === 'error')!.reason, /never writes what it could not read/);
  assert.deepEqual(p.unresolved, []);
  for (const s of p.subscriptions) assert.equal(s.verifiedStatus, 'pass', s.name ?? '');
  assert.equal(p.controlId, EMAIL, 'one control: the run records its id as before');
});

test('every planned subscription of the control fixture passes once simulated, by the engine and by the oracle', async () => {
  const p = await planOn(matrix);
  assert.equal(p.subscriptions.length, 13);
  assert.deepEqual(p.unresolved, []);
  const simulated = simulateActions(matrix, p.actions);
  const engineAfter = await evaluateInventory([control], simulated, engine);
  assert.deepEqual(engineAfter.filter((f) => f.status === 'fail'), []);
  // the reference evaluator (a test oracle, never used by production code) agrees with the engine
  const oracle = new Map(evaluateControlInMemory(control, simulated).map((f) => [f.assetId, f.status]));
  for (const finding of engineAfter) assert.equal(oracle.get(finding.assetId), finding.status, finding.assetId);
  const again = await planOn(simulated);
  assert.deepEqual(again.actions, [], 'a second plan on the fixed inventory is empty');
});

test('main request: PUT default in 2023-12-01-preview to the exact URL, body valid against the 2023 schema', async () => {
  const p = await plan(['soc@contoso.com,cert@contoso.com']);
  for (const action of p.actions.filter((a) => a.apiVersion === '2023-12-01-preview')) {
    assert.equal(action.method, 'PUT');
    assert.equal(action.url, `${ARM}/subscriptions/${action.subscriptionId}/providers/Microsoft.Security/securityContacts/default?api-version=2023-12-01-preview`);
    assert.equal(validateContactBody('2023-12-01-preview', action.body), null);
    assert.equal(body(action).isEnabled, true);
  }
});

test('2017 multi-contact: addresses of every contact kept, 2017 flags carried to the 2023 form, empty legacy contact fixed in 2017', async () => {
  const [main, legacy] = actionsOf(await plan(['soc@contoso.com', 'owner@contoso.com']), 101);
  assert.deepEqual(body(main), {
    emails: 'Owner@Contoso.com;soc@contoso.com',
    phone: '(214)275-4038',
    isEnabled: true,
    notificationsByRole: { state: 'On', roles: ['Owner'] },
    notificationsSources: [{ sourceType: 'Alert', minimalSeverity: 'High' }],
  });
  assert.equal(main!.before, 'absent');
  assert.equal(legacy!.method, 'PUT');
  assert.equal(legacy!.apiVersion, '2017-08-01-preview');
  assert.match(legacy!.url, /securityContacts\/default2\?api-version=2017-08-01-preview$/);
  assert.deepEqual(body(legacy), { email: 'soc@contoso.com', alertNotifications: 'Off', alertsToAdmins: 'Off' });
  assert.equal(validateContactBody('2017-08-01-preview', legacy!.body), null);
});

test('2020 bare array: phone, roles and alert severity carried over', async () => {
  const [main, ...rest] = actionsOf(await plan(), 102);
  assert.deepEqual(rest, []);
  assert.deepEqual(body(main), {
    emails: 'soc@contoso.com',
    phone: '+1-555-0100',
    isEnabled: true,
    notificationsByRole: { state: 'On', roles: ['Owner', 'Contributor'] },
    notificationsSources: [{ sourceType: 'Alert', minimalSeverity: 'Medium' }],
  });
  assert.equal((main!.before as { name: string }).name, 'default');
});

test('2023: notification sources (attack path included) and roles kept verbatim, isEnabled turned on', async () => {
  const [main] = actionsOf(await plan(), 103);
  assert.deepEqual(body(main), {
    emails: 'soc@contoso.com',
    isEnabled: true,
    notificationsByRole: { state: 'Off', roles: [] },
    notificationsSources: [
      { sourceType: 'Alert', minimalSeverity: 'Low' },
      { sourceType: 'AttackPath', minimalRiskLevel: 'Critical' },
    ],
  });
});

test('nothing configured: ward defaults (owners notified, High alerts)', async () => {
  const [main] = actionsOf(await plan(), 104);
  assert.deepEqual(body(main), {
    emails: 'soc@contoso.com',
    isEnabled: true,
    notificationsByRole: { state: 'On', roles: ['Owner'] },
    notificationsSources: [{ sourceType: 'Alert', minimalSeverity: 'High' }],
  });
});

test('2023 default with alerts off plus legacy addresses: addresses deduplicated case-insensitively, alerts-off kept and noted', async () => {
  const p = await plan(['soc@CONTOSO.com', 'new@contoso.com']);
  const [main, ...rest] = actionsOf(p, 109);
  assert.deepEqual(rest, []);
  assert.equal(body(main).emails, 'team@contoso.com;SOC@contoso.com;new@contoso.com');
  assert.deepEqual(body(main).notificationsSources, []);
  assert.match(p.subscriptions.find((s) => s.assetId === sub(109))!.notes.join('\n'), /alert notifications are off/);
});

test('--delete-legacy deletes the empty legacy contact instead, in its own api-version', async () => {
  const actions = actionsOf(await plan(['soc@contoso.com'], { deleteLegacy: true }), 108);
  assert.deepEqual(actions.map((a) => `${a.method} ${a.contactName} ${a.apiVersion}`), ['PUT default 2023-12-01-preview', 'DELETE default1 2017-08-01-preview']);
  assert.equal(actions[1]!.body, null);
});

test('an invalid address stops the plan with one clear error', async () => {
  for (const bad of [['soc@contoso.com,not-an-address'], ['Soc <soc@contoso.com>'], [' ; ']]) {
    await assert.rejects(plan(bad), (error: unknown) => isWardError(error) && error.code === 'REMEDIATION_INVALID' && !error.message.includes('\n'));
  }
});

test('text and JSON renderings carry the URL, the diff and the skipped subscriptions', async () => {
  const p = await plan();
  const text = renderPlanText(p);
  assert.match(text, /PUT https:\/\/management\.azure\.com\/subscriptions\/00000000-0000-4000-8000-000000000102\/providers\/Microsoft\.Security\/securityContacts\/default\?api-version=2023-12-01-preview/);
  assert.match(text, /~ emails: "" → "soc@contoso.com"/);
  assert.match(text, /- alertNotifications\.state: "On"/);
  assert.match(text, /dry run/);
  const json = planToJson(p) as { actions: Record<string, unknown>[]; skipped: unknown[]; controlIds: string[] };
  assert.deepEqual(Object.keys(json.actions[0]!).slice(0, 8), ['assetId', 'contactName', 'method', 'url', 'body', 'apiVersion', 'before', 'reason']);
  assert.equal(json.skipped.length, 3);
  assert.deepEqual(json.controlIds, [EMAIL]);
});

test('malformed existing addresses are dropped from the merged body, with a note, so that a re-scan passes', async () => {
  const p = await planOn(matrix);
  const subscription = p.subscriptions.find((s) => s.name === 'fail: one valid and one malformed address')!;
  const put = subscription.actions.find((a) => a.method === 'PUT')!;
  assert.equal((put.body as { properties: { emails: string } }).properties.emails, 'soc@contoso.com');
  assert.ok(subscription.notes.some((note) => /cert@/.test(note) && /dropped/.test(note)), subscription.notes.join('\n'));
  assert.equal(subscription.verifiedStatus, 'pass');
});

// ---- the four controls together ----

test('a tenant failing all four controls: ONE merged PUT of default per subscription, every control passes once simulated', async () => {
  const p = await planOn(failing, { controls: FOUR });
  assert.deepEqual(p.subscriptions.map((s) => s.assetId.slice(-3)), ['201', '202', '203', '204', '205', '208']);
  assert.deepEqual(p.unresolved, []);
  for (const subscription of p.subscriptions) {
    const defaults = subscription.actions.filter((a) => a.contactName === 'default');
    assert.equal(defaults.length, 1, `${subscription.name}: one request for the default contact`);
    assert.equal(defaults[0]!.apiVersion, '2023-12-01-preview');
    assert.equal(validateContactBody('2023-12-01-preview', defaults[0]!.body), null);
    assert.ok(Object.values(subscription.verifiedStatuses).every((status) => status === 'pass' || status === 'excepted' || status === 'fail'));
  }
  const simulated = simulateActions(failing, p.actions);
  const after = await evaluateInventory(FOUR, simulated, engine);
  const planned = new Set(p.subscriptions.map((s) => s.assetId));
  for (const finding of after.filter((f) => planned.has(f.assetId))) assert.equal(finding.status, 'pass', `${finding.assetId} ${finding.controlId}`);
  // the oracle agrees
  for (const c of FOUR) {
    const oracle = new Map(evaluateControlInMemory(c, simulated).map((f) => [f.assetId, f.status]));
    for (const finding of after.filter((f) => f.controlId === c.id)) assert.equal(oracle.get(finding.assetId), finding.status, `${finding.assetId} ${c.id}`);
  }
  // skipped as before: the error and the disabled subscription are not touched, the passing one neither
  assert.deepEqual(Object.fromEntries(p.skipped.map((s) => [s.assetId.slice(-3), s.status])), { '206': 'pass', '207': 'error', '209': 'skipped' });
  assert.equal(p.controlId, FOUR.map((c) => c.id).join(','));
});

test('the merged body: every address and setting kept, Owner added, lower thresholds kept, the missing sources added', async () => {
  const p = await planOn(failing, { controls: FOUR });
  const main = (n: number) => body(actionsOf(p, n).find((a) => a.contactName === 'default'));
  assert.deepEqual(main(203), {
    emails: 'soc@contoso.com',
    phone: '+1-555-0203',
    isEnabled: true,
    notificationsByRole: { state: 'On', roles: ['Contributor', 'Owner'] },
    notificationsSources: [
      { sourceType: 'Alert', minimalSeverity: 'High' },
      { sourceType: 'AttackPath', minimalRiskLevel: 'High' },
    ],
  });
  // Low alerts already mail High ones: kept; Critical-only attack paths miss High ones: lowered to High
  assert.deepEqual(main(204).notificationsSources, [
    { sourceType: 'Alert', minimalSeverity: 'Low' },
    { sourceType: 'AttackPath', minimalRiskLevel: 'High' },
  ]);
  assert.equal(main(204).emails, 'old@contoso.com;soc@contoso.com');
  assert.equal(main(205).emails, 'team@contoso.com;soc@contoso.com', 'the legacy contact\'s address is carried into default');
  assert.match(p.subscriptions.find((s) => s.assetId === sub(205))!.notes.join('\n'), /also mails the roles already listed: Contributor/);
  // the legacy contact without an address gets one, in 2017
  assert.deepEqual(
    actionsOf(p, 202).map((a) => `${a.method} ${a.contactName} ${a.apiVersion}`),
    ['PUT default 2023-12-01-preview', 'PUT default1 2017-08-01-preview'],
  );
});

test('parameters in force set the thresholds: minimalSeverity Medium, minimalRiskLevel Low', async () => {
  const tuned = applyParameterOverrides(FOUR, [
    { controlId: SEVERITY, name: 'minimalSeverity', value: 'Medium', fromText: true, location: {} },
    { controlId: ATTACK, name: 'minimalRiskLevel', value: 'Low', fromText: true, location: {} },
  ]);
  const p = await planOn(failing, { controls: tuned });
  assert.deepEqual(p.unresolved, []);
  const sources = (n: number) => body(actionsOf(p, n).find((a) => a.contactName === 'default')).notificationsSources;
  assert.deepEqual(sources(201), [
    { sourceType: 'Alert', minimalSeverity: 'Medium' },
    { sourceType: 'AttackPath', minimalRiskLevel: 'Low' },
  ]);
  // 208 mails High alerts only: with Medium required it now fails alert-severity too, and gets a Medium threshold
  assert.deepEqual(p.subscriptions.find((s) => s.assetId === sub(208))!.controlIds, [EMAIL, SEVERITY, ATTACK]);
  assert.deepEqual(sources(208), [
    { sourceType: 'Alert', minimalSeverity: 'Medium' },
    { sourceType: 'AttackPath', minimalRiskLevel: 'Low' },
  ]);
});

test('only the selected controls are fixed: notify-owners alone adds Owner and nothing else, and needs no --email', async () => {
  const p = await planOn(failing, { controls: [byId(OWNERS)], addresses: [] });
  assert.deepEqual(p.unresolved, []);
  const main = body(actionsOf(p, 203)[0]);
  assert.equal(main.emails, '', 'no address added: the email control is not selected');
  assert.deepEqual(main.notificationsByRole, { state: 'On', roles: ['Contributor', 'Owner'] });
  assert.deepEqual(actionsOf(p, 202).map((a) => a.contactName), ['default'], 'the empty legacy contact is the email control\'s business');
  assert.equal(p.subscriptions.some((s) => s.assetId === sub(208)), false, '208 notifies its owners already');
});

test('--email is required only where the email control fails and needs an address; a clear error names them', async () => {
  await assert.rejects(planOn(failing, { controls: FOUR, addresses: [] }), (error: unknown) => {
    assert.ok(isWardError(error));
    assert.equal(error.code, 'USAGE');
    assert.match(error.message, /^--email is needed: 4 subscription\(s\) cannot be fixed without an address to add: all four fail: nothing configured/);
    assert.ok(!error.message.includes('\n'));
    return true;
  });
  // a subscription whose contacts hold valid addresses and no empty legacy contact needs none
  const p = await planOn(mixed, { addresses: [], exceptions: [1, 2, 3, 4, 8, 9].filter((n) => n !== 9).map((n) => exception(`x${n}`, EMAIL, sub(100 + n))) });
  assert.deepEqual(p.subscriptions.map((s) => s.assetId), [sub(109)]);
  assert.equal(body(p.actions[0]).emails, 'team@contoso.com;SOC@contoso.com');
  assert.deepEqual(p.unresolved, []);
});

test('the planners registry names shipped controls: the whole security-contact family', () => {
  assert.deepEqual(Object.keys(REMEDIATION_PLANNERS).sort(), [ATTACK, SEVERITY, EMAIL, OWNERS].sort());
  for (const id of Object.keys(REMEDIATION_PLANNERS)) assert.ok(all.some((c) => c.id === id), id);
});

test('a control without a planner is named in a clear error', async () => {
  const unknown = { ...control, id: 'azure-storage-secure-transfer' };
  await assert.rejects(planOn(failing, { controls: [unknown, byId(OWNERS)] }), (error: unknown) =>
    isWardError(error) && error.code === 'REMEDIATION_INVALID' && /no automated remediation for control azure-storage-secure-transfer$/.test(error.message),
  );
});

// ---- exceptions follow the scan's rule exactly ----

test('exceptions: a failing subscription covered by an active exception is excepted, an expired one is planned again', async () => {
  const active = exception('exc-1', EMAIL, sub(104));
  const expired = exception('exc-2', EMAIL, sub(102), '2026-01-09');
  const p = await plan(['soc@contoso.com'], { exceptions: [active, expired] });
  const skipped = p.skipped.find((s) => s.assetId === sub(104))!;
  assert.equal(skipped.status, 'excepted');
  assert.match(skipped.reason, /an exception covers it .*exc-1/);
  assert.ok(p.subscriptions.some((s) => s.assetId === sub(102)), 'expired on 2026-01-09: counted as a failure again');
  // a pattern covers as the scan's does
  const pattern = await plan(['soc@contoso.com'], { exceptions: [exception('exc-3', EMAIL, '/subscriptions/00000000-0000-4000-8000-00000000010*')] });
  assert.deepEqual(pattern.subscriptions, []);
});

test('exceptions never mark a passing subscription excepted, nor cover an error', async () => {
  const p = await plan(['soc@contoso.com'], { exceptions: [exception('exc-pass', EMAIL, sub(105)), exception('exc-error', EMAIL, sub(106))] });
  assert.deepEqual(
    p.skipped.filter((s) => s.assetId === sub(105) || s.assetId === sub(106)).map((s) => [s.assetId.slice(-3), s.status]),
    [
      ['105', 'pass'],
      ['106', 'error'],
    ],
  );
  assert.equal(p.skipped.find((s) => s.assetId === sub(105))!.reason, 'already passes: nothing to change');
  assert.match(p.skipped.find((s) => s.assetId === sub(106))!.reason, /never writes what it could not read/);
});

test('exceptions per control: an excepted control is left as it is while the others are fixed', async () => {
  const p = await planOn(failing, { controls: FOUR, exceptions: [exception('exc-208', EMAIL, sub(208))] });
  const s208 = p.subscriptions.find((s) => s.assetId === sub(208))!;
  assert.deepEqual(s208.controlIds, [ATTACK]);
  assert.equal(s208.statuses[EMAIL], 'excepted');
  assert.equal(body(s208.actions[0]).emails, '', 'the excepted email control is not touched');
  assert.match(s208.notes.join('\n'), /not changed for azure-defender-security-contact-email: an exception covers it \(exc-208/);
  assert.equal(s208.verifiedStatus, 'pass');
  assert.equal(s208.verifiedStatuses[EMAIL], 'excepted');
  // every control of a subscription excepted: not planned, and listed as excepted
  const allExcepted = await planOn(failing, { controls: FOUR, exceptions: FOUR.map((c) => exception(`e-${c.id}`, c.id, sub(201))) });
  assert.equal(allExcepted.skipped.find((s) => s.assetId === sub(201))?.status, 'excepted');
  // a passing subscription with an exception is still "already passes"
  const passing = await planOn(failing, { controls: FOUR, exceptions: [exception('exc-206', OWNERS, sub(206))] });
  assert.deepEqual(passing.skipped.find((s) => s.assetId === sub(206)), {
    assetId: sub(206),
    name: 'passes all four',
    status: 'pass',
    reason: 'already passes: nothing to change',
    statuses: { [SEVERITY]: 'pass', [ATTACK]: 'pass', [EMAIL]: 'pass', [OWNERS]: 'pass' },
  });
});

test('a fix must not break a control that passed: the simulation judges every selected control', async () => {
  const draft = planRemediation({
    controls: FOUR,
    inventory: failing,
    findings: await evaluateInventory(FOUR, failing, engine),
    addresses: ['soc@contoso.com'],
    armEndpoint: ARM,
  });
  // tamper with 208's body so that it stops notifying its owners (it passed notify-owners before)
  const target = draft.subscriptions.find((s) => s.assetId === sub(208))!;
  const put = target.actions[0]!;
  const broken = { ...put, body: { properties: { ...body(put), notificationsByRole: { state: 'Off', roles: [] } } } };
  const { verifyPlan } = await import('./verify-plan.js');
  const tampered = { ...draft, subscriptions: draft.subscriptions.map((s) => (s === target ? { ...s, actions: [broken] } : s)), actions: draft.actions.map((a) => (a === put ? broken : a)) };
  const verified = verifyPlan(tampered, await evaluateInventory(FOUR, simulateActions(failing, tampered.actions), engine));
  const judged = verified.subscriptions.find((s) => s.assetId === sub(208))!;
  assert.equal(judged.verifiedStatus, 'fail');
  assert.match(judged.verification, /azure-defender-security-contact-notify-owners: fail, .*\(it passed before\)/);
  assert.deepEqual(verified.unresolved.map((s) => s.assetId), [sub(208)]);
});

test('one engine: no remediation or policy production file imports the reference evaluator or the in-memory oracle', () => {
  const root = join(here, '../../..');
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? (entry.name === 'test-support' || entry.name === 'fixtures' ? [] : files(join(dir, entry.name))) : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [join(dir, entry.name)] : [],
    );
  const production = [...files(join(root, 'src/core/remediation')), ...files(join(root, 'src/remediation')), ...files(join(root, 'src/policy')), join(root, 'src/cli/commands/remediate.ts')];
  assert.ok(production.length > 20);
  const offenders = production.filter((file) => /reference-evaluator|evaluate-control-in-memory|test-support\//.test(readFileSync(file, 'utf8'))).map((file) => relative(root, file));
  assert.deepEqual(offenders, []);
});
