/**
 * Is the process that applies a run still there? A run records its owner (pid on host) and a heartbeat it renews
 * while it works. A `running` run is dead when:
 * - the store is the embedded one and the run is not this process's: PGlite is locked to one process, so whoever
 *   opened it is the only ward that can be applying anything;
 * - its process no longer exists on this host;
 * - or its heartbeat is older than HEARTBEAT_STALE_MS (a run on another host, or a pid the system gave to another
 *   process since). A run recorded without an owner counts its start as its heartbeat.
 * The decision is pure; `localLivenessProbe` is the I/O (hostname, process table, clock).
 */
import { hostname } from 'node:os';
import type { RemediationRun, RunOwner } from './remediation-repository.js';

/** How often a run renews its heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 10_000;
/** A heartbeat older than this is a dead run's (several missed beats; allows for clocks a little apart). */
export const HEARTBEAT_STALE_MS = 120_000;

export interface LivenessProbe {
  /** This process. */
  readonly self: RunOwner;
  /** Whether a process with this pid exists on this host. */
  readonly processExists: (pid: number) => boolean;
  readonly now: () => Date;
  /** The store admits one process at a time (embedded PGlite): every run but this process's own is dead. */
  readonly exclusiveStore: boolean;
}

/** Why a `running` run is dead, or null while its process may still be applying it. */
export function deadRunReason(run: Pick<RemediationRun, 'status' | 'owner' | 'heartbeatAt' | 'startedAt'>, probe: LivenessProbe): string | null {
  if (run.status !== 'running') return null;
  const owner = run.owner;
  const own = owner !== null && owner.pid === probe.self.pid && owner.host === probe.self.host;
  const who = owner === null ? 'its process (not recorded)' : `process ${owner.pid} on ${owner.host}`;
  if (own) return null;
  if (probe.exclusiveStore) return `${who} ended without finishing it`;
  if (owner !== null && owner.host === probe.self.host && !probe.processExists(owner.pid)) return `${who} ended without finishing it`;
  const beat = run.heartbeatAt ?? run.startedAt;
  const age = probe.now().getTime() - beat.getTime();
  if (age > HEARTBEAT_STALE_MS) return `${who} has not renewed its heartbeat since ${beat.toISOString()}`;
  return null;
}

export function currentRunOwner(): RunOwner {
  return { pid: process.pid, host: hostname() };
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function localLivenessProbe(options: { readonly exclusiveStore: boolean; readonly now?: () => Date }): LivenessProbe {
  return { self: currentRunOwner(), processExists, now: options.now ?? (() => new Date()), exclusiveStore: options.exclusiveStore };
}
