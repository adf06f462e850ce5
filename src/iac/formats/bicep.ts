import { WardError } from '../../core/errors.js';
import { loadArmParameterFiles } from '../arm-parameter-files.js';
import { extractArmTemplate } from '../arm-template.js';
import { BICEP_INSTALL_HINT } from '../bicep-compiler.js';
import { bicepLocator } from '../bicep-source-lines.js';
import type { IacExtraction, IacInputError } from '../iac-finding.js';
import { mergeIacExtractions } from '../iac-finding.js';
import type { IacFormat, IacScanContext, IacSourceFile } from '../iac-format.js';

export const bicep: IacFormat = {
  name: 'bicep',
  title: 'Bicep (compiled with `bicep build`)',
  grouping: 'file',
  matchesPath: (file) => file.endsWith('.bicep'),
  extract: extractBicepFiles,
};

/** Compiles each file with the Bicep compiler on PATH and reads the ARM JSON, with lines mapped back. */
async function extractBicepFiles(files: readonly IacSourceFile[], context: IacScanContext): Promise<IacExtraction> {
  const compile = context.host.compileBicep;
  if (!compile) {
    throw new WardError('IAC_INVALID', `found ${files.length} .bicep file(s) (first: ${files[0]?.displayPath ?? '?'}) but no Bicep compiler on PATH`, {
      hint: BICEP_INSTALL_HINT,
    });
  }
  const parameterValues = await loadArmParameterFiles(context);
  const results: IacExtraction[] = [];
  for (const file of files) {
    let compiled: string;
    try {
      compiled = await compile(file.path);
    } catch (error) {
      results.push({ resources: [], warnings: [], errors: [compileError(file, (error as Error).message)], filesScanned: 1 });
      continue;
    }
    const result = extractArmTemplate({ file: file.displayPath, text: compiled, parameterValues, format: 'bicep', locate: bicepLocator(file.text) });
    // a syntax error is in the compiler's output; other errors name a resource, already placed in the .bicep source
    const errors = result.errors.map((error) =>
      error.message.startsWith('JSON syntax error') ? { ...error, file: file.displayPath, line: 1, column: 1, message: `the Bicep compiler's output is not JSON (${error.message})` } : error,
    );
    results.push({ ...result, errors, filesScanned: 1 });
  }
  return mergeIacExtractions(results);
}

/** `main.bicep(3,7) : Error BCP018: Expected …` -> line 3, column 7 and the text. */
export function compileError(file: IacSourceFile, output: string): IacInputError {
  const match = /\((\d+),(\d+)\)\s*:\s*Error\s+([A-Z]+\d+)?:?\s*(.*)/.exec(output);
  if (!match) return { file: file.displayPath, message: `Bicep compilation failed: ${output.split('\n')[0] ?? output}` };
  return { file: file.displayPath, line: Number(match[1]), column: Number(match[2]), message: `Bicep ${match[3] ?? 'error'}: ${(match[4] ?? '').trim()}` };
}
