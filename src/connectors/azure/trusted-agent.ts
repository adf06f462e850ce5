/**
 * An HTTPS keep-alive agent that trusts Node's built-in roots plus extra CA certificates (the emulator's). For
 * in-process clients: NODE_EXTRA_CA_CERTS is read only at process start. The TLS context is built once per set
 * of CAs (building one costs tens of milliseconds of CPU, too much to pay on every connection).
 */
import { Agent } from 'node:https';
import tls from 'node:tls';

const agents = new Map<string, Agent>();

export function createTrustedAgent(ca: string | readonly string[]): Agent {
  const extra = typeof ca === 'string' ? [ca] : [...ca];
  const key = extra.join('\n');
  let agent = agents.get(key);
  if (!agent) {
    const secureContext = tls.createSecureContext({ ca: [...tls.rootCertificates, ...extra] });
    agent = new Agent({ keepAlive: true, secureContext });
    agents.set(key, agent);
  }
  return agent;
}
