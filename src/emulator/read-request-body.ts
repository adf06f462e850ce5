/**
 * Reads a request body up to a limit. Past the limit the rest is read and dropped, never kept, so that the server
 * can still answer with an HTTP error (413) instead of resetting a connection the client is still writing to.
 */
import type { IncomingMessage } from 'node:http';

export type RequestBody = { readonly tooLarge: false; readonly text: string } | { readonly tooLarge: true; readonly bytes: number };

export function readRequestBody(request: IncomingMessage, limitBytes: number): Promise<RequestBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
      else chunks.length = 0;
    });
    request.on('end', () => resolve(size > limitBytes ? { tooLarge: true, bytes: size } : { tooLarge: false, text: Buffer.concat(chunks).toString('utf8') }));
    request.on('error', reject);
  });
}

/** The body's declared length when it is already known to be past the limit (no need to read it first). */
export function declaredTooLarge(request: IncomingMessage, limitBytes: number): boolean {
  const declared = Number(request.headers['content-length'] ?? '');
  return Number.isFinite(declared) && declared > limitBytes;
}
