import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// This machine runs Node 20; Lambda runs 22. The SDK's notice about its Node 22 requirement, once per process,
// would otherwise fill the test output (the workers and the local stack inherit this environment).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** The projects that each drive a local stack of their own: their files run side by side with the other's. */
const STACK_GROUP = 1;
/**
 * Workers of the stack projects: one runs on each stack, and the others wait for its lock (test/e2e/stack-lock.ts),
 * so the next file of each stack is ready the moment the previous one ends.
 */
const STACK_WORKERS = 4;

/**
 * Vitest's order (projects one after another, longest or largest files first), except that the stack projects'
 * files alternate, so both stacks are busy from the start rather than one stack's files queueing behind the other's.
 */
class Sequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const byProject = new Map<string, TestSpecification[]>();
    for (const file of sorted.filter((f) => f.project.config.sequence.groupOrder === STACK_GROUP))
      byProject.set(file.project.name, [...(byProject.get(file.project.name) ?? []), file]);
    const queues = [...byProject.values()];
    const alternated: TestSpecification[] = [];
    while (queues.some((queue) => queue.length > 0))
      for (const queue of queues) if (queue.length > 0) alternated.push(queue.shift()!);
    return [...sorted.filter((f) => f.project.config.sequence.groupOrder !== STACK_GROUP), ...alternated];
  }
}

/**
 * Five projects, one `vitest run`: unit (no I/O), integration (DynamoDB Local, started by a global setup),
 * infra (CDK template assertions and cdk-nag), e2e (the whole local stack started as a child process and
 * driven over HTTP), browser (the web client in a real Chromium, on a local stack of its own).
 */
export default defineConfig({
  test: {
    reporters: ["default"],
    // Two workers even on 2 cores (vitest's default is one fewer than the cores): the files wait on DynamoDB
    // Local, scrypt's thread pool and the service's answer floors as much as they compute.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: Sequencer },
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
          // scrypt at full cost shares two cores with the other projects' emulators and browser.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/integration/global-setup.ts"],
          setupFiles: ["test/integration/setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "infra",
          include: ["test/infra/**/*.test.ts"],
          // A worker runs file after file with aws-cdk-lib loaded once (seconds per file otherwise) and the app
          // synthesized once by test/infra/stacks.ts; no infra test mocks modules or leaves the environment changed.
          isolate: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/e2e/global-setup.ts"],
          setupFiles: ["test/e2e/one-file-at-a-time.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          maxWorkers: STACK_WORKERS,
          sequence: { groupOrder: STACK_GROUP },
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["test/browser/global-setup.ts"],
          // A journey is many page loads, logins (scrypt) and axe runs: generous on a busy 2-core machine.
          testTimeout: 300_000,
          hookTimeout: 120_000,
          setupFiles: ["test/e2e/one-file-at-a-time.ts"],
          maxWorkers: STACK_WORKERS,
          sequence: { groupOrder: STACK_GROUP },
        },
      },
    ],
  },
});
