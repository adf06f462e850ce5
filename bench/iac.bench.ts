/**
 * `npm run bench:iac`: generates 5,000 Terraform files (1,250 modules of main/variables/outputs/versions,
 * half of them with a security contact) and 5,000 ARM templates (a mix of pass, fail and unknown, some
 * with nested deployments and comments) in a temp folder, scans them in-process as `ward iac` does, and
 * prints files per second and peak RSS. Target: at least 1,000 files per second on a 2-core machine.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { summarizeIacScan } from '../src/iac/iac-finding.js';
import { nodeIacHost } from '../src/iac/node-iac-host.js';
import { scanIac } from '../src/iac/scan-iac.js';
import { walkIacFiles } from '../src/iac/walk-iac-files.js';

const TERRAFORM_MODULES = 1250;
const ARM_TEMPLATES = 5000;
const EMAILS = ['"secops@contoso.com"', '""', 'var.security_email', 'data.azurerm_key_vault_secret.email.value', '"secops@contoso.com;not-an-address"'];

function terraformMain(index: number): string {
  let text = `resource "azurerm_resource_group" "rg" {\n  name     = "rg-app-${index}"\n  location = var.location\n  tags     = local.tags\n}\n\n`;
  for (let n = 0; n < 6; n++) {
    text +=
      `resource "azurerm_storage_account" "st${n}" {\n  name                     = "st${index}x${n}"\n  resource_group_name      = azurerm_resource_group.rg.name\n` +
      `  location                 = azurerm_resource_group.rg.location\n  account_tier             = "Standard"\n  account_replication_type = "GRS"\n` +
      `  min_tls_version          = "TLS1_2"\n  tags                     = local.tags\n}\n\n`;
  }
  text += `locals {\n  tags = {\n    app   = "app-${index}"\n    owner = "platform"\n  }\n}\n`;
  if (index % 2 === 0) {
    text += `\nresource "azurerm_security_center_contact" "main" {\n  name  = "default"\n  email = ${EMAILS[(index / 2) % EMAILS.length]}\n  alert_notifications = true\n  alerts_to_admins    = true\n}\n`;
  }
  return text;
}

const TERRAFORM_VARIABLES =
  'variable "location" {\n  type    = string\n  default = "westeurope"\n}\n\nvariable "security_email" {\n  type        = string\n  description = "Security contact"\n  default     = "soc@contoso.com"\n}\n\n' +
  'variable "tags" {\n  type    = map(string)\n  default = {}\n}\n';
const TERRAFORM_OUTPUTS = 'output "resource_group_id" {\n  value = azurerm_resource_group.rg.id\n}\n\noutput "storage_ids" {\n  value = [azurerm_storage_account.st0.id, azurerm_storage_account.st1.id]\n}\n';
const TERRAFORM_VERSIONS = 'terraform {\n  required_version = ">= 1.6"\n  required_providers {\n    azurerm = {\n      source  = "hashicorp/azurerm"\n      version = "~> 3.100"\n    }\n  }\n}\n';

function armTemplate(index: number): string {
  const emails = ['"secops@contoso.com;soc@contoso.com"', '""', '"[parameters(\'securityEmails\')]"', '"[concat(\'a\', \'@contoso.com\')]"'][index % 4];
  const contact = {
    type: 'Microsoft.Security/securityContacts',
    apiVersion: index % 7 === 0 ? '2017-08-01-preview' : '2023-12-01-preview',
    name: 'default',
    properties: { isEnabled: true, emails: '__EMAILS__', notificationsByRole: { state: 'On', roles: ['Owner'] } },
  };
  const filler = Array.from({ length: 8 }, (_, n) => ({
    type: 'Microsoft.Storage/storageAccounts',
    apiVersion: '2023-01-01',
    name: `[concat('st', uniqueString(subscription().id), '${n}')]`,
    location: "[parameters('location')]",
    sku: { name: 'Standard_GRS' },
    kind: 'StorageV2',
    properties: { minimumTlsVersion: 'TLS1_2', supportsHttpsTrafficOnly: true, allowBlobPublicAccess: false },
  }));
  const resources = index % 3 === 0 ? [...filler] : [contact, ...filler];
  const nested = index % 5 === 0 ? [{ type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'nested', properties: { mode: 'Incremental', template: { resources: [contact] } } }] : [];
  const template = {
    $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { securityEmails: { type: 'string', defaultValue: 'secops@contoso.com' }, location: { type: 'string', defaultValue: 'westeurope' } },
    resources: [...resources, ...nested],
  };
  return `// generated template ${index}\n${JSON.stringify(template, null, 2).replaceAll('"__EMAILS__"', emails ?? '""')}\n`;
}

async function generate(root: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  const write = async (file: string, text: string): Promise<void> => {
    await writeFile(file, text);
    files++;
    bytes += Buffer.byteLength(text);
  };
  for (let index = 0; index < TERRAFORM_MODULES; index++) {
    const folder = path.join(root, 'terraform', `team-${index % 25}`, `module-${index}`);
    await mkdir(folder, { recursive: true });
    await write(path.join(folder, 'main.tf'), terraformMain(index));
    await write(path.join(folder, 'variables.tf'), TERRAFORM_VARIABLES);
    await write(path.join(folder, 'outputs.tf'), TERRAFORM_OUTPUTS);
    await write(path.join(folder, 'versions.tf'), TERRAFORM_VERSIONS);
  }
  for (let index = 0; index < ARM_TEMPLATES; index++) {
    const folder = path.join(root, 'arm', `group-${index % 50}`);
    if (index < 50) await mkdir(folder, { recursive: true });
    await write(path.join(folder, `template-${index}.json`), armTemplate(index));
  }
  return { files, bytes };
}

const root = await mkdtemp(path.join(tmpdir(), 'ward-iac-bench-'));
try {
  const generated = await generate(root);
  const started = performance.now();
  const files = await walkIacFiles([root], root);
  const result = await scanIac(files, { host: nodeIacHost(root), options: { varFiles: [], parameterFiles: [] }, cache: new Map() });
  const seconds = (performance.now() - started) / 1000;
  const summary = summarizeIacScan(result);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const lines = [
    `ward iac benchmark (${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'})`,
    `generated: ${generated.files} files (${TERRAFORM_MODULES * 4} Terraform in ${TERRAFORM_MODULES} modules, ${ARM_TEMPLATES} ARM templates), ${(generated.bytes / 1024 / 1024).toFixed(1)} MB`,
    `scanned: ${files.length} files in ${seconds.toFixed(2)} s (walk, read, parse, judge) = ${Math.round(files.length / seconds)} files/s (target >= 1000)`,
    `verdicts: ${summary.resources} contact resources judged against every control: ${summary.pass} pass, ${summary.fail} fail, ${summary.unknown} unknown findings; ${summary.errors} input errors`,
    `peak RSS: ${peakRssMb.toFixed(0)} MB (process.resourceUsage().maxRSS)`,
    `load average at the end: ${loadavg().map((load) => load.toFixed(1)).join(' ')} (other work on the machine slows the figure down)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (summary.errors > 0) throw new Error('the generated tree should have no input errors');
  await mkdir(path.join(import.meta.dirname, 'results'), { recursive: true });
  await writeFile(path.join(import.meta.dirname, 'results', 'iac.txt'), `${lines.join('\n')}\n`);
} finally {
  await rm(root, { recursive: true, force: true });
}
