/**
 * A store in memory (PGlite, nothing on disk) for evaluating an inventory where no store is open: `ward iac`,
 * remediation planning and verification. It runs the same migrations and the same compiled SQL as `ward scan`.
 *
 * Initialising a new PGlite database takes seconds; loading the migrated template well under one. The template is
 * the one new on-disk stores are unpacked from (open-pglite.ts: cached per user, mode 0700, keyed by the
 * migrations, PGlite's version and Node's).
 */
import { migrate } from './migrate.js';
import { pgliteOptions, preparePglite, readStoreTemplate, saveStoreTemplate, storeTemplatePath, templateEntries } from './open-pglite.js';
import { pgliteStore } from './open-store.js';
import type { Store } from './sql-client.js';

/** Where the migrated template lives, or undefined when there is no usable home or cache directory. */
export function ephemeralTemplatePath(environment: NodeJS.ProcessEnv = process.env): string | undefined {
  return storeTemplatePath(environment);
}

/** A new, empty, migrated store in memory. Closing it frees everything. */
export async function openEphemeralStore(templatePath: string | undefined = ephemeralTemplatePath()): Promise<Store> {
  const ready = await preparePglite();
  const template = readStoreTemplate(templatePath);
  let db: InstanceType<typeof ready.PGlite> | undefined;
  if (template && templateEntries(template)) {
    try {
      db = new ready.PGlite({ ...pgliteOptions(ready), loadDataDir: new Blob([template as Uint8Array<ArrayBuffer>]) });
      await db.waitReady;
    } catch {
      db = undefined; // a damaged or foreign cache file: build a new database below
    }
  }
  if (!db) {
    db = new ready.PGlite(pgliteOptions(ready));
    await db.waitReady;
    await saveStoreTemplate(db, pgliteStore, templatePath);
  }
  const opened = db;
  const store = pgliteStore(opened, 'memory', () => opened.close());
  await migrate(store);
  return store;
}
