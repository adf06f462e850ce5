import { loadArmParameterFiles } from '../arm-parameter-files.js';
import { extractArmTemplate } from '../arm-template.js';
import { mergeIacExtractions, type IacExtraction } from '../iac-finding.js';
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
  extract: extractArmFiles,
};

async function extractArmFiles(files: readonly IacSourceFile[], context: IacScanContext): Promise<IacExtraction> {
  const parameterValues = await loadArmParameterFiles(context);
  return mergeIacExtractions(files.map((file) => extractArmTemplate({ file: file.displayPath, text: file.text, parameterValues, format: 'arm' })));
}
