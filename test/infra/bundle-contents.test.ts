import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { repositoryRoot } from "../../infra/constructs/pin-bundling.ts";
import { type FunctionName, functionDefinitions } from "../../shared/functions.ts";

/** The repository and package files that put bytes into `name`'s bundle (tree-shaken as PinFunction bundles). */
async function bundledFiles(name: FunctionName): Promise<string[]> {
  const result = await build({
    entryPoints: [functionDefinitions[name].entry],
    absWorkingDir: repositoryRoot,
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    target: "node22",
    mainFields: ["module", "main"],
    minify: true,
    metafile: true,
    outfile: "index.mjs",
    logLevel: "silent",
  });
  const [output] = Object.values(result.metafile.outputs);
  return Object.entries(output?.inputs ?? {})
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
}

/**
 * What a function carries follows what its modules import, not what it runs (docs/benchmarks.md): a
 * schema module that also holds a mobile-number field brings the phone library and its metadata (about 80 KB)
 * into every function that imports it for something else.
 */
describe("bundle contents", () => {
  it.each([
    "revocations",
    "revocationConfirmations",
    "recoveryConfirmations",
    "operatorRevocations",
    "appointmentCancellations",
    "branchAppointmentDays",
  ] as const)("%s takes no mobile number and carries no phone library", async (name) => {
    const files = await bundledFiles(name);
    expect(files.some((f) => f.includes("shared/platform/http.ts"))).toBe(true);
    expect(files.filter((f) => /libphonenumber-js|mobile-metadata/.test(f))).toEqual([]);
  });

  it("the public branch list reads no table: it carries no SDK client", async () => {
    const files = await bundledFiles("branchList");
    expect(files.some((f) => f.includes("shared/branches/branches.ts"))).toBe(true);
    expect(files.filter((f) => /@aws-sdk\/|@smithy\//.test(f))).toEqual([]);
  });

  it("the registry import job carries no HTTP middleware", async () => {
    const files = await bundledFiles("registryImport");
    expect(files.some((f) => f.includes("csv-parse"))).toBe(true);
    expect(files.filter((f) => /@middy\/http-|shared\/platform\/http\.ts/.test(f))).toEqual([]);
  });
});
