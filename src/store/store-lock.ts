import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { WardError } from '../core/errors.js';

/**
 * PGlite has no lock between processes: two ward processes writing one data directory would corrupt it.
 * This is an exclusive lock file holding the owner's pid; a lock whose process is gone is taken over.
 */
export interface StoreLock {
  release(): void;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireStoreLock(lockPath: string, storeDir: string): StoreLock {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          unlinkSync(lockPath);
        } catch {
          // already gone: nothing to release
        }
      };
      process.on('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && processIsAlive(owner)) {
        throw new WardError('STORE_BUSY', `the store ${storeDir} is busy: ward process ${owner} is using it`, {
          hint: 'wait for that process to finish, or point this one at another store with --db or WARD_DB',
        });
      }
      if (owner === process.pid) {
        throw new WardError('STORE_BUSY', `the store ${storeDir} is already open in this process`, {
          hint: 'close the other handle first',
        });
      }
      unlinkSync(lockPath); // the owner died without releasing it
    }
  }
  throw new WardError('STORE_BUSY', `could not lock the store ${storeDir}`, { hint: `remove ${lockPath} if no ward process is running` });
}
