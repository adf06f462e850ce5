/**
 * Webhook, Slack and Teams URLs carry their token in the path or the query: whoever has one can post to the
 * channel. Lists, logs and errors show a URL as its scheme and host only, and text that came from elsewhere (an
 * error of the HTTP stack, a receiver's answer) has every piece of the URL and of the signing secret taken out.
 */

/** `https://hooks.slack.com/…`: scheme and host (with its port) only. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return '<a URL that does not parse>';
  }
}

/** The parts of a URL that may be secret: the whole of it, its path with query, each path segment and query value. */
function secretPartsOf(url: string): string[] {
  const parts = [url];
  try {
    const parsed = new URL(url);
    parts.push(parsed.href, `${parsed.pathname}${parsed.search}`, parsed.search.slice(1));
    parts.push(...parsed.pathname.split('/').map(decodeSafely));
    parts.push(...parsed.pathname.split('/'));
    for (const [, value] of parsed.searchParams) parts.push(value, encodeURIComponent(value));
  } catch {
    // nothing more to take out of a URL that does not parse than the whole of it
  }
  // short pieces (`api`, `v1`) are no secret and would blank out ordinary words
  return parts.filter((part) => part.length >= 6);
}

function decodeSafely(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `text` with the URL's secret parts and each secret replaced by `…` (the longest first, so no piece is left half). */
export function scrubSecrets(text: string, url: string, secrets: readonly string[] = []): string {
  const parts = [...new Set([...secretPartsOf(url), ...secrets.filter((s) => s.length > 0)])].sort((a, b) => b.length - a.length);
  let scrubbed = text;
  for (const part of parts) scrubbed = scrubbed.split(part).join(part === url ? redactUrl(url) : '…');
  return scrubbed;
}
