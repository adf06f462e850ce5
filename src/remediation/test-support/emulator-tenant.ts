/**
 * Test support: the local ARM emulator serving a fixture tenant of src/core/remediation/fixtures, with a transport
 * and a collector signed in to it (real HTTPS, real token flow), and what "someone" does by hand in the portal.
 */
import { Agent } from 'node:https';
import tls from 'node:tls';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClientSecretCredential } from '@azure/identity';
import { collectCapture } from '../../connectors/azure/collect-capture.js';
import { normaliseCapture } from '../../core/inventory/normalise-capture.js';
import type { Inventory } from '../../core/model.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/start-emulator.js';
import { createLiveArmTransport, type ArmTransport } from '../arm-transport.js';
import type { verifyByRecollecting } from '../verify-by-recollecting.js';

export const FIXTURES_DIR = fileURLToPath(new URL('../../core/remediation/fixtures/', import.meta.url));

export interface EmulatorTenant {
  readonly emulator: RunningEmulator;
  readonly transport: ArmTransport;
  readonly rawCollect: Parameters<typeof verifyByRecollecting>[1];
  readonly collect: (ids?: readonly string[]) => Promise<Inventory>;
}

export async function emulatorFor(fixture: string, options: Omit<EmulatorOptions, 'captureDir' | 'capture' | 'synthetic'> = {}): Promise<EmulatorTenant> {
  const emulator = await startEmulator({ ...options, captureDir: join(FIXTURES_DIR, fixture) });
  const env = { WARD_ARM_ENDPOINT: emulator.url, AZURE_AUTHORITY_HOST: emulator.url };
  const credential = new ClientSecretCredential(emulator.credentials.tenantId, emulator.credentials.clientId, emulator.credentials.clientSecret, {
    authorityHost: emulator.url,
    disableInstanceDiscovery: true,
    agent: new Agent({ ca: [...tls.rootCertificates, emulator.caPem] }),
  });
  const transport = createLiveArmTransport({ env, credential, ca: emulator.caPem, maxRetries: 1 });
  const rawCollect: EmulatorTenant['rawCollect'] = (ids) =>
    collectCapture({ env, credential, ca: emulator.caPem, retryDelayMs: 5, maxRetryDelayMs: 20, ...(ids.length > 0 ? { subscriptionIds: ids } : {}) });
  return { emulator, transport, rawCollect, collect: async (ids = []) => normaliseCapture(await rawCollect(ids), { invalidBodies: 'error' }) };
}

/** GET a contact: its body, or 'absent'. */
export async function getContact(transport: ArmTransport, path: string): Promise<unknown> {
  const answer = await transport.request('GET', path);
  return answer.status === 404 ? 'absent' : answer.body;
}

/**
 * Someone adds an address by hand: the contact keeps what it has and gains `address` (created when absent), written
 * in the api-version of `path` as the portal would.
 */
export async function addAddressByHand(transport: ArmTransport, path: string, address: string): Promise<void> {
  const current = await getContact(transport, path);
  const legacy = path.includes('api-version=2017-08-01-preview');
  const field = legacy ? 'email' : 'emails';
  const properties = { ...((current as { properties?: Record<string, unknown> } | 'absent') === 'absent' ? {} : (current as { properties?: Record<string, unknown> }).properties) };
  for (const [key, value] of Object.entries(properties)) if (value === null) delete properties[key];
  const held = typeof properties[field] === 'string' && properties[field] !== '' ? `${String(properties[field])};` : '';
  properties[field] = `${held}${address}`;
  if (!legacy && properties.isEnabled === undefined) properties.isEnabled = true;
  const answer = await transport.request('PUT', path, { properties });
  if (answer.status >= 300) throw new Error(`hand edit of ${path} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
}

/** ARM reads an absent property as null, and the schemas reject an explicit null: compare contacts with nulls dropped. */
export const withoutNulls = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_key, item) => (item === null ? undefined : item))) as unknown;
