/**
 * Test support for the lock race harness: a child process (forked with an IPC channel) that, on each
 * `{ type: 'race', lockPath, storeDir, at }`, waits until the clock reaches `at` and tries to take the lock at once
 * (no wait), answering `{ type: 'result', won, code }`; `{ type: 'release' }` releases a lock it won.
 */
import { acquireStoreLock, type StoreLock } from '../store-lock.js';

type Message = { type: 'race'; lockPath: string; storeDir: string; at: number } | { type: 'release' } | { type: 'exit' };

let held: StoreLock | undefined;
const send = (message: unknown): void => void process.send!(message);

process.on('message', (message: Message) => {
  if (message.type === 'exit') process.exit(0);
  if (message.type === 'release') {
    held?.release();
    held = undefined;
    send({ type: 'released' });
    return;
  }
  while (Date.now() < message.at) {
    // spin: every contender starts within the same millisecond or so
  }
  acquireStoreLock(message.lockPath, message.storeDir, { timeoutMs: 0 }).then(
    (lock) => {
      held = lock;
      send({ type: 'result', won: true });
    },
    (error: unknown) => send({ type: 'result', won: false, code: (error as { code?: string }).code ?? String(error) }),
  );
});
send({ type: 'ready' });
