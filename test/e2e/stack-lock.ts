/**
 * One test file at a time on a shared local stack, while the files of another stack run beside it.
 *
 * The e2e and browser projects each drive a local stack of their own, and a file may shift its stack's clock or
 * inject faults into its emulators, so the files of one project must not overlap. Vitest's `fileParallelism:
 * false` would serialise them, but it also queues the two projects one after the other, leaving the machine half
 * idle while the service waits out its answer floors and scrypt. Instead both projects run with several workers
 * (vitest.config.ts) and each file holds its stack's lock from before its first hook to after its last.
 *
 * The lock is a long-lived HTTP request to a server in the global setup (the main process): it is granted, in
 * order of arrival, by answering the request's headers, and released by closing the connection, which also
 * happens when a worker dies, so a crashed file never leaves the stack locked.
 */
import { createServer, get, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StackLockServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the lock on a free port of 127.0.0.1 until `close`. */
export async function startStackLock(): Promise<StackLockServer> {
  let holder: ServerResponse | undefined;
  const waiting: ServerResponse[] = [];
  const grant = () => {
    while (!holder && waiting.length > 0) {
      const next = waiting.shift()!;
      if (next.destroyed) continue;
      holder = next;
      next.writeHead(200, { "content-type": "text/plain" });
      next.flushHeaders();
    }
  };
  const server = createServer((_request, response) => {
    waiting.push(response);
    response.on("close", () => {
      if (holder === response) holder = undefined;
      else if (waiting.includes(response)) waiting.splice(waiting.indexOf(response), 1);
      grant();
    });
    grant();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits for the lock at `url` and holds it: the function returned releases it. */
export function holdStackLock(url: string): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false }, (response) => {
      // The connection ends when the holder releases it, or when the run ends and the server closes.
      response.on("error", () => undefined);
      if (response.statusCode !== 200) reject(new Error(`stack lock: ${response.statusCode}`));
      else resolve(() => request.destroy());
    });
    request.on("error", reject);
  });
}
