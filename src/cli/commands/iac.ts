import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option } from '@commander-js/extra-typings';
import { WardError } from '../../core/errors.js';
import { summarizeIacScan, type IacScanResult } from '../../iac/iac-finding.js';
import type { IacReportName } from '../../iac/reports/index.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, useColour, type CliContext } from '../cli-context.js';
import { IAC_REPORT_NAMES } from '../registry-names.js';
import type { RegisterCommand } from './index.js';

const FAIL_ON = ['fail', 'unknown', 'none'] as const;
type FailOn = (typeof FAIL_ON)[number];

const HELP = `
Reads Terraform (.tf and .tf.json: azurerm_security_center_contact and azapi_resource of type
Microsoft.Security/securityContacts@<version>, with variable defaults, terraform.tfvars, *.auto.tfvars and
--var-file), Terraform plan JSON (terraform show -json), ARM templates (.json, comments allowed, --parameters)
and Bicep (compiled with \`bicep build\` or \`az bicep build\` found on PATH). Every security-contact
resource is judged against every control, by the same stored checks and engine as \`ward scan\` (each
resource as the only contact of a subscription of its own):
  pass     the control's checks pass on the resource as written
  fail     they fail (e.g. the address is missing, empty or malformed; owners not notified)
  unknown  a property the control reads is known only at deployment (data sources, module outputs, runtime
           expressions)
Folders are walked recursively, honouring .gitignore and skipping .terraform/, node_modules/ and .git/.

Exit codes:
  0  no failing resource (and, with --fail-on unknown, no unknown one)
  1  a resource fails (--fail-on fail, the default) or fails or is unknown (--fail-on unknown)
  2  an input error: a path that does not exist, a bad flag or parameters file, no Bicep compiler for
     .bicep files, or a file that could not be read, parsed or compiled. The other files are still
     scanned and reported, but the run exits 2 because its result is incomplete, even with --fail-on none.
Landing-zone warnings (a subscription created without a security contact) and notes never change the exit code.`;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `ward iac [PATH...]`: preventive checks of infrastructure code, for pull requests and pre-commit hooks. */
export const registerIac: RegisterCommand = (program, context) => {
  program
    .command('iac')
    .description('Check Terraform, plan JSON, ARM and Bicep code against the controls, before it is deployed.')
    .argument('[paths...]', 'files or folders to scan (default: the current folder)')
    .addOption(new Option('--format <format>', 'output format (default: table, or by --output extension)').choices(IAC_REPORT_NAMES))
    .option('--output <file>', 'write the report to FILE (a table summary still goes to stdout)')
    .option('--var-file <file>', 'Terraform variable file (.tfvars or .tfvars.json), repeatable; later files win', collect, [] as string[])
    .option('--parameters <file>', 'ARM parameters file for templates and Bicep, repeatable; later files win', collect, [] as string[])
    .addOption(new Option('--fail-on <level>', 'what makes the exit code 1').choices(FAIL_ON).default('fail' as FailOn))
    .option('--control <id>', 'judge only this control (repeatable)', collect, [] as string[])
    .option('--controls <dir>', 'load controls from this directory instead of the shipped ones')
    .option('--config <file>', 'control parameters from this file (default: ./ward.yaml when present)')
    .option('--param <control-id.name=value>', 'set a control parameter (repeatable)', collect, [] as string[])
    .addHelpText('after', HELP)
    .action(async (paths, options) => {
      await runIac(context, {
        paths: paths.length > 0 ? paths : ['.'],
        format: options.format,
        output: options.output,
        varFiles: options.varFile,
        parameterFiles: options.parameters,
        failOn: options.failOn,
        controlIds: options.control,
        controlsDir: options.controls,
        config: options.config,
        param: options.param,
      });
    });
};

interface IacRunOptions {
  readonly paths: readonly string[];
  readonly format: IacReportName | undefined;
  readonly output: string | undefined;
  readonly varFiles: readonly string[];
  readonly parameterFiles: readonly string[];
  readonly failOn: FailOn;
  readonly controlIds: readonly string[];
  readonly controlsDir: string | undefined;
  readonly config: string | undefined;
  readonly param: readonly string[];
}

async function runIac(context: CliContext, options: IacRunOptions): Promise<void> {
  const [{ BICEP_INSTALL_HINT, findBicepCompiler }, { nodeIacHost }, { IAC_REPORTS }, { countFilesByFormat, scanIac }, { walkIacFiles }, { selectControls }] = await Promise.all([
    import('../../iac/bicep-compiler.js'),
    import('../../iac/node-iac-host.js'),
    import('../../iac/reports/index.js'),
    import('../../iac/scan-iac.js'),
    import('../../iac/walk-iac-files.js'),
    import('../command-options.js'),
  ]);
  const { io } = context;
  // the same controls, parameters and validation as `ward scan`: a bad value stops the run before any file is read
  const controls = selectControls(context, options.controlsDir, options.controlIds, { config: options.config, param: options.param });
  const resolve = (file: string): string => path.resolve(io.cwd, file);
  const files = await walkIacFiles(options.paths, io.cwd);
  for (const [flag, given] of [['--var-file', options.varFiles], ['--parameters', options.parameterFiles]] as const) {
    for (const file of given) {
      if (!(await walkIacFiles([file], io.cwd).catch(() => undefined))) throw new WardError('NOT_FOUND', `${flag}: no such file: ${file}`);
    }
  }
  let compileBicep;
  if ((countFilesByFormat(files).get('bicep') ?? 0) > 0) {
    const compiler = await findBicepCompiler(io.env);
    if (!compiler) throw new WardError('IAC_INVALID', 'found .bicep files but no Bicep compiler (`bicep` or `az`) on PATH', { hint: BICEP_INSTALL_HINT });
    compileBicep = compiler.compile;
  }
  const result = await scanIac(files, {
    host: nodeIacHost(io.cwd, compileBicep),
    options: { varFiles: options.varFiles.map(resolve), parameterFiles: options.parameterFiles.map(resolve) },
    cache: new Map(),
    controls,
  });
  const format = options.format ?? formatForOutput(options.output);
  const report = IAC_REPORTS[format](result, { colour: options.output === undefined && useColour(io), toolVersion: '0.1.0' });
  if (options.output === undefined) io.stdout.write(report);
  else {
    await writeFile(resolve(options.output), report, 'utf8');
    io.stdout.write(format === 'table' ? `report written to ${options.output}\n` : IAC_REPORTS.table(result, { colour: useColour(io), toolVersion: '0.1.0' }));
  }
  context.exitCode = iacExitCode(result, options.failOn);
}

/** 2 when any input could not be read (never hidden), else 1 when the --fail-on level is reached, else 0. */
export function iacExitCode(result: IacScanResult, failOn: FailOn): number {
  const summary = summarizeIacScan(result);
  if (summary.errors > 0) return EXIT_ERROR;
  if (failOn === 'none') return EXIT_OK;
  if (summary.fail > 0 || (failOn === 'unknown' && summary.unknown > 0)) return EXIT_FINDINGS;
  return EXIT_OK;
}

function formatForOutput(output: string | undefined): IacReportName {
  if (output === undefined) return 'table';
  if (/\.sarif(?:\.json)?$/i.test(output)) return 'sarif';
  if (/\.xml$/i.test(output)) return 'junit';
  if (/\.json$/i.test(output)) return 'json';
  return 'table';
}
