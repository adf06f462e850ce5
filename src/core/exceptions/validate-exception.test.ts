import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exceptionProblem, isRealDate, parseMaxDays, type DeclaredException } from './validate-exception.js';

const rules = { now: new Date('2026-03-10T15:00:00Z'), maxDays: 365, knownControls: ['azure-defender-security-contact-email'] };
const good: DeclaredException = {
  controlId: 'azure-defender-security-contact-email',
  assetId: '/subscriptions/00000000-0000-4000-8000-000000000009',
  owner: 'secops@contoso.com',
  expires: '2026-06-30',
  reason: 'sandbox subscription, retired in Q2',
};
const problem = (change: Partial<DeclaredException>) => exceptionProblem({ ...good, ...change }, rules);

test('a well-formed exception has no problem, including scope patterns', () => {
  assert.equal(problem({}), undefined);
  assert.equal(problem({ assetId: '/subscriptions/*' }), undefined);
  assert.equal(problem({ assetId: '/subscriptions/0000*' }), undefined);
  assert.equal(problem({ expires: '2026-03-11' }), undefined);
  assert.equal(problem({ expires: '2027-03-10' }), undefined, 'exactly 365 days out');
});

test('every rule refuses with its field and one clear line', () => {
  const cases: [Partial<DeclaredException>, string, RegExp][] = [
    [{ controlId: undefined }, 'control', /needs the control/],
    [{ controlId: 'no-such-control' }, 'control', /^no control no-such-control$/],
    [{ assetId: '' }, 'asset', /needs the asset/],
    [{ assetId: 'subscriptions/x' }, 'asset', /is not an ARM id/],
    [{ assetId: '/subscriptions/*/x' }, 'asset', /has a \* before its end/],
    [{ owner: undefined }, 'owner', /needs an owner/],
    [{ owner: 'Alice' }, 'owner', /^owner must be an email address, got "Alice"$/],
    [{ owner: 'Alice <alice@contoso.com>' }, 'owner', /owner must be an email address/],
    [{ reason: 'because' }, 'reason', /^reason must be at least 10 characters, got 7$/],
    [{ reason: '          x ' }, 'reason', /at least 10 characters, got 1/],
    [{ expires: undefined }, 'expires', /needs an expiry date/],
    [{ expires: '2026-02-30' }, 'expires', /^expiry "2026-02-30" is not a real date$/],
    [{ expires: '30/06/2026' }, 'expires', /is not a real date/],
    [{ expires: '2026-03-10' }, 'expires', /^expiry 2026-03-10 is not in the future \(today is 2026-03-10, UTC\)$/],
    [{ expires: '2025-12-31' }, 'expires', /not in the future/],
    [{ expires: '2027-03-11' }, 'expires', /^expiry 2027-03-11 is 366 days away; the most allowed is 365$/],
  ];
  for (const [change, field, message] of cases) {
    const found = problem(change);
    assert.ok(found, `expected a problem for ${JSON.stringify(change)}`);
    assert.equal(found.field, field, JSON.stringify(change));
    assert.match(found.message, message);
    assert.ok(!found.message.includes('\n'));
  }
});

test('the limit is configurable', () => {
  assert.match(exceptionProblem({ ...good, expires: '2026-04-10' }, { ...rules, maxDays: 30 })!.message, /31 days away; the most allowed is 30/);
  assert.equal(parseMaxDays(undefined), 365);
  assert.equal(parseMaxDays('90'), 90);
  assert.equal(parseMaxDays('0'), undefined);
  assert.equal(parseMaxDays('ninety'), undefined);
  assert.equal(isRealDate('2028-02-29'), true);
  assert.equal(isRealDate('2027-02-29'), false);
});
