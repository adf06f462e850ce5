import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessTokens, generateToken, parseTokensFile, sha256 } from './access-tokens.js';

const digest = (token: string) => sha256(token).toString('hex');

test('generated tokens are 32 random bytes in base64url, and only a presented token that matches a digest is accepted', () => {
  const token = generateToken();
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(generateToken(), token);
  const named = parseTokensFile(`tokens:\n  - name: alice\n    role: viewer\n    sha256: ${digest('alice-secret')}\n`, 'tokens.yaml');
  const tokens = accessTokens({ token, principal: { name: 'serve', role: 'admin' } }, named);
  assert.equal(tokens.count, 2);
  assert.deepEqual(tokens.verify(token), { name: 'serve', role: 'admin' });
  assert.deepEqual(tokens.verify('alice-secret'), { name: 'alice', role: 'viewer' });
  for (const wrong of ['', 'alice-secret ', digest('alice-secret'), 'x'.repeat(10_000)]) assert.equal(tokens.verify(wrong), undefined);
});

test('a tokens file is refused, naming the entry and field, for every malformed entry', () => {
  const ok = digest('t');
  const cases: [string, RegExp][] = [
    ['', /no tokens list/],
    ['tokens: []', /no tokens list/],
    ['tokens: [1]', /each token is a mapping/],
    [`tokens: [{ name: "<script>", role: admin, sha256: ${ok} }]`, /name is letters/],
    [`tokens: [{ name: a, role: root, sha256: ${ok} }]`, /role is viewer or admin/],
    ['tokens: [{ name: a, role: admin, sha256: plaintext-token }]', /64 hex digits/],
    [`tokens: [{ name: a, role: admin, sha256: ${ok} }, { name: a, role: viewer, sha256: ${digest('u')} }]`, /used twice/],
    [`tokens: [{ name: a, role: admin, sha256: ${ok} }, { name: b, role: viewer, sha256: ${ok.toUpperCase()} }]`, /same token/],
    ['tokens: [ {', /not YAML or JSON/],
    [`tokens: ${'x'.repeat(300 * 1024)}`, /larger than/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseTokensFile(text, 'tokens.yaml'), (error: Error & { code?: string; location?: { file?: string } }) => {
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.equal(error.location?.file, 'tokens.yaml');
      assert.match(error.message, message);
      return true;
    });
  }
});
