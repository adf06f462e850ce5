/** Test support: a report with every status, an active and an expired exception, history and hostile tenant text. */
import { BUILTIN_CONTROLS_DIR } from '../../core/package-paths.js';
import { formatFailureReason } from '../../core/engine/failure-reason.js';
import type { Finding } from '../../core/model.js';
import { loadControls } from '../../scan/load-controls.js';
import type { ScanReport } from '../scan-report.js';

export const HOSTILE_NAME = '<script>alert("x")</script> & =cmd|"/c calc"!A1, prod';
const CONTROL = 'azure-defender-security-contact-email';
const f = (key: string, status: Finding['status'], extra: Partial<Finding> = {}): Finding => ({
  controlId: CONTROL,
  checkId: `${CONTROL}/check`,
  assetId: `/subscriptions/00000000-0000-4000-8000-0000000000${key}`,
  assetName: `sub ${key}`,
  status,
  reason: `reason for ${key}`,
  severity: 'low',
  ...extra,
});
const exception = { id: 'EX-1', owner: 'secops@contoso.com', reason: 'sandbox, retired in Q2', expires: '2026-06-30' };

export function sampleReport(): ScanReport {
  return {
    tool: { name: 'ward', version: '0.1.0' },
    scan: { id: 7, source: 'offline:/captures/<tenant>', startedAt: '2026-03-10T09:00:00.000Z', finishedAt: '2026-03-10T09:00:05.000Z' },
    // the findings below are the seed control's; reports over the whole family are tested with a real scan
    controls: loadControls(BUILTIN_CONTROLS_DIR, BUILTIN_CONTROLS_DIR).filter((control) => control.id === 'azure-defender-security-contact-email'),
    findings: [
      f('01', 'pass', { history: { firstSeen: '2026-03-01T00:00:00.000Z', lastSeen: '2026-03-10T09:00:05.000Z', lastChanged: '2026-03-01T00:00:00.000Z', changes: 0 } }),
      f('02', 'fail', { assetName: HOSTILE_NAME, history: { firstSeen: '2026-03-01T08:30:00.000Z', lastSeen: '2026-03-10T09:00:05.000Z', lastChanged: '2026-03-01T08:30:00.000Z', changes: 0 }, reason: formatFailureReason(['the address is empty <b>bold</b>\nsecond line'], ['check: {securityContacts_SOME: {email: ""}}']) }),
      f('03', 'error', { reason: 'could not read the data: AuthorizationFailed' }),
      f('04', 'excepted', { originalStatus: 'fail', originalReason: 'no address', exception, reason: 'excepted until 2026-06-30 (EX-1, owner secops@contoso.com): sandbox, retired in Q2. Check result: no address' }),
      f('05', 'fail', { originalStatus: 'fail', originalReason: 'no address', expiredException: { ...exception, id: 'EX-2', expires: '2026-03-01' }, reason: 'no address (exception EX-2 expired on 2026-03-01: counted as a failure again)' }),
      f('06', 'skipped', { reason: 'subscription is Disabled: not evaluated' }),
    ],
    asOf: '2026-03-10T12:00:00.000Z',
    trend: [
      { scanId: 4, finishedAt: '2026-03-01T00:00:00.000Z', counts: { pass: 1, fail: 4, error: 1, excepted: 0, skipped: 0 } },
      { scanId: 5, finishedAt: '2026-03-05T00:00:00.000Z', counts: { pass: 1, fail: 3, error: 1, excepted: 1, skipped: 0 } },
      // narrowed to one subscription (scan --subscription): left out of the trend
      { scanId: 6, finishedAt: '2026-03-07T14:20:00.000Z', counts: { pass: 1, fail: 0, error: 0, excepted: 0, skipped: 0 }, narrowed: true },
      { scanId: 7, finishedAt: '2026-03-10T09:00:05.000Z', counts: { pass: 1, fail: 2, error: 1, excepted: 1, skipped: 1 } },
    ],
    assets: [
      { id: '/subscriptions/00000000-0000-4000-8000-000000000002', name: HOSTILE_NAME, tags: { Environment: 'prod', owner: '<b>team-web</b>@contoso.com', costCenter: '42' } },
      { id: '/subscriptions/00000000-0000-4000-8000-000000000005', name: 'sub 05', tags: { environment: 'dev' } },
    ],
    exceptions: [
      { ...exception, controlId: CONTROL, assetId: '/subscriptions/00000000-0000-4000-8000-000000000004', createdAt: '2026-03-01T00:00:00.000Z', createdBy: 'alice' },
      { ...exception, id: 'EX-2', expires: '2026-03-01', controlId: CONTROL, assetId: '/subscriptions/0000*', reason: '<img src=x onerror=alert(1)> scope', createdAt: '2026-02-01T00:00:00.000Z', createdBy: 'bob' },
    ],
  };
}
