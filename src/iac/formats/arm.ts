import { loadArmParameterFiles } from '../arm-parameter-files.js';
import { evaluateArmTemplate } from '../arm-template.js';
import { mergeIacResults, type IacScanResult } from '../iac-finding.js';
import type { IacFormat, IacScanContext, IacSourceFile } from '../iac-format.js';
import { isJsonCandidate } from './terraform-plan.js';

/** A cheap look at the text before parsing: ARM templates name their schema or declare typed, versioned resources. */
export function looksLikeArmTemplate(text: string): boolean {
  return /deploymentTemplate\.json/i.test(text) || (/"resources"/.test(text) && /"apiVersion"/i.test(text));
}

export const arm: IacFormat = {
  name: 'arm',
  title: 'ARM template (.json, comments allowed)',
  grouping: 'file',
  matchesPath: isJsonCandidate,
  matchesText: looksLikeArmTemplate,
  evaluate: evaluateArmFiles,
};

async function evaluateArmFiles(files: readonly IacSourceFile[], context: IacScanContext): Promise<IacScanResult> {
  const parameterValues = await loadArmParameterFiles(context);
  return mergeIacResults(files.map((file) => evaluateArmTemplate({ file: file.displayPath, text: file.text, parameterValues, format: 'arm' })));
}
