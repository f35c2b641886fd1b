import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startLocalStack } from "../e2e/stack.ts";
import { startStackLock } from "../e2e/stack-lock.ts";

declare module "vitest" {
  export interface ProvidedContext {
    webOrigin: string;
  }
}

/**
 * Starts the local stack as `npm start` does (its own, beside the e2e project's), which builds and serves the
 * web client on its origin. Pages are opened on `http://localhost:<port>`, the service's web origin, so the
 * links it mails open the same pages.
 */
export default async function setup(project: TestProject) {
  const localDir = mkdtempSync(join(tmpdir(), "pin-browser-"));
  const stack = await startLocalStack(localDir, {
    LOG_LEVEL: "WARN",
    SOURCE_MISSES_PER_HOUR: "100",
    PIN_LOCAL_TIMEOUT_SCALE: "8",
  });
  project.provide("apiUrl", stack.apiUrl);
  project.provide("logFile", stack.logFile);
  project.provide("localDir", localDir);
  const lock = await startStackLock();
  project.provide("stackLock", lock.url);
  project.provide("webOrigin", stack.apiUrl.replace("127.0.0.1", "localhost"));
  return async () => {
    await lock.close();
    await stack.stop();
    rmSync(localDir, { recursive: true, force: true });
  };
}
