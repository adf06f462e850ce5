/**
 * The emulator's own minimal reader of a capture directory (the two files of the layout in capture.ts). The
 * scanner's reader with full validation lives in src/connectors/azure; the emulator only needs the bodies.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { WardError } from '../core/errors.js';
import { SECURITY_CONTACTS_FILE, SUBSCRIPTIONS_DIR, SUBSCRIPTIONS_FILE, type Capture, type CapturedBody } from '../core/inventory/capture.js';

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new WardError('CAPTURE_INVALID', `cannot read ${file}: ${(error as Error).message}`, {
      hint: 'point --capture at a directory written by `ward collect -o DIR`',
      location: { file },
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new WardError('CAPTURE_INVALID', `not valid JSON: ${(error as Error).message}`, { location: { file }, cause: error });
  }
}

export async function loadCaptureDir(dir: string): Promise<Capture> {
  const subscriptionsFile = path.join(dir, SUBSCRIPTIONS_FILE);
  const subscriptions: CapturedBody = { body: await readJson(subscriptionsFile), source: subscriptionsFile };
  const securityContacts = new Map<string, CapturedBody>();
  let ids: string[] = [];
  try {
    ids = await readdir(path.join(dir, SUBSCRIPTIONS_DIR));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const id of ids.sort()) {
    const file = path.join(dir, SUBSCRIPTIONS_DIR, id, SECURITY_CONTACTS_FILE);
    try {
      securityContacts.set(id, { body: JSON.parse(await readFile(file, 'utf8')) as unknown, source: file });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new WardError('CAPTURE_INVALID', `cannot read ${file}: ${(error as Error).message}`, { location: { file }, cause: error });
    }
  }
  return { subscriptions, securityContacts };
}
