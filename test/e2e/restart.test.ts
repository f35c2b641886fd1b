import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pinRequestBody } from "../fixtures/requests.ts";
import { leavesSharedStackAlone } from "./one-file-at-a-time.ts";
import { javaProcessesFor, startLocalStack } from "./stack.ts";

// Stacks of its own, started and stopped here: the shared one stays free for the other files meanwhile.
leavesSharedStackAlone();

const dir = mkdtempSync(join(tmpdir(), "pin-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const post = (api: string, path: string, body: unknown) =>
  fetch(`${api}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("npm start", () => {
  it("keeps its data across a restart and leaves no Java process behind when stopped", async () => {
    const person = pinRequestBody();
    const first = await startLocalStack(dir);
    const { contacts: _c, partAChannel: _p, hasItalianIdDocument: _h, ...record } = person;
    expect((await post(first.apiUrl, "/_local/registry", record)).status).toBe(201);
    expect((await post(first.apiUrl, "/v1/pin-requests", person)).status).toBe(202);
    expect(javaProcessesFor(dir).length).toBe(1);
    expect(await first.stop()).toBe(0);
    expect(javaProcessesFor(dir)).toEqual([]);

    const second = await startLocalStack(dir);
    try {
      expect(readFileSync(second.logFile, "utf8")).toMatch(/table pin-local \(reused\)/);
      // The credential written before the restart is still there: a new request for the person issues nothing.
      expect((await post(second.apiUrl, "/v1/pin-requests", person)).status).toBe(202);
      // The "you already have a PIN" notice travels through the outbox and the table's stream.
      await post(second.apiUrl, "/_local/streams/drain", {});
      const outbox = (await (await fetch(`${second.apiUrl}/_local/outbox`)).json()) as {
        sms: Array<{ text: string }>;
      };
      expect(outbox.sms).toHaveLength(1);
      expect(outbox.sms[0]!.text).not.toMatch(/[0-9A-F]{8}/);
    } finally {
      expect(await second.stop()).toBe(0);
    }
    expect(javaProcessesFor(dir)).toEqual([]);
  });
});
