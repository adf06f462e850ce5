import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Control } from '../../core/model.js';
import { BUILTIN_CONTROLS_DIR } from '../../core/package-paths.js';
import { evaluateInventory } from '../../scan/evaluate-inventory.js';
import { loadControls } from '../../scan/load-controls.js';
import type { Store } from '../../store/sql-client.js';
import { openEphemeralStore } from '../../store/open-ephemeral-store.js';
import type { BicepCompile } from '../iac-format.js';
import type { IacFinding, IacScanResult } from '../iac-finding.js';
import type { InventoryEvaluator } from '../judge-iac-resources.js';
import { nodeIacHost } from '../node-iac-host.js';
import { scanIac } from '../scan-iac.js';
import { walkIacFiles } from '../walk-iac-files.js';

/** Test support: the fixtures folder, and a scan of some of its paths with findings shown relative to it. */
export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export const EMAIL_CONTROL_ID = 'azure-defender-security-contact-email';

let shipped: Control[] | undefined;

/** The controls that ship with ward, loaded once. */
export function shippedControls(): Control[] {
  shipped ??= loadControls(BUILTIN_CONTROLS_DIR);
  return shipped;
}

let store: Promise<Store> | undefined;

/**
 * The production engine on one in-memory store shared by a test file's scans (each evaluation rolls its
 * inventory back, so scans never see each other's resources): a new PGlite per scan would cost seconds.
 */
export const fixtureEvaluator: InventoryEvaluator = async (controls, inventory) => evaluateInventory(controls, inventory, await (store ??= openEphemeralStore()));

export async function closeFixtureStore(): Promise<void> {
  const opened = store;
  store = undefined;
  if (opened) await (await opened).close();
}

export interface FixtureScanOptions {
  readonly varFiles?: readonly string[];
  readonly parameterFiles?: readonly string[];
  readonly compileBicep?: BicepCompile;
  /** Default: the email control alone, so format tests read one finding per resource. */
  readonly controls?: readonly Control[];
}

export async function scanFixtures(paths: readonly string[], options: FixtureScanOptions = {}): Promise<IacScanResult> {
  const files = await walkIacFiles(paths, FIXTURES);
  return scanIac(
    files,
    {
      host: nodeIacHost(FIXTURES, options.compileBicep),
      options: {
        varFiles: (options.varFiles ?? []).map((file) => path.join(FIXTURES, file)),
        parameterFiles: (options.parameterFiles ?? []).map((file) => path.join(FIXTURES, file)),
      },
      cache: new Map(),
      controls: options.controls ?? shippedControls().filter((control) => control.id === EMAIL_CONTROL_ID),
    },
    { evaluate: fixtureEvaluator },
  );
}

/** `status file:line resource` per finding: compact enough to assert a whole fixture at once. */
export function verdicts(result: IacScanResult): string[] {
  return result.findings.map((finding: IacFinding) => `${finding.status} ${finding.file}:${finding.line} ${finding.resource}`);
}

export function findingFor(result: IacScanResult, resource: string, controlId = EMAIL_CONTROL_ID): IacFinding {
  const found = result.findings.find((finding) => finding.resource === resource && finding.controlId === controlId);
  if (!found) throw new Error(`no ${controlId} finding for ${resource}; have ${result.findings.map((finding) => `${finding.resource} ${finding.controlId}`).join(', ')}`);
  return found;
}
