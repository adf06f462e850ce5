import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExceptionRecord, Finding } from '../model.js';
import { applyExceptions, assetPatternMatches, exceptionIsActive, withoutException } from './apply-exceptions.js';

const CONTROL = 'azure-defender-security-contact-email';
const finding = (assetId: string, status: Finding['status'], reason = 'no additional email address'): Finding => ({
  controlId: CONTROL,
  checkId: `${CONTROL}/check`,
  assetId,
  assetName: null,
  status,
  reason,
  severity: 'low',
});
const exception = (id: string, assetId: string, expires: string, controlId = CONTROL): ExceptionRecord => ({
  id,
  controlId,
  assetId,
  owner: 'secops@contoso.com',
  reason: 'sandbox subscription, retired in Q1',
  expires,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'alice',
});

test('an exception is valid through its whole expiry day (UTC) and lapses at the next midnight', () => {
  const e = { expires: '2026-03-31' };
  assert.equal(exceptionIsActive(e, new Date('2026-03-31T23:59:59.999Z')), true);
  assert.equal(exceptionIsActive(e, new Date('2026-04-01T00:00:00.000Z')), false);
});

test('asset patterns: exact ids and * prefixes, case-insensitive', () => {
  assert.equal(assetPatternMatches('/subscriptions/ABC', '/subscriptions/abc'), true);
  assert.equal(assetPatternMatches('/subscriptions/abc', '/subscriptions/abcd'), false);
  assert.equal(assetPatternMatches('/subscriptions/*', '/subscriptions/abcd'), true);
  assert.equal(assetPatternMatches('/subscriptions/0000*', '/subscriptions/00001111'), true);
  assert.equal(assetPatternMatches('/subscriptions/0000*', '/subscriptions/10000'), false);
});

test('a valid exception turns a failure into excepted and keeps the original status, reason, owner and expiry', () => {
  const [result] = applyExceptions([finding('/subscriptions/a', 'fail')], [exception('EX-1', '/subscriptions/a', '2026-06-30')], new Date('2026-02-01T00:00:00Z'));
  assert.equal(result!.status, 'excepted');
  assert.equal(result!.originalStatus, 'fail');
  assert.equal(result!.originalReason, 'no additional email address');
  assert.deepEqual(result!.exception, { id: 'EX-1', owner: 'secops@contoso.com', reason: 'sandbox subscription, retired in Q1', expires: '2026-06-30' });
  assert.match(result!.reason, /excepted until 2026-06-30 \(EX-1, owner secops@contoso\.com\)/);
});

test('with an injected clock, an exception that expires turns the finding back into a failure that says so', () => {
  const findings = [finding('/subscriptions/a', 'fail')];
  const exceptions = [exception('EX-1', '/subscriptions/a', '2026-06-30')];
  const before = applyExceptions(findings, exceptions, new Date('2026-06-30T12:00:00Z'));
  assert.equal(before[0]!.status, 'excepted');
  // re-applying to already excepted findings with a later clock is the `ward findings` path
  const after = applyExceptions(before, exceptions, new Date('2026-07-01T00:00:00Z'));
  assert.equal(after[0]!.status, 'fail');
  assert.equal(after[0]!.exception, undefined);
  assert.deepEqual(after[0]!.expiredException, { id: 'EX-1', owner: 'secops@contoso.com', reason: 'sandbox subscription, retired in Q1', expires: '2026-06-30' });
  assert.match(after[0]!.reason, /exception EX-1 expired on 2026-06-30/);
});

test('exceptions never cover errors, passes or skipped findings, nor other controls', () => {
  const findings = [finding('/subscriptions/e', 'error'), finding('/subscriptions/p', 'pass'), finding('/subscriptions/s', 'skipped')];
  const result = applyExceptions(findings, [exception('EX-1', '/subscriptions/*', '2026-06-30')], new Date('2026-02-01T00:00:00Z'));
  assert.deepEqual(result.map((f) => f.status), ['error', 'pass', 'skipped']);
  assert.ok(result.every((f) => f.exception === undefined && f.originalStatus === undefined));
  const other = applyExceptions([finding('/subscriptions/a', 'fail')], [exception('EX-1', '/subscriptions/a', '2026-06-30', 'another-control')], new Date('2026-02-01T00:00:00Z'));
  assert.equal(other[0]!.status, 'fail');
});

test('the most specific valid exception wins; a valid scope exception covers one whose own exception expired', () => {
  const now = new Date('2026-02-01T00:00:00Z');
  const result = applyExceptions(
    [finding('/subscriptions/0000a', 'fail'), finding('/subscriptions/0000b', 'fail')],
    [exception('EX-1', '/subscriptions/0000*', '2026-05-01'), exception('EX-2', '/subscriptions/0000a', '2026-04-01'), exception('EX-3', '/subscriptions/0000b', '2026-01-01')],
    now,
  );
  assert.equal(result[0]!.exception!.id, 'EX-2');
  assert.equal(result[1]!.exception!.id, 'EX-1');
});

test('withoutException restores the check verdict, and no exceptions strips stale exception state', () => {
  const excepted = applyExceptions([finding('/subscriptions/a', 'fail')], [exception('EX-1', '/subscriptions/a', '2026-06-30')], new Date('2026-02-01T00:00:00Z'));
  assert.deepEqual(withoutException(excepted[0]!), finding('/subscriptions/a', 'fail'));
  assert.deepEqual(applyExceptions(excepted, [], new Date('2026-02-01T00:00:00Z')), [finding('/subscriptions/a', 'fail')]);
});
