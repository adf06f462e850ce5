/**
 * A fault soak: a few hundred subscriptions collected live from the emulator twice, once clean and once with half
 * the ARM requests failing (5xx, resets, slow and truncated answers) and per-subscription throttling. Faults may
 * turn a verdict into `error`, never into `pass`: no subscription that fails or errors without faults passes with
 * them, and the faulty run ends within its bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectCapture } from '../connectors/azure/collect-capture.js';
import { normaliseCapture } from '../core/inventory/normalise-capture.js';
import { BUILTIN_CONTROLS_DIR } from '../core/package-paths.js';
import { parseEnvFile } from '../emulator/env-file.js';
import { startEmulator, type EmulatorOptions } from '../emulator/start-emulator.js';
import { evaluateInventory } from './evaluate-inventory.js';
import { loadControls } from './load-controls.js';

const SUBSCRIPTIONS = 300;

async function verdicts(options: EmulatorOptions): Promise<Map<string, string>> {
  const emulator = await startEmulator({ synthetic: SUBSCRIPTIONS, seed: 7, ...options });
  try {
    const env = parseEnvFile(emulator.envFileLines.join('\n'));
    const capture = await collectCapture({ env, ca: emulator.caPem, concurrency: 16, timeoutMs: 2000, maxRetries: 8, retryDelayMs: 5, maxRetryDelayMs: 20, maxRetryAfterMs: 50 });
    const inventory = normaliseCapture(capture, { invalidBodies: 'error' });
    const findings = await evaluateInventory(loadControls(BUILTIN_CONTROLS_DIR, BUILTIN_CONTROLS_DIR), inventory);
    return new Map(findings.map((f) => [`${f.controlId} ${f.assetId}`, f.status]));
  } finally {
    await emulator.close();
  }
}

test(`fault soak: ${SUBSCRIPTIONS} subscriptions with half the requests failing never gain a pass`, { timeout: 240_000 }, async () => {
  const clean = await verdicts({});
  const started = Date.now();
  const faulty = await verdicts({ faultRate: 0.5, throttle: { capacity: 5, refillPerSecond: 50 }, slowMs: 50 });
  const seconds = (Date.now() - started) / 1000;
  assert.ok(clean.size >= SUBSCRIPTIONS * 4, 'every control judged every subscription');
  const gained: string[] = [];
  for (const [key, status] of clean) {
    const under = faulty.get(key);
    if ((status === 'fail' || status === 'error') && under === 'pass') gained.push(`${key}: ${status} without faults, pass with them`);
  }
  assert.deepEqual(gained, []);
  const statuses = [...faulty.values()];
  assert.ok(statuses.includes('pass') || statuses.includes('fail'), 'faults did not make everything an error: the soak measured something');
  assert.ok(seconds < 200, `the faulty run ended (${seconds.toFixed(1)} s)`);
});
