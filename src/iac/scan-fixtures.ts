import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BicepCompile } from './iac-format.js';
import type { IacFinding, IacScanResult } from './iac-finding.js';
import { nodeIacHost } from './node-iac-host.js';
import { scanIac } from './scan-iac.js';
import { walkIacFiles } from './walk-iac-files.js';

/** Test support: the fixtures folder, and a scan of some of its paths with findings shown relative to it. */
export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface FixtureScanOptions {
  readonly varFiles?: readonly string[];
  readonly parameterFiles?: readonly string[];
  readonly compileBicep?: BicepCompile;
}

export async function scanFixtures(paths: readonly string[], options: FixtureScanOptions = {}): Promise<IacScanResult> {
  const files = await walkIacFiles(paths, FIXTURES);
  return scanIac(files, {
    host: nodeIacHost(FIXTURES, options.compileBicep),
    options: {
      varFiles: (options.varFiles ?? []).map((file) => path.join(FIXTURES, file)),
      parameterFiles: (options.parameterFiles ?? []).map((file) => path.join(FIXTURES, file)),
    },
    cache: new Map(),
  });
}

/** `status file:line resource` per finding: compact enough to assert a whole fixture at once. */
export function verdicts(result: IacScanResult): string[] {
  return result.findings.map((finding: IacFinding) => `${finding.status} ${finding.file}:${finding.line} ${finding.resource}`);
}

export function findingFor(result: IacScanResult, resource: string): IacFinding {
  const found = result.findings.find((finding) => finding.resource === resource);
  if (!found) throw new Error(`no finding for ${resource}; have ${result.findings.map((finding) => finding.resource).join(', ')}`);
  return found;
}
