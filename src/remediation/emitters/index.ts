/** Remediation emitters: format name → pure function of the plan. One file and one line per format. */
import { emitArmTemplate } from './arm-template.js';
import { emitAzCli } from './az-cli.js';
import { emitAzRest } from './az-rest.js';
import { emitBicep } from './bicep.js';
import { emitCurl } from './curl.js';
import type { Emitter } from './emit-input.js';
import { emitPowershell } from './powershell.js';
import { emitTerraform } from './terraform.js';

export const EMITTERS = {
  az: emitAzCli,
  rest: emitAzRest,
  curl: emitCurl,
  powershell: emitPowershell,
  arm: emitArmTemplate,
  bicep: emitBicep,
  terraform: emitTerraform,
} as const satisfies Readonly<Record<string, Emitter>>;

export type EmitFormat = keyof typeof EMITTERS;
