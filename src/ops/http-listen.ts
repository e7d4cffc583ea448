import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../utils/errors.js';

/**
 * Starts an operator-facing server on host:port (0 = any free port) and resolves to the port; a port that is taken
 * or not allowed is bad input naming the flag and the config key that chose it.
 */
export async function listen(server: Server, host: string, port: number, what: { name: string; flag: string; key: string }): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' || err.code === 'EACCES' ? new UsageError(`${what.name} port ${host}:${port} cannot be used (${err.code}): choose another ${what.flag} or ${what.key}`) : err),
    );
    server.listen(port, host, resolve);
  });
  return (server.address() as AddressInfo).port;
}

/** Closes a server now: open connections (a page's event stream) are cut, not waited for. */
export async function closeNow(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}
