import type { RegisterCommand } from './register-command.js';
import { registerCollect } from './collect.js';
import { registerConnectors } from './connectors.js';
import { registerControls } from './controls.js';
import { registerDiff } from './diff.js';
import { registerExceptions } from './exceptions.js';
import { registerFindings } from './findings.js';
import { registerDemo } from './demo.js';
import { registerEmulator } from './emulator.js';
import { registerIac } from './iac.js';
import { registerNotify } from './notify.js';
import { registerPin } from './pin.js';
import { registerPolicy } from './policy.js';
import { registerPrune } from './prune.js';
import { registerQuery } from './query.js';
import { registerRemediate } from './remediate.js';
import { registerScan } from './scan.js';
import { registerScans } from './scans.js';
import { registerSchedule } from './schedule.js';
import { registerServe } from './serve.js';
import { registerUnpin } from './unpin.js';
import { registerWorker } from './worker.js';

/** Commands import it from register-command.ts (a leaf: importing it from here would make a cycle). */
export type { RegisterCommand } from './register-command.js';

/** Every `ward` subcommand: one file in this folder and one line here. */
export const COMMANDS: Readonly<Record<string, RegisterCommand>> = {
  controls: registerControls,
  scan: registerScan,
  demo: registerDemo,
  query: registerQuery,
  findings: registerFindings,
  scans: registerScans,
  prune: registerPrune,
  pin: registerPin,
  unpin: registerUnpin,
  diff: registerDiff,
  exceptions: registerExceptions,
  collect: registerCollect,
  emulator: registerEmulator,
  iac: registerIac,
  remediate: registerRemediate,
  policy: registerPolicy,
  serve: registerServe,
  connectors: registerConnectors,
  schedule: registerSchedule,
  notify: registerNotify,
  worker: registerWorker,
};
