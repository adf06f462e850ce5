import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { knownValue, unknownValue } from './resolved-value.js';
import { resolveTerraformValue, type TerraformScope } from './terraform-expressions.js';

const scope: TerraformScope = {
  variable: (name) => (name === 'domain' ? knownValue('contoso.com', 'var.domain') : name === 'obj' ? knownValue({ a: { b: 'x@y.com' } }) : unknownValue(`no var.${name}`)),
  local: (name) => (name === 'team' ? knownValue('secops') : unknownValue(`no local.${name}`)),
};

describe('resolveTerraformValue', () => {
  it('keeps literals and non-strings', () => {
    assert.deepEqual(resolveTerraformValue('a@b.com', scope), knownValue('a@b.com'));
    assert.deepEqual(resolveTerraformValue(null, scope), knownValue(null));
  });

  it('resolves whole references keeping their source, and attribute access', () => {
    assert.deepEqual(resolveTerraformValue('${var.domain}', scope), knownValue('contoso.com', 'var.domain'));
    assert.deepEqual(resolveTerraformValue('${var.obj.a.b}', scope), knownValue('x@y.com'));
    assert.deepEqual(resolveTerraformValue('${var.obj["a"].b}', scope), knownValue('x@y.com'));
  });

  it('builds string templates from resolvable parts and honours $${ escapes', () => {
    assert.deepEqual(resolveTerraformValue('${local.team}@${var.domain}', scope), knownValue('secops@contoso.com'));
    assert.deepEqual(resolveTerraformValue('$${x}@${var.domain}', scope), knownValue('${x}@contoso.com'));
  });

  it('is unknown for data sources, module outputs, resources, functions and directives', () => {
    for (const [text, reason] of [
      ['${data.azurerm_client_config.c.object_id}', /data source/],
      ['${module.m.email}', /module output/],
      ['${azurerm_user_assigned_identity.x.principal_id}', /another resource/],
      ['${lower("A@B.COM")}', /function call/],
      ['%{if true}a@b.com%{endif}', /directive/],
      ['x-${var.nope}', /no var\.nope/],
    ] as const) {
      const resolved = resolveTerraformValue(text, scope);
      assert.equal(resolved.known, false, text);
      if (!resolved.known) assert.match(resolved.reason, reason);
    }
  });
});
