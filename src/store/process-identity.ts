/**
 * Who a process is, beyond its pid: the store lock records it so that a later process can tell a live owner from
 * a dead one whose pid was reused (a container's entrypoint is pid 1 in every run) or from another machine's.
 * Linux gives the boot id, the pid namespace and a process's start time; elsewhere those stay undefined and the
 * lock falls back to what it can check.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  readonly pid: number;
  readonly host: string;
  /** The kernel's boot id (`/proc/sys/kernel/random/boot_id`): the same for every container on one running kernel. */
  readonly bootId: string | undefined;
  /** The pid namespace (`pid:[4026531836]`): pids are only comparable inside one. */
  readonly pidNamespace: string | undefined;
  /** When the process started, in clock ticks since boot (`/proc/<pid>/stat`): a reused pid has another start. */
  readonly start: string | undefined;
}

function readOrUndefined(read: () => string): string | undefined {
  try {
    return read().trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The start time of a process in its pid namespace, or undefined when it cannot be read (gone, or not Linux). */
export function processStartOf(pid: number): string | undefined {
  const stat = readOrUndefined(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  if (stat === undefined) return undefined;
  // the command name (field 2) is in parentheses and may hold spaces; starttime is field 22
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = fields[19];
  return ticks !== undefined && /^\d+$/.test(ticks) ? `ticks:${ticks}` : undefined;
}

/** Whether a process with this pid exists (in this pid namespace). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let current: ProcessIdentity | undefined;

export function currentProcess(): ProcessIdentity {
  current ??= {
    pid: process.pid,
    host: hostname(),
    bootId: readOrUndefined(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
    pidNamespace: readOrUndefined(() => readlinkSync('/proc/self/ns/pid')),
    start: processStartOf(process.pid),
  };
  return current;
}
