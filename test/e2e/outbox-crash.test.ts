import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pinRequestBody } from "../fixtures/requests.ts";
import type { Outbox } from "./helpers.ts";
import { leavesSharedStackAlone } from "./one-file-at-a-time.ts";
import { javaProcessesFor, startLocalStack } from "./stack.ts";

/**
 * The transactional outbox (test/e2e/outbox.test.ts) across a crash of the whole stack, on stacks of its own
 * started here: the shared one stays free for the other files meanwhile.
 */
leavesSharedStackAlone();

describe("notification outbox across a crash", () => {
  const dir = mkdtempSync(join(tmpdir(), "pin-outbox-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("loses nothing when the whole stack dies between the commit and the delivery", async () => {
    const person = pinRequestBody();
    const { contacts: _c, partAChannel: _p, hasItalianIdDocument: _h, ...record } = person;
    const post = (api: string, path: string, body: unknown) =>
      fetch(`${api}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const first = await startLocalStack(dir);
    try {
      expect((await post(first.apiUrl, "/_local/registry", record)).status).toBe(201);
      expect((await post(first.apiUrl, "/v1/pin-requests", person)).status).toBe(202);
      // Nothing reads the stream from now on; the second request for the same person commits its notice.
      expect((await post(first.apiUrl, "/_local/streams", { running: false })).status).toBe(200);
      expect((await post(first.apiUrl, "/v1/pin-requests", person)).status).toBe(202);
    } finally {
      await first.crash();
    }
    expect(javaProcessesFor(dir)).toEqual([]);

    const second = await startLocalStack(dir);
    try {
      const deadline = Date.now() + 20_000;
      let notices: Array<{ to: string; text: string }> = [];
      while (notices.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const box = (await (await fetch(`${second.apiUrl}/_local/outbox`)).json()) as Outbox;
        notices = box.sms.filter(
          (m) => m.to === person.contacts.mobile && /Revoca PIN|Revoke PIN/.test(m.text),
        );
      }
      expect(notices).toHaveLength(1);
      expect(notices[0]!.text).not.toMatch(/[0-9A-F]{8}/);
      await post(second.apiUrl, "/_local/streams/drain", {});
      const box = (await (await fetch(`${second.apiUrl}/_local/outbox`)).json()) as Outbox;
      expect(box.sms.filter((m) => m.to === person.contacts.mobile)).toHaveLength(1);
      expect(readFileSync(second.logFile, "utf8")).toMatch(/table pin-local \(reused\)/);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});
