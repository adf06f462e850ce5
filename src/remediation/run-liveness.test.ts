import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deadRunReason, HEARTBEAT_STALE_MS, localLivenessProbe, type LivenessProbe } from './run-liveness.js';

const started = new Date('2026-01-10T09:00:00Z');
const at = (ms: number) => () => new Date(started.getTime() + ms);
const probe: LivenessProbe = { self: { pid: 100, host: 'here' }, processExists: (pid) => pid === 200, now: at(1000), exclusiveStore: false };
const run = (owner: { pid: number; host: string } | null, heartbeatAt: Date | null = started) => ({ status: 'running' as const, owner, heartbeatAt, startedAt: started });

test('a running run is dead when its process is gone from this host, its heartbeat is stale, or the embedded store is ours', () => {
  assert.equal(deadRunReason(run({ pid: 200, host: 'here' }), probe), null, 'its process is alive');
  assert.equal(deadRunReason(run({ pid: 300, host: 'here' }), probe), 'process 300 on here ended without finishing it');
  assert.equal(deadRunReason(run({ pid: 300, host: 'elsewhere' }), probe), null, 'another host with a fresh heartbeat');
  assert.match(deadRunReason(run({ pid: 300, host: 'elsewhere' }), { ...probe, now: at(HEARTBEAT_STALE_MS + 1) }) ?? '', /process 300 on elsewhere has not renewed its heartbeat since 2026-01-10T09:00:00.000Z/);
  assert.match(deadRunReason(run({ pid: 200, host: 'here' }), { ...probe, now: at(HEARTBEAT_STALE_MS + 1) }) ?? '', /heartbeat/, 'a pid given to another process since');
  assert.equal(deadRunReason(run({ pid: 100, host: 'here' }, null), { ...probe, exclusiveStore: true, now: at(HEARTBEAT_STALE_MS + 1) }), null, 'this process');
  assert.equal(deadRunReason(run({ pid: 200, host: 'here' }), { ...probe, exclusiveStore: true }), 'process 200 on here ended without finishing it');
  assert.match(deadRunReason(run(null, null), { ...probe, now: at(HEARTBEAT_STALE_MS + 1) }) ?? '', /its process \(not recorded\) has not renewed/);
  assert.equal(deadRunReason({ ...run({ pid: 300, host: 'here' }), status: 'complete' }, probe), null, 'only running runs');
});

test('the local probe knows this process', () => {
  const local = localLivenessProbe({ exclusiveStore: false });
  assert.equal(local.self.pid, process.pid);
  assert.equal(local.processExists(process.pid), true);
});
