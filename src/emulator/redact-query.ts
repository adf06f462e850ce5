/**
 * What the request log shows of a query string: every value whose name says it can carry a credential (tokens,
 * secrets, assertions, passwords, codes, keys, signatures) becomes `[redacted]`, as does a bare value long enough
 * to be a token. Names are matched decoded, so `access%5Ftoken` is caught too; everything else is kept as sent.
 */
const CREDENTIAL_NAME = /token|secret|assertion|passw|pwd|^code$|key|sig|credential|auth|session|cookie/i;
const NOT_CREDENTIALS = new Set(['$skiptoken', 'api-version']);

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return raw;
  }
}

export function redactQuery(search: string): string {
  if (search === '' || search === '?') return search;
  const parts = search.replace(/^\?/, '').split('&');
  const shown = parts.map((part) => {
    const equals = part.indexOf('=');
    if (equals < 0) return part.length >= 16 ? '[redacted]' : part;
    const rawName = part.slice(0, equals);
    const name = decodedName(rawName).toLowerCase();
    return !NOT_CREDENTIALS.has(name) && CREDENTIAL_NAME.test(name) ? `${rawName}=[redacted]` : part;
  });
  return `?${shown.join('&')}`;
}
