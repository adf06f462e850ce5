import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { WardError } from '../../core/errors.js';
import { SECURITY_CONTACTS_FILE, SUBSCRIPTIONS_DIR, SUBSCRIPTIONS_FILE, type Capture, type CapturedBody } from '../../core/inventory/capture.js';
import { parseJsonText } from './parse-json-file.js';

function readBody(path: string, displayPath: string): CapturedBody {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new WardError('CAPTURE_INVALID', `cannot read the file: ${(error as Error).message}`, { location: { file: displayPath } });
  }
  return { body: parseJsonText(text, displayPath), source: displayPath };
}

/**
 * Reads a capture directory (see capture.ts). Only the files are read here; what the bodies mean is decided
 * by normaliseCapture, so that live and offline data take one path.
 */
export function readCaptureDir(directory: string, cwd = process.cwd()): Capture {
  const display = (path: string): string => {
    const shown = relative(cwd, path);
    return shown.startsWith('..') ? path : shown || '.';
  };
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new WardError('CAPTURE_INVALID', `capture directory ${display(directory)} does not exist`, {
      hint: 'pass a directory holding subscriptions.json (write one with `ward collect --out DIR`)',
    });
  }
  const subscriptionsPath = join(directory, SUBSCRIPTIONS_FILE);
  if (!existsSync(subscriptionsPath)) {
    throw new WardError('CAPTURE_INVALID', `the capture has no ${SUBSCRIPTIONS_FILE}`, {
      location: { file: display(subscriptionsPath) },
      hint: 'a capture holds the body of GET /subscriptions in subscriptions.json and one subscriptions/<id>/securityContacts.json per subscription',
    });
  }
  const subscriptions = readBody(subscriptionsPath, display(subscriptionsPath));
  const securityContacts = new Map<string, CapturedBody>();
  const subscriptionsDir = join(directory, SUBSCRIPTIONS_DIR);
  if (existsSync(subscriptionsDir)) {
    for (const entry of readdirSync(subscriptionsDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const contactsPath = join(subscriptionsDir, entry.name, SECURITY_CONTACTS_FILE);
      if (!existsSync(contactsPath)) continue;
      // subscription ids are case-insensitive: two folders for one subscription would let the last one read win
      const key = entry.name.toLowerCase();
      const previous = securityContacts.get(key);
      if (previous) {
        throw new WardError('CAPTURE_INVALID', `two capture folders hold subscription ${key}: ${previous.source} and ${display(contactsPath)}`, {
          location: { file: display(contactsPath) },
          hint: 'keep one folder per subscription (ids are compared without case)',
        });
      }
      securityContacts.set(key, readBody(contactsPath, display(contactsPath)));
    }
  }
  return { subscriptions, securityContacts };
}
