import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normaliseCapture } from '../../core/inventory/normalise-capture.js';
import { readCaptureDir } from '../../connectors/azure/read-capture-dir.js';
import { BUILTIN_CONTROLS_DIR } from '../../core/package-paths.js';
import { planRemediation } from '../../core/remediation/plan-remediation.js';
import { validateContactBody } from '../../emulator/contact-schemas.js';
import { loadControls } from '../../scan/load-controls.js';
import { armTemplate, SUBSCRIPTION_DEPLOYMENT_SCHEMA } from './arm-template.js';
import { EMITTERS } from './index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const control = loadControls(BUILTIN_CONTROLS_DIR).find((c) => c.id === 'azure-defender-security-contact-email')!;
const inventory = normaliseCapture(readCaptureDir(join(here, '../../core/remediation/fixtures/mixed-tenant')));
// validator accepts quotes and other shell-significant characters in the local part: quoting must hold
const TRICKY = ["o'brien@contoso.com", 'soc+$IFS`id`{a}&b|c*@contoso.com'];
const plan = planRemediation({ control, inventory, addresses: TRICKY, armEndpoint: 'https://management.azure.com' });
const input = { plan, addresses: plan.addresses };

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
  assert.equal(emails.length, plan.subscriptions.length);
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

/** The ARM template's resource properties with parameters replaced by their default values. */
function resolvedArmProperties(template: Record<string, any>): Record<string, unknown> {
  const defaults = Object.fromEntries(Object.entries(template.parameters as Record<string, { defaultValue: unknown }>).map(([k, v]) => [k, v.defaultValue]));
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

test('arm: a subscription deployment template whose body validates against the 2023 schema', () => {
  const template = JSON.parse(EMITTERS.arm(input)) as Record<string, any>;
  assert.equal(template.$schema, SUBSCRIPTION_DEPLOYMENT_SCHEMA);
  const resource = template.resources[0];
  assert.deepEqual([resource.type, resource.apiVersion, resource.name], ['Microsoft.Security/securityContacts', '2023-12-01-preview', 'default']);
  const properties = resolvedArmProperties(template);
  assert.equal(properties.emails, TRICKY.join(';'));
  assert.equal(validateContactBody('2023-12-01-preview', { properties }), null);
  assert.equal(template.metadata.deployCommands.length, plan.subscriptions.filter((s) => s.actions.some((a) => a.apiVersion === '2023-12-01-preview')).length);
});

/** A parser for the Bicep subset ward prints: objects, arrays, strings, booleans, numbers, identifiers. */
function parseBicepValue(text: string, params: Record<string, unknown>): unknown {
  let at = 0;
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
  return value();
}

test('bicep: targetScope subscription; the resource body equals the ARM template\'s, parameter for parameter', () => {
  const bicep = EMITTERS.bicep(input);
  assert.match(bicep, /^targetScope = 'subscription'$/m);
  const param = /^param emails string = (.*)$/m.exec(bicep)![1]!;
  const emails = parseBicepValue(param, {});
  const declaration = /^resource securityContact 'Microsoft\.Security\/securityContacts@2023-12-01-preview' = /m.exec(bicep)!;
  const body = parseBicepValue(bicep.slice(declaration.index + declaration[0].length), { emails }) as { name: string; properties: unknown };
  const template = armTemplate(input) as Record<string, any>;
  assert.equal(body.name, template.resources[0].name);
  assert.deepEqual(body.properties, resolvedArmProperties(template));
});

test('terraform: parses with hcl2json; azurerm contact per flagged subscription, with the 2017 caveat spelled out', async () => {
  const { parse } = await import('@cdktf/hcl2json');
  const text = EMITTERS.terraform(input);
  const parsed = (await parse('main.tf', text)) as Record<string, any>;
  const contacts = parsed.resource.azurerm_security_center_contact as Record<string, any[]>;
  assert.equal(Object.keys(contacts).length, plan.subscriptions.length);
  const first = Object.values(contacts)[0]![0];
  assert.equal(first.email, '${var.security_contact_email}');
  assert.equal(parsed.variable.security_contact_email[0].default, TRICKY[0]);
  assert.equal(parsed.provider.azurerm.length, plan.subscriptions.length);
  assert.match(text, /speaks the 2017-08-01-preview API: ONE address/);
  const tricky = await parse('x.tf', `variable "x" {\n  default = ${JSON.stringify('$' + '{evil}')}\n}\n`).catch(() => undefined);
  assert.ok(tricky !== undefined);
});

test('every emitter says there is nothing to do on a compliant tenant', () => {
  const compliant = { plan: { ...plan, subscriptions: [], actions: [] }, addresses: plan.addresses };
  for (const [name, emit] of Object.entries(EMITTERS)) {
    if (name === 'arm' || name === 'bicep') continue; // preventive templates are useful regardless
    assert.match(emit(compliant), /nothing to do/, name);
  }
});
