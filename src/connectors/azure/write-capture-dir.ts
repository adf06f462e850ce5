/**
 * Writes a Capture as a capture directory (layout in capture.ts), replacing a previous capture in that directory
 * as a whole: the new capture is written beside it first, so a failed write leaves the old one intact.
 */
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { WardError } from '../../core/errors.js';
import { SECURITY_CONTACTS_FILE, SUBSCRIPTIONS_DIR, SUBSCRIPTIONS_FILE, type Capture } from '../../core/inventory/capture.js';

/** Subscription ids become directory names: only GUID-like ids are accepted, never a path. */
const SAFE_ID = /^[0-9A-Za-z][0-9A-Za-z-]{0,127}$/;

function serialise(body: unknown): string {
  return `${JSON.stringify(body, null, 2)}\n`;
}

async function existingEntries(dir: string): Promise<string[] | null> {
  try {
    if (!(await stat(dir)).isDirectory()) {
      throw new WardError('USAGE', `${dir} exists and is not a directory`, { hint: 'choose another --out directory' });
    }
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
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
  const entries = await existingEntries(target);
  if (entries !== null && entries.length > 0 && !entries.includes(SUBSCRIPTIONS_FILE)) {
    throw new WardError('USAGE', `${dir} is not empty and does not hold a capture: refusing to replace it`, {
      hint: 'choose an empty or new --out directory',
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
