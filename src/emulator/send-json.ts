/** Writes one JSON answer (or an empty one) with the headers ARM sends on every answer. */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'content-length': Buffer.byteLength(text),
    'x-ms-request-id': randomUUID(),
    'cache-control': 'no-cache',
    ...headers,
  });
  response.end(text);
}
