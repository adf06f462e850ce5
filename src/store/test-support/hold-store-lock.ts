/**
 * Test support: a process that holds a store's lock. `hold-store-lock.ts DIR [MS]` takes DIR/ward.lock (waiting
 * up to 10 s), prints `HELD <pid>`, and releases it after MS milliseconds (default: when stdin closes), printing
 * `RELEASED` before it exits.
 */
import { join } from 'node:path';
import { acquireStoreLock } from '../store-lock.js';

const [directory, holdMs] = process.argv.slice(2);
const lock = await acquireStoreLock(join(directory!, 'ward.lock'), directory!, { timeoutMs: 10_000 });
process.stdout.write(`HELD ${process.pid}\n`);
if (holdMs !== undefined) await new Promise((resolve) => setTimeout(resolve, Number(holdMs)));
else await new Promise((resolve) => process.stdin.on('end', resolve).resume());
lock.release();
process.stdout.write('RELEASED\n');
