/** Test support: starts a process (hold-store-lock.ts) that holds a store's lock, and resolves once it holds it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HOLD = fileURLToPath(new URL('./hold-store-lock.ts', import.meta.url));

export interface LockHolder {
  readonly child: ChildProcess;
  /** Resolves when the holder has released the lock (after `holdMs`, or once `release()` is called). */
  readonly released: Promise<void>;
  release(): Promise<void>;
}

/** Holds the lock of the store directory `dir` for `holdMs` milliseconds, or until `release()`. */
export async function spawnLockHolder(dir: string, holdMs?: number): Promise<LockHolder> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLD, dir, ...(holdMs === undefined ? [] : [String(holdMs)])], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let onReleased: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (onReleased = resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('HELD')) resolve();
      if (out.includes('RELEASED')) onReleased();
    });
    child.once('exit', (code) => reject(new Error(`the lock holder exited (${code}) before holding the lock`)));
  });
  child.removeAllListeners('exit');
  return {
    child,
    released,
    release: async () => {
      child.stdin!.end();
      await released;
    },
  };
}
