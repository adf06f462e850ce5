/**
 * One POST of a notification: no redirect followed (a redirect could carry the body and its signature elsewhere),
 * a deadline for the whole exchange, at most a few KB of the answer read. The result says whether another
 * attempt could help: a timeout, a network error, 408, 429 and 5xx could; a redirect or another 4xx will not.
 * Every error text is scrubbed of the URL's token and the signing secret.
 */
import { scrubSecrets } from './redact-url.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
const ANSWER_BYTES = 4096;
const ERROR_CHARS = 300;

export interface PostOptions {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch?: typeof fetch | undefined;
  readonly timeoutMs?: number | undefined;
  /** Values that must not appear in an error (the signing secret). */
  readonly secrets?: readonly string[] | undefined;
}

export type PostResult =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status: number | null; readonly error: string; readonly retryable: boolean };

/** Up to ANSWER_BYTES of the answer, as one line of text (the rest is not read). */
async function answerOf(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, ANSWER_BYTES).toString('utf8').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs / 1000} s`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `could not connect: ${reason}`;
}

export async function postNotification(options: PostOptions): Promise<PostResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const scrub = (text: string): string => scrubSecrets(text, options.url, options.secrets).slice(0, ERROR_CHARS);
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(options.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'ward-notify', ...options.headers },
      body: options.body,
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    return { ok: false, status: null, error: scrub(describeFailure(error, timeoutMs)), retryable: true };
  }
  const { status } = response;
  // the status decides; an answer that stalls or breaks off does not undo it
  const answer = await answerOf(response).catch(() => '');
  if (status >= 200 && status < 300) return { ok: true, status };
  const said = answer === '' ? '' : `: ${answer}`;
  if (status >= 300 && status < 400) {
    return { ok: false, status, error: scrub(`HTTP ${status}: the receiver redirects, and ward does not follow redirects (give the final URL)`), retryable: false };
  }
  const retryAfter = status === 429 ? response.headers.get('retry-after') : null;
  const retryable = status === 408 || status === 429 || status >= 500;
  return { ok: false, status, error: scrub(`HTTP ${status}${retryAfter ? ` (retry after ${retryAfter.slice(0, 40)})` : ''}${said}`), retryable };
}
