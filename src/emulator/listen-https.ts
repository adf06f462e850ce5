/**
 * The emulator's HTTPS listener: one request handler, a fresh certificate, keep-alive sockets tracked so that
 * `close()` ends them at once instead of waiting for clients to hang up.
 */
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WardError } from '../core/errors.js';

export interface HttpsListener {
  /** `https://<host>:<port>` as clients reach it. */
  readonly url: string;
  close(): Promise<void>;
}

export async function listenHttps(options: {
  readonly certPem: string;
  readonly keyPem: string;
  readonly host: string;
  readonly port: number;
  readonly handle: (request: IncomingMessage, response: ServerResponse) => void;
}): Promise<HttpsListener> {
  const server = createServer({ cert: options.certPem, key: options.keyPem }, options.handle);
  const sockets = new Set<Socket>();
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new WardError('EMULATOR_ERROR', `cannot listen on ${options.host}:${options.port}: ${error.message}`, { cause: error })),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `https://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
