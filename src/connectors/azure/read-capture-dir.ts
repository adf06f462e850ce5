import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { WardError } from '../../core/errors.js';
import { SECURITY_CONTACTS_FILE, SUBSCRIPTIONS_DIR, SUBSCRIPTIONS_FILE, type Capture, type CapturedBody } from '../../core/inventory/capture.js';
import { INPUT_LIMITS, jsonNestingDepth } from '../../core/inventory/input-limits.js';
import { RegularFileError, readRegularFile } from '../../io/read-regular-file.js';
import { parseJsonText } from './parse-json-file.js';

/** The text of a capture file: a regular file within `limit` (read-regular-file.ts), or one line naming it. */
function readCaptureFile(path: string, displayPath: string, limit: number): string {
  try {
    return readRegularFile(path, limit).toString('utf8');
  } catch (error) {
    if (!(error instanceof RegularFileError)) throw error;
    const reason = error.message;
    if (error.kind === 'not-regular') {
      throw new WardError('CAPTURE_INVALID', 'not a regular file: capture files are plain files', { location: { file: displayPath }, hint: 'replace it with the response body as a file' });
    }
    if (error.kind === 'too-large') {
      throw new WardError('CAPTURE_INVALID', `${reason} for this file`, { location: { file: displayPath }, hint: "Azure's answers are far smaller: is this the right file?" });
    }
    throw new WardError('CAPTURE_INVALID', `cannot read the file: ${reason}`, { location: { file: displayPath } });
  }
}

function readBody(path: string, displayPath: string, kind: 'subscriptions' | 'contacts'): CapturedBody {
  const text = readCaptureFile(path, displayPath, kind === 'subscriptions' ? INPUT_LIMITS.subscriptionsFileBytes : INPUT_LIMITS.contactsFileBytes);
  const depth = jsonNestingDepth(text);
  if (depth > INPUT_LIMITS.jsonDepth) {
    const message = `nested ${depth.toLocaleString('en-US')} levels deep (limit ${INPUT_LIMITS.jsonDepth})`;
    // one subscription's odd body makes that subscription an error; the list of subscriptions is needed whole
    if (kind === 'contacts') return { body: null, source: displayPath, readError: { code: 'InputLimit', message: `${displayPath} is ${message}` } };
    throw new WardError('CAPTURE_INVALID', message, { location: { file: displayPath } });
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
  const subscriptions = readBody(subscriptionsPath, display(subscriptionsPath), 'subscriptions');
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
      securityContacts.set(key, readBody(contactsPath, display(contactsPath), 'contacts'));
    }
  }
  return { subscriptions, securityContacts };
}
