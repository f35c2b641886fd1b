import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { freePort, waitFor } from "../../local/ports.ts";

declare module "vitest" {
  export interface ProvidedContext {
    apiUrl: string;
    logFile: string;
    localDir: string;
  }
}

/**
 * Starts the local stack exactly as `npm start` does (a child process running local/main.ts) in a fresh data
 * folder, waits for it to serve `/v1/health`, and stops it (SIGTERM, then SIGKILL) when the run ends.
 */
export default async function setup(project: TestProject) {
  const localDir = mkdtempSync(join(tmpdir(), "pin-e2e-"));
  const logFile = join(localDir, "service.log");
  const port = await freePort();
  const log = openSync(logFile, "a");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", resolve("local/main.ts")], {
    env: {
      ...process.env,
      PORT: String(port),
      PIN_LOCAL_DIR: localDir,
      PIN_LOCAL_SCHEDULER: "off",
      LOG_LEVEL: "DEBUG",
    },
    stdio: ["ignore", log, log],
  });
  const apiUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error("exited");
        return existsSync(join(localDir, "endpoints.json")) && (await fetch(`${apiUrl}/v1/health`)).ok;
      },
      90_000,
      "local stack",
    );
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${readFileSync(logFile, "utf8").slice(-3000)}`);
  }
  project.provide("apiUrl", apiUrl);
  project.provide("logFile", logFile);
  project.provide("localDir", localDir);
  return async () => {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
    rmSync(localDir, { recursive: true, force: true });
  };
}
