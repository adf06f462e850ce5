/**
 * Schedules: the minute tick starts the schedules due at that minute, once however often the tick runs, and
 * nothing at a minute that does not match; a schedule whose scan cannot start never keeps the others from starting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addSchedule } from '../store/schedule-repository.js';
import { listScans } from '../store/scan-repository.js';
import { startEmulator } from '../emulator/start-emulator.js';
import { scheduleTickJob } from './schedule-tick.js';
import { NOW, addConnectors, emulatorConnector, teamStore } from './test-support/team-fixture.js';

test('a schedule due at a tick queues one scan, however often that tick runs; other minutes queue nothing', async (t) => {
  const team = await teamStore(t);
  if (!team) return;
  const emulator = await startEmulator({ synthetic: 3 });
  t.after(() => emulator.close());
  await addConnectors(team.store, [emulatorConnector('a', emulator), emulatorConnector('b', emulator)]);
  await addSchedule(team.store, { id: 'daily', cron: '0 6 * * *', connectors: ['a'], createdAt: NOW().toISOString(), createdBy: 'test' });
  await addSchedule(team.store, { id: 'weekdays', cron: '*/15 * * * 1-5', connectors: null, createdAt: NOW().toISOString(), createdBy: 'test' });
  const runtime = { store: team.store, now: NOW };
  const tick = (iso: string) => scheduleTickJob(runtime, { _cron: { ts: iso } });

  await tick('2026-12-01T05:59:00.000Z'); // a Tuesday: neither is due
  assert.equal((await listScans(team.store)).length, 0);
  await tick('2026-12-01T06:00:00.000Z'); // both are due
  await tick('2026-12-01T06:00:00.000Z'); // the same tick again (a retry)
  const scans = await listScans(team.store);
  assert.deepEqual(scans.map((s) => [s.status, s.source]).sort(), [
    ['queued', 'schedule:daily:a'],
    ['queued', 'schedule:weekdays:a,b'],
  ]);
  await tick('2026-12-05T06:00:00.000Z'); // a Saturday: only the daily one; its earlier scan is still queued, so it is followed, not doubled
  assert.equal((await listScans(team.store)).length, 2);
});

test('a schedule whose connector is gone is skipped with a line in the log; the next schedule still starts', async (t) => {
  const team = await teamStore(t);
  if (!team) return;
  const emulator = await startEmulator({ synthetic: 2 });
  t.after(() => emulator.close());
  await addConnectors(team.store, [emulatorConnector('kept', emulator)]);
  await team.store.query("INSERT INTO schedules (id, cron, connectors, created_at, created_by) VALUES ('broken', '* * * * *', '{gone}', now(), 'test')");
  await addSchedule(team.store, { id: 'fine', cron: '* * * * *', connectors: ['kept'], createdAt: NOW().toISOString(), createdBy: 'test' });
  const lines: string[] = [];
  await scheduleTickJob({ store: team.store, now: NOW, log: (line) => void lines.push(line) }, { _cron: { ts: '2026-12-01T06:01:00.000Z' } });
  assert.deepEqual((await listScans(team.store)).map((s) => s.source), ['schedule:fine:kept']);
  assert.match(lines.join('\n'), /schedule broken could not start a scan: no connector "gone"/);
});
