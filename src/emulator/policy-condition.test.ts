import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePolicyCondition, PolicyConditionError, resolveParameterExpression, type ConditionResource } from './policy-condition.js';

const contact = (properties: Record<string, unknown>): ConditionResource => ({
  top: { type: 'Microsoft.Security/securityContacts', name: 'default', tags: { environment: 'prod' } },
  properties,
  aliasPrefix: 'Microsoft.Security/securityContacts/',
});
const alias = (path: string): string => `Microsoft.Security/securityContacts/${path}`;

test('field conditions compare without case; a missing or null field equals nothing and is notEquals anything', () => {
  const resource = contact({ emails: 'SOC@contoso.com', isEnabled: true, phone: null });
  const holds = (condition: unknown, parameters = {}): boolean => evaluatePolicyCondition(condition, resource, parameters);
  assert.equal(holds({ field: alias('emails'), equals: 'soc@CONTOSO.com' }), true);
  assert.equal(holds({ field: alias('isEnabled'), equals: 'true' }), true);
  assert.equal(holds({ field: alias('missing'), equals: '' }), false);
  assert.equal(holds({ field: alias('missing'), notEquals: '' }), true);
  assert.equal(holds({ field: alias('phone'), exists: 'false' }), true, 'null does not exist');
  assert.equal(holds({ field: alias('emails'), like: '*@contoso.com' }), true);
  assert.equal(holds({ field: alias('emails'), in: "[parameters('allowed')]" }, { allowed: ['soc@contoso.com'] }), true);
  assert.equal(holds({ not: { field: 'type', equals: 'Microsoft.Security/securityContacts' } }), false);
  assert.equal(holds({ field: "tags['environment']", equals: 'prod' }), true);
  assert.equal(holds({ anyOf: [{ value: "[parameters('level')]", in: ['High'] }, { field: alias('emails'), contains: 'nope' }] }, { level: 'High' }), true);
});

test('count walks a [*] alias; a polymorphic segment exists only on items of that sourceType', () => {
  const resource = contact({
    notificationsSources: [
      { sourceType: 'Alert', minimalSeverity: 'Low' },
      { sourceType: 'AttackPath', minimalRiskLevel: 'Critical' },
    ],
  });
  const count = (where: unknown): unknown => ({ count: { field: alias('notificationsSources[*]'), where }, greater: 0 });
  assert.equal(evaluatePolicyCondition(count({ field: alias('notificationsSources[*].Alert.minimalSeverity'), equals: 'Low' }), resource, {}), true);
  assert.equal(evaluatePolicyCondition(count({ field: alias('notificationsSources[*].AttackPath.minimalSeverity'), equals: 'Low' }), resource, {}), false);
  assert.equal(evaluatePolicyCondition({ count: { field: alias('notificationsSources[*]') }, equals: 2 }, resource, {}), true);
});

test('what the emulator cannot evaluate is refused, never guessed', () => {
  assert.throws(() => resolveParameterExpression("[concat('a', 'b')]", {}), PolicyConditionError);
  assert.throws(() => resolveParameterExpression("[parameters('x')]", {}), /has no value/);
  assert.equal(resolveParameterExpression('[[literal]', {}), '[literal]');
  assert.throws(() => evaluatePolicyCondition({ field: alias('emails'), matchesRegex: '.*' }, contact({ emails: 'a' }), {}), PolicyConditionError);
  assert.throws(() => evaluatePolicyCondition({ field: 'Microsoft.Compute/virtualMachines/sku', equals: 'x' }, contact({}), {}), /not an alias/);
});
