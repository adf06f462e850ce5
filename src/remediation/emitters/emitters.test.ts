import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normaliseCapture } from '../../core/inventory/normalise-capture.js';
import { readCaptureDir } from '../../connectors/azure/read-capture-dir.js';
import { BUILTIN_CONTROLS_DIR } from '../../core/package-paths.js';
import { baselineContactBody } from '../../core/remediation/contact-body.js';
import { DEFAULT_NOTIFICATION_LEVELS } from '../../core/remediation/notification-levels.js';
import type { PlannedAction } from '../../core/remediation/plan-remediation.js';
import { simulateActions } from '../../core/remediation/simulate-actions.js';
import { validateContactBody } from '../../emulator/contact-schemas.js';
import { evaluateInventory } from '../../scan/evaluate-inventory.js';
import { loadControls } from '../../scan/load-controls.js';
import { planVerifiedRemediation } from '../plan-verified-remediation.js';
import { armTemplate, SUBSCRIPTION_DEPLOYMENT_SCHEMA } from './arm-template.js';
import type { EmitInput } from './emit-input.js';
import { EMITTERS } from './index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const controls = loadControls(BUILTIN_CONTROLS_DIR);
const control = controls.find((c) => c.id === 'azure-defender-security-contact-email')!;
const FOUR = controls.filter((c) => c.id.startsWith('azure-defender-security-contact-'));
const inventory = normaliseCapture(readCaptureDir(join(here, '../../core/remediation/fixtures/mixed-tenant')));
const failing = normaliseCapture(readCaptureDir(join(here, '../../core/remediation/fixtures/failing-every-control')));
// validator accepts quotes and other shell-significant characters in the local part: quoting must hold
const TRICKY = ["o'brien@contoso.com", 'soc+$IFS`id`{a}&b|c*@contoso.com'];
const ARM = 'https://management.azure.com';
const plan = await planVerifiedRemediation({ controls: [control], inventory, addresses: TRICKY, armEndpoint: ARM });
const baseline = baselineContactBody(plan.addresses, DEFAULT_NOTIFICATION_LEVELS);
const input: EmitInput = { plan, addresses: plan.addresses, baseline };
// every control of the family at once, on a tenant failing all four
const fourPlan = await planVerifiedRemediation({ controls: FOUR, inventory: failing, addresses: ['soc@contoso.com'], armEndpoint: ARM });
const fourInput: EmitInput = { plan: fourPlan, addresses: fourPlan.addresses, baseline: baselineContactBody(fourPlan.addresses, DEFAULT_NOTIFICATION_LEVELS) };

/** Runs a generated bash script with az/curl replaced by functions that print their arguments one per line. */
function runWithStubs(script: string): string[] {
  const stubs = 'az() { printf "ARG:%s\\n" "$@"; [ "$1" = account ] && echo TOKEN || true; }\ncurl() { printf "ARG:%s\\n" "$@"; cat; echo; }\n';
  const body = script.replace(/^#!.*\n/, '').replace('set -euo pipefail', 'set -eu');
  const output = execFileSync('bash', ['-c', `${stubs}${body}`], { encoding: 'utf8', cwd: '/tmp' });
  return output.split('\n');
}

test('az: current CLI syntax, addresses passed to az intact however odd, legacy contacts via az rest in 2017', () => {
  const script = EMITTERS.az(input);
  assert.match(script, /az security contact create/);
  assert.match(script, /--alert-notifications '\{"state":"On","minimalSeverity":"Medium"\}'/);
  const args = runWithStubs(script);
  const emails = args.filter((_line, index) => args[index - 1] === 'ARG:--emails').map((line) => line.slice(4));
  // 103 keeps an AttackPath source and is disabled today: the 2020 command cannot write that, az rest does
  assert.equal(emails.length, plan.subscriptions.length - 1);
  assert.match(script, /# az security contact create cannot write this fix: it sets an AttackPath notification source\naz rest --method put --url 'https:\/\/management\.azure\.com\/subscriptions\/00000000-0000-4000-8000-000000000103\//);
  assert.ok(emails.every((value) => value.endsWith(TRICKY.join(';'))), emails.join('\n'));
  assert.ok(args.includes('ARG:https://management.azure.com/subscriptions/00000000-0000-4000-8000-000000000101/providers/Microsoft.Security/securityContacts/default2?api-version=2017-08-01-preview'));
});

test('rest and curl: 2023-12-01-preview bodies reach the tools byte for byte; the curl explains why the seed one is obsolete', () => {
  for (const name of ['rest', 'curl'] as const) {
    const script = EMITTERS[name](input);
    assert.match(script, /securityContacts\/default\?api-version=2023-12-01-preview/);
    const legacy = plan.actions.filter((action) => action.apiVersion === '2017-08-01-preview').length;
    assert.equal((script.match(/api-version=2017-08-01-preview/g) ?? []).length, legacy, 'the 2017 API only for legacy contacts');
    runWithStubs(script);
  }
  const curl = EMITTERS.curl(input);
  assert.match(curl, /TOKEN=\$\(az account get-access-token --query accessToken -o tsv\)/);
  assert.match(curl, /Why not the benchmark's curl/);
  const printed = runWithStubs(curl).join('\n');
  const firstBody = JSON.stringify(plan.actions[0]!.body, null, 2);
  assert.ok(printed.includes(firstBody), 'the heredoc delivers the body unchanged');
});

test('powershell: Invoke-AzRestMethod with literal here-strings and single-quoted paths', () => {
  const script = EMITTERS.powershell(input);
  assert.match(script, /Invoke-AzRestMethod/);
  assert.match(script, /Set-AzSecurityContact would write the 2017 form only/);
  assert.match(script, /-Path '\/subscriptions\/00000000-0000-4000-8000-000000000104\/providers\/Microsoft\.Security\/securityContacts\/default\?api-version=2023-12-01-preview'/);
  assert.equal((script.match(/^@'$|^\$payload = @'$/gm) ?? []).length, (script.match(/^'@$/gm) ?? []).length);
});

/** The ARM template's resource properties with parameters replaced by the given values (default: their defaults). */
function resolvedArmProperties(template: Record<string, any>, values?: Record<string, unknown>): Record<string, unknown> {
  const defaults = values ?? Object.fromEntries(Object.entries(template.parameters as Record<string, { defaultValue: unknown }>).map(([k, v]) => [k, v.defaultValue]));
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const match = /^\[parameters\('([^']+)'\)\]$/.exec(value);
      return match ? defaults[match[1]!] : value;
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  };
  return resolve(template.resources[0].properties) as Record<string, unknown>;
}

/** The `--parameters name=value` of an `az deployment sub create` line, as az parses them (JSON for object and array parameters). */
function deploymentParameters(command: string, template: Record<string, any>): Record<string, unknown> {
  const args = runWithStubs(command).filter((line) => line.startsWith('ARG:')).map((line) => line.slice(4));
  const values = args.slice(args.indexOf('--parameters') + 1);
  return Object.fromEntries(
    values.map((pair) => {
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      return [name, ['object', 'array'].includes(template.parameters[name].type) ? JSON.parse(value) : value];
    }),
  );
}

const mainOf = (subscriptionId: string, actions: readonly PlannedAction[]) =>
  actions.find((a) => a.subscriptionId === subscriptionId && a.apiVersion === '2023-12-01-preview')?.body as { properties: Record<string, unknown> } | undefined;

test('arm: a subscription deployment template whose defaults satisfy every control; each command deploys that subscription\'s merged fix', async () => {
  const template = JSON.parse(EMITTERS.arm(fourInput)) as Record<string, any>;
  assert.equal(template.$schema, SUBSCRIPTION_DEPLOYMENT_SCHEMA);
  const resource = template.resources[0];
  assert.deepEqual([resource.type, resource.apiVersion, resource.name], ['Microsoft.Security/securityContacts', '2023-12-01-preview', 'default']);
  const properties = resolvedArmProperties(template);
  assert.equal(properties.emails, 'soc@contoso.com');
  assert.equal(validateContactBody('2023-12-01-preview', { properties }), null);
  assert.deepEqual(properties.notificationsSources, [
    { sourceType: 'Alert', minimalSeverity: 'High' },
    { sourceType: 'AttackPath', minimalRiskLevel: 'High' },
  ]);
  const commands: string[] = template.metadata.deployCommands;
  const deployments = commands.filter((command) => command.startsWith('az deployment sub create'));
  assert.equal(deployments.length, fourPlan.subscriptions.length);
  assert.equal(commands.length, fourPlan.actions.length, 'plus one az rest per legacy contact request');
  let simulated = failing;
  for (const command of deployments) {
    const subscriptionId = /--subscription '([^']+)'/.exec(command)![1]!;
    const deployed = resolvedArmProperties(template, deploymentParameters(command, template));
    const planned = mainOf(subscriptionId, fourPlan.actions)!.properties;
    assert.deepEqual(deployed, { ...planned, phone: planned.phone ?? '' }, subscriptionId);
    simulated = simulateActions(simulated, [{ assetId: `/subscriptions/${subscriptionId}`, contactName: 'default', method: 'PUT', body: { properties: deployed } }]);
  }
  simulated = simulateActions(simulated, fourPlan.actions.filter((a) => a.apiVersion !== '2023-12-01-preview'));
  const findings = await evaluateInventory(FOUR, simulated);
  const fixed = new Set(fourPlan.subscriptions.map((s) => s.assetId));
  assert.deepEqual(findings.filter((f) => fixed.has(f.assetId) && f.status !== 'pass'), [], 'deploying what the template says fixes every control');
  // the mixed tenant's tricky addresses stay intact through the shell
  const tricky = JSON.parse(EMITTERS.arm(input)) as Record<string, any>;
  assert.equal(resolvedArmProperties(tricky).emails, TRICKY.join(';'));
  for (const command of (tricky.metadata.deployCommands as string[]).filter((c) => c.startsWith('az deployment'))) {
    assert.ok(String(deploymentParameters(command, tricky).emails).endsWith(TRICKY.join(';')), command);
  }
});

/** A parser for the Bicep subset ward prints: objects, arrays, strings, booleans, numbers, identifiers. */
function parseBicepValue(text: string, start: number, params: Record<string, unknown>): { value: unknown; end: number } {
  let at = start;
  const skip = (): void => {
    while (at < text.length && /\s/.test(text[at]!)) at += 1;
  };
  const value = (): unknown => {
    skip();
    const char = text[at]!;
    if (char === '{') {
      at += 1;
      const out: Record<string, unknown> = {};
      for (skip(); text[at] !== '}'; skip()) {
        const key = text[at] === "'" ? (value() as string) : /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at))![0];
        if (typeof key === 'string' && text[at] !== ':') at += text[at] === "'" ? 0 : key.length;
        skip();
        assert.equal(text[at], ':', `expected : at ${at}`);
        at += 1;
        out[key] = value();
      }
      at += 1;
      return out;
    }
    if (char === '[') {
      at += 1;
      const out: unknown[] = [];
      for (skip(); text[at] !== ']'; skip()) out.push(value());
      at += 1;
      return out;
    }
    if (char === "'") {
      let out = '';
      at += 1;
      while (text[at] !== "'") {
        if (text[at] === '\\') {
          const next = text[at + 1]!;
          out += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
          at += 2;
        } else out += text[at++];
      }
      at += 1;
      return out;
    }
    const word = /^[A-Za-z0-9_.-]+/.exec(text.slice(at))![0];
    at += word.length;
    if (word === 'true' || word === 'false') return word === 'true';
    if (/^-?\d/.test(word)) return Number(word);
    assert.ok(word in params, `unknown symbol ${word}`);
    return params[word];
  };
  const parsed = value();
  return { value: parsed, end: at };
}

test('bicep: targetScope subscription; parameters, defaults and resource body equal the ARM template\'s', () => {
  for (const emitted of [input, fourInput]) {
    const bicep = EMITTERS.bicep(emitted);
    assert.match(bicep, /^targetScope = 'subscription'$/m);
    const params: Record<string, unknown> = {};
    for (const match of bicep.matchAll(/^param (\w+) (\w+) = /gm)) params[match[1]!] = parseBicepValue(bicep, match.index! + match[0].length, {}).value;
    const declaration = /^resource securityContact 'Microsoft\.Security\/securityContacts@2023-12-01-preview' = /m.exec(bicep)!;
    const body = parseBicepValue(bicep, declaration.index + declaration[0].length, params).value as { name: string; properties: unknown };
    const template = armTemplate(emitted) as Record<string, any>;
    assert.deepEqual(Object.keys(params), Object.keys(template.parameters));
    assert.equal(body.name, template.resources[0].name);
    assert.deepEqual(body.properties, resolvedArmProperties(template));
    const commands = (template.metadata.deployCommands as string[]).map((command) => command.replace('security-contact.json', 'security-contact.bicep'));
    for (const command of commands) assert.ok(bicep.includes(`// ${command}`), command);
  }
});

test('terraform: azapi resources with the plan\'s exact bodies; never an active azurerm contact; existing contacts imported', async () => {
  const { parse } = await import('@cdktf/hcl2json');
  const text = EMITTERS.terraform(input);
  const parsed = (await parse('main.tf', text)) as Record<string, any>;
  assert.equal(parsed.resource.azurerm_security_center_contact, undefined, 'azurerm cannot express the fix (issues #30797, #14565)');
  assert.match(text, /#30797 and #14565/);
  assert.equal(parsed.terraform[0].required_providers[0].azapi.source, 'Azure/azapi');
  const resources = Object.values(parsed.resource.azapi_resource as Record<string, any[]>).map((list) => list[0]);
  assert.equal(resources.length, plan.actions.filter((a) => a.method === 'PUT').length, 'one azapi resource per PUT of the plan');
  for (const action of plan.actions.filter((a) => a.method === 'PUT')) {
    const resource = resources.find((r) => r.parent_id === `/subscriptions/${action.subscriptionId}` && r.name === action.contactName);
    assert.ok(resource, `${action.subscriptionId} ${action.contactName}`);
    assert.equal(resource.type, `Microsoft.Security/securityContacts@${action.apiVersion}`);
    assert.deepEqual(resource.body, action.body, 'the body, byte for byte, addresses however odd');
  }
  const defaults = resources.filter((r) => r.name === 'default');
  assert.ok(defaults.every((r) => r.type === 'Microsoft.Security/securityContacts@2023-12-01-preview'));
  // 101's default1 holds Owner@Contoso.com: no resource may overwrite it; its empty default2 is given an address
  const of101 = resources.filter((r) => r.parent_id.endsWith('000000000101')).map((r) => r.name).sort();
  assert.deepEqual(of101, ['default', 'default2']);
  // existing contacts are adopted, new ones created
  const imports = (parsed.import as { to: string; id: string }[]).map((entry) => entry.id);
  const existing = plan.actions.filter((a) => a.method === 'PUT' && a.before !== 'absent');
  assert.deepEqual(imports.sort(), existing.map((a) => `/subscriptions/${a.subscriptionId}/providers/Microsoft.Security/securityContacts/${a.contactName}?api-version=${a.apiVersion}`).sort());
});

test('terraform: the four-control fix in one azapi_resource per subscription, and --delete-legacy as an azapi DELETE', async () => {
  const { parse } = await import('@cdktf/hcl2json');
  const parsed = (await parse('main.tf', EMITTERS.terraform(fourInput))) as Record<string, any>;
  const resources = Object.values(parsed.resource.azapi_resource as Record<string, any[]>).map((list) => list[0]);
  for (const subscription of fourPlan.subscriptions) {
    const mine = resources.filter((r) => r.parent_id === `/subscriptions/${subscription.subscriptionId}` && r.name === 'default');
    assert.equal(mine.length, 1, subscription.assetId);
    assert.deepEqual(mine[0].body, mainOf(subscription.subscriptionId, fourPlan.actions));
    assert.ok((mine[0].body.properties.notificationsSources as { sourceType: string }[]).some((source) => source.sourceType === 'AttackPath'));
  }
  const deleting = await planVerifiedRemediation({ controls: [control], inventory, addresses: ['soc@contoso.com'], armEndpoint: ARM, deleteLegacy: true });
  const withDeletes = (await parse('main.tf', EMITTERS.terraform({ plan: deleting, addresses: deleting.addresses, baseline }))) as Record<string, any>;
  const deletes = Object.values(withDeletes.resource.azapi_resource_action as Record<string, any[]>).map((list) => list[0]);
  assert.deepEqual(
    deletes.map((d) => `${d.method} ${d.type} ${d.resource_id}`).sort(),
    deleting.actions.filter((a) => a.method === 'DELETE').map((a) => `DELETE Microsoft.Security/securityContacts@2017-08-01-preview /subscriptions/${a.subscriptionId}/providers/Microsoft.Security/securityContacts/${a.contactName}`).sort(),
  );
  assert.equal(Object.values(withDeletes.resource.azapi_resource as Record<string, any[]>).some((list) => list[0].type.endsWith('2017-08-01-preview')), false, 'no legacy contact is written when it is deleted');
});

test('az and the other scripts carry the four-control fix: attack paths through the 2023 API', () => {
  const az = EMITTERS.az(fourInput);
  assert.equal((az.match(/^az security contact create/gm) ?? []).length, 0, 'every merged fix here adds an AttackPath source');
  assert.equal((az.match(/^az rest --method put --url '[^']*securityContacts\/default\?api-version=2023-12-01-preview'/gm) ?? []).length, fourPlan.subscriptions.length);
  const printed = runWithStubs(az).join('\n');
  for (const subscription of fourPlan.subscriptions) assert.ok(printed.includes(JSON.stringify(mainOf(subscription.subscriptionId, fourPlan.actions))), subscription.assetId);
  for (const name of ['rest', 'curl', 'powershell'] as const) {
    const script = EMITTERS[name](fourInput);
    assert.match(script, /azure-defender-security-contact-attack-path/);
    assert.equal((script.match(/securityContacts\/default\?api-version=2023-12-01-preview/g) ?? []).length, fourPlan.subscriptions.length, name);
  }
});

test('every emitter says there is nothing to do on a compliant tenant', () => {
  const compliant = { plan: { ...plan, subscriptions: [], actions: [] }, addresses: plan.addresses, baseline };
  for (const [name, emit] of Object.entries(EMITTERS)) {
    if (name === 'arm' || name === 'bicep') continue; // preventive templates are useful regardless
    assert.match(emit(compliant), /nothing to do/, name);
  }
});
