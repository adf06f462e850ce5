import { Option } from '@commander-js/extra-typings';
import { IAC_REPORT_NAMES } from '../registry-names.js';
import type { IacFailOn } from './iac-actions.js';
import type { RegisterCommand } from './register-command.js';

/** The IaC parsers, the engine and the reports are loaded when the command runs, not for `ward --help`. */
const actions = async () => (await import('./iac-actions.js')).iacActions;

const FAIL_ON = ['fail', 'unknown', 'none'] as const satisfies readonly IacFailOn[];

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
    .option('-o, --output <file>', 'write the report to FILE (a table summary still goes to stdout)')
    .option('--var-file <file>', 'Terraform variable file (.tfvars or .tfvars.json), repeatable; later files win', collect, [] as string[])
    .option('--parameters <file>', 'ARM parameters file for templates and Bicep, repeatable; later files win', collect, [] as string[])
    .addOption(new Option('--fail-on <level>', 'what makes the exit code 1').choices(FAIL_ON).default('fail' as IacFailOn))
    .option('--control <id>', 'judge only this control (repeatable)', collect, [] as string[])
    .option('--controls <dir>', 'load controls from this directory instead of the shipped ones')
    .option('--config <file>', 'control parameters from this file (default: ./ward.yaml when present)')
    .option('--param <control-id.name=value>', 'set a control parameter (repeatable)', collect, [] as string[])
    .addHelpText('after', HELP)
    .action(async (paths, options) => {
      await (await actions()).scan(context, {
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
