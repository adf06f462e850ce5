/**
 * A fresh self-signed certificate for the emulator's HTTPS server: SAN localhost, 127.0.0.1 and ::1. Its subject
 * names this emulator alone (`ward emulator <random>`): OpenSSL finds a trusted certificate by its subject, so with
 * several emulators' certificates in one NODE_EXTRA_CA_CERTS bundle (team mode reading several tenants) a shared
 * subject would let only the first be trusted.
 */
import { randomBytes } from 'node:crypto';
import { generate } from 'selfsigned';

export interface TlsCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

export async function generateTlsCertificate(): Promise<TlsCertificate> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: `ward emulator ${randomBytes(6).toString('hex')}` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 30 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private };
}
