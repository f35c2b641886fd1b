import type { Server } from "node:http";
import sesPackage from "aws-ses-v2-local";

// A CommonJS module with `exports.default`: seen from ESM, the function sits one level down.
const sesServer = ((sesPackage as unknown as { default?: unknown }).default ?? sesPackage) as (config: {
  host: string;
  port: number;
}) => Promise<Server>;

export interface SentEmail {
  to: string;
  subject: string;
  text: string;
  at: string;
}

/** aws-ses-v2-local (SESv2 API) in this process; its store is read and cleared over its own HTTP API. */
export async function startSes(port: number) {
  const server: Server = await sesServer({ host: "127.0.0.1", port });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    async list(): Promise<SentEmail[]> {
      const response = await fetch(`${endpoint}/store`);
      const store = (await response.json()) as {
        emails: Array<{
          destination: { to: string[] };
          subject: string;
          body: { text?: string };
          at: number;
        }>;
      };
      return store.emails.map((e) => ({
        to: e.destination.to.join(", "),
        subject: e.subject,
        text: e.body.text ?? "",
        at: new Date(e.at * 1000).toISOString(),
      }));
    },
    async clear(): Promise<void> {
      await fetch(`${endpoint}/clear-store`, { method: "POST" });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
