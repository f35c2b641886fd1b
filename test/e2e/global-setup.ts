import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startLocalStack } from "./stack.ts";
import { startStackLock } from "./stack-lock.ts";

declare module "vitest" {
  export interface ProvidedContext {
    apiUrl: string;
    logFile: string;
    localDir: string;
    /** The lock each test file holds on the stack (test/e2e/stack-lock.ts). */
    stackLock: string;
  }
}

/**
 * Starts the local stack exactly as `npm start` does (a child process running local/main.ts) in a fresh data
 * folder, with DEBUG logs captured to a file the tests search for secrets; stops it when the run ends.
 */
export default async function setup(project: TestProject) {
  const localDir = mkdtempSync(join(tmpdir(), "pin-e2e-"));
  const stack = await startLocalStack(localDir, {
    LOG_LEVEL: "DEBUG",
    SOURCE_MISSES_PER_HOUR: "40",
    // Two cores shared by every test project: slow answers must not turn into local function timeouts.
    PIN_LOCAL_TIMEOUT_SCALE: "8",
  });
  project.provide("apiUrl", stack.apiUrl);
  project.provide("logFile", stack.logFile);
  project.provide("localDir", localDir);
  const lock = await startStackLock();
  project.provide("stackLock", lock.url);
  return async () => {
    await lock.close();
    await stack.stop();
    rmSync(localDir, { recursive: true, force: true });
  };
}
