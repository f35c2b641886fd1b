import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";

export interface SentSms {
  to: string;
  text: string;
  at: string;
}

/**
 * A local endpoint for SNS `Publish` to a phone number, the only SNS call the service makes. The AWS SDK
 * speaks the awsQuery protocol to it (form-encoded POST, XML answer). Messages are kept for `/_local/outbox`.
 */
export async function startSmsEndpoint(port: number) {
  const messages: SentSms[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const action = form.get("Action");
      const to = form.get("PhoneNumber");
      const text = form.get("Message");
      res.setHeader("content-type", "text/xml");
      if (action !== "Publish" || !to || text === null) {
        res.statusCode = 400;
        res.end(
          `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Only Publish to a PhoneNumber is emulated</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
        return;
      }
      messages.push({ to, text, at: new Date().toISOString() });
      res.end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    messages,
    clear: () => {
      messages.length = 0;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
