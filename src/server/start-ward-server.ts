/**
 * Puts the app (create-ward-app.ts) on node:http through @whatwg-node/server's adapter (graphql-yoga's own
 * dependency: Node requests become fetch Requests, and back). Binds where it is told; ward serve decides that
 * 127.0.0.1 is the default and that any other address needs named tokens.
 */
import { createServer, type Server } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { createServerAdapter } from '@whatwg-node/server';
import { WardError } from '../core/errors.js';
import type { WardApp } from './create-ward-app.js';

export interface RunningServer {
  /** `http://HOST:PORT` (IPv6 addresses in brackets). */
  readonly origin: string;
  readonly port: number;
  /** Stops accepting connections and ends idle ones; resolves when the server has closed. */
  close(): Promise<void>;
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and localhost: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return /^(0{0,4}:){2,7}0{0,3}1$/.test(bare) || /^::ffff:127\./.test(bare);
  return false;
}

export async function startWardServer(app: WardApp, options: { readonly host: string; readonly port: number }): Promise<RunningServer> {
  const adapter = createServerAdapter((request: Request) => app.fetch(request));
  const server: Server = createServer(adapter);
  // a slow client cannot hold a connection open for ever
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new WardError('USAGE', `cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`, {
          hint: error.code === 'EADDRINUSE' ? 'another process uses that port: pick another with --port, or --port 0 for any free one' : 'check --host and --port',
        }),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    origin: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
