import { defineConfig } from "vitest/config";

// This machine runs Node 20; Lambda runs 22. The SDK's notice about its Node 22 requirement, once per process,
// would otherwise fill the test output (the workers and the local stack inherit this environment).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/**
 * Five projects, one `vitest run`: unit (no I/O), integration (DynamoDB Local, started by a global setup),
 * infra (CDK template assertions and cdk-nag), e2e (the whole local stack started as a child process and
 * driven over HTTP), browser (the web client in a real Chromium, on a local stack of its own).
 */
export default defineConfig({
  test: {
    reporters: ["default"],
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
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/e2e/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
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
          fileParallelism: false,
        },
      },
    ],
  },
});
