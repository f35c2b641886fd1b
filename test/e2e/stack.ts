import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, openSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { freePort, waitFor } from "../../local/ports.ts";

export interface RunningStack {
  apiUrl: string;
  logFile: string;
  stop(): Promise<number | null>;
  /** Kills the stack and its DynamoDB Local at once (SIGKILL): nothing gets to finish or save. */
  crash(): Promise<void>;
}

/** Starts the local stack exactly as `npm start` does, as a child process on `dir`, and waits for health. */
export async function startLocalStack(dir: string, env: Record<string, string> = {}): Promise<RunningStack> {
  const port = await freePort();
  const logFile = join(dir, "service.log");
  const log = openSync(logFile, "a");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", resolve("local/main.ts")], {
    env: { ...process.env, PORT: String(port), PIN_LOCAL_DIR: dir, PIN_LOCAL_SCHEDULER: "off", ...env },
    stdio: ["ignore", log, log],
  });
  const apiUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error("exited");
        return existsSync(join(dir, "endpoints.json")) && (await fetch(`${apiUrl}/v1/health`)).ok;
      },
      90_000,
      "local stack",
    );
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${readFileSync(logFile, "utf8").slice(-3000)}`);
  }
  return {
    apiUrl,
    logFile,
    async stop() {
      const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async crash() {
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGKILL");
      for (const pid of javaProcessesFor(dir)) process.kill(Number(pid), "SIGKILL");
      await exited;
      await waitFor(async () => javaProcessesFor(dir).length === 0, 10_000, "DynamoDB Local to die");
    },
  };
}

/** DynamoDB Local processes whose data folder is `dir` (none should outlive their stack). */
export function javaProcessesFor(dir: string): string[] {
  try {
    return execFileSync("pgrep", ["-f", `DynamoDBLocal.*${dir}`], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter(Boolean);
  } catch {
    return [];
  }
}
