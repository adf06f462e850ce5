/**
 * Writes a Capture as a capture directory (layout in capture.ts), replacing a previous capture in that directory
 * as a whole: the new capture is written beside it first, so a failed write leaves the old one intact. A
 * directory holding anything but capture files is refused and left untouched.
 */
import { lstat, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { WardError } from '../../core/errors.js';
import { SECURITY_CONTACTS_FILE, SUBSCRIPTIONS_DIR, SUBSCRIPTIONS_FILE, type Capture } from '../../core/inventory/capture.js';

/** Subscription ids become directory names: only GUID-like ids are accepted, never a path. */
const SAFE_ID = /^[0-9A-Za-z][0-9A-Za-z-]{0,127}$/;

function serialise(body: unknown): string {
  return `${JSON.stringify(body, null, 2)}\n`;
}

async function existingEntries(dir: string, shown: string): Promise<string[] | null> {
  try {
    const info = await lstat(dir);
    if (info.isSymbolicLink()) throw new WardError('USAGE', `${shown} is a symbolic link: refusing to replace it`, { hint: 'give -o, --output the real directory, or a new one' });
    if (!info.isDirectory()) throw new WardError('USAGE', `${shown} exists and is not a directory`, { hint: 'choose another -o, --output directory' });
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The first entry of `dir` that is not part of a capture (subscriptions.json, and subscriptions/<id>/ folders
 * holding only securityContacts.json, all plain files and folders), or undefined when the directory is exactly a
 * previous capture. Only such a directory may be replaced: anything else (a .git folder, notes, a symlink) is
 * somebody's data.
 */
async function foreignEntry(dir: string, entries: readonly string[]): Promise<string | undefined> {
  for (const entry of entries) {
    const info = await lstat(path.join(dir, entry));
    if (entry === SUBSCRIPTIONS_FILE && info.isFile()) continue;
    if (entry !== SUBSCRIPTIONS_DIR || !info.isDirectory()) return entry;
    for (const id of await readdir(path.join(dir, entry))) {
      const folder = path.join(dir, entry, id);
      if (!SAFE_ID.test(id) || !(await lstat(folder)).isDirectory()) return path.join(entry, id);
      for (const file of await readdir(folder)) {
        if (file !== SECURITY_CONTACTS_FILE || !(await lstat(path.join(folder, file))).isFile()) return path.join(entry, id, file);
      }
    }
  }
  return undefined;
}

export async function writeCaptureDir(capture: Capture, dir: string): Promise<void> {
  for (const id of capture.securityContacts.keys()) {
    if (!SAFE_ID.test(id)) {
      throw new WardError('CAPTURE_INVALID', `subscription id ${JSON.stringify(id)} cannot name a capture directory`, {
        hint: 'subscription ids are GUIDs',
      });
    }
  }
  const target = path.resolve(dir);
  const entries = await existingEntries(target, dir);
  const foreign = entries === null ? undefined : await foreignEntry(target, entries);
  if (foreign !== undefined) {
    throw new WardError('USAGE', `${dir} holds ${foreign}, which is not part of a capture: refusing to replace the directory (nothing was touched)`, {
      hint: 'collect writes only into a new or empty directory, or one that holds nothing but a previous capture',
    });
  }
  const staging = `${target}.writing-${process.pid}-${Date.now()}`;
  try {
    await mkdir(path.join(staging, SUBSCRIPTIONS_DIR), { recursive: true });
    await writeFile(path.join(staging, SUBSCRIPTIONS_FILE), serialise(capture.subscriptions.body));
    const ids = [...capture.securityContacts.keys()].sort();
    for (const id of ids) {
      const body = capture.securityContacts.get(id)?.body;
      await mkdir(path.join(staging, SUBSCRIPTIONS_DIR, id));
      await writeFile(path.join(staging, SUBSCRIPTIONS_DIR, id, SECURITY_CONTACTS_FILE), serialise(body));
    }
    if (entries === null) {
      await mkdir(path.dirname(target), { recursive: true });
      await rename(staging, target);
      return;
    }
    const previous = `${target}.previous-${process.pid}-${Date.now()}`;
    await rename(target, previous);
    await rename(staging, target);
    await rm(previous, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
