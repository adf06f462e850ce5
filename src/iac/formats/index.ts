import type { IacFormatName } from '../iac-finding.js';
import type { IacFormat } from '../iac-format.js';
import { arm } from './arm.js';
import { bicep } from './bicep.js';
import { terraform } from './terraform.js';
import { terraformPlan } from './terraform-plan.js';

/** Source formats `ward iac` reads, in the order files are offered to them (plan JSON before ARM). */
export const IAC_FORMATS: Readonly<Record<IacFormatName, IacFormat>> = { terraform, terraformPlan, arm, bicep };
