import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { holdStackLock, type StackLockServer, startStackLock } from "../../e2e/stack-lock.ts";

/**
 * The lock that keeps the e2e and browser projects' files one at a time on their stack (test/e2e/stack-lock.ts):
 * the whole test run's isolation between files rests on it.
 */
describe("the stack lock of the e2e and browser projects", () => {
  let lock: StackLockServer;
  beforeAll(async () => {
    lock = await startStackLock();
  });
  afterAll(() => lock.close());

  it("lets one holder in at a time, and every waiting one in turn", async () => {
    // Prepare
    let inside = 0;
    let most = 0;
    const through: number[] = [];

    // Act: eight files at once, each holding the lock across a few turns of the event loop and a timer.
    await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const release = await holdStackLock(lock.url);
        inside++;
        most = Math.max(most, inside);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inside--;
        through.push(i);
        release();
      }),
    );

    // Assess
    expect(most).toBe(1);
    expect(through.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("passes the lock on when its holder's process dies without releasing it", async () => {
    // Prepare: a worker process takes the lock and is killed while holding it.
    const worker = spawn(
      process.execPath,
      [
        "-e",
        `require("node:http").get(${JSON.stringify(lock.url)}, { agent: false }, () => console.log("holding"));`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise((resolve) => worker.stdout.once("data", resolve));
    let granted = false;
    const waiting = holdStackLock(lock.url).then((release) => {
      granted = true;
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(granted).toBe(false);

    // Act
    worker.kill("SIGKILL");

    // Assess
    (await waiting)();
    expect(granted).toBe(true);
  });
});
