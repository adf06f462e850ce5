import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readCaptureDir } from '../../connectors/azure/read-capture-dir.js';
import { normaliseCapture } from '../inventory/normalise-capture.js';
import { validateContactBody } from '../../emulator/contact-schemas.js';
import { BUILTIN_CONTROLS_DIR } from '../package-paths.js';
import { loadControls } from '../../scan/load-controls.js';
import { isWardError } from '../errors.js';
import { evaluateControlInMemory } from './evaluate-control-in-memory.js';
import { planRemediation, type PlannedAction } from './plan-remediation.js';
import { simulateActions } from './simulate-actions.js';
import { planToJson, renderPlanText } from './render-plan.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const control = loadControls(BUILTIN_CONTROLS_DIR).find((c) => c.id === 'azure-defender-security-contact-email')!;
const mixed = normaliseCapture(readCaptureDir(join(here, 'fixtures/mixed-tenant')));
const matrixDir = join(BUILTIN_CONTROLS_DIR, 'azure/defender/azure-defender-security-contact-email/fixtures/verdict-matrix');
const matrix = normaliseCapture(readCaptureDir(matrixDir));
const ARM = 'https://management.azure.com';
const sub = (n: number): string => `/subscriptions/00000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`;

function plan(addresses: string[] = ['soc@contoso.com'], extra: { deleteLegacy?: boolean } = {}) {
  return planRemediation({ control, inventory: mixed, addresses, armEndpoint: ARM, ...extra });
}
const actionsOf = (p: ReturnType<typeof plan>, n: number): PlannedAction[] => p.actions.filter((a) => a.assetId === sub(n));
const body = (action: PlannedAction | undefined) => (action?.body as { properties: Record<string, unknown> }).properties;

test('in-memory evaluation agrees with every expected verdict of the control fixture', () => {
  const expected = {
    ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((n) => [`/subscriptions/00000000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`, 'pass'])),
  };
  const findings = evaluateControlInMemory(control, matrix);
  for (const [asset, status] of Object.entries(expected)) assert.equal(findings.find((f) => f.assetId === asset)?.status, status, asset);
  assert.deepEqual(
    findings.filter((f) => f.status === 'fail').map((f) => f.assetId.slice(-2)),
    ['09', '10', '11', '12', '13', '14', '15', '16', '21', '22', '23', '24', '25'],
  );
});

test('plans only failing subscriptions; pass, error and skipped ones are listed as skipped with the reason', () => {
  const p = plan();
  assert.deepEqual(p.subscriptions.map((s) => s.assetId), [1, 2, 3, 4, 8, 9].map(sub));
  const skipped = Object.fromEntries(p.skipped.map((s) => [s.assetId, s.status]));
  assert.deepEqual(skipped, { [sub(5)]: 'pass', [sub(6)]: 'error', [sub(7)]: 'skipped' });
  assert.match(p.skipped.find((s) => s.status === 'error')!.reason, /never writes what it could not read/);
  assert.deepEqual(p.unresolved, []);
  for (const s of p.subscriptions) assert.equal(s.verifiedStatus, 'pass', s.name ?? '');
});

test('every planned subscription of the control fixture passes once simulated', () => {
  const p = planRemediation({ control, inventory: matrix, addresses: ['soc@contoso.com'], armEndpoint: ARM });
  assert.equal(p.subscriptions.length, 13);
  assert.deepEqual(p.unresolved, []);
  const after = evaluateControlInMemory(control, simulateActions(matrix, p.actions));
  assert.deepEqual(after.filter((f) => f.status === 'fail'), []);
  const again = planRemediation({ control, inventory: simulateActions(matrix, p.actions), addresses: ['soc@contoso.com'], armEndpoint: ARM });
  assert.deepEqual(again.actions, [], 'a second plan on the fixed inventory is empty');
});

test('main request: PUT default in 2023-12-01-preview to the exact URL, body valid against the 2023 schema', () => {
  const p = plan(['soc@contoso.com,cert@contoso.com']);
  for (const action of p.actions.filter((a) => a.apiVersion === '2023-12-01-preview')) {
    assert.equal(action.method, 'PUT');
    assert.equal(action.url, `${ARM}/subscriptions/${action.subscriptionId}/providers/Microsoft.Security/securityContacts/default?api-version=2023-12-01-preview`);
    assert.equal(validateContactBody('2023-12-01-preview', action.body), null);
    assert.equal(body(action).isEnabled, true);
  }
});

test('2017 multi-contact: addresses of every contact kept, 2017 flags carried to the 2023 form, empty legacy contact fixed in 2017', () => {
  const [main, legacy] = actionsOf(plan(['soc@contoso.com', 'owner@contoso.com']), 1);
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

test('2020 bare array: phone, roles and alert severity carried over', () => {
  const [main, ...rest] = actionsOf(plan(), 2);
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

test('2023: notification sources (attack path included) and roles kept verbatim, isEnabled turned on', () => {
  const [main] = actionsOf(plan(), 3);
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

test('nothing configured: ward defaults (owners notified, High alerts)', () => {
  const [main] = actionsOf(plan(), 4);
  assert.deepEqual(body(main), {
    emails: 'soc@contoso.com',
    isEnabled: true,
    notificationsByRole: { state: 'On', roles: ['Owner'] },
    notificationsSources: [{ sourceType: 'Alert', minimalSeverity: 'High' }],
  });
});

test('2023 default with alerts off plus legacy addresses: addresses deduplicated case-insensitively, alerts-off kept and noted', () => {
  const p = plan(['soc@CONTOSO.com', 'new@contoso.com']);
  const [main, ...rest] = actionsOf(p, 9);
  assert.deepEqual(rest, []);
  assert.equal(body(main).emails, 'team@contoso.com;SOC@contoso.com;new@contoso.com');
  assert.deepEqual(body(main).notificationsSources, []);
  assert.match(p.subscriptions.find((s) => s.assetId === sub(9))!.notes.join('\n'), /alert notifications are off/);
});

test('--delete-legacy deletes the empty legacy contact instead, in its own api-version', () => {
  const actions = actionsOf(plan(['soc@contoso.com'], { deleteLegacy: true }), 8);
  assert.deepEqual(actions.map((a) => `${a.method} ${a.contactName} ${a.apiVersion}`), ['PUT default 2023-12-01-preview', 'DELETE default1 2017-08-01-preview']);
  assert.equal(actions[1]!.body, null);
});

test('an invalid address stops the plan with one clear error', () => {
  for (const bad of [['soc@contoso.com,not-an-address'], ['Soc <soc@contoso.com>'], [' ; ']]) {
    assert.throws(() => plan(bad), (error: unknown) => isWardError(error) && error.code === 'REMEDIATION_INVALID' && !error.message.includes('\n'));
  }
});

test('text and JSON renderings carry the URL, the diff and the skipped subscriptions', () => {
  const p = plan();
  const text = renderPlanText(p);
  assert.match(text, /PUT https:\/\/management\.azure\.com\/subscriptions\/00000000-0000-4000-8000-000000000102\/providers\/Microsoft\.Security\/securityContacts\/default\?api-version=2023-12-01-preview/);
  assert.match(text, /~ emails: "" → "soc@contoso.com"/);
  assert.match(text, /- alertNotifications\.state: "On"/);
  assert.match(text, /dry run/);
  const json = planToJson(p) as { actions: Record<string, unknown>[]; skipped: unknown[] };
  assert.deepEqual(Object.keys(json.actions[0]!).slice(0, 8), ['assetId', 'contactName', 'method', 'url', 'body', 'apiVersion', 'before', 'reason']);
  assert.equal(json.skipped.length, 3);
});

test('malformed existing addresses are dropped from the merged body, with a note, so that a re-scan passes', () => {
  const p = planRemediation({ control, inventory: matrix, addresses: ['soc@contoso.com'], armEndpoint: ARM });
  const subscription = p.subscriptions.find((s) => s.name === 'fail: one valid and one malformed address')!;
  const put = subscription.actions.find((a) => a.method === 'PUT')!;
  assert.equal((put.body as { properties: { emails: string } }).properties.emails, 'soc@contoso.com');
  assert.ok(subscription.notes.some((note) => /cert@/.test(note) && /dropped/.test(note)), subscription.notes.join('\n'));
  assert.equal(subscription.verifiedStatus, 'pass');
});
