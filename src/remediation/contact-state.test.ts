import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeDifference, sameContact, standingOf } from './contact-state.js';

const contact = (properties: Record<string, unknown>) => ({ id: '/subscriptions/s/providers/Microsoft.Security/securityContacts/default', name: 'default', properties });

test('the same contact: nulls and empty lists read as absent, addresses and roles as sets, the envelope ignored', () => {
  assert.ok(sameContact(contact({ emails: 'A@x.com;b@x.com', phone: null, notificationsSources: [] }), { properties: { emails: 'b@x.com, a@x.com' } }));
  assert.ok(sameContact(contact({ notificationsByRole: { state: 'On', roles: ['Owner', 'Contributor'] } }), { properties: { notificationsByRole: { roles: ['Contributor', 'Owner'], state: 'On' } } }));
  assert.ok(sameContact(contact({ email: '' }), { properties: {} }));
  assert.ok(!sameContact(contact({ emails: 'a@x.com' }), { properties: { emails: 'a@x.com;hand@x.com' } }));
  assert.ok(!sameContact(contact({ emails: 'a@x.com', phone: '1' }), { properties: { emails: 'a@x.com', phone: '2' } }));
  assert.ok(!sameContact('absent', { properties: {} }));
  assert.ok(sameContact('absent', 'absent'));
});

test('standing: at the before-state wins over as-left; the answer Azure gave counts as what the change left', () => {
  const change = { method: 'PUT' as const, requestBody: { properties: { emails: 'soc@x.com' } }, afterBody: null, beforeExists: true, beforeBody: contact({ emails: '' }) };
  assert.equal(standingOf(change, contact({ emails: '' })), 'at-before');
  assert.equal(standingOf(change, contact({ emails: 'SOC@x.com' })), 'as-left');
  assert.equal(standingOf(change, contact({ emails: 'soc@x.com;hand@x.com' })), 'changed');
  assert.equal(standingOf({ ...change, afterBody: contact({ emails: 'soc@x.com', isEnabled: true }) }, contact({ emails: 'soc@x.com', isEnabled: true })), 'as-left');
  const created = { method: 'PUT' as const, requestBody: { properties: { emails: 'soc@x.com' } }, afterBody: null, beforeExists: false, beforeBody: null };
  assert.equal(standingOf(created, 'absent'), 'at-before');
  const deleted = { method: 'DELETE' as const, requestBody: null, afterBody: null, beforeExists: true, beforeBody: contact({ email: '' }) };
  assert.equal(standingOf(deleted, 'absent'), 'as-left');
  assert.equal(standingOf(deleted, contact({ email: 'hand@x.com' })), 'changed');
});

test('the difference in a few words', () => {
  assert.equal(describeDifference({ properties: { emails: 'soc@x.com' } }, contact({ emails: 'soc@x.com;hand@x.com' })), 'now holds hand@x.com');
  assert.equal(describeDifference({ properties: { emails: 'soc@x.com;old@x.com', phone: '1' } }, contact({ emails: 'soc@x.com', phone: '2' })), 'no longer holds old@x.com; phone changed');
  assert.equal(describeDifference({ properties: { emails: 'soc@x.com' } }, 'absent'), 'it has been deleted');
  assert.equal(describeDifference('absent', contact({ email: 'hand@x.com' })), 'it exists and holds hand@x.com');
});
