/** A minimal HTTPS client for emulator tests: one request, the whole answer, the emulator's CA trusted. */
import { request } from 'node:https';

export interface HttpsAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The body parsed as JSON (undefined when empty or not JSON). */
  readonly json: any;
}

export function httpsRequest(
  url: string,
  ca: string,
  options: { readonly method?: string; readonly headers?: Record<string, string>; readonly body?: string | Buffer } = {},
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', ca, headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A client-credentials token from the emulator's v2 token endpoint, for the emulator's own ARM audience. */
export async function emulatorToken(emulator: { url: string; caPem: string; credentials: { tenantId: string; clientId: string; clientSecret: string } }): Promise<string> {
  const answer = await httpsRequest(`${emulator.url}/${emulator.credentials.tenantId}/oauth2/v2.0/token`, emulator.caPem, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: emulator.credentials.clientId,
      client_secret: emulator.credentials.clientSecret,
      scope: `${emulator.url}/.default`,
    }).toString(),
  });
  if (answer.status !== 200) throw new Error(`the emulator refused a token: ${answer.status}`);
  return String(answer.json.access_token);
}
