import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { judgeContactAddresses } from '../contact-verdict.js';
import { landingZoneMessage, legacyContactNameNote, TERRAFORM_CONTACT_API_NOTE } from '../contact-notes.js';
import { IAC_CONTROL } from '../iac-control.js';
import type { IacFinding, IacScanResult, IacWarning } from '../iac-finding.js';
import type { IacFormat, IacSourceFile } from '../iac-format.js';
import { knownValue, unknownValue, type ResolvedValue } from '../resolved-value.js';
import { LineIndex } from '../source-position.js';

const CONTACT_TYPE = 'azurerm_security_center_contact';
const SUBSCRIPTION_TYPE = 'azurerm_subscription';

/** `.json` files other than Terraform's own variable and configuration JSON. */
export function isJsonCandidate(file: string): boolean {
  return file.endsWith('.json') && !file.endsWith('.tfvars.json') && !file.endsWith('.tf.json');
}

/** `terraform show -json` output: a format_version and planned values or resource changes. */
export function looksLikeTerraformPlan(text: string): boolean {
  return /"format_version"/.test(text) && /"terraform_version"/.test(text) && /"(?:planned_values|resource_changes)"/.test(text);
}

export const terraformPlan: IacFormat = {
  name: 'terraformPlan',
  title: 'Terraform plan JSON (terraform show -json)',
  grouping: 'file',
  matchesPath: isJsonCandidate,
  matchesText: looksLikeTerraformPlan,
  evaluate: async (files) => {
    const results = files.map(evaluateTerraformPlan);
    return {
      findings: results.flatMap((result) => result.findings),
      warnings: results.flatMap((result) => result.warnings),
      errors: results.flatMap((result) => result.errors),
      filesScanned: files.length,
    };
  },
};

/** Judges every security contact a plan will leave in place: resource_changes first, then planned_values. */
export function evaluateTerraformPlan(file: IacSourceFile): IacScanResult {
  const parseErrors: ParseError[] = [];
  const root = parseTree(file.text, parseErrors, { allowTrailingComma: false, disallowComments: true });
  const lines = new LineIndex(file.text);
  if (!root || parseErrors.length > 0) {
    const first = parseErrors[0];
    const at = lines.positionAt(first?.offset ?? 0);
    const message = `JSON syntax error: ${first ? printParseErrorCode(first.error) : 'empty document'}`;
    return { findings: [], warnings: [], errors: [{ file: file.displayPath, line: at.line, column: at.column, message }], filesScanned: 1 };
  }
  const findings: IacFinding[] = [];
  const seen = new Set<string>();
  const subscriptions: Array<{ address: string; node: Node }> = [];
  const finding = (address: string, node: Node, values: Node | undefined, value: ResolvedValue | undefined, extra: string[] = []): void => {
    const emailNode = child(values, 'email');
    const at = lines.positionAt((emailNode?.parent ?? child(node, 'address') ?? node).offset);
    const verdict = judgeContactAddresses('email', value);
    const notes = [TERRAFORM_CONTACT_API_NOTE, ...extra];
    const name = getNodeValue(child(values, 'name') ?? { type: 'null', offset: 0, length: 0 } as Node) as unknown;
    if (typeof name === 'string' && name !== 'default') notes.push(legacyContactNameNote(name));
    findings.push({
      file: file.displayPath,
      line: at.line,
      column: at.column,
      resource: address,
      controlId: IAC_CONTROL.id,
      status: verdict.status,
      message: verdict.message,
      severity: IAC_CONTROL.severity,
      notes,
      format: 'terraformPlan',
    });
  };

  for (const change of child(root, 'resource_changes')?.children ?? []) {
    const type = stringAt(change, 'type');
    const address = stringAt(change, 'address') ?? '?';
    if (stringAt(change, 'mode') === 'data') continue;
    const body = child(change, 'change');
    const actions = (getNodeValue(child(body, 'actions') ?? emptyArray()) as unknown[]) ?? [];
    if (actions.length === 1 && actions[0] === 'delete') continue;
    if (type === SUBSCRIPTION_TYPE) subscriptions.push({ address, node: change });
    if (type !== CONTACT_TYPE) continue;
    seen.add(address);
    const after = child(body, 'after');
    const afterUnknown = getNodeValue(child(body, 'after_unknown') ?? emptyArray()) as unknown;
    const unknownEmail = afterUnknown === true || (isObject(afterUnknown) && afterUnknown.email === true);
    if (unknownEmail) {
      finding(address, change, after, unknownValue('the plan marks it after_unknown: it is known only after apply'));
      continue;
    }
    const emailNode = child(after, 'email');
    finding(address, change, after, emailNode === undefined ? undefined : knownValue(getNodeValue(emailNode)));
  }

  const walkModule = (module: Node | undefined): void => {
    for (const resource of child(module, 'resources')?.children ?? []) {
      const type = stringAt(resource, 'type');
      const address = stringAt(resource, 'address') ?? '?';
      if (stringAt(resource, 'mode') === 'data' || seen.has(address)) continue;
      if (type === SUBSCRIPTION_TYPE && !subscriptions.some((known) => known.address === address)) subscriptions.push({ address, node: resource });
      if (type !== CONTACT_TYPE) continue;
      seen.add(address);
      const values = child(resource, 'values');
      const emailNode = child(values, 'email');
      // planned_values omits attributes whose value is unknown until apply
      finding(address, resource, values, emailNode === undefined ? unknownValue('it is absent from planned_values, so known only after apply') : knownValue(getNodeValue(emailNode)));
    }
    for (const nested of child(module, 'child_modules')?.children ?? []) walkModule(nested);
  };
  walkModule(child(child(root, 'planned_values'), 'root_module'));

  const warnings: IacWarning[] = [];
  if (findings.length === 0) {
    for (const subscription of subscriptions) {
      const at = lines.positionAt((child(subscription.node, 'address') ?? subscription.node).offset);
      warnings.push({ file: file.displayPath, ...at, resource: subscription.address, kind: 'landing-zone-without-contact', message: landingZoneMessage(subscription.address) });
    }
  }
  return { findings, warnings, errors: [], filesScanned: 1 };
}

function child(node: Node | undefined, name: string): Node | undefined {
  if (node?.type !== 'object') return undefined;
  for (const entry of node.children ?? []) if (entry.children?.[0]?.value === name) return entry.children[1];
  return undefined;
}

function stringAt(node: Node | undefined, name: string): string | undefined {
  const value = child(node, name)?.value as unknown;
  return typeof value === 'string' ? value : undefined;
}

function emptyArray(): Node {
  return { type: 'array', offset: 0, length: 0, children: [] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
