/**
 * A store in memory (PGlite, nothing on disk) for evaluating an inventory where no store is open: `ward iac`,
 * remediation planning and verification. It runs the same migrations and the same compiled SQL as `ward scan`.
 *
 * Initialising a new PGlite database takes seconds; loading a dump of an already migrated one well under one. The
 * migrated dump is cached per user (`$XDG_CACHE_HOME/ward` or `~/.cache/ward`, mode 0700: never a shared temporary
 * directory another user could plant a database in), keyed by the migrations, PGlite's version and Node's.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { MIGRATIONS } from './migrations.js';
import { migrate } from './migrate.js';
import { EMBEDDED_SHARED_BUFFERS, pgliteStore } from './open-store.js';
import type { Store } from './sql-client.js';

/** Where the migrated template lives, or undefined when there is no usable home or cache directory. */
export function ephemeralTemplatePath(environment: NodeJS.ProcessEnv = process.env): string | undefined {
  const base = environment.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : undefined);
  if (!base) return undefined;
  const key = createHash('sha256').update(JSON.stringify(MIGRATIONS)).update(process.version).digest('hex').slice(0, 16);
  return join(base, 'ward', `store-template-${key}.tar`);
}

function readTemplate(path: string | undefined): Blob | undefined {
  if (!path || !existsSync(path)) return undefined;
  try {
    return new Blob([readFileSync(path)]);
  } catch {
    return undefined;
  }
}

function writeTemplate(path: string, dump: Uint8Array): void {
  try {
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(temporary, dump, { mode: 0o600 });
    renameSync(temporary, path);
    // templates of older migrations are never read again
    for (const name of readdirSync(dirname(path))) {
      if (/^store-template-[0-9a-f]{16}\.tar$/.test(name) && name !== basename(path)) rmSync(join(dirname(path), name), { force: true });
    }
  } catch {
    // a cache that cannot be written only costs time on the next run
  }
}

/** A new, empty, migrated store in memory. Closing it frees everything. */
export async function openEphemeralStore(templatePath: string | undefined = ephemeralTemplatePath()): Promise<Store> {
  const { PGlite } = await import('@electric-sql/pglite');
  const template = readTemplate(templatePath);
  let db: InstanceType<typeof PGlite> | undefined;
  if (template) {
    try {
      db = new PGlite({ loadDataDir: template, postgresqlconf: [`shared_buffers = ${EMBEDDED_SHARED_BUFFERS}`] } as never);
      await db.waitReady;
    } catch {
      db = undefined; // a damaged or foreign cache file: build a new database below
    }
  }
  if (!db) {
    db = new PGlite({ postgresqlconf: [`shared_buffers = ${EMBEDDED_SHARED_BUFFERS}`] } as never);
    await db.waitReady;
    await migrate(pgliteStore(db, 'memory', async () => undefined));
    if (templatePath) writeTemplate(templatePath, new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer()));
  }
  const opened = db;
  const store = pgliteStore(opened, 'memory', () => opened.close());
  await migrate(store);
  return store;
}
